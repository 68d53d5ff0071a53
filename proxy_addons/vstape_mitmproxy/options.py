"""The ``vstape_*`` mitmproxy options: declared once, parsed once into a typed :class:`Settings`.

:func:`probe` says at start-up what keeps a run from writing its cassettes and reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mitmproxy import exceptions

from vstape.recording import target as record_target
from vstape.recording.destination import Target
from vstape.recording.interaction import RecordPolicy
from vstape.recording.redact import RedactionPolicy

SPLIT_RULES = ("route", "family", "none")
FORMATS = ("yaml", "json")
DURABILITY = ("sync", "flush")

# name, type, default, help
OPTIONS: tuple[tuple[str, Any, Any, str], ...] = (
    (
        "vstape_cassette",
        str,
        "",
        "Record every interaction into this one cassette file (.yaml or .json).",
    ),
    (
        "vstape_cassette_dir",
        str,
        "",
        "Record into this folder, one cassette per route: DIR/<route>.yaml.",
    ),
    (
        "vstape_split",
        str,
        "route",
        "How --cassette-dir splits: route (default), family (vector_stores/files) or none.",
    ),
    ("vstape_format", str, "yaml", "Cassette format for --cassette-dir: yaml (vcrpy) or json."),
    (
        "vstape_strict",
        bool,
        False,
        "Answer invalid requests with a 400 (not forwarded) and treat drift as an error.",
    ),
    (
        "vstape_keep_host",
        bool,
        False,
        "Keep the real host in cassettes instead of https://api.openai.com.",
    ),
    (
        "vstape_keep_ids",
        bool,
        False,
        "Keep the real server-assigned ids, times and timings in cassettes instead of stable "
        "placeholders (vs_vstape0001...) and times shifted onto one epoch.",
    ),
    ("vstape_redact_headers", Sequence[str], [], "Extra header names to redact."),
    (
        "vstape_redact_json_paths",
        Sequence[str],
        [],
        "Extra JSON paths to redact, like $.metadata.owner.",
    ),
    ("vstape_report_json", str, "", "Write the run report as JSON here at shutdown."),
    ("vstape_junit", str, "", "Write the run report as JUnit XML here at shutdown."),
    ("vstape_quiet", bool, False, "Do not print one line per flow."),
    (
        "vstape_durability",
        str,
        "sync",
        "When a recorded response goes back: sync (default; its interaction is synced to "
        "disk and survives a crash of the machine) or flush (written to the OS: it survives "
        "kill -9 of the proxy, not a power loss).",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Parsed ``vstape_*`` options."""

    destination: Target | None = None
    """Where interactions are recorded (None: validating only)."""
    strict: bool = False
    quiet: bool = False
    keep_ids: bool = False
    """Write the real ids and times (no placeholders, no time shift)."""
    report_json: Path | None = None
    junit: Path | None = None
    durability: str = "sync"
    policy: RecordPolicy = field(default_factory=RecordPolicy)

    @property
    def recording(self) -> bool:
        """Whether interactions are recorded at all."""
        return self.destination is not None

    @property
    def cassette(self) -> Path | None:
        """``vstape_cassette``: the one cassette file, if recording into one."""
        return self.destination.cassette if self.destination is not None else None

    @property
    def cassette_dir(self) -> Path | None:
        """``vstape_cassette_dir``: the cassette folder, if recording into one."""
        return self.destination.cassette_dir if self.destination is not None else None

    @property
    def scope(self) -> Path | None:
        """What shares one numbering of placeholders: the cassette file, or the whole folder."""
        return self.cassette if self.cassette is not None else self.cassette_dir

    def target(self, route: str | None, family: str) -> Path | None:
        """The cassette an interaction of ``route`` goes to (None: not recording)."""
        return self.destination.path(route, family) if self.destination is not None else None


def probe(settings: Settings) -> list[str]:
    """What keeps this run from writing its cassettes and reports (one line each; none: fine)."""
    problems: list[str] = []
    if settings.destination is not None:
        problems += settings.destination.problems("vstape_cassette", "vstape_cassette_dir")
    for name, report, example in (
        ("vstape_report_json", settings.report_json, "report.json"),
        ("vstape_junit", settings.junit, "report.xml"),
    ):
        if report is not None:
            problems += record_target.probe_file(name, str(report), cassette=False, example=example)
    return problems


def declare(loader: Any) -> None:
    """Declare every option (call from one addon's ``load``)."""
    for name, typespec, default, help_text in OPTIONS:
        loader.add_option(name, typespec, default, help_text)


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise exceptions.OptionsError(
            f"Cannot parse {name} option {value!r}: expected one of {', '.join(choices)}"
        )
    return value


def _json_path(value: str) -> str:
    if not value.startswith("$."):
        raise exceptions.OptionsError(
            f"Cannot parse vstape_redact_json_paths option {value!r}: a JSON path starts with '$.'"
        )
    return value


def parse(options: Any) -> Settings:
    """A Settings record from mitmproxy's options; OptionsError names a bad option and value."""
    if options.vstape_cassette and options.vstape_cassette_dir:
        raise exceptions.OptionsError(
            "Cannot use vstape_cassette and vstape_cassette_dir together: pick one file or one folder"
        )
    cassette = Path(options.vstape_cassette) if options.vstape_cassette else None
    if (
        cassette is not None
        and cassette.suffix not in record_target.SUFFIXES
        and not cassette.is_dir()
    ):
        raise exceptions.OptionsError(
            f"vstape_cassette {options.vstape_cassette!r}: a cassette file ends in .yaml, .yml "
            f"or .json; pick another vstape_cassette, such as {cassette.with_suffix('.yaml')}"
        )
    redaction = RedactionPolicy(
        headers=frozenset(h.lower() for h in options.vstape_redact_headers),
        json_paths=tuple(_json_path(p) for p in options.vstape_redact_json_paths),
    )
    cassette_dir = Path(options.vstape_cassette_dir) if options.vstape_cassette_dir else None
    split = _choice("vstape_split", options.vstape_split, SPLIT_RULES)
    fmt = _choice("vstape_format", options.vstape_format, FORMATS)
    recording = cassette is not None or cassette_dir is not None
    return Settings(
        destination=Target(cassette, cassette_dir, split, fmt) if recording else None,
        strict=bool(options.vstape_strict),
        quiet=bool(options.vstape_quiet),
        keep_ids=bool(options.vstape_keep_ids),
        report_json=Path(options.vstape_report_json) if options.vstape_report_json else None,
        junit=Path(options.vstape_junit) if options.vstape_junit else None,
        durability=_choice("vstape_durability", options.vstape_durability, DURABILITY),
        policy=RecordPolicy(
            keep_host=bool(options.vstape_keep_host),
            strict=bool(options.vstape_strict),
            redaction=redaction,
        ),
    )
