"""The cassette model (vcrpy's format, version 1), safe loading and atomic dumping.

A cassette is a Struct, so every cassette is validated as it loads: a malformed one is
refused with the file, the line (YAML) or the JSON path, and how to fix it.

Formats, chosen by the file suffix:

- ``.yaml`` / ``.yml``: what vcrpy and pytest-recording read and write. Loaded with
  PyYAML's C safe loader only (no python tags; alias bombs refused).
- ``.json``: the same document as JSON, loaded with msgspec (10-60x faster than YAML),
  for large suites.

vstape keeps its own per-interaction record under the key ``vstape`` (route, verdict,
violations, scenario, fault); stock vcrpy ignores unknown interaction keys.

Bytes that are not UTF-8 are kept, never dropped or replaced: a body as bytes, a header
value as text holding them as ``surrogateescape`` code points (what mitmproxy and
``os.fsdecode`` use, so ``value.encode("utf-8", "surrogateescape")`` gives the bytes back).
YAML stores both as ``!!binary`` (as vcrpy does for bodies; stock vcrpy loads them as
bytes); JSON stores them as base64 and lists where in ``vstape.binary``.
"""

from __future__ import annotations

import base64
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec
import yaml
from msgspec import UNSET, UnsetType

from vstape.cassettes import yaml_emit as yaml_fast
from vstape.cassettes.locks import hashed_name

__all__ = [
    "Cassette",
    "CassetteError",
    "Interaction",
    "InteractionMeta",
    "Request",
    "Response",
    "ResponseBody",
    "Status",
    "dump",
    "dumps",
    "load",
    "loads",
    "read_bytes",
    "write_atomic",
]

Headers = dict[str, list[str]]
"""Header name -> values; each value is text (non-UTF-8 bytes as surrogateescape code points)."""
Verdict = Literal["ok", "drift", "invalid", "unchecked"]
Format = Literal["yaml", "json"]

MAX_ALIASES = 64
MAX_BYTES = 1 << 30


class CassetteError(ValueError):
    """A cassette that cannot be used: says which file, where, what and how to fix it."""


class Request(msgspec.Struct):
    """A recorded request, as vcrpy stores it (``body``: text, ``!!binary`` bytes or null)."""

    method: str
    uri: str
    body: Any = None
    headers: Headers = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.body is not None and not isinstance(self.body, (str, bytes)):
            kind = type(self.body).__name__
            raise ValueError(f"request.body must be text, !!binary or null, got {kind}")


class Status(msgspec.Struct):
    """HTTP status code and reason phrase."""

    code: int
    message: str = ""


class ResponseBody(msgspec.Struct):
    """Response body: text, or bytes when it is not UTF-8 (``!!binary`` in YAML)."""

    string: Any = ""
    # JSON cassettes only: the body was binary and ``string`` holds base64.
    encoding: Literal["base64"] | UnsetType = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.string, (str, bytes)):
            raise ValueError(
                f"body.string must be text or !!binary, got {type(self.string).__name__}"
            )

    @property
    def bytes(self) -> bytes:
        """The body as bytes."""
        if isinstance(self.string, bytes):
            return bytes(self.string)
        if self.encoding == "base64":
            return base64.b64decode(self.string)
        return str(self.string).encode("utf-8")


class Response(msgspec.Struct):
    """A recorded response, as vcrpy stores it."""

    status: Status
    headers: Headers = msgspec.field(default_factory=dict)
    body: ResponseBody = msgspec.field(default_factory=ResponseBody)


def text_headers(item: Any) -> Any:
    """A loaded YAML interaction with its ``!!binary`` header values as text (surrogateescape).

    Runs before the document is converted to Structs; any other shape is left as it is,
    for the conversion to refuse with its path.
    """
    if not isinstance(item, dict):
        return item
    for side in ("request", "response"):
        part = item.get(side)
        headers = part.get("headers") if isinstance(part, dict) else None
        if not isinstance(headers, dict):
            continue
        for values in headers.values():
            if isinstance(values, list):
                for position, value in enumerate(values):
                    if isinstance(value, bytes):
                        values[position] = value.decode("utf-8", "surrogateescape")
    return item


def header_bytes(value: str) -> bytes:
    """A header value as the bytes that were on the wire."""
    return value.encode("utf-8", "surrogateescape")


