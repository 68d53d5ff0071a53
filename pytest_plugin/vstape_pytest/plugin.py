"""pytest11 entry point of vstape: the hooks (options, ini keys, the marker, the replay checks).

Kept cheap to import (this module loads in every pytest run of the environment): vcrpy
and vstape's replay engine (:mod:`vstape_pytest._vcr`) are imported only when a test uses
a cassette. The fixtures are defined in :mod:`vstape_pytest.fixtures`, registered with
this plugin through ``pytest_plugins``.

Precedence, for every setting: ``@pytest.mark.vstape(...)`` > command line > ini > default.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from vstape_pytest.fixtures import FAILURE_FIXTURE_ROUTES
from vstape_pytest.settings import (
    CHOICES,
    CURRENT,
    HELP,
    HOSTS_HELP,
    OFF_HELP,
    Settings,
    resolve,
)

pytest_plugins = ["vstape_pytest.fixtures"]

_SETTINGS_KEY = pytest.StashKey[Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """One option group and matching ini keys."""
    group = parser.getgroup("vstape", "vstape: replay OpenAI Vector Stores cassettes")
    for name, choices in CHOICES.items():
        if name == "fast_forward":
            group.addoption(
                "--vstape-fast-forward",
                dest="vstape_fast_forward",
                action="store_const",
                const="true",
                default=None,
                help=HELP[name] + " (default)",
            )
            group.addoption(
                "--vstape-no-fast-forward",
                dest="vstape_fast_forward",
                action="store_const",
                const="false",
                help="replay recorded poll and retry delays as they are",
            )
        else:
            group.addoption(
                f"--vstape-{name}",
                dest=f"vstape_{name}",
                choices=choices,
                default=None,
                help=HELP[name],
            )
        parser.addini(f"vstape_{name}", HELP[name] + f" ({' | '.join(choices)})", default="")
    group.addoption(
        "--vstape",
        dest="vstape_mode",
        choices=("on", "off"),
        default=None,
        help=OFF_HELP,
    )
    parser.addini("vstape", OFF_HELP + " (on | off)", default="")
    group.addoption(
        "--vstape-hosts",
        dest="vstape_hosts",
        default=None,
        metavar="HOST[,HOST...]",
        help=HOSTS_HELP,
    )
    parser.addini("vstape_hosts", HOSTS_HELP + " (comma or space separated)", default="")
    group.addoption(
        "--vstape-played",
        dest="vstape_played",
        default="",
        metavar="FILE",
        help="write every interaction the run replayed into this cassette (for `vstape coverage`)",
    )


def _played_target(config: pytest.Config) -> Path | None:
    value = config.getoption("vstape_played", default="")
    return Path(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    """Check the command line and ini settings, register the marker, clear ``--vstape-played``."""
    resolve(config)  # a wrong value is a usage error now, not a failure of every test
    target = _played_target(config)
    if target is not None and not hasattr(config, "workerinput"):
        from vstape_pytest import played

        played.start(target)
    config.addinivalue_line(
        "markers",
        "vstape(validate='error', unused='warn', exhausted='repeat-last', format='yaml', fast_forward=True, "
        "match='exact', off=False, hosts=()): per-test vstape settings (they beat the command line and ini)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test once per failure scenario of each ``<route>_failure`` fixture it uses."""
    for fixturename in metafunc.fixturenames:
        route = FAILURE_FIXTURE_ROUTES.get(fixturename)
        if route is None:
            continue
        from vstape_pytest._shipped import failure_scenarios

        names = failure_scenarios(route)
        metafunc.parametrize(fixturename, names, indirect=True, ids=names)


def _marker_kwargs(item: pytest.Item) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for mark in reversed(list(item.iter_markers("vstape"))):
        merged.update(mark.kwargs)
    return merged


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Resolve the test's settings before fixtures (and cassettes) are created."""
    settings = resolve(item.config, _marker_kwargs(item))
    item.stash[_SETTINGS_KEY] = settings
    uses_vcr = "vcr" in getattr(item, "fixturenames", ()) or bool(item.get_closest_marker("vcr"))
    if uses_vcr or "vstape_pytest._vcr.cassette" in sys.modules:  # else nothing to reset
        from vstape_pytest._vcr import lifecycle

        lifecycle.begin(settings, uses_vcr)
    return (yield)


@pytest.hookimpl(optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """pytest-recording hands over its VCR: vstape handles its OpenAI traffic (unless off)."""
    settings = CURRENT.get()
    if not settings.off:
        from vstape_pytest._vcr.configure import configure

        configure(vcr, settings)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After the test body: report (or fail on) unused interactions."""
    result = yield
    settings = item.stash.get(_SETTINGS_KEY, None)
    if settings is None or settings.unused == "off" or not item.get_closest_marker("vcr"):
        return result
    from vstape_pytest._vcr import lifecycle
    from vstape_pytest.errors import ReplayWarning, VstapeUnusedInteractions

    for message in lifecycle.unused_reports():
        if settings.unused == "fail":
            raise VstapeUnusedInteractions(message)
        warnings.warn(message, ReplayWarning, stacklevel=1)
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    """``--vstape-played``: workers hand over what they replayed; the controller writes it."""
    target = _played_target(session.config)
    if target is None:
        return
    from vstape_pytest import played

    worker = getattr(session.config, "workerinput", None)
    if worker is not None:
        played.finish_worker(target, str(worker["workerid"]))
        return
    count = played.finish(target)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"vstape: {count} replayed interactions -> {target}")
