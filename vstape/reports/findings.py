"""Findings of ``vstape validate`` and ``vstape lint`` as one typed record, and its writers.

Pure: every writer takes a :class:`Report` and returns bytes (or text); the commands
write them. Formats: terminal lines, JSON, JUnit XML and SARIF 2.1.0 (for GitHub code
scanning). Every text that reaches a report goes through :func:`safe_text` first:
control characters escaped, secret-shaped tokens masked.
"""

from __future__ import annotations

import hashlib
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import msgspec

from vstape import __version__
from vstape.recording.redact import scrub_text

Level = Literal["error", "warning", "note"]

INFORMATION_URI = "https://pypi.org/project/vstape/"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
UNUSABLE = "unusable-cassette"


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of finding: its id (the SARIF ruleId), a one-line description, its level."""

    id: str
    description: str
    level: Level = "error"


UNUSABLE_RULE = Rule(
    UNUSABLE,
    "The cassette cannot be loaded: broken YAML/JSON, not vcrpy's format, refused tags or aliases.",
)


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One problem found in a cassette.

    ``subject`` is the request line (``GET https://...``, query secrets redacted);
    ``path`` is where in the interaction (``response $.usage_bytes``); ``line`` is the
    line of the file where the interaction starts (1 when unknown).
    """

    tool: str
    rule: str
    level: Level
    file: str
    message: str
    interaction: int | None = None
    route: str | None = None
    subject: str | None = None
    path: str | None = None
    line: int = 1

    def text(self) -> str:
        """The terminal line: ``file: interaction N: subject: path: rule: message``."""
        parts = [self.file]
        if self.interaction is not None:
            parts.append(f"interaction {self.interaction}")
        parts += [p for p in (self.subject, self.path) if p]
        parts += [self.rule, self.message]
        return safe_text(": ".join(parts))


@dataclass(frozen=True, slots=True)
class Report:
    """What one command run found: the cassettes it read and the findings, in file order."""

    tool: str
    files: Sequence[str]
    findings: Sequence[Finding]
    rules: Sequence[Rule] = ()

    @property
    def unusable(self) -> int:
        """Number of cassettes that could not be loaded."""
        return sum(1 for f in self.findings if f.rule == UNUSABLE)

    @property
    def problems(self) -> int:
        """Number of findings in cassettes that loaded."""
        return len(self.findings) - self.unusable


# -- helpers for the commands -------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_JSON_ITEM = re.compile(rb"^  \{\s*$", re.M)
_YAML_ITEM = re.compile(rb"^-(?: |$)", re.M)


def safe_text(text: str) -> str:
    """``text`` with control characters escaped (no forged lines) and secrets masked."""
    return scrub_text(_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text))


def interaction_lines(data: bytes, fmt: Literal["yaml", "json"], count: int) -> list[int]:
    """The 1-based line where each of ``count`` interactions starts, or 1s when unsure.

    Cheap: vcrpy and vstape write each YAML interaction as a ``- request:`` line at
    column 0 (JSON: a ``{`` at indent 2). Any other layout falls back to line 1.
    """
    pattern = _JSON_ITEM if fmt == "json" else _YAML_ITEM
    starts: list[int] = []
    line, last = 1, 0
    for found in pattern.finditer(data):
        line += data.count(b"\n", last, found.start())
        last = found.start()
        starts.append(line)
    return starts if len(starts) == count else [1] * count


def error_line(message: str, file: str) -> int:
    """The line named by a CassetteError message (``file:LINE: ...``), else 1."""
    found = re.match(re.escape(file) + r":(\d+):", message)
    return int(found.group(1)) if found else 1


def unusable(tool: str, file: str, message: str) -> Finding:
    """The finding for a cassette that cannot be loaded."""
    return Finding(
        tool=tool,
        rule=UNUSABLE,
        level="error",
        file=file,
        message=message.removeprefix(file).lstrip(":0123456789 "),
        line=error_line(message, file),
    )


# -- JSON ---------------------------------------------------------------------------------


