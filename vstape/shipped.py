"""Where the shipped cassettes live: ``cassettes/<route>/<scenario>.yaml``.

One function knows the location both in a checkout (the repository's ``cassettes/``) and
in an installed wheel (``vstape/_shipped_cassettes``, via hatch's force-include).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir() -> Path:
    """The folder holding the shipped cassettes."""
    installed = _PACKAGE / "_shipped_cassettes"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "cassettes"


def shipped_path(route: str, scenario: str = "ok") -> Path:
    """The cassette of one route and scenario (it may not exist)."""
    return shipped_dir() / route / f"{scenario}.yaml"


def scenarios_of(route: str) -> list[str]:
    """The scenarios shipped for a route, ``ok`` first."""
    folder = shipped_dir() / route
    names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    return sorted(names, key=lambda n: (n != "ok", n))
