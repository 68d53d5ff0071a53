"""The SARIF 2.1.0 format (GitHub code scanning): the findings of ``vstape validate`` / ``lint``.

One run per log; every rule a finding names is in the driver's rule list (the command's
own, the unusable-cassette rule, then any other id met); artifact URIs are relative to
the working folder where possible, else ``file://`` URIs; each result carries a stable
fingerprint so that code scanning tracks it across runs.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from vstape import __version__
from vstape.reports.findings import UNUSABLE, UNUSABLE_RULE, Rule
from vstape.reports.json import encode
from vstape.reports.text import safe_text

if TYPE_CHECKING:
    from vstape.reports.findings import Finding, Report

INFORMATION_URI = "https://pypi.org/project/vstape/"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def artifact_uri(file: str, cwd: Path) -> tuple[str, bool]:
    """``(uri, relative)``: relative to ``cwd`` (percent-encoded) when inside it, else file://."""
    path = Path(file)
    absolute = path if path.is_absolute() else cwd / path
    absolute = Path(os.path.normpath(absolute))
    try:
        return quote(absolute.relative_to(Path(os.path.normpath(cwd))).as_posix()), True
    except ValueError:
        return absolute.as_uri(), False


def findings(report: Report, cwd: Path) -> bytes:
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
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "automationDetails": {"id": f"vstape-{report.tool}/"},
        "invocations": [{"executionSuccessful": report.unusable == 0}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule], cwd) for f in report.findings],
    }
    return encode({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]})


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in re.split(r"[-_]", rule.id)),
        "shortDescription": {"text": rule.description},
        "defaultConfiguration": {"level": rule.level},
        "helpUri": INFORMATION_URI,
    }


def _result(finding: Finding, rule_index: int, cwd: Path) -> dict[str, Any]:
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
