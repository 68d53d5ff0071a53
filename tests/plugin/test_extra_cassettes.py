"""Extra cassettes (``@pytest.mark.vcr("name.yaml")``): where a relative name resolves, and a missing one.

Relative names resolve against the module's ``vcr_cassette_dir`` (``cassettes/<module>/``
next to the test file). A missing extra is an error naming it when the test can only
replay, a warning when it records; stock pytest-recording ignores it silently.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.plugin.cassette_factory import record
from tests.plugin.local_server import INI

pytest_plugins = ["pytester"]

MODULE = """
import pytest
from openai import OpenAI


def client():
    return OpenAI(api_key="sk-test", max_retries=0)


@pytest.mark.vcr("shared/basic.yaml")
def test_relative_extra_replays():
    assert client().vector_stores.create(name="a").name == "a"


@pytest.mark.vcr("does/not/exist.yaml")
def test_missing_extra():
    client().vector_stores.create(name="a")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Path:
    """The module, and `shared/basic.yaml` under its default vcr_cassette_dir."""
    pytester.makepyfile(test_extras=textwrap.dedent(MODULE))
    pytester.makeini(INI)
    folder = pytester.path / "cassettes" / "test_extras"
    record(folder / "shared" / "basic.yaml", lambda c: c.vector_stores.create(name="a"))
    return folder


def test_relative_extra_resolves_against_the_module_cassette_dir(
    pytester: pytest.Pytester, suite: Path
) -> None:
    """`shared/basic.yaml` is read from cassettes/test_extras/shared/, not the current folder."""
    result = pytester.runpytest_subprocess(
        "--record-mode=none", "--block-network", "test_extras.py::test_relative_extra_replays"
    )
    result.assert_outcomes(passed=1)


def test_a_missing_extra_is_an_error_naming_it_when_the_test_replays(
    pytester: pytest.Pytester, suite: Path
) -> None:
    """--record-mode=none: the error names the extra as written, where it looked, and how names resolve."""
    result = pytester.runpytest_subprocess(
        "--record-mode=none", "--block-network", "test_extras.py::test_missing_extra"
    )
    result.assert_outcomes(errors=1)
    looked = suite / "does" / "not" / "exist.yaml"
    result.stdout.fnmatch_lines(
        [
            "*VstapeMissingCassette: vstape: the extra cassette 'does/not/exist.yaml' named in "
            f"@pytest.mark.vcr(...) does not exist: no file at {looked}; nothing can be replayed "
            f"from it. A relative name resolves against the test module's vcr_cassette_dir ({suite})*"
        ]
    )
    assert "test_missing_extra.yaml" not in result.stdout.str()  # not the default cassette


def test_a_missing_extra_is_a_warning_when_the_test_records(
    pytester: pytest.Pytester, suite: Path, tmp_path: Path
) -> None:
    """Recording: the test runs and records into its own cassette; the warning says so."""
    from vstape.emulator import Emulator
    from vstape.emulator.http_server import EmulatorServer

    server = EmulatorServer(Emulator())
    try:
        pytester._monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        result = pytester.runpytest_subprocess(
            "--record-mode=once", "test_extras.py::test_missing_extra"
        )
    finally:
        server.stop()
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*the extra cassette 'does/not/exist.yaml'*recorded into its own cassette*"]
    )
    assert (suite / "test_missing_extra.yaml").exists()
    assert not (suite / "does").exists()  # extras are never written


def test_stock_pytest_recording_ignores_a_missing_extra(
    pytester: pytest.Pytester, suite: Path
) -> None:
    """With vstape off the miss names the default cassette, as stock pytest-recording does."""
    result = pytester.runpytest_subprocess(
        "--vstape=off",
        "--record-mode=none",
        "--block-network",
        "test_extras.py::test_missing_extra",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Cassette: */cassettes/test_extras/test_missing_extra.yaml"])
