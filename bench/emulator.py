"""Emulator list/paginate cost per request: a 10,000-file store vs a 100-file store.

Cursor pagination jumps to the cursor through an id -> position index, so a page costs
O(page), not O(store). Target: per-request time ratio (10,000 / 100) <= 2. The ratio
here is 10k time / 100 time (lower is better), each the median of interleaved rounds
(bench._common.interleave); every page is a full page of 20.
"""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Callable

from bench._common import figure, interleave, ratio_of
from vstape.emulator import Emulator
from vstape.http import Request

SMALL, LARGE = 100, 10_000
LIMIT = 20
ROUNDS = 9
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


def _spread(emu: Emulator, vs: str, ids: list[str], pages: int = 50) -> Callable[[], float]:
    """A round: ``pages`` list requests, each after a cursor drawn anywhere in the store.

    Every page is full (``limit`` items after the cursor): the same work at any store
    size, so the ratio measures where the items live, not how many a page holds.
    """
    picker = random.Random(len(ids))
    last = len(ids) - LIMIT - 1

    def round_() -> float:
        paths = [
            f"/v1/vector_stores/{vs}/files?limit={LIMIT}&order=asc&after={ids[picker.randint(0, last)]}"
            for _ in range(pages)
        ]
        start = time.perf_counter()
        answers = [emu.handle(Request("GET", path, AUTH)) for path in paths]
        took = time.perf_counter() - start
        for answer in answers:  # checked after the clock stops: the same cost at any size
            if len(json.loads(answer.body)["data"]) != LIMIT:
                raise RuntimeError(f"not a full page: {answer.body[:200]!r}")
        return took / pages

    return round_


def _hot(emu: Emulator, vs: str, ids: list[str], pages: int = 200) -> Callable[[], float]:
    """A round: ``pages`` requests at one cursor (memory caches warm): the algorithmic cost."""
    path = f"/v1/vector_stores/{vs}/files?limit={LIMIT}&order=asc&after={ids[len(ids) // 2 - 30]}"
    request = Request("GET", path, AUTH)

    def round_() -> float:
        start = time.perf_counter()
        for _ in range(pages):
            emu.handle(request)
        return (time.perf_counter() - start) / pages

    return round_


def main() -> None:
    """Build both stores, page through each in interleaved rounds, print the ratios.

    The stores are built first and frozen out of the garbage collector's reach, so the
    figures are the cost of paging, not of Python's GC walking a large heap.
    """
    small_store, large_store = _store(SMALL), _store(LARGE)
    gc.collect()
    gc.freeze()
    results = interleave(
        {
            "spread 100": _spread(*small_store),
            "spread 10k": _spread(*large_store),
            "same 100": _hot(*small_store),
            "same 10k": _hot(*large_store),
        },
        rounds=ROUNDS,
        warmup=1,
    )
    us = {name: spread.map(lambda s: s * 1e6) for name, spread in results.items()}
    for kind in ("spread", "same"):
        small, large = us[f"{kind} 100"], us[f"{kind} 10k"]
        print(
            f"{kind + ' cursors:':16} 100 files {small.median:,.1f} us/req "
            f"({small.lo:,.1f}-{small.hi:,.1f}); 10,000 files {large.median:,.1f} us/req "
            f"({large.lo:,.1f}-{large.hi:,.1f}); 10k/100 {ratio_of(large, small).median:.2f}x"
        )
    for kind, label in (("spread", "spread cursors"), ("same", "same cursor")):
        small, large = us[f"{kind} 100"], us[f"{kind} 10k"]
        figure(
            f"emulator list page, 10k files, {label}",
            large,
            "us/req",
            "100-file store",
            small,
            ratio_of(large, small),
            "10k/100 time <= 2x",
        )


if __name__ == "__main__":
    main()
