"""``vstape drift live``: re-send a cassette's requests to a live upstream, compare the answers.

Requests go in recorded order. Ids are remapped as the stable placeholders map them
(:class:`vstape.recording.placeholders.IdMap`, in the other direction): when a live answer
hands out an id at an id position of its route (:mod:`vstape.recording.positions`) where
the recording has another, the recorded id is replaced by the live one, as a whole
token, in every later path, query and JSON body of that cassette. Each cassette is its
own scope (it creates what it uses). Interactions that are not the vector-store or files
API, and answers vstape's fault injection made up (``vstape.fault`` set), are not sent.

Safe by default: :func:`plan` says what would be sent (count per route, mutating
requests marked) and nothing is; :func:`run` sends, then deletes what it created and
the cassette did not delete itself (vector stores, then Files; best effort, each
deletion reported). Secrets: the recorded ``authorization`` (redacted anyway) is never
sent; the key given is, and is never printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET

from vstape import __version__
from vstape.api.routes import Route, api_path, match
from vstape.cassettes.model import Interaction
from vstape.drift.live_compare import Answer, compare_answer
from vstape.drift.model import Drift, DriftReport
from vstape.drift.transport import LiveError, Send, base_url, http_send
from vstape.http import path_of, query_of
from vstape.recording import normalize, positions
from vstape.recording.placeholders import IdMap, sightings

__all__ = [
    "Answer",
    "Cassette",
    "LiveError",
    "Send",
    "base_url",
    "foreign_ids",
    "http_send",
    "plan",
    "run",
]

# Routes whose answer creates something, and the path that deletes it.
CREATES: dict[str, tuple[str, str]] = {
    "create_vector_store": ("vector store", "/vector_stores/{}"),
    "upload_file": ("File", "/files/{}"),
}
DELETES = {"delete_vector_store", "delete_file"}
READ_ONLY = {"search_vector_store"}
"""POSTs that change nothing."""
_DROPPED = frozenset({"authorization", "api-key", "x-api-key", "cookie", "openai-organization"})


@dataclass(frozen=True)
class Cassette:
    """One cassette to re-send: its name, its interactions and the line each starts at."""

    name: str
    items: Sequence[tuple[int, Interaction]]


@dataclass
class _Scope:
    ids: IdMap = field(default_factory=IdMap)
    created: dict[str, str] = field(default_factory=dict)
    """live id -> what it is (in creation order)."""


def _route(item: Interaction) -> Route | None:
    """The route to re-send ``item`` on; None for other traffic and for injected faults."""
    if item.vstape is not UNSET and item.vstape.fault:
        return None  # vstape made this answer up (fault injection): the API never sent it
    found = match(item.request.method, path_of(item.request.uri))
    return found.route if found else None


def foreign_ids(item: Interaction, issued: set[str]) -> list[str]:
    """The ids ``item``'s request names that no earlier answer of its cassette handed out.

    ``issued`` collects the ids this item's answer hands out, for the next call.
    """
    foreign = [i for i, side in sightings(item) if side == "request" and i not in issued]
    issued.update(i for i, side in sightings(item) if side == "response")
    return list(dict.fromkeys(foreign))


def plan(cassettes: Sequence[Cassette]) -> dict[str, Any]:
    """What :func:`run` would send: per route ``{count, mutating}``, what is skipped, and
    how many requests name an id their cassette never created (likely a 404 live)."""
    routes: dict[str, dict[str, Any]] = {}
    skipped = total = foreign = 0
    for cassette in cassettes:
        issued: set[str] = set()
        for _, item in cassette.items:
            route = _route(item)
            if route is None:
                skipped += 1
                continue
            total += 1
            foreign += bool(foreign_ids(item, issued))
            mutating = route.method != "GET" and route.name not in READ_ONLY
            entry = routes.setdefault(
                route.name, {"method": route.method, "count": 0, "mutating": mutating}
            )
            entry["count"] += 1
    return {"requests": total, "skipped": skipped, "foreign": foreign, "routes": routes}


def _body(item: Interaction) -> bytes:
    body = item.request.body
    if body is None:
        return b""
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "surrogateescape")


def _headers(item: Interaction, api_key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, values in item.request.headers.items():
        lower = name.lower()
        if lower in _DROPPED or not normalize.keep_request_header(lower) or not values:
            continue
        value = values[0]
        out[lower] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    out["user-agent"] = f"vstape-drift/{__version__}"
    if api_key:
        out["authorization"] = f"Bearer {api_key}"
    return out


def _url(upstream: str, item: Interaction, ids: IdMap) -> str:
    path, query = path_of(item.request.uri), query_of(item.request.uri)
    tail = ids.substitute((api_path(path) or path) + (f"?{query}" if query else ""))
    return upstream.rstrip("/") + tail


def _learn(route: Route, recorded: Any, live: Any, ids: IdMap) -> None:
    for where in positions.for_route(route.name).response_ids:
        old = [c[k] for c, k in positions.at(recorded, where)]
        new = [c[k] for c, k in positions.at(live, where)]
        for a, b in zip(old, new, strict=False):
            fresh = isinstance(a, str) and a and a not in ids.mapping
            if fresh and isinstance(b, str) and b and a != b:
                ids.learn(a, b)


def _decoded(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None


def _send_one(send: Send, upstream: str, api_key: str, scope: _Scope, item: Interaction) -> Answer:
    body = _body(item)
    content_type = next(
        (str(v[0]) for k, v in item.request.headers.items() if k.lower() == "content-type" and v),
        "",
    )
    if body and normalize.is_json_type(content_type):
        body = scope.ids.substitute(body.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape"
        )
    return send(item.request.method, _url(upstream, item, scope.ids), _headers(item, api_key), body)


def _stop(base: Drift, path: str, why: str, cassette: str) -> Drift:
    """The ``unusable`` item that ends a cassette's run: the rest of it is not sent."""
    later = " (later requests depend on this one)" if path == "request" else ""
    message = f"{why}; the rest of {cassette} was not sent{later}"
    return msgspec.structs.replace(base, kind="unusable", path=path, message=message)


