"""What ``vstape validate`` and ``vstape lint`` found: findings, their rules, one report record.

Data only: the writers are one module per format (:mod:`vstape.reports.text`,
:mod:`~vstape.reports.json`, :mod:`~vstape.reports.junit`, :mod:`~vstape.reports.sarif`).
Also the two facts a finding's line comes from: where each interaction starts in a
cassette file, and the line a load error names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import msgspec

Level = Literal["error", "warning", "note"]

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

    def by_file(self) -> dict[str, list[Finding]]:
        """Every cassette read (in order) with its findings; a file only findings name last."""
        grouped: dict[str, list[Finding]] = {name: [] for name in self.files}
        for finding in self.findings:
            grouped.setdefault(finding.file, []).append(finding)
        return grouped


_JSON_ITEM = re.compile(rb"^  \{\s*$", re.M)
_YAML_ITEM = re.compile(rb"^-(?: |$)", re.M)


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
