"""mitmproxy addon answering every request from vstape's Vector Stores emulator.

Usage (``vstape where emulator-addon`` prints this file's path in an installed vstape):
    mitmdump --listen-host 127.0.0.1 --mode reverse:http://127.0.0.1:9 \
        --set connection_strategy=lazy -s proxy_addons/vstape_mitmproxy/emulator.py --set vstape_emulator_seed=7

No upstream is ever contacted: the ``request`` hook sets ``flow.response``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mitmproxy import ctx, exceptions, http

if __package__ in (None, ""):  # loaded by `mitmdump -s proxy_addons/vstape_mitmproxy/emulator.py`
    _here = Path(__file__).resolve()
    # the face's folder (an install's site-packages, or a checkout's proxy_addons/), and a
    # checkout's root for the core when vstape is not installed
    sys.path[:0] = [str(p) for p in (_here.parents[1], _here.parents[2]) if p.is_dir()]

from vstape.emulator import Emulator
from vstape.http import Request


class EmulatorAddon:
    """Serve the stateful emulator; options ``vstape_emulator_*``."""

    def __init__(self, emulator: Emulator | None = None) -> None:
        self.emulator = emulator or Emulator()
        self._fixed = emulator is not None

    def load(self, loader: Any) -> None:
        """Declare the options once."""
        loader.add_option(
            "vstape_emulator_seed",
            int,
            -1,
            "Seed ids and fix the clock (deterministic mode); -1: random ids, wall clock.",
        )
        loader.add_option(
            "vstape_emulator_processing_ms",
            int,
            0,
            "Milliseconds a file takes to process (wall clock), on top of one in-progress poll.",
        )
        loader.add_option(
            "vstape_emulator_polls",
            int,
            1,
            "in_progress answers a file or batch gets before it completes.",
        )
        loader.add_option(
            "vstape_emulator_poll_after_ms",
            int,
            100,
            "Value of the openai-poll-after-ms header on in-progress objects.",
        )

    def configure(self, updated: set[str]) -> None:
        """Rebuild the emulator when one of its options changes."""
        if self._fixed or not any(name.startswith("vstape_emulator_") for name in updated):
            return
        opts = ctx.options
        for name in (
            "vstape_emulator_processing_ms",
            "vstape_emulator_poll_after_ms",
            "vstape_emulator_polls",
        ):
            if getattr(opts, name) < 0:
                raise exceptions.OptionsError(
                    f"Cannot parse {name} option {getattr(opts, name)!r}: must be >= 0"
                )
        seed = opts.vstape_emulator_seed
        self.emulator = Emulator(
            seed=None if seed < 0 else seed,
            processing_ms=opts.vstape_emulator_processing_ms,
            poll_after_ms=opts.vstape_emulator_poll_after_ms,
            polls_to_complete=opts.vstape_emulator_polls,
        )

    def request(self, flow: http.HTTPFlow) -> None:
        """Answer the request; the flow never reaches an upstream."""
        if flow.response is not None:  # answered earlier (strict mode, fault injection)
            return
        req = flow.request
        answer = self.emulator.handle(
            Request(
                req.method,
                req.path,
                tuple(req.headers.items()),
                req.get_content(strict=False) or b"",
            )
        )
        headers = [(k.encode(), v.encode()) for k, v in answer.headers]
        flow.response = http.Response.make(answer.status, answer.body, headers)


addons = [EmulatorAddon()]
