"""The README's first testing example, as written: recorded against `vstape emulate`, then replayed.

The example and its commands are read from docs/readme/testing.md, so the README cannot
show a marker that records somewhere else than it says (pytest-recording treats marker
arguments as extra, read-only cassettes; ``--record-mode=once`` writes the default one).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.procs import vstape_server
from vstape.cassettes.io import load

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
FRAGMENT = ROOT / "docs" / "readme" / "testing.md"


def _block(text: str, fence: str, first_line: str) -> str:
    for block in text.split(f"```{fence}\n")[1:]:
        code = block.split("```", 1)[0]
        if code.startswith(first_line):
            return code
    raise AssertionError(f"no {fence} block starting with {first_line!r} in {FRAGMENT}")


def test_the_search_example_records_where_it_says_and_replays(pytester: pytest.Pytester) -> None:
    """`--record-mode=once` against the emulator writes the commented path; offline it replays."""
    text = FRAGMENT.read_text()
    code = _block(text, "python", "# tests/test_search.py")
    commands = _block(text, "sh", "vstape emulate")
    said = re.search(r"default_cassette\(.*\)\s+#\s+(\S+)", code)
    assert said, "the example says where its cassette goes"
    assert "pytest --record-mode=once" in commands
    assert "pytest --record-mode=none --block-network" in commands
    tests = pytester.mkdir("tests")
    (tests / "test_search.py").write_text(code)
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n"
        "    ignore::pytest.PytestRemovedIn10Warning\n"
    )
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    try:
        with vstape_server("emulate", "--listen", "127.0.0.1:0") as (_, url):
            monkeypatch.setenv("OPENAI_BASE_URL", url)
            recorded = pytester.runpytest_subprocess("--record-mode=once")
            recorded.assert_outcomes(passed=1)
        monkeypatch.delenv("OPENAI_BASE_URL")
        cassette = pytester.path / said.group(1)
        assert cassette.is_file(), sorted(str(p) for p in pytester.path.rglob("*.yaml"))
        routes = [i.vstape.route for i in load(cassette).interactions]  # type: ignore[union-attr]
        assert routes[0] == "create_vector_store" and routes[-1] == "search_vector_store"
        assert "upload_file" in routes
        assert [p.name for p in pytester.path.rglob("*.yaml")] == ["search.yaml"]
        # The emulator is gone and the network blocked: the answers come from the cassette.
        replayed = pytester.runpytest_subprocess("--record-mode=none", "--block-network")
        replayed.assert_outcomes(passed=1)
    finally:
        monkeypatch.undo()
