"""pytest-recording's own test suite gives exactly the same outcomes with vstape active as without.

Nothing is vendored: the sdist of the *installed* pytest-recording version is downloaded
from the package index (``pip download --no-binary``; its test suite ships in the sdist),
unpacked into a temporary folder, and the test dependencies it declares (its ``tests``
extra) are installed into that folder (``pip install --prefix``; the project venv is not
touched). The suite then runs twice, at the same time, in subprocesses that differ only
in one plugin:

- baseline: every installed pytest plugin except vstape's;
- vstape: the same plugins plus vstape's.

Plugins are named through ``PYTEST_PLUGINS`` with autoload off: pytester strips
``PYTEST_ADDOPTS`` from its inner sessions, so ``-p no:vstape`` would not reach them, while
``PYTEST_PLUGINS`` does - vstape is active (or absent) in every inner pytester session.
A probe plugin (:mod:`vstape_contract_probe`) proves it from inside each session.

Deselected in both runs, by name, with the reason:
``test_blocking_network.py::test_block_network_with_allowed_hosts`` (3 cases) calls
``requests.get("http://example.com")`` and needs DNS to reach the network guard.

Run by ``make contract`` (part of ``make test``); about a minute on two cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
import xml.etree.ElementTree as ET
from importlib.metadata import distributions, version
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DESELECTED = {
    "tests/test_blocking_network.py::test_block_network_with_allowed_hosts": (
        "requests.get('http://example.com') resolves DNS before the network guard answers"
    ),
}
TIMEOUT_S = 600

pytestmark = pytest.mark.timeout(TIMEOUT_S * 2)


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def _fetch_suite(folder: Path) -> tuple[Path, Path]:
    """The unpacked sdist of the installed pytest-recording, and its test deps' site folder."""
    wanted = version("pytest-recording")
    pip = [sys.executable, "-m", "pip"]
    _run(
        [
            *pip,
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-d",
            str(folder),
            f"pytest-recording=={wanted}",
        ]
    )
    (archive,) = folder.glob(f"pytest_recording-{wanted}.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    source = folder / f"pytest_recording-{wanted}"
    extras = tomllib.loads((source / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["tests"]
    prefix = folder / "deps"
    _run([*pip, "install", "-q", "--prefix", str(prefix), *extras])
    sites = sorted(prefix.glob("lib/python*/site-packages"))
    if not sites:  # every test dependency was installed already: nothing went to the prefix
        sites = [prefix]
        prefix.mkdir(exist_ok=True)
    return source, sites[0]


def _plugins(site: Path, with_vstape: bool) -> str:
    """Every installed pytest11 plugin module (vstape's only if asked), then the probe."""
    modules = [
        point.value
        for dist in distributions(path=[str(site), *sys.path])
        for point in dist.entry_points
        if point.group == "pytest11" and (with_vstape or point.name != "vstape")
    ]
    return ",".join(dict.fromkeys([*modules, "vstape_contract_probe"]))


def _start(source: Path, site: Path, name: str, with_vstape: bool) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(HERE)]),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTEST_PLUGINS": _plugins(site, with_vstape),
        "VSTAPE_CONTRACT_PROBE": str(source.parent / f"{name}.probe.jsonl"),
    }
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("OPENAI_BASE_URL", None)
    deselect = [arg for nodeid in DESELECTED for arg in ("--deselect", nodeid)]
    report = source.parent / f"{name}.xml"
    command = [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"]
    return subprocess.Popen(
        [*command, f"--junitxml={report}", "-o", "junit_family=xunit2", *deselect],
        cwd=source,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _outcomes(report: Path) -> dict[str, str]:
    """``classname::name`` -> passed | failed | error | skipped, from a JUnit XML report."""
    found = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}.get(
            kinds[0] if kinds else "", "passed"
        )
        found[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return found


def _counts(outcomes: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return dict(sorted(counts.items()))


def test_pytest_recording_suite_gives_the_same_outcomes_with_vstape(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Test by test, the suite's outcomes under vstape equal its outcomes without vstape."""
    folder = tmp_path_factory.mktemp("pytest-recording-suite")
    source, site = _fetch_suite(folder)
    runs = {name: _start(source, site, name, name == "vstape") for name in ("baseline", "vstape")}
    try:
        logs = {name: proc.communicate(timeout=TIMEOUT_S)[0] for name, proc in runs.items()}
    finally:  # a run that overstays its time is stopped, never left behind
        for proc in runs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    outcomes = {name: _outcomes(folder / f"{name}.xml") for name in runs}
    probes = {
        name: [
            json.loads(line) for line in (folder / f"{name}.probe.jsonl").read_text().splitlines()
        ]
        for name in runs
    }
    summary = {name: _counts(found) for name, found in outcomes.items()}
    print(f"pytest-recording {version('pytest-recording')}: {summary}; deselected {DESELECTED}")
    print({name: len(lines) for name, lines in probes.items()}, "sessions probed")

    baseline, under_vstape = outcomes["baseline"], outcomes["vstape"]
    # The harness itself works: the suite passes without vstape (skips: pycurl, platform).
    assert baseline, f"the baseline ran no test:\n{logs['baseline']}"
    assert set(summary["baseline"]) <= {"passed", "skipped"}, logs["baseline"][-20000:]
    differences = {
        test: (baseline.get(test), under_vstape.get(test))
        for test in sorted(set(baseline) | set(under_vstape))
        if baseline.get(test) != under_vstape.get(test)
    }
    assert not differences, (
        f"outcomes differ (baseline, vstape): {json.dumps(differences, indent=1)}\n"
        f"--- vstape run ---\n{logs['vstape'][-20000:]}"
    )

    # vstape was there in every session of the vstape run (inner pytester ones too), handled
    # every VCR pytest-recording made, and left vcrpy's Cassette class alone; never in the baseline.
    assert len(probes["vstape"]) > 1 and all(p["vstape_registered"] for p in probes["vstape"])
    assert sum(p["vcrs"] for p in probes["vstape"]) > 0
    assert all(p["vstape_vcrs"] == p["vcrs"] for p in probes["vstape"])
    assert all(p["cassette_class_stock"] for p in probes["vstape"])
    assert not any(p["vstape_registered"] or p["vstape_vcrs"] for p in probes["baseline"])
    assert len(probes["baseline"]) == len(probes["vstape"])
