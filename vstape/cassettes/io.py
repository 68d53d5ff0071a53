"""Cassettes on disk: safe loading, atomic dumping, appendable items.

Formats, chosen by the file suffix:

- ``.yaml`` / ``.yml``: what vcrpy and pytest-recording read and write. Loaded with
  PyYAML's C safe loader (no python tags; alias bombs refused), or ~15x faster by yaml-rs
  where :mod:`vstape.cassettes.yaml_rs_gate` is sure it gives PyYAML's very document (and
  that it validates: any doubt or error, and PyYAML reads it and words the message).
- ``.json``: the same document as JSON, loaded with msgspec (10-60x faster than YAML),
  for large suites.

Every cassette is validated as it loads (:mod:`vstape.cassettes.model`): a malformed one
is refused with the file, the line (YAML) or the JSON path, and how to fix it. Bytes that
are not UTF-8 round-trip through both formats (:mod:`vstape.cassettes.binary`).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import msgspec
import yaml

from vstape.cassettes import yaml_rs_gate
from vstape.cassettes.binary import for_json, from_json, header_bytes, is_utf8, text_headers
from vstape.cassettes.locks import hashed_name
from vstape.cassettes.model import Cassette, CassetteError, Format, Interaction
from vstape.cassettes.yaml_dump import dump_node, node_of
from vstape.cassettes.yaml_emit import emit

__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "assemble",
    "check_file",
    "dump",
    "dump_item",
    "dumps",
    "format_of",
    "load",
    "loads",
    "read_bytes",
    "stage",
    "sync_folder",
    "write_atomic",
]

MAX_ALIASES = 64
MAX_BYTES = 1 << 30


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


def _to_cassette(document: Any) -> Cassette:
    """The Cassette of a loaded YAML document (msgspec.ValidationError when it is not one)."""
    if document is None:
        return Cassette()
    if isinstance(document, dict) and isinstance(document.get("interactions"), list):
        for item in document["interactions"]:
            text_headers(item)
    return msgspec.convert(document, Cassette)


def _fast_yaml(data: bytes) -> Cassette | None:
    """The cassette as yaml-rs reads it, when that is sure to be PyYAML's; None: ask PyYAML."""
    try:
        sure, document = yaml_rs_gate.load(data)
        return _to_cassette(document) if sure else None
    except Exception:  # a ValidationError, or anything unforeseen: PyYAML's path decides
        return None  # and words the problem with its line


def loads(
    data: bytes, *, fmt: Literal["yaml", "json"] = "yaml", where: str = "<cassette>"
) -> Cassette:
    """Parse and validate a cassette from bytes."""
    if len(data) > MAX_BYTES:
        raise CassetteError(_too_big(where, len(data)))
    try:
        if fmt == "json":
            return from_json(msgspec.json.decode(data, type=Cassette), where)
        fast = _fast_yaml(data)
        if fast is not None:
            return fast
        return _to_cassette(_yaml_document(data, where))
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


@contextmanager
def _unreadable_as_cassette_error(path: str | os.PathLike[str]) -> Iterator[None]:
    """A missing or unreadable cassette file, as the CassetteError that names it and the fix."""
    try:
        yield
    except FileNotFoundError:
        raise CassetteError(f"{path}: no such cassette") from None
    except OSError as err:
        raise CassetteError(
            f"{path}: cannot read the cassette: {err.strerror}; check the path and its permissions"
        ) from None


def check_file(path: str | os.PathLike[str]) -> int:
    """The size of the regular file at ``path``; CassetteError for anything else, from ``stat``.

    A file over :data:`MAX_BYTES`, a folder, a device or a FIFO is refused without being
    opened, so nothing is read into memory and nothing blocks.
    """
    with _unreadable_as_cassette_error(path):
        info = os.stat(path)
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
    with _unreadable_as_cassette_error(path), open(path, "rb") as handle:
        # Not read(MAX_BYTES + 1): that reserves 1 GiB up front for every cassette.
        # readall sizes its buffer from fstat; a file grown past the cap since the
        # stat above is still refused by loads.
        return handle.read()


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


def dumps(cassette: Cassette, *, fmt: Literal["yaml", "json"] = "yaml") -> bytes:
    """Serialize a cassette (stable key order)."""
    if fmt == "json":
        return msgspec.json.format(msgspec.json.encode(for_json(cassette)), indent=1) + b"\n"
    if cassette.version == 1:  # the items joined are the same bytes as the whole document
        return assemble([dump_item(i) for i in cassette.interactions])
    document = msgspec.to_builtins(cassette, builtin_types=(bytes,))
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    )
    return text.encode("utf-8")


def stage(path: str | os.PathLike[str], data: bytes) -> Path:
    """``data`` in a complete, synced temporary file beside ``path`` (its folder must exist).

    The file gets the mode ``path`` has, else 0644; renaming it over ``path`` is the caller's
    step (:func:`write_atomic`, or several at once as :mod:`vstape.interop.commit` does).
    """
    target = Path(path)
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
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """``fsync`` the folder itself, so that a rename in it survives a crash."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` durably: temp file + fsync + rename + fsync of the folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def dump(cassette: Cassette, path: str | os.PathLike[str]) -> None:
    """Atomically write ``cassette`` to ``path`` (YAML or JSON by suffix)."""
    write_atomic(path, dumps(cassette, fmt=format_of(path)))


# -- incremental writing ------------------------------------------------------------------


def dump_item(interaction: Interaction, fmt: Format = "yaml") -> bytes:
    """One interaction serialized so that :func:`assemble` can join many into a cassette."""
    if fmt == "json":
        return msgspec.json.encode(for_json(Cassette([interaction])).interactions[0])
    item = msgspec.to_builtins(interaction, builtin_types=(bytes,))
    for side in ("request", "response"):
        for values in item[side]["headers"].values():
            for position, value in enumerate(values):
                if not is_utf8(value):  # written as !!binary: the exact bytes, for vcrpy too
                    values[position] = header_bytes(value)
    # = yaml.dump([item], Dumper=_Dumper, sort_keys=True, ...): written directly where sure
    text = emit(item) or dump_node(node_of([item]))
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