def run(
    cassettes: Sequence[Cassette],
    upstream: str,
    *,
    send: Send,
    api_key: str = "",
) -> DriftReport:
    """Send every cassette's requests, compare each answer, then clean up."""
    report = DriftReport(checks=["live"], inputs={"cassettes": [c.name for c in cassettes]})
    upstream = base_url(upstream)
    sent = 0
    for cassette in cassettes:
        scope = _Scope()
        issued: set[str] = set()
        try:
            for index, (line, item) in enumerate(cassette.items):
                route = _route(item)
                if route is None:
                    continue
                foreign = foreign_ids(item, issued)
                base = Drift(
                    check="live",
                    kind="",
                    message="",
                    route=route.name,
                    file=cassette.name,
                    line=line,
                    interaction=index,
                    where=f"{cassette.name}:{line}",
                )
                try:
                    answer = _send_one(send, upstream, api_key, scope, item)
                except LiveError as err:
                    why = f"{item.request.method} {route.template}: {err}"
                    report.items.append(_stop(base, "request", why, cassette.name))
                    break
                sent += 1
                if answer.status in (401, 403) and item.response.status.code not in (401, 403):
                    why = (
                        f"{upstream} refused the request ({answer.status}): check the API key "
                        "(--api-key-env names the variable holding it) and its project's access"
                    )
                    report.items.append(_stop(base, "status", why, cassette.name))
                    break
                found = compare_answer(
                    route,
                    item.response.status.code,
                    item.response.headers,
                    item.response.body.bytes,
                    answer,
                    base,
                )
                if foreign:  # say why a 404 may be no drift at all
                    note = f" (the request names {', '.join(foreign)}, which {cassette.name} never created)"
                    found = [
                        msgspec.structs.replace(d, message=d.message + note)
                        if d.kind == "status_changed"
                        else d
                        for d in found
                    ]
                report.items += found
                if 200 <= answer.status < 300:
                    recorded, live = _decoded(item.response.body.bytes), _decoded(answer.body)
                    _learn(route, recorded, live, scope.ids)
                    _track(route, item, live, scope)
        finally:  # Ctrl-C or a crash still deletes what was created
            report.notes += _cleanup(send, upstream, api_key, scope)
    report.items = _folded(report.items)
    report.notes.insert(0, f"live: {sent} requests sent to {upstream}")
    return report


def _folded(items: list[Drift]) -> list[Drift]:
    """One item per (cassette, route, kind, path): the first, saying how often it was met."""
    first: dict[tuple[str, str | None, str, str], int] = {}
    counts: list[int] = []
    out: list[Drift] = []
    for item in items:
        key = (item.file, item.route, item.kind, item.path)
        if item.kind != "unusable" and key in first:
            counts[first[key]] += 1
            continue
        first[key] = len(out)
        out.append(item)
        counts.append(1)
    return [
        msgspec.structs.replace(d, message=f"{d.message} (in {n} interactions)") if n > 1 else d
        for d, n in zip(out, counts, strict=True)
    ]


def _track(route: Route, item: Interaction, live: Any, scope: _Scope) -> None:
    if route.name in CREATES and isinstance(live, dict) and isinstance(live.get("id"), str):
        scope.created[live["id"]] = route.name
    elif route.name in DELETES:
        found = match(item.request.method, scope.ids.substitute(path_of(item.request.uri)))
        target = next(iter(found.params.values()), "") if found else ""
        scope.created.pop(target, None)


def _cleanup(send: Send, upstream: str, api_key: str, scope: _Scope) -> list[str]:
    """Delete what the run created and did not delete: stores first, then Files."""
    notes: list[str] = []
    order = sorted(scope.created.items(), key=lambda kv: kv[1] != "create_vector_store")
    headers = {"user-agent": f"vstape-drift/{__version__}"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    for ident, creator in order:
        what, template = CREATES[creator]
        try:
            answer = send("DELETE", upstream + template.format(ident), headers, b"")
        except LiveError as err:
            notes.append(f"cleanup: could not delete {what} {ident}: {err}")
            continue
        verdict = "deleted" if 200 <= answer.status < 300 else "could not delete"
        notes.append(f"cleanup: {verdict} {what} {ident} (status {answer.status})")
    return notes
