"""Where the shipped cassettes live: ``cassettes/<route>/<scenario>.yaml``.

One function knows the location both in a checkout (the repository's ``cassettes/``) and
in an installed wheel (``vstape/_shipped_cassettes``, via hatch's force-include).
"""

from __future__ import annotations

import re
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the vstape package


def shipped_dir() -> Path:
    """The folder holding the shipped cassettes."""
    if installed():
        return _PACKAGE / "_shipped_cassettes"
    return _PACKAGE.parent / "cassettes"


def installed() -> bool:
    """Whether they are the installed package's own (read-only data), not a checkout's."""
    return (_PACKAGE / "_shipped_cassettes").is_dir()


_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def shipped_path(route: str, scenario: str = "ok") -> Path:
    """The cassette of one route and scenario (it may not exist).

    Both names must be plain identifiers: a name from a marker or the command line can
    never reach outside the shipped folder (``../`` and absolute paths are refused).
    """
    for kind, name in (("route", route), ("scenario", scenario)):
        if not _NAME.match(name):
            raise ValueError(
                f"invalid {kind} name {name!r}: use lower-case letters, digits and underscores "
                "(e.g. get_vector_store, ok, rate_limited)"
            )
    return shipped_dir() / route / f"{scenario}.yaml"


def scenarios_of(route: str) -> list[str]:
    """The scenarios shipped for a route, ``ok`` first."""
    folder = shipped_dir() / route
    names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    return sorted(names, key=lambda n: (n != "ok", n))
