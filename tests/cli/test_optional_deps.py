"""Without mitmproxy (or openai) installed, every command that needs it says what to install.

``pip install vstape`` has no mitmproxy. Each command runs in a subprocess where
``import mitmproxy`` (and ``import openai``) fail as they fail where the package is
missing (:mod:`tests.cli.without`); the commands that need them must exit 2 with
``pip install 'vstape[proxy]'`` (and ``pip install openai``) before doing anything, and
every other command must work as usual.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_help import SUBCOMMANDS
from tests.cli.without import Done, run_without
from tests.procs import ROOT

PROXY = (
    "vstape {cmd}: needs mitmproxy (the proxy behind it), which cannot be imported "
    "(No module named 'mitmproxy'); install it with: pip install 'vstape[proxy]'"
)
SDK = (
    "vstape {cmd}: needs the official OpenAI SDK (it drives the traffic), which cannot be "
    "imported (No module named 'openai'); install it with: pip install openai"
)

# The arguments each proxy command needs to get past argparse (a new command must be added).
ARGS = {
    "emulate": [],
    "record": ["--cassette", "{tmp}/c.yaml"],
    "replay": [str(ROOT / "cassettes" / "get_file" / "ok.yaml")],
    "demo": ["--out", "{tmp}/demo"],
}


def _run(tmp: Path, blocked: str, *args: str) -> Done:
    return run_without(blocked.split(","), tmp, *args)


def _needing(module: str) -> set[str]:
    return {name for name, parser in SUBCOMMANDS.items() if module in parser.get_default("_needs")}


def test_every_command_needing_mitmproxy_is_covered() -> None:
    """The commands that declare mitmproxy are exactly those this test runs."""
    assert _needing("mitmproxy") == set(ARGS)
    assert _needing("openai") == {"demo"}


@pytest.mark.parametrize("cmd", sorted(ARGS))
@pytest.mark.parametrize("blocked", ["mitmproxy", "mitmproxy,openai"])
def test_proxy_command_says_what_to_install(tmp_path: Path, cmd: str, blocked: str) -> None:
    """Exit 2, one line per missing package, and nothing done (no file, no listening)."""
    args = [a.format(tmp=tmp_path) for a in ARGS[cmd]]
    done = _run(tmp_path, blocked, cmd, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    expected = [PROXY.format(cmd=cmd)]
    if cmd == "demo" and "openai" in blocked:
        expected += [
            SDK.format(cmd=cmd),
            "vstape demo: in one go: pip install 'vstape[proxy]' openai",
        ]
    assert done.stderr.splitlines() == expected
    assert done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("blocked", ["mitmproxy", "openai"])
def test_cassettes_regenerate_says_what_to_install(tmp_path: Path, blocked: str) -> None:
    """`cassettes regenerate` needs both; `cassettes check` needs neither."""
    done = _run(tmp_path, blocked, "cassettes", "regenerate", "--out", str(tmp_path / "out"))
    assert done.returncode == 2, done.stdout + done.stderr
    message = PROXY if blocked == "mitmproxy" else SDK
    assert done.stderr.splitlines() == [message.format(cmd="cassettes regenerate")]
    assert not (tmp_path / "out").exists()
    checked = _run(tmp_path, "mitmproxy,openai", "cassettes", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


CORE = [
    ["validate", str(ROOT / "cassettes" / "get_file")],
    ["lint", str(ROOT / "cassettes" / "get_file" / "ok.yaml")],
    ["coverage", str(ROOT / "cassettes" / "get_file")],
    ["routes"],
    ["faults", "--route", "get_file"],
    ["where"],
    ["docs", "install"],
    ["import", str(ROOT / "tests" / "cli" / "data" / "get_file_ok.har"), "--cassette", "in.yaml"],
    ["export", str(ROOT / "cassettes" / "get_file" / "ok.yaml"), "--har", "out.har"],
    ["diff", *[str(ROOT / "cassettes" / "get_file" / "ok.yaml")] * 2],
    ["drift", "live", str(ROOT / "cassettes" / "get_file"), "--upstream", "http://127.0.0.1:9"],
]


def test_every_other_command_is_in_this_list() -> None:
    """What does not need mitmproxy is run below without it."""
    assert {c[0] for c in CORE} | set(ARGS) | {"cassettes"} == set(SUBCOMMANDS)


@pytest.mark.parametrize("args", CORE, ids=lambda a: a[0])
def test_core_commands_work_without_mitmproxy_and_openai(tmp_path: Path, args: list[str]) -> None:
    """The core install runs them all."""
    done = _run(tmp_path, "mitmproxy,openai", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mitmproxy" not in done.stderr
