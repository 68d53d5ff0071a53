"""The plugin's settings: one record, one precedence rule (marker > CLI > ini > default).

:data:`CURRENT` holds the settings of the test running now: set by the plugin before a
test's fixtures (and so its cassettes) are created, read by every cassette and persister
vstape makes for that test.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

import pytest

Validate = Literal["error", "warn", "off"]
Unused = Literal["fail", "warn", "off"]
Exhausted = Literal["repeat-last", "fail"]
Format = Literal["yaml", "json"]
Match = Literal["exact", "route"]

CHOICES: dict[str, tuple[str, ...]] = {
    "validate": get_args(Validate),
    "unused": get_args(Unused),
    "exhausted": get_args(Exhausted),
    "format": get_args(Format),
    "fast_forward": ("true", "false"),
    "match": get_args(Match),
}
HELP: dict[str, str] = {
    "validate": "check every replayed response against its route's schema: error (fail the test), warn, off",
    "unused": "recorded interactions a test never used: fail the test, warn, or off",
    "exhausted": "when identical requests outnumber their recordings: repeat-last response, or fail",
    "format": "cassette format for new recordings: yaml (vcrpy's) or json (msgspec-loaded, for large suites)",
    "fast_forward": "replay poll and retry delays as ~0 (openai-poll-after-ms 0, retry-after(-ms) 1 ms) so polls and retries do not sleep",
    "match": "exact: method + path + query + JSON body; route: method + route template only (any ids, any body)",
}


OFF_HELP = (
    "off: vstape leaves every cassette to stock vcrpy and pytest-recording "
    "(no vstape matching, redaction or validation); on (default)"
)
KEEP_IDS_HELP = (
    "record the real server-assigned ids, times and timings into new cassettes instead of "
    "stable placeholders (vs_vstape0001...) and times shifted onto one epoch"
)
HOSTS_HELP = (
    "more hosts whose /v1/vector_stores and /v1/files traffic is vstape's, besides "
    "api.openai.com and OPENAI_BASE_URL's host: host, host:port or a URL"
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one test."""

    validate: Validate = "error"
    unused: Unused = "warn"
    exhausted: Exhausted = "repeat-last"
    format: Format = "yaml"
    fast_forward: bool = True
    match: Match = "exact"
    off: bool = False
    """True: this test's cassettes are stock vcrpy + pytest-recording, untouched."""
    hosts: tuple[str, ...] = ()
    """Hosts that count as the OpenAI API besides api.openai.com and OPENAI_BASE_URL's."""
    keep_ids: bool = False
    """True: recordings keep the real ids and times (no placeholders, no time shift)."""


DEFAULTS = Settings()
CURRENT: contextvars.ContextVar[Settings] = contextvars.ContextVar(
    "vstape_settings", default=DEFAULTS
)


def _check(name: str, value: Any, where: str) -> Any:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text not in CHOICES[name]:
        raise pytest.UsageError(
            f"vstape: {where} {name.replace('_', '-')}={value!r} is not valid; choose one of {', '.join(CHOICES[name])}"
        )
    if name == "fast_forward":
        return text == "true"
    return text


def _marker_flag(marker_kwargs: dict[str, Any], name: str) -> bool | None:
    """``@pytest.mark.vstape(NAME=True|False)``'s value, None when not given; else a usage error."""
    if name not in marker_kwargs:
        return None
    value = marker_kwargs[name]
    if not isinstance(value, bool):
        raise pytest.UsageError(
            f"vstape: @pytest.mark.vstape {name}={value!r} is not valid; give {name}=True or "
            f"{name}=False"
        )
    return value


def _off(config: pytest.Config, marker_kwargs: dict[str, Any]) -> bool:
    marked = _marker_flag(marker_kwargs, "off")
    if marked is not None:
        return marked
    for value, source in (
        (config.getoption("vstape_mode", default=None), "--vstape"),
        (config.getini("vstape"), "ini vstape"),
    ):
        if value in (None, ""):
            continue
        if value not in ("on", "off"):
            raise pytest.UsageError(
                f"vstape: {source}={value!r} is not valid; choose one of on, off"
            )
        return bool(value == "off")
    return DEFAULTS.off


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _keep_ids(config: pytest.Config, marker_kwargs: dict[str, Any]) -> bool:
    marked = _marker_flag(marker_kwargs, "keep_ids")
    if marked is not None:
        return marked
    if config.getoption("vstape_keep_ids", default=None):
        return True
    ini = str(config.getini("vstape_keep_ids") or "").strip().lower()
    if not ini:
        return DEFAULTS.keep_ids
    if ini not in _TRUE + _FALSE:
        raise pytest.UsageError(
            f"vstape: ini vstape_keep_ids={config.getini('vstape_keep_ids')!r} is not valid; "
            "choose true or false"
        )
    return ini in _TRUE


def _host_list(value: Any, source: str) -> tuple[str, ...]:
    from vstape.api.scope import parse_host

    if isinstance(value, str):
        entries = value.replace(",", " ").split()
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        entries = [e for v in value for e in v.replace(",", " ").split()]
    else:
        raise pytest.UsageError(
            f"vstape: {source} hosts={value!r} is not valid; give a host or a list of hosts"
        )
    for entry in entries:
        try:
            parse_host(entry)
        except ValueError as err:
            raise pytest.UsageError(f"vstape: {source} hosts: {err}") from None
    return tuple(entries)


def _hosts(config: pytest.Config, marker_kwargs: dict[str, Any]) -> tuple[str, ...]:
    if "hosts" in marker_kwargs:
        return _host_list(marker_kwargs["hosts"], "@pytest.mark.vstape")
    if cli := config.getoption("vstape_hosts", default=None):
        return _host_list(cli, "--vstape-hosts")
    if ini := config.getini("vstape_hosts"):
        return _host_list(ini, "ini vstape_hosts")
    return DEFAULTS.hosts


def resolve(config: pytest.Config, marker_kwargs: dict[str, Any] | None = None) -> Settings:
    """Settings for a test: marker kwargs, then command line, then ini, then defaults."""
    values: dict[str, Any] = {
        "off": _off(config, marker_kwargs or {}),
        "hosts": _hosts(config, marker_kwargs or {}),
        "keep_ids": _keep_ids(config, marker_kwargs or {}),
    }
    for field in fields(Settings):
        name = field.name
        if name not in CHOICES:
            continue
        value: Any = None
        source = ""
        if marker_kwargs and name in marker_kwargs:
            value, source = marker_kwargs[name], "@pytest.mark.vstape"
        elif (cli := config.getoption(f"vstape_{name}", default=None)) is not None:
            value, source = cli, "--vstape-" + name.replace("_", "-")
        elif (ini := config.getini(f"vstape_{name}")) not in (None, ""):
            value, source = ini, f"ini vstape_{name}"
        if value is None:
            values[name] = getattr(DEFAULTS, name)
        else:
            values[name] = _check(name, value, source)
    if marker_kwargs:
        unknown = set(marker_kwargs) - {f.name for f in fields(Settings)}
        if unknown:
            raise pytest.UsageError(
                f"vstape: @pytest.mark.vstape got unknown argument(s) {sorted(unknown)}; "
                f"it accepts {', '.join(f.name for f in fields(Settings))}"
            )
    return Settings(**values)
