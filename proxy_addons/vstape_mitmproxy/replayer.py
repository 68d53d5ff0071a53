"""mitmproxy addon: serve cassettes as a fake API to any HTTP client (curl, Node, Go...).

Usage:
    vstape replay cassettes/ --listen 127.0.0.1:8081

Every request is answered from the cassettes with the pytest plugin's matching,
sequencing and fast-forward rules; a miss gets a 404 in OpenAI's error envelope with the
diff, is logged, and is never forwarded upstream. A recorded transport fault is handed to
:class:`vstape_mitmproxy.faults.FaultEnactor` (a reset, a stall, a body cut short), which
must follow this addon in the chain; :class:`vstape_mitmproxy.faults.FaultInjector` before it
adds live faults (``vstape replay --fault``).
"""

from __future__ import annotations

import logging

from mitmproxy import http

from vstape.cassettes.binary import header_bytes
from vstape.recording.redact import scrub_text
from vstape.replay.replayer import Replayer
from vstape_mitmproxy._flow import FAULT

logger = logging.getLogger("vstape")


class ReplayerAddon:
    """Answers every request itself, from a :class:`Replayer`."""

    def __init__(self, replayer: Replayer, quiet: bool = False) -> None:
        self.replayer = replayer
        self.quiet = quiet
        self.misses = 0

    def request(self, flow: http.HTTPFlow) -> None:
        """Answer from the cassettes; never contact an upstream."""
        if flow.response is not None:  # answered by an injected fault
            return
        req = flow.request
        answer = self.replayer.answer(
            req.method, req.url, dict(req.headers.items()), req.get_content(strict=False) or b""
        )
        if answer.fault is not None:  # recorded transport fault: the enactor carries it out
            flow.metadata[FAULT] = {
                "scenario": answer.fault,
                "step": answer.fault,
                "enact": answer.fault,
                "recorded": True,  # the body is already as recorded: not to be broken again
            }
        # Byte for byte: a recorded non-UTF-8 value is text holding its bytes (surrogateescape).
        headers = [(k.encode(), header_bytes(v)) for k, v in answer.headers]
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
