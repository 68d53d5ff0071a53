"""The official Node SDK (`openai` on npm) replays cassettes served by `vstape replay`.

A cassette is recorded for real (the Python SDK through `vstape record` in front of the
emulator), then `vstape replay` serves it together with shipped ``cassettes/*/ok.yaml``
files on 127.0.0.1, and a Node script drives the Node SDK against it: retrieve, list
with auto-pagination, create, search, files.list, and one request nobody recorded, which
must arrive as the SDK's ``NotFoundError`` carrying the ``vstape_no_recording`` envelope.
Every result is compared with the cassettes' bodies.

The SDK is installed with npm once into ``.cache/`` (git-ignored) and reused on reruns.
Without node/npm, or when npm cannot install it, the test is skipped saying what failed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from openai import OpenAI

from tests.procs import ROOT, vstape_server
from vstape.cassettes.io import load
from vstape.cassettes.model import Interaction, InteractionMeta
from vstape.replay.matching import request_key

# The newest major that still runs on Node 20: openai 7.x declares engines node >= 22,
# 6.x declares none (and supports Node 20). Pinned so reruns use the cached install.
OPENAI_NODE = "6.49.0"
NODE_MAJOR_MIN = 20
CACHE = ROOT / ".cache" / f"node-openai-{OPENAI_NODE}"
NPM_TIMEOUT_S = 240

NODE_SCRIPT = r"""
'use strict';
// Drives the official Node SDK through the steps of a JSON plan; prints the results as JSON.
const fs = require('fs');
const [pkg, planFile] = process.argv.slice(2);
const sdk = require(pkg);
const OpenAI = sdk.OpenAI ?? sdk.default ?? sdk;
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
const client = new OpenAI({
  apiKey: 'sk-node-replay', baseURL: plan.baseURL, maxRetries: 0, timeout: 20000,
});

async function pages(start, all) {
  if (!all) return { pages: [(await start()).body] };  // one page, as recorded
  const ids = [];
  for await (const item of start()) ids.push(item.id);   // auto-pagination, item by item
  const bodies = [];
  for await (const page of (await start()).iterPages()) bodies.push(page.body);
  return { ids, pages: bodies };
}

async function call(step) {
  const vs = client.vectorStores;
  switch (step.op) {
    case 'retrieve': { const v = await vs.retrieve(step.id); return { value: v, request_id: v._request_id }; }
    case 'create': { const v = await vs.create(step.body); return { value: v, request_id: v._request_id }; }
    case 'list': return pages(() => vs.list(step.query), step.all);
    case 'search': return pages(() => vs.search(step.id, step.body), false);
    case 'files.list': return pages(() => vs.files.list(step.id, step.query), step.all);
    default: throw new Error(`unknown op ${step.op}`);
  }
}

