"""The README, shipped in the wheel, by section: what ``vstape docs SECTION`` prints.

Messages point at a section by its anchor (``See `vstape docs troubleshooting-...```),
never at a ``README.md`` file: an installed user has no checkout, but the wheel carries
the README (``vstape/_docs/README.md``, hatch's force-include), and the anchor is the
one GitHub and PyPI give the same heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_HEADING = re.compile(r"^(#{1,6}) +(.+?) *$")


@dataclass(frozen=True)
class Section:
    """One heading of the README and its text up to the next heading of its level or above."""

    anchor: str
    title: str
    level: int
    text: str


def readme_path() -> Path:
    """The README: shipped inside the installed package, else the checkout's own."""
    installed = _PACKAGE / "_docs" / "README.md"
    return installed if installed.is_file() else _PACKAGE.parent / "README.md"


def anchor_of(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    plain = re.sub(r"[`*_]", "", title).strip().lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def sections(text: str | None = None) -> list[Section]:
    """Every section of the README (code blocks are not searched for headings)."""
    lines = (readme_path().read_text(encoding="utf-8") if text is None else text).splitlines()
    heads: list[tuple[int, int, str]] = []  # (line index, level, title)
    fenced = False
    for index, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (found := _HEADING.match(line)):
            heads.append((index, len(found.group(1)), found.group(2)))
    out = []
    for position, (start, level, title) in enumerate(heads):
        end = next((i for i, lv, _ in heads[position + 1 :] if lv <= level), len(lines))
        out.append(Section(anchor_of(title), title, level, "\n".join(lines[start:end]).strip()))
    return out


def find(name: str, text: str | None = None) -> list[Section]:
    """The section with this anchor, else those whose anchor starts with ``name``."""
    every = sections(text)
    wanted = anchor_of(name.removeprefix("#"))
    exact = [s for s in every if s.anchor == wanted]
    return exact or [s for s in every if s.anchor.startswith(wanted)]


def see(anchor: str) -> str:
    """How a message points at a README section: ``See `vstape docs ANCHOR```."""
    return f"See `vstape docs {anchor}`"
