"""Re-record diffs with and without stable placeholders, and what normalizing costs.

The demo workload (the official SDK driving every route, :func:`vstape.cli.sdk.script.
run_everything`) is recorded twice against two fresh unseeded emulators (random ids, the
wall clock), in-process, each exchange through ``to_interaction`` as the recorder writes
it. Printed per pair: the cassette's lines and the changed lines of a unified diff of the
two cassettes, raw and normalized (``vstape cassettes normalize``'s rules). Then the cost
of normalizing one interaction, against the cost of ``to_interaction`` itself.
"""

from __future__ import annotations

import difflib
import time
from typing import Any

import httpx2
from openai import OpenAI

from bench._common import figure, median_time
from vstape import http
from vstape.cassettes.io import dumps
from vstape.cassettes.model import Cassette, Interaction
from vstape.cli.sdk.script import run_everything
from vstape.emulator import Emulator
from vstape.emulator.transport import EmulatorTransport
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction
from vstape.recording.stable import StableRecorder, normalize_scope

PAIRS = 5


class _Recording(httpx2.BaseTransport):
    def __init__(self) -> None:
        self.inner = EmulatorTransport(Emulator())
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        self.exchanges.append(
            Exchange(
                http.Request(request.method, str(request.url), list(request.headers.items()), body),
                http.Response.as_received(
                    response.status_code,
                    list(response.headers.items()),
                    response.read(),
                    response.reason_phrase,
                ),
            )
        )
        return response


def _record() -> list[Exchange]:
    transport = _Recording()
    with OpenAI(
        api_key="sk-bench",
        base_url="https://api.openai.com/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    ) as client:
        run_everything(client)
    return transport.exchanges


def _changed(old: str, new: str) -> int:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return sum(1 for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---")))


def _text(items: list[Interaction]) -> str:
    return dumps(Cassette(items)).decode("utf-8")


def main() -> None:
    """Print the pairs, then the FIGURE lines."""
    raw_changes, stable_changes = [], []
    exchanges: list[Exchange] = []
    for pair in range(PAIRS):
        runs: list[Any] = []
        for _ in range(2):
            exchanges = _record()
            runs.append([to_interaction(e, RecordPolicy()) for e in exchanges])
            time.sleep(0.3)  # the second run starts at another fraction of a second
        raw = [_text(items) for items in runs]
        stable = [_text(normalize_scope([items])[0]) for items in runs]
        raw_changes.append(_changed(*raw))
        stable_changes.append(_changed(*stable))
        print(
            f"pair {pair + 1}: {len(runs[0])} interactions; raw {len(raw[0].splitlines())} lines, "
            f"{raw_changes[-1]} changed; normalized {len(stable[0].splitlines())} lines, "
            f"{stable_changes[-1]} changed"
        )
    worst = max(stable_changes)
    figure(
        "re-record diff, changed lines (worst of 5 pairs)",
        worst,
        "lines",
        "raw (best of 5)",
        min(raw_changes),
        min(raw_changes) / worst if worst else None,
    )
    policy = RecordPolicy()
    interactions = [to_interaction(e, policy) for e in exchanges]
    convert = median_time(lambda: [to_interaction(e, policy) for e in exchanges], rounds=5)
    recorder = StableRecorder()
    stabilize = median_time(lambda: [recorder.feed("c", i) for i in interactions], rounds=5)
    per = len(exchanges)
    figure(
        "normalize one interaction",
        stabilize / per * 1e6,
        "us",
        "to_interaction",
        convert / per * 1e6,
        convert / stabilize,
    )


if __name__ == "__main__":
    main()
