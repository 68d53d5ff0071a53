"""One writer per format serves every report kind: the same framing, the same escaping.

The writers were twins once and differed: the run report's JSON had no final newline,
its JUnit XML had no ``errors``/``skipped`` counts and let control characters through
(XML 1.0 forbids them: the file did not parse), and a finding's terminal line kept raw
newlines (a hostile field name forged lines). These tests pin the one behaviour.
"""

from __future__ import annotations

import json as stdlib_json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from vstape.reports import json, junit, sarif, text
from vstape.reports.coverage import build
from vstape.reports.findings import UNUSABLE, Finding, Report
from vstape.reports.run import RecordingTally, RunReport
from vstape.validation.violations import Kind, Violation

HOSTILE = "response $.x\nFORGED: all clean\x1b[31m\t\r"


def _finding(path: str = "response $.usage_bytes", file: str = "a.yaml") -> Finding:
    return Finding(
        tool="validate",
        rule="type",
        level="error",
        file=file,
        message=f"bad value at {path}",
        interaction=0,
        route="get_vector_store",
        subject="GET https://api.openai.com/v1/vector_stores/vs_1",
        path=path,
        line=2,
    )


def _findings_report() -> Report:
    broken = Finding(tool="validate", rule=UNUSABLE, level="error", file="b.yaml", message="no")
    return Report("validate", ["a.yaml", "b.yaml", "c.yaml"], [_finding(HOSTILE), broken])


def _run_report() -> RunReport:
    report = RunReport()
    report.add("get_vector_store", 200, [], [])
    report.add("search_vector_store", 200, ["$.x: bad \x1b[31m\x00 value"], [])
    report.recording = RecordingTally()
    report.recording.kept()
    report.recording.lost("disk full", "POST /v1/vector_stores c.yaml: disk full")
    return report


@pytest.mark.parametrize(
    "document",
    [
        lambda: json.findings(_findings_report()),
        lambda: json.run(_run_report()),
        lambda: json.coverage(build([])),
        lambda: sarif.findings(_findings_report(), Path.cwd()),
    ],
    ids=["findings", "run", "coverage", "sarif"],
)
def test_every_json_report_is_indented_and_ends_with_one_newline(
    document: Callable[[], bytes],
) -> None:
    """Two-space indent, one final newline: what `cat` and diff tools expect of a text file."""
    data: bytes = document()
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    assert data.startswith(b'{\n  "')
    stdlib_json.loads(data)


@pytest.mark.parametrize(
    ("xml", "counts"),
    [
        (lambda: junit.findings(_findings_report()), ("3", "1", "1", "0")),
        (lambda: junit.run(_run_report()), ("3", "2", "0", "0")),
        (lambda: junit.run(RunReport()), ("0", "0", "0", "0")),
    ],
    ids=["findings", "run", "empty-run"],
)
def test_every_junit_report_parses_and_counts_its_cases(
    xml: Callable[[], bytes], counts: tuple[str, str, str, str]
) -> None:
    """tests, failures, errors, skipped on every suite, matching its testcases; no raw control byte."""
    data: bytes = xml()
    suite = ET.fromstring(data)  # a control character would make this raise
    assert tuple(suite.get(k) for k in ("tests", "failures", "errors", "skipped")) == counts
    cases = suite.findall("testcase")
    assert len(cases) == int(counts[0])
    assert sum(c.find("failure") is not None for c in cases) == int(counts[1])
    assert sum(c.find("error") is not None for c in cases) == int(counts[2])
    assert not any(byte < 0x20 and byte != 0x0A for byte in data)


def test_junit_escapes_control_characters_as_the_terminal_does() -> None:
    """A control character in a run report's message is written as ``\\x1b``, as on the terminal."""
    suite = ET.fromstring(junit.run(_run_report()))
    failure = suite.find("testcase[@name='search_vector_store']/failure")
    assert failure is not None and failure.text == "$.x: bad \\x1b[31m\\x00 value"


def test_a_finding_is_one_line_in_every_format_whatever_its_field_names() -> None:
    """Newlines, tabs, escapes in a JSON path are escaped alike by every writer and by Violation.line()."""
    line = text.finding(_finding(HOSTILE))
    assert "\n" not in line and "\x1b" not in line and "\t" not in line
    escaped = "response $.x\\x0aFORGED: all clean\\x1b[31m\\x09\\x0d"
    assert line.endswith(f"{escaped}: type: bad value at {escaped}")
    violation = Violation(Kind.TYPE, HOSTILE.removeprefix("response "), "bad")
    assert violation.line() == f"{escaped}: type: bad"
    report = _findings_report()
    for data in (json.findings(report), sarif.findings(report, Path.cwd())):
        assert "FORGED" in data.decode()
        assert "\\nFORGED" not in data.decode()  # not even as a JSON escape
    [case] = ET.fromstring(junit.findings(report)).findall("testcase[failure]")
    failure = case.find("failure")
    assert failure is not None and failure.text == line


def test_aligned_columns_and_head_rule() -> None:
    """Each column as wide as its widest cell, two spaces apart, no trailing blanks."""
    lines = text.aligned([("name", "n"), ("a", "12345"), ("longer", "")], head_rule=True)
    assert lines == ["name    n", "------  -----", "a       12345", "longer"]


def test_counts_are_in_status_order() -> None:
    """``200x2 404x1``."""
    assert text.counts(Counter({404: 1, 200: 2})) == "200x2 404x1"
