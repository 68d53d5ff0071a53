"""Shipped cassettes as a test sees them: the typed response, or the :class:`Failure` of a scenario.

What the ``<route>_response`` and ``<route>_failure`` fixtures and ``vstape_replay`` hand
to a test: :func:`replay_shipped` replays ``cassettes/<route>/<scenario>.yaml`` by route
template (any ids) for a block and gives its response typed, or the :class:`Failure` read
from the cassette itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Failure:
    """One failure scenario of one route, as the shipped cassette replays it.

    ``exception`` is what the official SDK raises (with its default retries); the other
    fields come from the recorded response itself, so they match what the client sees.
    """

    route: str
    scenario: str
    kind: str
    summary: str
    status: int | None
    """HTTP status the client receives; None for transport faults (no response at all)."""
    error_type: str | None
    error_code: str | None
    param: str | None
    message: str | None
    headers: dict[str, str]
    retried: bool
    """Whether the SDK retries it before raising (it is replayed each time)."""
    exception_name: str
    cassette: Path

    @property
    def exception(self) -> type[BaseException]:
        """The exception class the SDK raises: ``openai.RateLimitError``, ``json.JSONDecodeError``..."""
        module, _, name = self.exception_name.rpartition(".")
        found: type[BaseException] = getattr(importlib.import_module(module), name)
        return found

    def __str__(self) -> str:
        status = "no response" if self.status is None else str(self.status)
        code = f" {self.error_type}/{self.error_code}" if self.error_type else ""
        again = ", retried" if self.retried else ""
        return f"{self.route}/{self.scenario}: {status}{code} -> {self.exception_name}{again}"


def describe_failure(route: str, scenario: str) -> Failure:
    """The :class:`Failure` of a shipped scenario cassette (read from the cassette)."""
    import msgspec

    from vstape.cassettes.io import load
    from vstape.cassettes.shipped import shipped_path
    from vstape.faults.catalog import get

    entry = get(scenario)
    path = shipped_path(route, scenario)
    last = load(path).interactions[-1].response
    error: dict[str, Any] = {}
    try:
        decoded = msgspec.json.decode(last.body.bytes)
        if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict):
            error = decoded["error"]
    except msgspec.DecodeError:
        pass
    transport = entry.kind == "transport"
    return Failure(
        route=route,
        scenario=scenario,
        kind=entry.kind,
        summary=entry.summary,
        status=None if transport else last.status.code,
        error_type=None if transport else error.get("type"),
        error_code=None if transport else error.get("code"),
        param=None if transport else error.get("param"),
        message=None if transport else error.get("message"),
        headers={} if transport else {k: v[0] for k, v in last.headers.items() if v},
        retried=entry.retried,
        exception_name=entry.exception,
        cassette=path,
    )


def failure_scenarios(route: str) -> list[str]:
    """The failure scenarios shipped for ``route`` (what ``<route>_failure`` runs over)."""
    from vstape.faults.catalog import scenarios_for

    return [s.name for s in scenarios_for(route, shipped_only=True) if s.is_failure]


@contextmanager
def replay_shipped(route: str, scenario: str = "ok") -> Iterator[Any]:
    """Replay ``cassettes/<route>/<scenario>.yaml`` by route template.

    Yields the typed response (the vstape Struct of the route) for ``ok`` and the
    sequences (their final response), a :class:`Failure` for failure scenarios.
    """
    import msgspec

    from vstape.api.routes import get
    from vstape.cassettes.io import load
    from vstape.cassettes.shipped import shipped_path
    from vstape.faults.catalog import BY_SCENARIO
    from vstape_pytest._vcr import shipped

    path = shipped_path(route, scenario)
    if not path.exists():
        known = ", ".join(["ok", *[s.name for s in _scenarios(route)]])
        raise FileNotFoundError(
            f"no shipped cassette {path}: {route} has the scenarios {known}; "
            "run `vstape cassettes regenerate` if one is missing"
        )
    entry = BY_SCENARIO.get(scenario)
    if entry is not None and entry.is_failure:
        result: Any = describe_failure(route, scenario)
    else:
        body = load(path).interactions[-1].response.body.bytes
        result = msgspec.json.decode(body, type=get(route).response)
    with shipped.replay(path):
        yield result


def _scenarios(route: str) -> list[Any]:
    from vstape.faults.catalog import scenarios_for

    return scenarios_for(route, shipped_only=True)
