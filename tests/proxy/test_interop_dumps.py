"""Flow dumps as mitmproxy writes them: odd flows handled, foreign or damaged dumps refused.

The dumps are written by mitmproxy itself (``mitmproxy.io.FlowWriter``, or a real
``mitmdump -w`` run); the hostile ones are a real dump edited the way it happens in the
wild: the flow format version of another mitmproxy, a file cut in the middle of a flow.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mitmproxy import http
from mitmproxy.io import FlowWriter, tnetstring
from mitmproxy.test import tflow, tutils
from mitmproxy.version import FLOW_FORMAT_VERSION
from openai import OpenAI

from tests.procs import ROOT, VSTAPE
from tests.proxy.test_interop_capture import Captured, _capture
from vstape.cassettes.io import load
from vstape_mitmproxy import dumpfile

STORE = {
    "id": "vs_1",
    "object": "vector_store",
    "created_at": 1700000000,
    "name": "n",
    "usage_bytes": 0,
    "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
    "status": "completed",
    "expires_after": None,
    "expires_at": None,
    "last_active_at": 1700000000,
    "metadata": {},
}


def _import(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "import", "--keep-ids", *args],  # kept losslessly: the capture's values
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def _api(path: str, response: http.Response | None, **request: Any) -> http.HTTPFlow:
    req = tutils.treq(
        host="127.0.0.1",
        port=8080,
        path=path.encode(),
        headers=http.Headers(((b"authorization", b"Bearer sk-live-dump0SECRET0123"),)),
        content=b"",
        **request,
    )
    return tflow.tflow(req=req, resp=response or False, err=response is None)


def test_odd_flows_are_skipped_or_kept_losslessly(tmp_path: Path) -> None:
    """TCP, aborted, other paths: counted and said; non-UTF-8 bytes and gzip kept exactly."""
    binary = bytes(range(256))
    flows = [
        tflow.ttcpflow(),
        _api("/v1/models", tutils.tresp()),
        _api(
            "/v1/vector_stores/vs_1/files/file-1/content",
            tutils.tresp(
                headers=http.Headers(
                    ((b"content-type", b"application/octet-stream"), (b"x-raw", b"\xff\xfe ok"))
                ),
                content=binary,
            ),
        ),
        _api("/v1/vector_stores/vs_1", None),
        _api(
            "/v1/vector_stores/vs_1",
            tutils.tresp(
                headers=http.Headers(
                    ((b"content-type", b"application/json"), (b"content-encoding", b"gzip"))
                ),
                content=gzip.compress(json.dumps(STORE).encode()),
            ),
        ),
    ]
    dump = tmp_path / "odd.mitm"
    with open(dump, "wb") as handle:
        writer = FlowWriter(handle)
        for flow in flows:
            writer.add(flow)
    done = _import(tmp_path, str(dump), "--cassette-dir", "out")
    assert done.returncode == 0, done.stderr
    assert (
        "odd.mitm (mitmproxy flow dump, 5 flows): 2 taken, 3 skipped (1 not HTTP, "
        "1 not /v1/vector_stores or /v1/files, 1 no response (aborted))"
    ) in done.stdout
    assert (
        "odd.mitm: flow 3: GET http://127.0.0.1:8080/v1/vector_stores/vs_1: error; skipped"
        in done.stdout
    )
    [content] = load(tmp_path / "out" / "retrieve_vector_store_file_content.yaml").interactions
    assert content.response.body.bytes == binary
    assert content.response.headers["x-raw"] == [b"\xff\xfe ok".decode("utf-8", "surrogateescape")]
    [store] = load(tmp_path / "out" / "get_vector_store.yaml").interactions
    assert json.loads(store.response.body.bytes) == STORE
    assert "content-encoding" not in store.response.headers
    assert store.vstape.verdict == "ok"  # type: ignore[union-attr]
    assert store.vstape.recorded_at == "1999-12-31T23:00:00+00:00"  # type: ignore[union-attr]
    written = b"".join(p.read_bytes() for p in (tmp_path / "out").iterdir())
    assert b"sk-live-dump0SECRET0123" not in written + done.stdout.encode()


def _small(client: OpenAI) -> list[Any]:
    vs = client.vector_stores.create(name="dump")
    return [vs, client.vector_stores.retrieve(vs.id), [v.id for v in client.vector_stores.list()]]


@pytest.fixture(scope="module")
def real_dump(tmp_path_factory: pytest.TempPathFactory) -> Captured:
    """A real `mitmdump -w` of the SDK against `vstape emulate`."""
    return _capture(tmp_path_factory.mktemp("dump"), _small)


def _flows(path: Path) -> list[dict[Any, Any]]:
    handle = io.BytesIO(path.read_bytes())
    flows = []
    while handle.tell() < len(handle.getvalue()):
        flows.append(tnetstring.load(handle))
    return flows  # type: ignore[return-value]


def _hostile(real: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    flows = _flows(real)
    assert len(flows) == 3 and all(f["version"] == FLOW_FORMAT_VERSION for f in flows)
    offsets = [0]
    for flow in flows:
        offsets.append(offsets[-1] + len(tnetstring.dumps(flow)))
    out: dict[str, tuple[Path, str]] = {}
    for name, version in (("newer", FLOW_FORMAT_VERSION + 78), ("ancient", 5)):
        edited = [dict(f) for f in flows]
        edited[2]["version"] = version
        path = folder / f"{name}.mitm"
        path.write_bytes(b"".join(tnetstring.dumps(f) for f in edited))
        out[name] = (path, f"{path}: flow 2 (byte {offsets[2]}): ")
    out["newer"] = (
        out["newer"][0],
        out["newer"][1]
        + "written by another mitmproxy version: mitmproxy 12.2.3 cannot read files with "
        f"flow format version {FLOW_FORMAT_VERSION + 78}, please update mitmproxy.",
    )
    out["ancient"] = (
        out["ancient"][0],
        out["ancient"][1] + "written by another mitmproxy version (flow format 5), and mitmproxy",
    )
    cut = folder / "cut.mitm"
    data = real.read_bytes()
    cut.write_bytes(data[: offsets[1] + (offsets[2] - offsets[1]) // 2])
    out["truncated"] = (cut, f"{cut}: flow 1 (byte {offsets[1]}): mitmproxy cannot read the dump")
    return out


@pytest.mark.timeout(300)
def test_foreign_and_damaged_dumps_exit_2_and_write_nothing(
    real_dump: Captured, tmp_path: Path
) -> None:
    """Another mitmproxy's version field, a cut dump: file, flow, byte offset; nothing written."""
    good = real_dump.dump
    assert len(dumpfile.read(good).taken) == 3
    existing = tmp_path / "existing.yaml"
    assert _import(tmp_path, str(good), "--cassette", str(existing)).returncode == 0
    before = existing.read_bytes()
    for name, (path, expected) in _hostile(good, tmp_path).items():
        for target in (["--cassette-dir", str(tmp_path / "new")], ["--cassette", str(existing)]):
            done = _import(tmp_path, str(good), str(path), *target)
            assert done.returncode == 2, (name, done.stdout, done.stderr)
            assert expected in done.stderr, (name, done.stderr)
            assert "Traceback" not in done.stderr
            assert done.stderr.rstrip().endswith("nothing was written")
            assert not (tmp_path / "new").exists() and existing.read_bytes() == before
    older = [dict(f) for f in _flows(good)]
    older[0]["version"] = FLOW_FORMAT_VERSION - 1  # mitmproxy migrates what it knows
    path = tmp_path / "older.mitm"
    path.write_bytes(b"".join(tnetstring.dumps(f) for f in older))
    assert len(dumpfile.read(path).taken) == 3