def wire_headers(headers: dict[str, list[str]]) -> Mapping[str, Sequence[str | bytes]]:
    """Headers as a client library takes them: a value that was not UTF-8 on the wire is
    given back as its original bytes (httpx would refuse the surrogate text)."""
    if all(value.isascii() for values in headers.values() for value in values):
        return headers
    return {
        name: [value if _is_utf8(value) else header_bytes(value) for value in values]
        for name, values in headers.items()
    }


def _is_utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class InteractionMeta(msgspec.Struct, omit_defaults=True):
    """vstape's own record of an interaction (ignored by stock vcrpy)."""

    route: str | None = None
    verdict: Verdict = "unchecked"
    violations: list[str] = msgspec.field(default_factory=list)
    scenario: str | None = None
    fault: str | None = None
    recorded_at: str | None = None
    duration_ms: float | None = None
    binary: list[str] = msgspec.field(default_factory=list)
    """JSON cassettes only: where base64 stands for bytes (``request.body``,
    ``request.headers.<i>.<name>``: the i-th value of that header)."""


class Interaction(msgspec.Struct, omit_defaults=True):
    """One request and the response it got."""

    request: Request
    response: Response
    vstape: InteractionMeta | UnsetType = UNSET


class Cassette(msgspec.Struct, forbid_unknown_fields=True):
    """A vcrpy cassette, version 1."""

    interactions: list[Interaction] = msgspec.field(default_factory=list)
    version: int = 1

    def __post_init__(self) -> None:
        if self.version != 1:
            raise ValueError(f"unsupported cassette version {self.version}; vcrpy writes 1")


# -- loading ----------------------------------------------------------------------------

_ALIAS_HINT = re.compile(rb"(?:^|[\s\[{,:-])\*[^\s,\]}]")


def _count_aliases(data: bytes) -> int:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return sum(isinstance(ev, yaml.AliasEvent) for ev in yaml.parse(data, Loader=loader))


def _yaml_document(data: bytes, where: str, first_line: int = 1) -> Any:
    """The YAML document in ``data`` (safe loader, alias guard); ``first_line``: where it starts."""
    if _ALIAS_HINT.search(data) and _count_aliases(data) > MAX_ALIASES:
        raise CassetteError(
            f"{where}{'' if first_line == 1 else f':{first_line}'}: refused: more than "
            f"{MAX_ALIASES} YAML aliases (a possible alias bomb); "
            "cassettes written by vcrpy or vstape use none - re-record it"
        )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader)
    except yaml.YAMLError as err:
        raise _yaml_error(err, data, where, first_line) from err


def _yaml_error(
    err: yaml.YAMLError, data: bytes, where: str, first_line: int = 1, first_byte: int = 0
) -> CassetteError:
    """The CassetteError for a YAML error in ``data``, which starts at ``first_line`` / ``first_byte``."""
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + first_line}" if mark is not None else ""
        detail = (err.problem or str(err)).strip()
        hint = (
            "python object tags are never loaded (they could run code)"
            if "python/" in str(err)
            else "fix the YAML syntax or re-record the cassette"
        )
        return CassetteError(f"{where}{line}: not a loadable cassette: {detail}; {hint}")
    if isinstance(err, yaml.reader.ReaderError):  # not UTF-8, or a control character
        row = data[: err.position].count(b"\n") + first_line
        return CassetteError(
            f"{where}:{row}: not a loadable cassette: {err.reason} (character "
            f"#x{err.character:02x} at byte {err.position + first_byte}); a YAML cassette is UTF-8 text "
            "without control characters - re-save it as UTF-8 and keep binary bodies as "
            "!!binary, or re-record it"
        )
    return CassetteError(f"{where}: not a loadable cassette: {err}")


def _too_big(where: str, size: int) -> str:
    return (
        f"{where}: refused: {size} bytes is larger than the {MAX_BYTES}-byte cap "
        "(vstape.cassettes.io.MAX_BYTES); record into several smaller cassettes "
        "(`vstape record --cassette-dir` writes one per route; replay and validate take folders)"
    )


def _json_line(data: bytes, err: msgspec.DecodeError) -> str:
    found = re.search(r"\(byte (\d+)\)", str(err))
    return f":{data[: int(found.group(1))].count(b'\n') + 1}" if found else ""


