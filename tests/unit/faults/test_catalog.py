"""The failure catalog: real SDK exceptions, the SDK's retry rule, behaviour that fits the kind."""

from __future__ import annotations

import importlib
import json

import pytest

from vstape.faults.catalog import CATALOG
from vstape.faults.scenario import Scenario

SDK_RETRIES = {408, 409, 429}  # and every status >= 500 (openai-sdk-notes.md, section 7)


@pytest.mark.parametrize("scenario", CATALOG, ids=[s.name for s in CATALOG])
def test_exception_names_resolve(scenario: Scenario) -> None:
    """Every catalog exception is a real class of the SDK (or json)."""
    if not scenario.exception:
        assert scenario.kind in ("sequence", "latency")
        return
    module, _, name = scenario.exception.rpartition(".")
    found = getattr(importlib.import_module(module), name)
    assert issubclass(found, BaseException)


@pytest.mark.parametrize(
    "scenario", [s for s in CATALOG if s.kind == "status"], ids=lambda s: s.name
)
def test_status_scenarios_retry_exactly_as_the_sdk_decides(scenario: Scenario) -> None:
    """``retried`` follows the SDK's rule: 408/409/429/5xx unless x-should-retry: false."""
    assert scenario.status is not None
    refused = ("x-should-retry", "false") in scenario.headers
    expected = (scenario.status in SDK_RETRIES or scenario.status >= 500) and not refused
    assert scenario.retried is expected


def test_vstape_faults_prints_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    """`vstape faults` lists every scenario; --route narrows; --json is the data; bad route: 2."""
    from vstape.cli.main import main

    assert main(["faults"]) == 0
    out = capsys.readouterr().out
    assert all(f"\n{s.name} " in out for s in CATALOG)
    assert main(["faults", "--route", "list_vector_stores", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert "not_found" not in [r["name"] for r in rows]
    assert {"name": "rate_limited", "sdk_exception": "openai.RateLimitError"}.items() <= next(
        r for r in rows if r["name"] == "rate_limited"
    ).items()
    assert main(["faults", "--route", "nope"]) == 2
    assert "unknown route 'nope'; valid routes:" in capsys.readouterr().err


@pytest.mark.parametrize("scenario", CATALOG, ids=[s.name for s in CATALOG])
def test_each_scenario_is_played_as_its_kind_says(scenario: Scenario) -> None:
    """The behaviour a scenario carries fits its kind, so the addons need no name."""
    if scenario.kind == "status":
        assert scenario.enactment == "respond" and scenario.status is not None
    if scenario.kind == "transport":
        assert scenario.enactment in ("stall", "reset") and scenario.transport_error
    if scenario.kind == "body":
        assert (scenario.breaker is None) == (scenario.enactment == "respond")
        assert scenario.status is not None
    if scenario.kind == "sequence":
        assert scenario.enactment == "none" and scenario.steps
    if scenario.kind == "latency":
        assert scenario.enactment == "delay"
    assert bool(scenario.page) <= (scenario.enactment == "respond")
    assert scenario.answers_in_place == (scenario.enactment in ("respond", "stall", "reset"))
