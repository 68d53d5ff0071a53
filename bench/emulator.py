"""Emulator list/paginate cost per request: a 10,000-file store vs a 100-file store.

Cursor pagination jumps to the cursor through an id -> position index, so a page costs
O(page), not O(store). Target: per-request time ratio (10,000 / 100) <= 2.
"""

from __future__ import annotations

import gc
import json
import statistics
import time

from bench._common import figure
from vstape.emulator import Emulator
from vstape.http import Request

AUTH = (("authorization", "Bearer sk-bench"), ("content-type", "application/json"))


def _store(n_files: int) -> tuple[Emulator, str, list[str]]:
    emu = Emulator(seed=1)
    vs = json.loads(emu.handle(Request("POST", "/v1/vector_stores", AUTH, b"{}")).body)["id"]
    boundary = "bench"
    ids = []
    for i in range(n_files):
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f{i}.txt"\r\n\r\n'
            f"text {i}\r\n--{boundary}--\r\n"
        ).encode()
        headers = (
            ("authorization", "Bearer x"),
            ("content-type", f"multipart/form-data; boundary={boundary}"),
        )
        file_id = json.loads(emu.handle(Request("POST", "/v1/files", headers, body)).body)["id"]
        emu.handle(
            Request(
                "POST",
                f"/v1/vector_stores/{vs}/files",
                AUTH,
                json.dumps({"file_id": file_id}).encode(),
            )
        )
        ids.append(file_id)
    return emu, vs, ids


def _per_request(emu: Emulator, vs: str, ids: list[str], rounds: int = 7, pages: int = 50) -> float:
    """Median seconds per list request: pages walked from the middle of the store.

    The store is built first and frozen out of the garbage collector's reach, so the
    figure is the cost of paging, not of Python's GC walking a large heap.
    """
    gc.collect()
    gc.freeze()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        cursor = ids[len(ids) // 2]
        for _ in range(pages):
            page = json.loads(
                emu.handle(
                    Request(
                        "GET",
                        f"/v1/vector_stores/{vs}/files?limit=20&order=asc&after={cursor}",
                        AUTH,
                    )
                ).body
            )
            cursor = page["last_id"] or cursor
        samples.append((time.perf_counter() - start) / pages)
    return statistics.median(samples)


def _hot(emu: Emulator, vs: str, ids: list[str]) -> float:
    """Seconds per list request at one cursor (memory caches warm): the algorithmic cost."""
    path = f"/v1/vector_stores/{vs}/files?limit=20&order=asc&after={ids[len(ids) // 2 - 30]}"
    request = Request("GET", path, AUTH)
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(200):
            emu.handle(request)
        samples.append((time.perf_counter() - start) / 200)
    return statistics.median(samples)


def main() -> None:
    """Build both stores, time paging through each, print the ratios."""
    small_store, large_store = _store(100), _store(10_000)
    small, large = _per_request(*small_store), _per_request(*large_store)
    hot_small, hot_large = _hot(*small_store), _hot(*large_store)
    print(
        f"spread cursors: 100 files {small * 1e6:,.0f} us/req; 10,000 files {large * 1e6:,.0f} us/req"
    )
    print(
        f"same cursor:    100 files {hot_small * 1e6:,.0f} us/req; 10,000 files {hot_large * 1e6:,.0f} us/req"
    )
    figure(
        "emulator list page, 10k files, spread cursors",
        large * 1e6,
        "us/req",
        "100-file store",
        small * 1e6,
        small / large,
        "10k/100 time <= 2",
    )
    figure(
        "emulator list page, 10k files, same cursor",
        hot_large * 1e6,
        "us/req",
        "100-file store",
        hot_small * 1e6,
        hot_small / hot_large,
        "10k/100 time <= 2",
    )


if __name__ == "__main__":
    main()