def loads(
    data: bytes, *, fmt: Literal["yaml", "json"] = "yaml", where: str = "<cassette>"
) -> Cassette:
    """Parse and validate a cassette from bytes."""
    if len(data) > MAX_BYTES:
        raise CassetteError(_too_big(where, len(data)))
    try:
        if fmt == "json":
            return _from_json(msgspec.json.decode(data, type=Cassette), where)
        document = _yaml_document(data, where)
        if document is None:
            return Cassette()
        if isinstance(document, dict) and isinstance(document.get("interactions"), list):
            for item in document["interactions"]:
                text_headers(item)
        return msgspec.convert(document, Cassette)
    except msgspec.ValidationError as err:
        raise CassetteError(
            f"{where}: not a vcrpy cassette: {err}; expected "
            "{version: 1, interactions: [{request: {method, uri, body, headers}, "
            "response: {status: {code, message}, headers, body: {string}}}]}"
        ) from err
    except msgspec.DecodeError as err:
        raise CassetteError(
            f"{where}{_json_line(data, err)}: not valid JSON: {err}; a JSON cassette is "
            "UTF-8 JSON as `vstape record --format json` writes it - fix it or re-record it"
        ) from err
    except RecursionError:  # msgspec's depth guard: only a damaged or hostile file nests so
        raise CassetteError(
            f"{where}: refused: nested too deeply to load (a cassette is a few levels of "
            "mappings and its bodies are strings); the file is damaged or hostile - re-record it"
        ) from None


def format_of(path: str | os.PathLike[str]) -> Literal["yaml", "json"]:
    """The cassette format chosen by the file suffix."""
    return "json" if str(path).endswith(".json") else "yaml"


def check_file(path: str | os.PathLike[str]) -> int:
    """The size of the regular file at ``path``; CassetteError for anything else, from ``stat``.

    A file over :data:`MAX_BYTES`, a folder, a device or a FIFO is refused without being
    opened, so nothing is read into memory and nothing blocks.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CassetteError(f"{path}: no such cassette") from None
    except OSError as err:
        raise CassetteError(
            f"{path}: cannot read the cassette: {err.strerror}; check the path and its permissions"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise CassetteError(
            f"{path}: not a regular file; a cassette is a .yaml, .yml or .json file"
        )
    if info.st_size > MAX_BYTES:
        raise CassetteError(_too_big(str(path), info.st_size))
    return info.st_size


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The raw bytes of the cassette at ``path``, checked (:func:`check_file`) before anything is read."""
    check_file(path)
    try:
        with open(path, "rb") as handle:
            # Not read(MAX_BYTES + 1): that reserves 1 GiB up front for every cassette.
            # readall sizes its buffer from fstat; a file grown past the cap since the
            # stat above is still refused by loads.
            return handle.read()
    except FileNotFoundError:
        raise CassetteError(f"{path}: no such cassette") from None
    except OSError as err:
        raise CassetteError(
            f"{path}: cannot read the cassette: {err.strerror}; check the path and its permissions"
        ) from None


def load(path: str | os.PathLike[str]) -> Cassette:
    """Load and validate the cassette at ``path`` (YAML or JSON by suffix)."""
    return loads(read_bytes(path), fmt=format_of(path), where=str(path))


# -- dumping ----------------------------------------------------------------------------


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper writing multi-line strings (pretty JSON bodies) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _json_headers(headers: Headers, side: str, marks: list[str]) -> Headers:
    if all(_is_utf8(v) for values in headers.values() for v in values):
        return headers
    out: Headers = {}
    for name, values in headers.items():
        out[name] = []
        for position, value in enumerate(values):
            if _is_utf8(value):
                out[name].append(value)
            else:
                out[name].append(_b64(header_bytes(value)))
                marks.append(f"{side}.headers.{position}.{name}")
    return out


def _json_item(item: Interaction) -> Interaction:
    """One interaction with its bytes as base64 (and where, in ``vstape.binary``)."""
    request, response = item.request, item.response
    marks: list[str] = []
    body = response.body
    if isinstance(body.string, bytes):
        body = ResponseBody(_b64(body.string), encoding="base64")
    request_body = request.body
    if isinstance(request_body, bytes):
        request_body = _b64(request_body)
        marks.append("request.body")
    request = msgspec.structs.replace(
        request, body=request_body, headers=_json_headers(request.headers, "request", marks)
    )
    response = msgspec.structs.replace(
        response, body=body, headers=_json_headers(response.headers, "response", marks)
    )
    meta = item.vstape
    if marks:
        meta = msgspec.structs.replace(
            meta if isinstance(meta, InteractionMeta) else InteractionMeta(), binary=marks
        )
    return Interaction(request, response, meta)


