"""mitmproxy addon: serve cassettes as a fake API to any HTTP client (curl, Node, Go...).

Usage:
    vstape replay cassettes/ --listen 127.0.0.1:8081

Every request is answered from the cassettes with the pytest plugin's matching,
sequencing and fast-forward rules; a miss gets a 404 in OpenAI's error envelope with the
diff, is logged, and is never forwarded upstream.
"""

from __future__ import annotations

import asyncio
import logging

from mitmproxy import http

from vstape.redact import scrub_text
from vstape.replay_server import Replayer

logger = logging.getLogger("vstape")
STALL_S = 30.0


class ReplayerAddon:
    """Answers every request itself, from a :class:`Replayer`."""

    def __init__(self, replayer: Replayer, stall_s: float = STALL_S, quiet: bool = False) -> None:
        self.replayer = replayer
        self.stall_s = stall_s
        self.quiet = quiet
        self.misses = 0

    async def request(self, flow: http.HTTPFlow) -> None:
        """Answer from the cassettes; never contact an upstream."""
        req = flow.request
        answer = self.replayer.answer(
            req.method, req.url, dict(req.headers.items()), req.get_content(strict=False) or b""
        )
        if answer.fault == "connection_reset":
            flow.kill()
            return
        if answer.fault in ("read_timeout", "connect_timeout"):
            await asyncio.sleep(self.stall_s)  # the client's own timeout fires first
            flow.kill()
            return
        headers = [(k.encode(), v.encode()) for k, v in answer.headers]
        flow.response = http.Response.make(answer.status, answer.body, headers)
        if answer.miss:
            self.misses += 1
            print(scrub_text(f"vstape replay: MISS {req.method} {req.path}"), flush=True)
        elif not self.quiet:
            print(f"vstape replay: {req.method} {req.path} -> {answer.status}", flush=True)

    def done(self) -> None:
        """Report misses and what was never replayed."""
        unused = self.replayer.unused()
        print(
            f"vstape replay: {self.misses} misses, {len(unused)} recorded interactions never replayed",
            flush=True,
        )
        for line in unused[:20]:
            print(f"  unused: {line}", flush=True)