def to_json(report: Report) -> bytes:
    """``{tool, version, summary, cassettes, findings: [{rule, level, file, ...}]}``."""
    document = {
        "tool": f"vstape-{report.tool}",
        "version": __version__,
        "summary": {
            "cassettes": len(report.files),
            "findings": report.problems,
            "unusable": report.unusable,
        },
        "cassettes": list(report.files),
        "findings": [_clean(f) for f in report.findings],
    }
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def _clean(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(finding)
    for key in ("message", "subject", "path"):
        if isinstance(data.get(key), str):
            data[key] = safe_text(data[key])
    return data


# -- JUnit XML ----------------------------------------------------------------------------


def to_junit(report: Report) -> bytes:
    """One testcase per cassette: a failure lists its findings, an error says why it won't load."""
    by_file: dict[str, list[Finding]] = {name: [] for name in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    failed = sum(1 for fs in by_file.values() if fs and fs[0].rule != UNUSABLE)
    suite = ET.Element(
        "testsuite",
        name=f"vstape-{report.tool}",
        tests=str(len(by_file)),
        failures=str(failed),
        errors=str(report.unusable),
        skipped="0",
    )
    noun = "violations" if report.tool == "validate" else "findings"
    for name, found in by_file.items():
        case = ET.SubElement(suite, "testcase", classname=f"vstape.{report.tool}", name=name)
        broken = [f for f in found if f.rule == UNUSABLE]
        if broken:
            error = ET.SubElement(case, "error", message="cannot be loaded", type=UNUSABLE)
            error.text = safe_text(f"{name}:{broken[0].line}: {broken[0].message}")
        elif found:
            rules = ", ".join(sorted({f.rule for f in found}))
            failure = ET.SubElement(
                case, "failure", message=f"{len(found)} {noun}", type=safe_text(rules)
            )
            failure.text = "\n".join(f.text() for f in found)
    text: bytes = ET.tostring(suite, encoding="utf-8", xml_declaration=True)
    return text


# -- SARIF 2.1.0 --------------------------------------------------------------------------


def artifact_uri(file: str, cwd: Path) -> tuple[str, bool]:
    """``(uri, relative)``: relative to ``cwd`` (percent-encoded) when inside it, else file://."""
    path = Path(file)
    absolute = path if path.is_absolute() else cwd / path
    absolute = Path(os.path.normpath(absolute))
    try:
        return quote(absolute.relative_to(Path(os.path.normpath(cwd))).as_posix()), True
    except ValueError:
        return absolute.as_uri(), False


def to_sarif(report: Report, cwd: Path) -> bytes:
    """A SARIF 2.1.0 log with one run; artifact URIs relative to ``cwd`` where possible."""
    rules = list(report.rules)
    known = {r.id for r in rules}
    if UNUSABLE not in known:
        rules.append(UNUSABLE_RULE)
        known.add(UNUSABLE)
    for finding in report.findings:
        if finding.rule not in known:
            rules.append(Rule(finding.rule, f"vstape {report.tool}: {finding.rule}"))
            known.add(finding.rule)
    index = {rule.id: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": f"vstape-{report.tool}",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_sarif_rule(rule) for rule in rules],
            }
        },
        "automationDetails": {"id": f"vstape-{report.tool}/"},
        "invocations": [{"executionSuccessful": report.unusable == 0}],
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(f, index[f.rule], cwd) for f in report.findings],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return msgspec.json.format(msgspec.json.encode(log), indent=2) + b"\n"


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in re.split(r"[-_]", rule.id)),
        "shortDescription": {"text": rule.description},
        "defaultConfiguration": {"level": rule.level},
        "helpUri": INFORMATION_URI,
    }


def _sarif_result(finding: Finding, rule_index: int, cwd: Path) -> dict[str, Any]:
    uri, relative = artifact_uri(finding.file, cwd)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": max(1, finding.line)},
        }
    }
    if finding.interaction is not None:
        where = [f"interaction {finding.interaction}"]
        where += [p for p in (finding.route, finding.path) if p]
        location["logicalLocations"] = [
            {
                "name": safe_text(finding.path or f"interaction {finding.interaction}"),
                "fullyQualifiedName": safe_text(" / ".join(where)),
                "kind": "element",
            }
        ]
    text = safe_text(": ".join(p for p in (finding.subject, finding.path, finding.message) if p))
    key = "\x00".join(
        str(x) for x in (finding.rule, uri, finding.interaction, finding.path, text)
    ).encode()
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": finding.level,
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"vstapeFinding/v1": hashlib.sha256(key).hexdigest()[:32]},
    }
    properties = {
        k: v
        for k, v in (
            ("interaction", finding.interaction),
            ("route", finding.route),
            ("jsonPath", finding.path and safe_text(finding.path)),
        )
        if v is not None
    }
    if properties:
        result["properties"] = properties
    return result
