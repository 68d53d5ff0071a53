"""Replay cost per request at N = 100, 1,000, 10,000 interactions, through the official SDK.

Tools, each measured in a fresh process on the same cassettes, in interleaved rounds
(bench._common.interleave: floor, vstape, ..., floor, vstape, ...):
- vstape: vcrpy configured by the plugin (indexed cassette), YAML and JSON cassettes;
- vstape fixture client: the same cassette in use, the client the ``openai_client``
  fixture builds (replay at the httpx2 transport, no vcrpy stub per request);
- stock vcrpy (+ the same YAML cassette; at 10,000 extrapolated from random positions);
- cassetter (Rust-backed, on the same vcrpy-format YAML; it refuses large YAML files);
- floor: the SDK with an httpx2.MockTransport, no interception at all.
Also: loading a 10,000-interaction cassette, vstape JSON vs vcrpy's YAML loader.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._common import Spread, figure, interleave, ratio_of
from vstape.cassettes.io import dump
from vstape.cassettes.model import Cassette, Interaction, Request, Response, ResponseBody, Status

SIZES = (100, 1_000, 10_000)
ROUNDS = 3
SAMPLE = 300  # stock vcrpy at 10,000: random positions, mean x N


def _vector_store(i: int) -> dict[str, Any]:
    return {
        "id": f"vs_{i:06d}",
        "object": "vector_store",
        "created_at": 1_750_000_000 + i,
        "name": f"store {i}",
        "usage_bytes": 1234,
        "status": "completed",
        "last_active_at": 1_750_000_000 + i,
        "metadata": {"i": str(i)},
        "file_counts": {"in_progress": 0, "completed": 3, "failed": 0, "cancelled": 0, "total": 3},
        "expires_after": None,
        "expires_at": None,
        "description": None,
    }


def make_cassettes(folder: Path, n: int) -> None:
    """``vs_N.yaml`` and ``vs_N.json``: N distinct retrieves, as recorded by vstape."""
    items = [
        Interaction(
            Request(
                "GET",
                f"https://api.openai.com/v1/vector_stores/vs_{i:06d}",
                None,
                {"accept": ["application/json"], "openai-beta": ["assistants=v2"]},
            ),
            Response(
                Status(200, "OK"),
                {"content-type": ["application/json"], "x-request-id": [f"req_{i}"]},
                ResponseBody(json.dumps(_vector_store(i), indent=2)),
            ),
        )
        for i in range(n)
    ]
    dump(Cassette(items), folder / f"vs_{n}.yaml")
    dump(Cassette(items), folder / f"vs_{n}.json")


def _client(transport: Any = None, http: Any = None) -> Any:
    import httpx2
    from openai import OpenAI

    if transport is not None:
        http = httpx2.Client(transport=transport)
    return OpenAI(api_key="sk-bench", max_retries=0, http_client=http)


def one(tool: str, cassette: str, n: int, sample: int) -> dict[str, float]:
    """Load the cassette with ``tool`` and replay N (or ``sample`` random) retrieves."""
    import httpx2

    order = list(range(n))
    if sample:
        order = random.Random(1).sample(order, sample)
    bodies = {f"/v1/vector_stores/vs_{i:06d}": json.dumps(_vector_store(i)).encode() for i in order}
    mock = httpx2.MockTransport(
        lambda r: httpx2.Response(
            200, json=None, content=bodies[r.url.path], headers={"content-type": "application/json"}
        )
    )
    warm = _client(mock)
    for i in order[:20]:
        warm.vector_stores.retrieve(f"vs_{i:06d}")
    if tool == "floor":
        client, context = warm, None
    else:
        if tool == "vstape-fixture":
            from vstape_pytest._vcr.transport import http_client

            client = _client(http=http_client())  # what the openai_client fixture builds
        else:
            client = _client()
        if tool.startswith("vstape"):
            import vcr

            from vstape_pytest._vcr.configure import configure
            from vstape_pytest.settings import Settings

            instance = vcr.VCR(record_mode="none")
            configure(instance, Settings(unused="off"))
            context = instance.use_cassette(cassette)
        elif tool == "vcrpy":
            import vcr

            context = vcr.VCR(record_mode="none").use_cassette(cassette)
        else:
            from cassetter import use_cassette

            context = use_cassette(cassette, record_mode="none")
    start = time.perf_counter()
    if context is not None:
        context.__enter__()
    loaded = time.perf_counter()
    for i in order:
        client.vector_stores.retrieve(f"vs_{i:06d}")
    done = time.perf_counter()
    if context is not None:
        context.__exit__(None, None, None)
    return {"load_s": loaded - start, "per_request_us": (done - loaded) / len(order) * 1e6}


def _run(tool: str, cassette: Path, n: int, sample: int = 0) -> dict[str, float] | None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.replay", "--one", tool, str(cassette), str(n), str(sample)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        print(
            f"  {tool} N={n}: failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}"
        )
        return None
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _load_vcrpy_yaml(path: Path) -> float:
    code = (
        "import time,sys; from vcr.persisters.filesystem import FilesystemPersister as P; "
        "from vcr.serializers import yamlserializer as y; s=time.perf_counter(); "
        f"P.load_cassette({str(path)!r}, y); print(time.perf_counter()-s)"
    )
    return float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )


def _contender(
    tool: str, cassette: Path, n: int, sample: int, failed: set[str], loads: list[float]
) -> Callable[[], float]:
    """One round of ``tool``: a fresh process replaying ``cassette``; its us per request.

    A tool that fails once (cassetter refuses big YAML files) is not run again: NaN.
    The load times of vstape-json at 10,000 go to ``loads``.
    """

    def round_() -> float:
        if tool in failed:
            return math.nan
        result = _run(tool, cassette, n, sample)
        if result is None:
            failed.add(tool)
            return math.nan
        if tool == "vstape-json" and n == 10_000:
            loads.append(result["load_s"])
        return result["per_request_us"]

    return round_


def main() -> None:
    """Build the cassettes, measure every tool at every N, print ratios."""
    with tempfile.TemporaryDirectory(prefix="vstape-bench-") as tmp:
        _measure(Path(tmp))


def _measure(folder: Path) -> None:
    """Every tool at every N on cassettes written to ``folder``."""
    for n in SIZES:
        make_cassettes(folder, n)
    table: dict[tuple[str, int], Spread] = {}
    loads: list[float] = []  # vstape-json at 10,000: the cassette's load time of each run
    for n in SIZES:
        cases = [
            ("floor", "yaml", 0),
            ("vstape-json", "json", 0),
            ("vstape-yaml", "yaml", 0),
            ("vstape-fixture", "json", 0),
            ("vcrpy", "yaml", SAMPLE if n >= 10_000 else 0),
            ("cassetter", "yaml", 0),
        ]
        failed: set[str] = set()
        results = interleave(
            {
                tool: _contender(tool, folder / f"vs_{n}.{fmt}", n, sample, failed, loads)
                for tool, fmt, sample in cases
            },
            rounds=ROUNDS,
        )
        for tool, spread in results.items():
            if tool not in failed:
                table[(tool, n)] = spread
            median = spread.median if tool not in failed else math.nan
            rounds = [round(v) for v in spread.values if not math.isnan(v)]
            print(f"N={n:>6} {tool:<12} {median:>10,.0f} us/request  rounds {rounds}", flush=True)
    for n in SIZES:
        ours = table.get(("vstape-json", n))
        if ours is None:
            continue
        for anchor in ("floor", "vcrpy", "cassetter"):
            value = table.get((anchor, n))
            target = {
                "vcrpy": ">= 20x at 1,000" if n == 1_000 else "",
                "floor": "stretch >= 0.83x (<= 1.2x floor)",
            }
            figure(
                f"replay N={n:,} (vstape JSON)",
                ours,
                "us/req",
                anchor,
                value,
                None if value is None else ratio_of(value, ours),
                target.get(anchor, ""),
            )
    for n in SIZES:
        fixture = table.get(("vstape-fixture", n))
        floor = table.get(("floor", n))
        if fixture is None:
            continue
        figure(
            f"replay N={n:,} (vstape fixture client)",
            fixture,
            "us/req",
            "floor",
            floor,
            None if floor is None else ratio_of(floor, fixture),
            ">= 0.83x (<= 1.2x floor)",
        )
    if ("vstape-json", 100) in table and ("vstape-json", 10_000) in table:
        growth = ratio_of(table[("vstape-json", 10_000)], table[("vstape-json", 100)])
        figure("replay growth 10,000 vs 100 (vstape)", growth, "x", "", None, None, "<= 1.5x")
    if loads:
        ours_load = Spread(tuple(loads))
        vcrpy_load = Spread(tuple(_load_vcrpy_yaml(folder / "vs_10000.yaml") for _ in loads))
        figure(
            "load 10,000-interaction cassette",
            ours_load.map(lambda s: s * 1000),
            "ms",
            "vcrpy YAML loader",
            vcrpy_load.map(lambda s: s * 1000),
            ratio_of(vcrpy_load, ours_load),
            ">= 10x",
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))))
    else:
        main()
