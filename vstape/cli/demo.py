"""The main job, end to end: the recording proxy in front of the emulator, driven by the SDK.

Examples:
  vstape demo                     # writes out/demo/ (emptied first)
  vstape demo --out /tmp/demo

Starts vstape record (reverse mode, emulator upstream, cassettes per route), runs the
official SDK through every route (polling helpers, pagination, search, attribute
update, content, deletes, uploads), then through every failure mode of the catalog
(injected by the proxy, asked for per request with the x-vstape-fault header), stops
the proxy, and prints its report, what the SDK made of each failure, and where the
cassettes and the coverage page are. Needs mitmproxy and the official SDK:
pip install 'vstape[proxy]' openai
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from vstape.cli import _proxy_process as proxy_process

NEEDS = ("mitmproxy", "openai")
"""What the command cannot run without (checked by :mod:`vstape.cli.main`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape demo``."""
    parser.add_argument(
        "--out",
        default="out/demo",
        help="where cassettes and reports go (default out/demo, emptied first)",
    )


def _start(out: Path) -> tuple[subprocess.Popen[str], str]:
    return proxy_process.start(
        [
            "--seed",
            "1",
            "--cassette-dir",
            str(out / "cassettes"),
            "--report-json",
            str(out / "report.json"),
            "--junit",
            str(out / "report.xml"),
            "--quiet",
            "--stall-ms",
            "3000",
            "--latency-ms",
            "200",
        ],
        echo=True,
    )


def _file_routes(client: Any) -> list[Any]:
    """The /v1/files routes run_everything leaves out: paginated listing and delete."""
    listed = [f.id for f in client.files.list(purpose="assistants", limit=2)]
    return [listed, client.files.delete(listed[0])]


FAILURE_ROUTE = "get_vector_store"  # every failure mode applies to it


def _failure_modes(url: str, key: str, store_id: str) -> list[tuple[str, str]]:
    """Each catalog scenario injected into one retrieve; what the SDK (1 retry) made of it."""
    import openai

    from vstape.cli.sdk.calls import Ids, call
    from vstape.faults.catalog import scenarios_for
    from vstape.faults.plan import HEADER

    outcomes = []
    with openai.OpenAI(api_key=key, base_url=url, max_retries=1, timeout=0.5) as client:
        for scenario in scenarios_for(FAILURE_ROUTE):
            # 1 retry keeps the backoffs short; a sequence needs one per step after the first
            retries = scenario.retries_to_see_it
            user = (
                client.with_options(max_retries=retries) if retries > client.max_retries else client
            )
            try:
                raw = call(
                    user,
                    FAILURE_ROUTE,
                    Ids(vector_store_id=store_id),
                    raw=True,
                    extra_headers={HEADER: scenario.name},
                )
                raw.parse()
                seen = f"ok after {raw.retries_taken} retries"
            except openai.APIStatusError as err:
                seen = f"{type(err).__name__} {err.status_code} {err.code or ''}".strip()
            except (openai.OpenAIError, ValueError) as err:
                seen = type(err).__name__
            outcomes.append((scenario.name, seen))
    return outcomes


def run(args: argparse.Namespace) -> int:
    """Record the demo traffic and print the report."""
    try:
        from openai import AsyncOpenAI, OpenAI
    except ImportError:
        print("vstape demo needs the official SDK: pip install openai", file=sys.stderr)
        return 2
    from vstape.cli.sdk.script import run_async, run_everything

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    proc, url = _start(out)
    try:
        key = "sk-demo-0123456789abcdef"  # redacted in every cassette
        with OpenAI(api_key=key, base_url=url, max_retries=0) as client:
            results = run_everything(client)
            results.extend(_file_routes(client))
            store = client.vector_stores.create(name="failure-modes")
        failures = _failure_modes(url, key, store.id)

        async def go() -> None:
            async with AsyncOpenAI(api_key=key, base_url=url, max_retries=0) as client:
                await run_async(client)

        asyncio.run(go())
        print(
            f"vstape demo: the SDK made {len(results)} calls through the proxy (sync), plus an async run",
            flush=True,
        )
        print(f"vstape demo: {len(failures)} failure modes injected into {FAILURE_ROUTE}:")
        width = max(len(name) for name, _ in failures)
        for name, seen in failures:
            print(f"  {name:<{width}}  -> {seen}")
    finally:
        print(proxy_process.stop(proc), end="")
    cassettes = sorted((out / "cassettes").glob("*.yaml"))
    from vstape.cli.main import main as vstape

    vstape(["coverage", str(out / "cassettes"), "--html", str(out / "coverage.html")])
    print(
        f"\nvstape demo: {len(cassettes)} cassettes in {out / 'cassettes'}; report: {out / 'report.json'}, "
        f"{out / 'report.xml'}; coverage: {out / 'coverage.html'}"
    )
    print("replay them offline with pytest (see README 'Testing with vstape'), or validate them:")
    print(f"  vstape validate {out / 'cassettes'}")
    return proc.returncode or 0
