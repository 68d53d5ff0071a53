"""Schema-derived fuzzing: valid instances of every route's request and response, then mutations.

Valid instances come from two sources: the emulator's own traffic (the SDK script of
``vstape demo`` run in-process) and instances generated from the msgspec Structs
themselves (every optional field present, every union option, every tag). Each one is
mutated at every node into every JSON kind (null, booleans, integers, floats, strings,
arrays, objects, deep nesting, huge values), by deleting each key and by adding an
unknown one. Everything derives from the route table: a new route or field is fuzzed
without a change here.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import httpx2
import msgspec
import msgspec.inspect as mi
import openai

from vstape.api.routes import ROUTES, Route, match
from vstape.api.schemas import ErrorResponse
from vstape.cli.sdk.script import run_everything
from vstape.emulator import Emulator
from vstape.emulator.transport import EmulatorTransport
from vstape.http import Request
from vstape.validation.forms import parse_form
from vstape.validation.walker import inspect_type

Side = Literal["request", "response"]
Shape = Literal["json", "form", "query"]
Node = tuple[str | int, ...]

AUTH = {"authorization": "Bearer sk-fuzz"}
BOUNDARY = "fuzz0boundary"


@dataclass(frozen=True)
class Sample:
    """One valid value to mutate: a request body, form, query or a response body."""

    route: Route
    side: Side
    shape: Shape
    value: Any
    status: int = 200

    @property
    def type_(self) -> Any:
        """The Struct the value is checked against."""
        if self.side == "response":
            return ErrorResponse if self.status >= 400 else self.route.response
        return self.route.query if self.shape == "query" else self.route.body


# -- valid instances: the emulator's traffic ------------------------------------------------


class _Capture(httpx2.BaseTransport):
    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.seen: list[tuple[str, str, bytes, dict[str, str], int, bytes]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        self.seen.append(
            (
                request.method,
                request.url.raw_path.decode(),
                body,
                dict(request.headers),
                response.status_code,
                response.read(),
            )
        )
        return response


@cache
def traffic() -> tuple[Sample, ...]:
    """Every request and response of the SDK script, as samples."""
    capture = _Capture(Emulator(seed=11))
    with openai.OpenAI(
        api_key="sk-fuzz",
        base_url="http://emulator/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=capture),
    ) as client:
        run_everything(client)
    found: list[Sample] = []
    for method, path, body, headers, status, response in capture.seen:
        hit = match(method, path)
        if hit is None:
            continue
        route = hit.route
        found.append(Sample(route, "response", "json", msgspec.json.decode(response), status))
        if "?" in path and route.query is not None:
            found.append(Sample(route, "request", "query", dict(parse_qsl(path.split("?")[1]))))
        if route.multipart:
            form = parse_form(headers.get("content-type", ""), body)
            found.append(Sample(route, "request", "form", form.fields))
        elif route.body is not None and status < 400:
            found.append(Sample(route, "request", "json", msgspec.json.decode(body or b"{}")))
    return tuple(found)


# -- valid instances: generated from the Structs ---------------------------------------------


def _number(t: mi.IntType | mi.FloatType) -> float:
    low = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else 0)
    high = t.le if t.le is not None else (t.lt - 1 if t.lt is not None else low + 1000)
    middle = (low + high) / 2
    return int(middle) if isinstance(t, mi.IntType) else float(middle)


def instance(t: mi.Type, rng: random.Random, depth: int = 0) -> Any:
    """A valid value of ``t``: optional fields present, a random union option, bounded depth."""
    if isinstance(t, mi.Metadata):
        return instance(t.type, rng, depth)
    if isinstance(t, mi.LiteralType):
        return rng.choice(t.values)
    if isinstance(t, mi.StrType):
        size = max(t.min_length or 0, min(t.max_length or 6, 6))
        return "".join(rng.choice("abcxyz é✓") for _ in range(size))
    if isinstance(t, mi.BoolType):
        return rng.random() < 0.5
    if isinstance(t, mi.IntType | mi.FloatType):
        return _number(t)
    if isinstance(t, mi.NoneType):
        return None
    if isinstance(t, mi.ListType):
        size = max(t.min_length or 0, min(t.max_length or 2, 2 if depth < 4 else 1))
        return [instance(t.item_type, rng, depth + 1) for _ in range(size)]
    if isinstance(t, mi.DictType):
        size = min(t.max_length if t.max_length is not None else 2, 2)
        return {
            f"k{i}{instance(t.key_type, rng, depth + 1)}"[:8]: instance(
                t.value_type, rng, depth + 1
            )
            for i in range(size)
        }
    if isinstance(t, mi.StructType):
        value: dict[str, Any] = {}
        if t.tag_field is not None:
            value[t.tag_field] = t.tag
        for f in t.fields:
            if f.required or rng.random() < 0.8:
                value[f.encode_name] = instance(f.type, rng, depth + 1)
        return value
    if isinstance(t, mi.UnionType):
        options = list(t.types)
        if depth >= 4:  # recursive unions (compound filters): prefer the leaves
            options = [o for o in options if not _recursive(o)] or options
        non_null = [o for o in options if not isinstance(o, mi.NoneType)]
        return instance(rng.choice(non_null or options), rng, depth)
    return None


def _recursive(t: mi.Type) -> bool:
    return isinstance(t, mi.StructType) and any(
        isinstance(f.type, mi.ListType) and isinstance(f.type.item_type, mi.UnionType)
        for f in t.fields
    )


def valid(type_: Any, value: Any, lax: bool = False) -> bool:
    """True when msgspec's typed conversion accepts ``value`` (the fast path's verdict)."""
    try:
        msgspec.convert(value, type_, strict=not lax)
        return True
    except msgspec.ValidationError:
        return False


def generated(route: Route, count: int, seed: int = 0) -> list[Sample]:
    """Up to ``count`` valid generated samples per body, query and response of ``route``."""
    targets: list[tuple[Side, Shape, Any]] = [("response", "json", route.response)]
    if route.body is not None:
        targets.append(("request", "form" if route.multipart else "json", route.body))
    if route.query is not None:
        targets.append(("request", "query", route.query))
    out: list[Sample] = []
    for side, shape, type_ in targets:
        rng = random.Random(f"{route.name}:{side}:{shape}:{seed}")
        kept = 0
        for _ in range(count * 10):
            value = instance(inspect_type(type_), rng)
            if shape == "query":
                value = {k: _text(v) for k, v in value.items()}
            if valid(type_, value, lax=shape != "json"):
                out.append(Sample(route, side, shape, value))
                kept += 1
                if kept == count:
                    break
    return out


def samples(per_route: int = 2) -> list[Sample]:
    """Distinct samples: up to ``per_route`` from the emulator's traffic and ``per_route``
    generated ones, for every body, query and response of every route."""
    found: list[Sample] = []
    kept: Counter[tuple[str, str, str, str, int]] = Counter()
    seen: set[bytes] = set()
    sources = [
        ("traffic", list(traffic())),
        ("generated", [g for r in ROUTES for g in generated(r, per_route)]),
    ]
    for source, candidates in sources:
        for sample in candidates:
            key = (source, sample.route.name, sample.side, sample.shape, sample.status)
            encoded = encode([*key[1:], sample.value])
            if encoded in seen or kept[key] >= per_route:
                continue
            seen.add(encoded)
            kept[key] += 1
            found.append(sample)
    found.append(
        Sample(
            ROUTES[0],
            "response",
            "json",
            {"error": {"message": "m", "type": "t", "param": None, "code": None}},
            429,
        )
    )
    return found


# -- mutations --------------------------------------------------------------------------------


def _deep_list(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _deep_object(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"type": value}
    return value


KINDS: tuple[tuple[str, Any], ...] = (
    ("null", None),
    ("true", True),
    ("false", False),
    ("zero", 0),
    ("negative", -1),
    ("int64-max+1", 2**63),
    ("int64-min-1", -(2**63) - 1),
    ("huge-int", 10**40),
    ("fraction", 1.5),
    ("integral-float", 365.0),
    ("huge-float", 1e308),
    ("tiny-float", 5e-324),
    ("empty-string", ""),
    ("string", "AAA"),
    ("control-string", "a\x00\x1b[31m\n"),
    ("huge-string", "x" * 20_000),
    ("empty-array", []),
    ("array", [1, "a", None, {}]),
    ("huge-array", list(range(1_000))),
    ("empty-object", {}),
    ("discriminator-object", {"type": {}}),
    ("discriminator-array", {"type": [], "key": "k", "value": 1}),
    ("deep-array", _deep_list(200)),
    ("deep-object", _deep_object(100)),
)
# The costly kinds go to one item of each array (the later items have the same schema).
COSTLY = frozenset({"huge-string", "huge-array", "deep-array", "deep-object", "huge-int"})
TEXT_KINDS: tuple[tuple[str, str], ...] = (
    ("empty", ""),
    ("word", "AAA"),
    ("negative", "-1"),
    ("zero", "0"),
    ("fraction", "1.5"),
    ("integral-float", "3600.0"),
    ("exponent", "1e3"),
    ("huge-int", "9" * 40),
    ("bool", "true"),
    ("null", "null"),
    ("json-object", "{}"),
    ("control", "a\x00\r\nb"),
    ("huge", "y" * 5_000),
)


def nodes(value: Any, prefix: Node = ()) -> Iterator[Node]:
    """Every node of a JSON value, root first, as paths of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from nodes(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(item, (*prefix, index))


def replace(value: Any, node: Node, new: Any) -> Any:
    """A copy of ``value`` with the node at ``node`` replaced (``...`` deletes a key)."""
    if not node:
        return new
    head, rest = node[0], node[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if new is ... and not rest:
            copy.pop(head, None)
        else:
            copy[head] = replace(value[head], rest, new)
        return copy
    copy_list = list(value)
    copy_list[head] = replace(value[head], rest, new)
    return copy_list


def mutations(sample: Sample) -> Iterator[tuple[str, Any]]:
    """(label, mutated value) for every node x every kind, deleted keys and unknown keys."""
    text = sample.shape != "json"
    kinds: tuple[tuple[str, Any], ...] = TEXT_KINDS if text else KINDS
    for node in nodes(sample.value):
        where = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in node)
        later_item = any(isinstance(k, int) and k > 0 for k in node)
        for label, new in kinds:
            if text and not node:
                continue  # a form or query is always a set of named strings
            if later_item and label in COSTLY:
                continue
            yield f"{where}={label}", replace(sample.value, node, new)
        target = _at(sample.value, node)
        if isinstance(target, dict):
            for key in target:
                yield f"{where}.{key}=deleted", replace(sample.value, (*node, key), ...)
            yield f"{where}+unknown", replace(sample.value, node, {**target, "zz_unknown": 1})


def _at(value: Any, node: Node) -> Any:
    for key in node:
        value = value[key]
    return value


# -- encodings --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode()


def _fields(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _fields(f"{prefix}[{key}]" if prefix else str(key), item)
    elif isinstance(value, list) and prefix:
        for item in value:
            yield from _fields(f"{prefix}[]", item)
    else:
        yield prefix or "value", _text(value)


def form_body(fields: Any, with_file: bool = True) -> bytes:
    """A multipart body the way the SDK writes one: bracketed names, one part per leaf."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{text}\r\n'
        for name, text in _fields("", fields)
    ]
    if with_file:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n'
            "Content-Type: text/plain\r\n\r\nhello fuzz\r\n"
        )
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode("utf-8", "surrogatepass")


FORM_HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
JSON_HEADERS = {"content-type": "application/json"}


def query_string(values: Any) -> str:
    """``?a=1&b=2`` for a dict of strings (anything else becomes one odd parameter)."""
    if not isinstance(values, dict):
        return "?" + urlencode({"q": _text(values)})
    return "?" + urlencode({str(k): _text(v) for k, v in values.items()}) if values else ""


def encode(value: Any) -> bytes:
    """JSON bytes of a (mutated) value."""
    return msgspec.json.encode(value)


# -- a world with real ids, for the emulator -------------------------------------------------


def world() -> tuple[Emulator, dict[str, str]]:
    """An emulator holding a File, a store with that File attached and completed, and a batch."""
    emulator = Emulator(seed=5)

    def call(
        method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Any:
        answer = emulator.handle(
            Request(method, path, tuple({**AUTH, **(headers or JSON_HEADERS)}.items()), body)
        )
        assert answer.status == 200, answer.body
        return msgspec.json.decode(answer.body)

    file_id = call("POST", "/v1/files", form_body({"purpose": "assistants"}), FORM_HEADERS)["id"]
    spare = call("POST", "/v1/files", form_body({"purpose": "assistants"}), FORM_HEADERS)["id"]
    store = call("POST", "/v1/vector_stores", encode({"file_ids": [file_id]}))["id"]
    call("GET", f"/v1/vector_stores/{store}/files/{file_id}")
    call("GET", f"/v1/vector_stores/{store}/files/{file_id}")
    batch = call("POST", f"/v1/vector_stores/{store}/file_batches", encode({"file_ids": [spare]}))
    ids = {"vector_store_id": store, "file_id": file_id, "batch_id": batch["id"]}
    return emulator, ids


def request_of(sample: Sample, mutated: Any, ids: dict[str, str]) -> Request:
    """The HTTP request carrying a mutated request sample, with real ids in the path."""
    path = sample.route.path(**{p: ids[p] for p in sample.route.params})
    if sample.shape == "query":
        return Request(sample.route.method, path + query_string(mutated), tuple(AUTH.items()))
    if sample.shape == "form":
        return Request("POST", path, tuple({**AUTH, **FORM_HEADERS}.items()), form_body(mutated))
    return Request(
        sample.route.method, path, tuple({**AUTH, **JSON_HEADERS}.items()), encode(mutated)
    )
