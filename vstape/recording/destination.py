"""Where a recording goes: one cassette file, or a folder split by the recorder's rule.

One record for ``vstape record`` (the proxy's ``vstape_cassette`` / ``vstape_cassette_dir``
options, :mod:`vstape_mitmproxy.options`) and ``vstape import``
(:mod:`vstape.interop.importer`): the cassette each interaction goes to, and the start-up
refusals of :mod:`vstape.recording.target` naming the flags as the user typed them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vstape.recording import target as record_target

__all__ = ["Target"]


@dataclass(frozen=True)
class Target:
    """Where interactions go: one file, or a folder split by the recorder's rule."""

    cassette: Path | None = None
    cassette_dir: Path | None = None
    split: str = "route"
    fmt: str = "yaml"

    def __post_init__(self) -> None:
        if (self.cassette is None) == (self.cassette_dir is None):
            raise ValueError("give exactly one of cassette= and cassette_dir=")
        if self.split not in record_target.SPLITS or self.fmt not in ("yaml", "json"):
            raise ValueError(f"split={self.split!r}, fmt={self.fmt!r}")

    def path(self, route: str | None, family: str) -> Path:
        """The cassette an interaction of ``route`` goes to."""
        if self.cassette is not None:
            return self.cassette
        assert self.cassette_dir is not None
        name = record_target.cassette_name(self.split, route, family)
        return self.cassette_dir / f"{name}.{self.fmt}"

    def problems(
        self, file_flag: str = "--cassette", dir_flag: str = "--cassette-dir"
    ) -> list[str]:
        """The recorder's start-up refusals for these targets, naming the flags as typed."""
        if self.cassette is not None:
            problems = record_target.probe_file(file_flag, str(self.cassette))
        else:
            assert self.cassette_dir is not None
            problems = record_target.probe_folder(
                dir_flag,
                str(self.cassette_dir),
                record_target.cassette_names(self.split),
                f".{self.fmt}",
            )
        # The probes' hints name the proxy's options; say the flags instead.
        flags = {"vstape_cassette": file_flag, "vstape_cassette_dir": dir_flag}
        return [re.sub(r"\bvstape_cassette(?:_dir)?\b", lambda m: flags[m[0]], p) for p in problems]
