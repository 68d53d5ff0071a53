"""The run report: terminal table, JSON and JUnit XML, with secrets scrubbed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from vstape.reports import json as json_report
from vstape.reports import junit, text
from vstape.reports.run import RunReport


def _report() -> RunReport:
    report = RunReport()
    report.add("create_vector_store", 200, [], [])
    report.add("create_vector_store", 400, [], [])
    report.add("search_vector_store", 200, ["$.max_num_results: 99 > 50 (sk-abcdefgh12345)"], [])
    report.add("get_vector_store", 200, [], ["$.extra: unknown field"])
    return report


def test_table_has_one_row_per_route_and_a_total() -> None:
    """Rows sorted by route with counts, statuses, violations and drift; a summary line."""
    lines = text.run(_report()).splitlines()
    assert lines[0].split() == ["route", "count", "statuses", "violations", "drift"]
    assert lines[2].split() == ["create_vector_store", "2", "200x1", "400x1", "0", "0"]
    assert lines[3].split() == ["get_vector_store", "1", "200x1", "0", "1"]
    assert lines[4].split() == ["search_vector_store", "1", "200x1", "1", "0"]
    assert lines[-1] == "4 exchanges, 3 routes, 1 violations"


def test_json_report_counts_and_scrubs() -> None:
    """The JSON report has per-route counts and messages without secrets."""
    data = json.loads(json_report.run(_report()))
    assert data["total"] == 4
    assert data["routes"]["create_vector_store"]["statuses"] == {"200": 1, "400": 1}
    assert data["routes"]["get_vector_store"]["drift"] == 1
    assert "sk-abcdefgh12345" not in json.dumps(data)


def test_junit_has_one_case_per_route_and_failures_for_violations() -> None:
    """JUnit XML: a testcase per route, a failure element where there were violations."""
    suite = ET.fromstring(junit.run(_report()))
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    failed = [c.get("name") for c in suite if c.find("failure") is not None]
    assert failed == ["search_vector_store"]


def test_responses_broken_on_purpose_are_counted_apart_not_as_violations() -> None:
    """A body fault's response is counted as broken on purpose, in the table and the JSON."""
    report = _report()
    report.add("get_vector_store", 200, [], [], broken_on_purpose=True)
    report.add("get_vector_store", 502, [], [], broken_on_purpose=True)
    assert report.routes["get_vector_store"].violations == 0
    assert text.run(report).splitlines()[-1] == (
        "6 exchanges, 3 routes, 1 violations; "
        "2 responses broken on purpose by fault injection (not validated)"
    )
    data = json.loads(json_report.run(report))
    assert data["broken_on_purpose"] == 2
    assert data["routes"]["get_vector_store"]["broken_on_purpose"] == 2
    assert data["routes"]["create_vector_store"]["broken_on_purpose"] == 0
    suite = ET.fromstring(junit.run(report))
    assert [c.get("name") for c in suite if c.find("failure") is not None] == [
        "search_vector_store"
    ]