def _for_json(cassette: Cassette) -> Cassette:
    return Cassette(interactions=[_json_item(i) for i in cassette.interactions], version=1)


def _from_json(cassette: Cassette, where: str) -> Cassette:
    """Bytes back where ``vstape.binary`` says base64 stands for them."""
    for index, item in enumerate(cassette.interactions):
        if not isinstance(item.vstape, InteractionMeta) or not item.vstape.binary:
            continue
        for mark in item.vstape.binary:
            try:
                side, _, rest = mark.partition(".")
                if mark == "request.body":
                    item.request.body = base64.b64decode(str(item.request.body), validate=True)
                    continue
                kind, position, name = rest.split(".", 2)
                owner = item.request if side == "request" else item.response
                if side not in ("request", "response") or kind != "headers":
                    raise ValueError(mark)
                values = owner.headers[name]
                raw = base64.b64decode(values[int(position)], validate=True)
                values[int(position)] = raw.decode("utf-8", "surrogateescape")
            except (ValueError, KeyError, IndexError, TypeError) as err:
                raise CassetteError(
                    f"{where}: interaction {index}: vstape.binary names {mark!r}, which is not "
                    f"base64 there ({type(err).__name__}); the file was edited by hand - re-record it"
                ) from None
        item.vstape.binary = []
    return cassette


def dumps(cassette: Cassette, *, fmt: Literal["yaml", "json"] = "yaml") -> bytes:
    """Serialize a cassette (stable key order)."""
    if fmt == "json":
        return msgspec.json.format(msgspec.json.encode(_for_json(cassette)), indent=1) + b"\n"
    if cassette.version == 1:  # the items joined are the same bytes as the whole document
        return assemble([dump_item(i) for i in cassette.interactions])
    document = msgspec.to_builtins(cassette, builtin_types=(bytes,))
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    )
    return text.encode("utf-8")


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` durably: temp file + fsync + rename + fsync of the folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A hash, not the name: `.<name>.XXXXXXXX.tmp` would pass the file-name limit (255 bytes)
    # for a long cassette name that itself fits.
    fd, tmp = tempfile.mkstemp(
        prefix=hashed_name(target.name) + ".", suffix=".tmp", dir=target.parent
    )
    try:
        # mkstemp makes the file private (0600); a cassette keeps the mode it had, or gets
        # the usual 0644, so that teammates and CI can read what was recorded.
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def dump(cassette: Cassette, path: str | os.PathLike[str]) -> None:
    """Atomically write ``cassette`` to ``path`` (YAML or JSON by suffix)."""
    write_atomic(path, dumps(cassette, fmt=format_of(path)))


# -- incremental writing ------------------------------------------------------------------


def dump_item(interaction: Interaction, fmt: Format = "yaml") -> bytes:
    """One interaction serialized so that :func:`assemble` can join many into a cassette."""
    if fmt == "json":
        return msgspec.json.encode(_for_json(Cassette([interaction])).interactions[0])
    item = msgspec.to_builtins(interaction, builtin_types=(bytes,))
    for side in ("request", "response"):
        for values in item[side]["headers"].values():
            for position, value in enumerate(values):
                if not _is_utf8(value):  # written as !!binary: the exact bytes, for vcrpy too
                    values[position] = header_bytes(value)
    fast = yaml_fast.dump_item(item)  # PyYAML's bytes, written directly (or None: unsure)
    if fast is not None:
        return fast
    text: str = yaml.dump([item], Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=1 << 16)
    # A text ending in blank lines is a `|+` block, after which PyYAML closes the document
    # with `...`: joined with the next item, that marker would end the cassette there.
    return text.removesuffix("...\n").encode("utf-8")


def assemble(items: list[bytes], fmt: Format = "yaml") -> bytes:
    """A whole cassette from items made by :func:`dump_item` (same bytes as :func:`dumps`)."""
    if fmt == "json":
        return b'{"interactions":[' + b",\n".join(items) + b'],"version":1}\n'
    if not items:
        return b"interactions: []\nversion: 1\n"
    return b"interactions:\n" + b"".join(items) + b"version: 1\n"