(async () => {
  const out = { sdk: require(`${pkg}/package.json`).version, node: process.version, steps: {} };
  for (const step of plan.steps) {
    try {
      out.steps[step.name] = { ok: true, ...(await call(step)) };
    } catch (err) {
      out.steps[step.name] = { ok: false, error: {
        class: err?.constructor?.name, notFound: err instanceof sdk.NotFoundError,
        status: err.status, code: err.code, type: err.type, message: err.message,
      } };
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
"""


def _run(
    args: list[str], timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd)


def _installed(folder: Path) -> bool:
    package = folder / "node_modules" / "openai" / "package.json"
    try:
        return bool(json.loads(package.read_text())["version"] == OPENAI_NODE)
    except (OSError, ValueError, KeyError):
        return False


def _npm_summary(output: str) -> str:
    """npm's error code and first error line (not its stack trace)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    found = [line for line in lines if re.match(r"npm (error|ERR!) (code |\w*Error)", line)]
    return " | ".join((found or lines)[:2])


def _install(npm: str) -> Path:
    """The Node SDK's package folder, installed once into .cache/ (one installer at a time)."""
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{CACHE}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers: one installs, the other waits
        if not _installed(CACHE):
            staging = Path(f"{CACHE}.tmp-{os.getpid()}")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            (staging / "package.json").write_text(
                json.dumps({"private": True, "dependencies": {"openai": OPENAI_NODE}})
            )
            command = [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts"]
            try:
                done = _run([*command, "--prefix", str(staging)], NPM_TIMEOUT_S, staging)
                failure = (
                    f"exit {done.returncode}: {_npm_summary(done.stderr)}"
                    if done.returncode
                    else ""
                )
            except subprocess.TimeoutExpired:
                failure = f"no answer within {NPM_TIMEOUT_S} s"
            if failure or not _installed(staging):
                shutil.rmtree(staging, ignore_errors=True)
                registry = _run([npm, "config", "get", "registry"], 30).stdout.strip()
                tail = failure or "exit 0, but no node_modules/openai afterwards"
                pytest.skip(
                    f"`npm install openai@{OPENAI_NODE}` failed ({tail}); it needs the npm "
                    f"registry ({registry or 'npm config get registry'}) to be reachable - "
                    f"fix the network or proxy settings, or install it once by hand with "
                    f"`npm install --prefix {CACHE} openai@{OPENAI_NODE}`"
                )
            shutil.rmtree(CACHE, ignore_errors=True)
            staging.rename(CACHE)
    return CACHE / "node_modules" / "openai"


@pytest.fixture(scope="module")
def node_sdk() -> tuple[str, Path]:
    """(node executable, the installed openai package folder), or a skip that says why."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = "node" if node is None else "npm"
        pytest.skip(
            f"`{missing}` is not on PATH: install Node.js >= {NODE_MAJOR_MIN} with npm "
            "(e.g. `apt-get install nodejs npm`) to run the Node SDK test"
        )
    version = _run([node, "--version"], 30).stdout.strip()
    found = re.match(r"v(\d+)\.", version)
    if found is None or int(found.group(1)) < NODE_MAJOR_MIN:
        pytest.skip(f"node {version or '?'} is too old: openai@{OPENAI_NODE} needs Node >= 20")
    return node, _install(npm)


@dataclass
class Recording:
    """A cassette the Python SDK recorded through the proxy, and what the SDK saw."""

    path: Path
    store: str
    listed: list[str]
    files: list[str]
    interactions: list[Interaction]


def _python_session(client: OpenAI) -> tuple[str, list[str], list[str]]:
    stores = [
        client.vector_stores.create(name=f"node-{n}", metadata={"n": str(n)}) for n in range(5)
    ]
    first = stores[0].id
    for n in range(3):
        upload = client.files.create(
            file=(f"doc{n}.txt", f"refund policy, part {n}".encode()), purpose="assistants"
        )
        client.vector_stores.files.create_and_poll(
            file_id=upload.id, vector_store_id=first, poll_interval_ms=1
        )
    listed = [vs.id for vs in client.vector_stores.list(limit=2)]  # 3 pages
    files = [f.id for f in client.vector_stores.files.list(first, limit=2)]  # 2 pages
    client.vector_stores.search(first, query="refund policy")
    client.vector_stores.retrieve(first)
    return first, listed, files


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recording]:
    """The Python SDK through `vstape record` (emulator upstream) into one cassette."""
    path = tmp_path_factory.mktemp("node") / "python-sdk.yaml"
    args = ["record", "--listen", "127.0.0.1:0", "--cassette", str(path), "--seed", "2024"]
    args.append("--keep-ids")  # the Node SDK replays with the ids the Python session saw
    with vstape_server(*args, "--quiet") as (proc, url):
        with OpenAI(api_key="sk-record", base_url=url, max_retries=0) as client:
            store, listed, files = _python_session(client)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert len(listed) == 5 and len(files) == 3
    yield Recording(path, store, listed, files, load(path).interactions)


def _body(item: Interaction) -> Any:
    assert item.response.status.code == 200, item.request.uri
    return json.loads(item.response.body.bytes)


SHIPPED = (
    "get_vector_store",
    "create_vector_store",
    "search_vector_store",
    "list_vector_stores",
    "list_vector_store_files",
)


def _shipped_step(route: str) -> tuple[dict[str, Any], Interaction]:
    """The Node SDK call that makes the first request of cassettes/<route>/ok.yaml."""
    item = load(ROOT / "cassettes" / route / "ok.yaml").interactions[0]
    url = urlsplit(item.request.uri)
    segments = url.path.split("/")  # ['', 'v1', 'vector_stores', id, ...]
    body = json.loads(item.request.body) if item.request.body else None
    query = dict(parse_qsl(url.query))
    store = segments[3] if len(segments) > 3 else ""
    ops: dict[str, dict[str, Any]] = {
        "get_vector_store": {"op": "retrieve", "id": store},
        "create_vector_store": {"op": "create", "body": body},
        "search_vector_store": {"op": "search", "id": store, "body": body},
        "list_vector_stores": {"op": "list", "query": query},
        "list_vector_store_files": {"op": "files.list", "id": store, "query": query},
    }
    return {"name": f"shipped {route}", **ops[route]}, item


def _key(item: Interaction) -> object:
    request = item.request
    return request_key(request.method, request.uri, request.body, request.headers)


def _of(items: list[Interaction], route: str) -> list[Interaction]:
    return [i for i in items if isinstance(i.vstape, InteractionMeta) and i.vstape.route == route]


@pytest.mark.timeout(420)  # npm install on a cold cache + two proxies + node
def test_node_sdk_replays_recorded_and_shipped_cassettes(
    node_sdk: tuple[str, Path], recording: Recording, tmp_path: Path
) -> None:
    """Node SDK results equal the cassettes' bodies; an unrecorded request is a NotFoundError."""
    node, package = node_sdk
    recorded = recording.interactions
    shipped = [_shipped_step(route) for route in SHIPPED]
    keys = {_key(i) for i in recorded}
    for _, item in shipped:  # one answer per request: the two sources must not overlap
        assert _key(item) not in keys, item.request.uri
    creates = _of(recorded, "create_vector_store")
    steps: list[dict[str, Any]] = [
        {"name": "retrieve", "op": "retrieve", "id": recording.store},
        {"name": "list", "op": "list", "query": {"limit": 2}, "all": True},
        {"name": "create", "op": "create", "body": json.loads(str(creates[0].request.body))},
        {
            "name": "search",
            "op": "search",
            "id": recording.store,
            "body": {"query": "refund policy"},
        },
        {
            "name": "files",
            "op": "files.list",
            "id": recording.store,
            "query": {"limit": 2},
            "all": True,
        },
        *(step for step, _ in shipped),
        {"name": "miss", "op": "retrieve", "id": "vs_never_recorded"},
    ]
    script = tmp_path / "replay.cjs"
    script.write_text(NODE_SCRIPT)
    plan = tmp_path / "plan.json"
    sources = [str(recording.path), *(str(ROOT / "cassettes" / r / "ok.yaml") for r in SHIPPED)]
    with vstape_server("replay", *sources, "--listen", "127.0.0.1:0") as (proc, url):
        plan.write_text(json.dumps({"baseURL": url, "steps": steps}))
        done = _run([node, str(script), str(package), str(plan)], 120)
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sdk"] == OPENAI_NODE and result["node"].startswith("v")
    out = result["steps"]
    failed = {name: r["error"] for name, r in out.items() if not r["ok"] and name != "miss"}
    assert not failed, failed

    (got,) = _of(recorded, "get_vector_store")
    assert out["retrieve"]["value"] == _body(got)
    assert out["retrieve"]["request_id"] == got.response.headers["x-request-id"][0]
    assert out["create"]["value"] == _body(creates[0])
    assert out["create"]["request_id"] == creates[0].response.headers["x-request-id"][0]

    # Auto-pagination: the same items as the Python SDK, from exactly the recorded pages.
    list_pages = [_body(i) for i in _of(recorded, "list_vector_stores")]
    assert len(list_pages) == 3
    assert out["list"]["ids"] == recording.listed
    assert out["list"]["pages"] == list_pages
    file_pages = [_body(i) for i in _of(recorded, "list_vector_store_files")]
    assert len(file_pages) == 2
    assert out["files"]["ids"] == recording.files
    assert out["files"]["pages"] == file_pages
    (search,) = _of(recorded, "search_vector_store")
    assert out["search"]["pages"] == [_body(search)]
    assert _body(search)["data"], "the recorded search found nothing: a weak comparison"

    for step, item in shipped:
        answer = out[step["name"]]
        if step["op"] in ("retrieve", "create"):
            assert answer["value"] == _body(item), step["name"]
        else:
            assert answer["pages"][0] == _body(item), step["name"]

    miss = out["miss"]
    assert not miss["ok"]
    error = miss["error"]
    assert error["notFound"] is True and error["class"] == "NotFoundError"
    assert error["status"] == 404 and error["code"] == "vstape_no_recording"
    assert error["type"] == "invalid_request_error"
    assert "no recorded response for GET /v1/vector_stores/vs_never_recorded" in error["message"]
    assert "MISS GET /v1/vector_stores/vs_never_recorded" in log
    assert "vstape replay: 1 misses," in log
