"""Read a mitmproxy flow dump (``mitmdump -w``, mitmweb's File > Save) as a vstape Capture.

The flows are read by mitmproxy's own reader (``mitmproxy.io.FlowReader``, which also
migrates dumps of older mitmproxy versions), one at a time, and each HTTP flow of the
API becomes the same Exchange the recording proxy builds from a live flow
(:func:`vstape_mitmproxy._flow.exchange_of`: bodies decoded, the flow unchanged), so
an import and a recording write the same interaction for the same traffic.

Skipped, each said why: flows outside ``/v1/vector_stores`` and ``/v1/files``, flows
that are not HTTP (TCP, UDP, DNS), flows without a response (the client gave up, the
upstream was unreachable: mitmproxy's error is shown), and flows whose body was
streamed through rather than kept. A dump that mitmproxy cannot read (written by a newer
mitmproxy, damaged, truncated) is a CaptureError naming the file, the flow (0-based) and
its byte offset.

Library use::

    from vstape_mitmproxy import dumpfile
    capture = dumpfile.read_any("session.mitm")   # a flow dump or a HAR file
"""

from __future__ import annotations

import datetime as dt
import os

from mitmproxy import flow as mflow
from mitmproxy import http
from mitmproxy.io import FlowReader, tnetstring
from mitmproxy.version import FLOW_FORMAT_VERSION, VERSION

from vstape.api.routes import is_known_family
from vstape.interop import har
from vstape.interop.capture import (
    NO_BODY,
    NO_RESPONSE,
    NOT_API,
    NOT_HTTP,
    Capture,
    CaptureError,
    Skipped,
    Taken,
    check_source,
    shown_url,
    sniff,
)
from vstape.recording.redact import scrub_text
from vstape_mitmproxy._flow import FAULT as FAULT_META
from vstape_mitmproxy._flow import exchange_of

__all__ = ["read", "read_any"]


def _when(timestamp: float | None) -> str | None:
    if not timestamp:
        return None
    stamp = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    return stamp.replace(microsecond=0).isoformat()


def _entry(index: int, flow: mflow.Flow, keep_host: bool) -> Taken | Skipped:
    if not isinstance(flow, http.HTTPFlow):
        return Skipped(index, NOT_HTTP)
    request, response = flow.request, flow.response
    if not is_known_family(request.path):
        return Skipped(index, NOT_API)
    subject = shown_url(request.method, request.pretty_url)
    if response is None:
        why = scrub_text(flow.error.msg) if flow.error is not None else "no response"
        return Skipped(index, NO_RESPONSE, f"{subject}: {why}")
    for side, message in (("request", request), ("response", response)):
        if message.raw_content is None:
            return Skipped(
                index,
                NO_BODY,
                f"{subject}: the {side} body was streamed through, not kept in the dump",
            )
    duration = None
    if response.timestamp_end and request.timestamp_start:
        duration = (response.timestamp_end - request.timestamp_start) * 1000
    fault = flow.metadata.get(FAULT_META) or {}  # set by vstape_mitmproxy.faults, if it ran
    step = fault.get("step")
    return Taken(
        index,
        exchange_of(flow, duration, keep_host),
        recorded_at=_when(request.timestamp_start),
        scenario=fault.get("scenario"),
        fault=step if step not in (None, "ok") else None,
    )


def _declared_version(path: str, offset: int) -> object:
    """The flow format version the flow at ``offset`` says it has (None: unreadable)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            state = tnetstring.load(handle)
    except Exception:  # damaged: no version to tell
        return None
    if not isinstance(state, dict):
        return None
    return state.get(b"version", state.get("version"))


def _read_error(path: str, index: int, offset: int, err: BaseException) -> CaptureError:
    text = str(err) or type(err).__name__
    if isinstance(err, LookupError):  # a migration that found a field missing
        text = f"{type(err).__name__}: {err}"
    where = f"{path}: flow {index} (byte {offset})"
    declared = _declared_version(path, offset)
    to_har = (
        "Open the dump in the mitmproxy that wrote it and export it as HAR (mitmweb: File > "
        "Export > HAR, or `mitmdump -nr DUMP --set hardump=out.har`), then import the HAR"
    )
    if "flow format version" in text:
        return CaptureError(
            f"{where}: written by another mitmproxy version: {text} (this is mitmproxy "
            f"{VERSION}, flow format {FLOW_FORMAT_VERSION}). {to_har}"
        )
    if declared is not None and declared != FLOW_FORMAT_VERSION:
        return CaptureError(
            f"{where}: written by another mitmproxy version (flow format {declared!r}), and "
            f"mitmproxy {VERSION} (flow format {FLOW_FORMAT_VERSION}) could not migrate it "
            f"({text}). {to_har}"
        )
    return CaptureError(
        f"{where}: mitmproxy cannot read the dump from here ({text}): it is damaged or "
        "truncated (a mitmdump killed while writing leaves half a flow); "
        f"`mitmdump -nr {path} -w fixed.mitm` saves the flows before it (and then stops "
        "with this error), and fixed.mitm imports"
    )


def read(path: str | os.PathLike[str], *, keep_host: bool = False) -> Capture:
    """Every flow of the dump at ``path``; ``keep_host`` takes the URL the client used."""
    check_source(path)
    name = str(path)
    entries: list[Taken | Skipped] = []
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the with below)
    except OSError as err:
        raise CaptureError(f"{name}: cannot read it: {err.strerror}; check the path") from None
    with handle:
        flows = iter(FlowReader(handle).stream())
        while True:
            offset = handle.tell()
            try:
                flow = next(flows)
            except StopIteration:
                break
            except Exception as err:  # FlowReadException, or a converter's KeyError
                cause = err.__cause__ if str(err) == "Invalid data format." else None
                raise _read_error(name, len(entries), offset, cause or err) from None
            entries.append(_entry(len(entries), flow, keep_host))
    return Capture(name, "flows", entries)


def read_any(path: str | os.PathLike[str], *, keep_host: bool = False) -> Capture:
    """A flow dump or a HAR file, told apart by its content."""
    if sniff(path) == "har":
        return har.read(path)
    return read(path, keep_host=keep_host)
