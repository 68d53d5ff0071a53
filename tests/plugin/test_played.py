"""`pytest --vstape-played=FILE`: what a test run really replayed, for `vstape coverage`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vstape.cassettes.io import load
from vstape_pytest._shipped import failure_scenarios

SUITE = """
    import pytest

    def test_failures(get_vector_store_failure, openai_client):
        with pytest.raises(get_vector_store_failure.exception):
            openai_client.vector_stores.retrieve("vs_any")

    def test_search(search_vector_store_response, openai_client):
        openai_client.vector_stores.search("vs_any", query="refunds")

    def test_unused_fixture_plays_nothing(list_files_response):
        pass
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["no-xdist", "xdist-2"])
def test_played_interactions_become_a_coverage_report(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    """Each played interaction once (across xdist workers); unplayed ones are absent."""
    pytester.makepyfile(textwrap.dedent(SUITE))
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
    )
    target = pytester.path / "out" / "played.yaml"
    result = pytester.runpytest_subprocess(
        "--block-network", f"--vstape-played={target}", *workers, "-p", "xdist"
    )
    scenarios = failure_scenarios("get_vector_store")
    result.assert_outcomes(passed=len(scenarios) + 2)
    played = load(target).interactions
    result.stdout.fnmatch_lines([f"*vstape: {len(played)} replayed interactions -> {target}*"])
    labels = sorted(
        (i.vstape.route, i.vstape.scenario or "ok")  # type: ignore[union-attr]
        for i in played
    )
    assert labels == sorted(
        [("get_vector_store", s) for s in scenarios] + [("search_vector_store", "ok")]
    )
    assert not list(target.parent.glob("*.part"))
    report = pytester.path / "coverage.json"
    done = subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", "coverage", str(target), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    cells = json.loads(report.read_text())["routes"]["get_vector_store"]["cells"]
    assert set(cells) == set(scenarios)
    assert "list_files" not in {i.vstape.route for i in played}  # type: ignore[union-attr]


def test_without_the_option_nothing_is_written(pytester: pytest.Pytester) -> None:
    """No --vstape-played: no file, no line."""
    pytester.makepyfile(textwrap.dedent(SUITE))
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest("--block-network")
    assert "replayed interactions ->" not in result.stdout.str()
    assert not list(Path(pytester.path).rglob("*.yaml"))
