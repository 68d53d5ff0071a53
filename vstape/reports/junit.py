"""The JUnit XML format: the findings of validate/lint (a testcase per cassette) and the run report.

:func:`suite` writes any list of :class:`Case`; its counts (tests, failures, errors,
skipped) come from the cases, so they cannot disagree with them. Every attribute and
every line of text is passed through :func:`vstape.reports.text.one_line`: no control
character (illegal in XML 1.0) reaches the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from vstape.reports.findings import UNUSABLE
from vstape.reports.text import finding, one_line, safe_text

if TYPE_CHECKING:
    from vstape.reports.findings import Report
    from vstape.reports.run import RunReport


@dataclass(frozen=True, slots=True)
class Outcome:
    """Why a testcase did not pass: a ``failure`` (what was checked is wrong) or an ``error``."""

    tag: Literal["failure", "error"]
    message: str
    text: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """One testcase; ``outcome`` None: it passed."""

    classname: str
    name: str
    outcome: Outcome | None = None


def suite(name: str, cases: Sequence[Case]) -> bytes:
    """One ``<testsuite>`` with these cases, as UTF-8 XML with its declaration."""
    tags = [case.outcome.tag for case in cases if case.outcome is not None]
    root = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(cases)),
        failures=str(tags.count("failure")),
        errors=str(tags.count("error")),
        skipped="0",
    )
    for case in cases:
        element = ET.SubElement(root, "testcase", classname=case.classname, name=case.name)
        outcome = case.outcome
        if outcome is None:
            continue
        attributes = {"message": one_line(outcome.message)}
        if outcome.type is not None:
            attributes["type"] = one_line(outcome.type)
        ET.SubElement(element, outcome.tag, attributes).text = "\n".join(
            one_line(line) for line in outcome.text.split("\n")
        )
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text


def findings(report: Report) -> bytes:
    """One testcase per cassette: a failure lists its findings, an error says why it won't load."""
    noun = "violations" if report.tool == "validate" else "findings"
    cases = []
    for name, found in report.by_file().items():
        broken = [f for f in found if f.rule == UNUSABLE]
        outcome = None
        if broken:
            text = safe_text(f"{name}:{broken[0].line}: {broken[0].message}")
            outcome = Outcome("error", "cannot be loaded", text, UNUSABLE)
        elif found:
            rules = ", ".join(sorted({f.rule for f in found}))
            lines = "\n".join(finding(f) for f in found)
            outcome = Outcome("failure", f"{len(found)} {noun}", lines, safe_text(rules))
        cases.append(Case(f"vstape.{report.tool}", name, outcome))
    return suite(f"vstape-{report.tool}", cases)


def run(report: RunReport) -> bytes:
    """One testcase per route (a failure lists its violations), and one for the recording."""
    cases = [
        Case(
            "vstape.api.routes",
            name,
            Outcome("failure", f"{s.violations} violations", "\n".join(s.messages))
            if s.violations
            else None,
        )
        for name, s in sorted(report.routes.items())
    ]
    tally = report.recording
    if tally is not None:
        lost = Outcome("failure", tally.summary(), "\n".join(tally.losses))
        cases.append(
            Case("vstape.recording.interaction", "recording", lost if tally.not_recorded else None)
        )
    return suite("vstape-record", cases)
