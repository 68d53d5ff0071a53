"""mitmproxy addons: inject catalog failures into live or replayed traffic.

Usage:
    mitmdump --listen-host 127.0.0.1 -s proxy_addons/vstape_mitmproxy/addons.py \
        --set vstape_faults='get_vector_store:rate_limited:every 2' \
        --set vstape_faults='*:server_error:rate 0.1'

    vstape record --fault 'create_vector_store:server_error:every 2'
    vstape replay cassettes/ --fault 'search_vector_store:read_timeout'

Any client can also ask for one scenario per request with the header
``x-vstape-fault: <scenario>`` (:data:`vstape.faults.plan.HEADER`; removed before the
request goes anywhere).

Two addons, because a fault has two moments: :class:`FaultInjector` (first in the
chain) decides and answers status faults without forwarding, breaks bodies and adds
latency; :class:`FaultEnactor` (last in the chain, after the recorder) carries out what
only the connection can say: a reset, a stall, a body cut short. Between them the
validator checks and the recorder records what the client will see (transport faults
as a stand-in that stock vcrpy can replay), so a recording made with faults becomes a
failure fixture. What each scenario does is the catalog's to say (its enactment, its
breaker, its content type): these addons only carry it out.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections.abc import Sequence
from typing import Any

from mitmproxy import ctx, exceptions, http

from vstape.api import routes
from vstape.faults import responses
from vstape.faults.catalog import BY_SCENARIO, get, scenarios_for
from vstape.faults.plan import HEADER, FaultPlan, FaultSpecError, parse_spec
from vstape.http import Response
from vstape_mitmproxy._flow import FAULT as META

logger = logging.getLogger("vstape")
RETRY_COUNT = "x-stainless-retry-count"  # 0, 1, 2... on each attempt of one SDK call
# A stall outlasts the SDK's default read timeout (600 s); it ends as soon as the client hangs up.
STALL_MS = 610_000
POLL_S = 0.05


def _apply(flow: http.HTTPFlow, answer: Response) -> None:
    headers = [(k.encode(), v.encode()) for k, v in answer.headers]
    flow.response = http.Response.make(answer.status, answer.body, headers)
    flow.response.reason = answer.reason


class FaultInjector:
    """Decides which requests fail and how; answers status faults itself."""

    def __init__(self, specs: list[str] | None = None, seed: int | None = None) -> None:
        self.plan = FaultPlan([parse_spec(s) for s in specs or []], seed)
        self._fixed = specs is not None
        self.latency_ms = 2000
        self.honour_header = True
        self.quiet = False
        self._ids: random.Random | None = None if seed is None else random.Random(seed)

    def _request_id(self) -> str:
        """``req_<32 hex>``: seeded when the faults are (reproducible recordings)."""
        if self._ids is None:
            return "req_" + secrets.token_hex(16)
        return f"req_{self._ids.getrandbits(128):032x}"

    def load(self, loader: Any) -> None:
        """Declare the ``vstape_fault*`` options."""
        loader.add_option(
            "vstape_faults",
            Sequence[str],
            [],
            "Inject a failure: ROUTE:SCENARIO[:every N|:rate P] (repeatable; ROUTE may be *).",
        )
        loader.add_option("vstape_fault_seed", int, -1, "Seed for ':rate P' faults (-1: random).")
        loader.add_option(
            "vstape_fault_latency_ms", int, 2000, "Delay added by the slow_response scenario."
        )
        loader.add_option(
            "vstape_fault_stall_ms",
            int,
            STALL_MS,
            "read_timeout/connect_timeout hold a request until the client hangs up, at most this long.",
        )
        loader.add_option(
            "vstape_fault_header",
            bool,
            True,
            f"Honour the {HEADER}: SCENARIO request header.",
        )

    def configure(self, updated: set[str]) -> None:
        """Parse the fault specs; a bad one stops start-up with the reason."""
        opts = ctx.options
        if "vstape_fault_latency_ms" in updated:
            if opts.vstape_fault_latency_ms < 0:
                raise exceptions.OptionsError(
                    f"Cannot parse vstape_fault_latency_ms option {opts.vstape_fault_latency_ms!r}: must be >= 0"
                )
            self.latency_ms = opts.vstape_fault_latency_ms
        if "vstape_quiet" in updated:  # declared by the validator, when it is in the chain
            self.quiet = bool(opts.vstape_quiet)
        if "vstape_fault_header" in updated:
            self.honour_header = bool(opts.vstape_fault_header)
        if self._fixed or not ({"vstape_faults", "vstape_fault_seed"} & updated):
            return
        try:
            specs = [parse_spec(value) for value in opts.vstape_faults]
        except FaultSpecError as err:
            raise exceptions.OptionsError(str(err)) from err
        seed = opts.vstape_fault_seed
        self.plan = FaultPlan(specs, None if seed < 0 else seed)
        self._ids = None if seed < 0 else random.Random(seed)

    def _requested(self, flow: http.HTTPFlow, route: routes.Route) -> str | None:
        value: str | None = flow.request.headers.get(HEADER)
        if value is None:
            return None
        del flow.request.headers[HEADER]
        if not self.honour_header:
            return None
        name = value.strip()
        scenario = BY_SCENARIO.get(name)
        if scenario is None or not scenario.applies(route):
            logger.warning("vstape: ignoring %s: %r does not apply to %s", HEADER, name, route.name)
            print(
                f"vstape fault: ignored {HEADER}: {name!r} (not a scenario of {route.name}; "
                f"valid: {', '.join(s.name for s in scenarios_for(route))})",
                flush=True,
            )
            return None
        return name

    async def request(self, flow: http.HTTPFlow) -> None:
        """Pick a fault for this request; answer in the upstream's place when the fault says so."""
        if flow.response is not None or not (self.plan.specs or HEADER in flow.request.headers):
            return  # the usual case when recording: no fault configured, none asked for
        found = routes.match(flow.request.method, flow.request.path)
        if found is None:
            return
        attempt = flow.request.headers.get(RETRY_COUNT, "")
        decision = self.plan.decide(
            found.route,
            self._requested(flow, found.route),
            int(attempt) if attempt.isdigit() else None,
        )
        if decision is None:
            return
        scenario, step = decision
        flow.metadata[META] = {"scenario": scenario.name, "step": step}
        if step == "ok":
            return
        played = get(step)
        if not self.quiet:
            print(f"vstape fault: {found.route.name} <- {scenario.name} ({step})", flush=True)
        if played.enactment == "delay":
            try:
                await asyncio.sleep(self.latency_ms / 1000)
            except asyncio.CancelledError:  # shutting down
                flow.kill()
                return
        elif played.answers_in_place:
            answer = responses.answer(played, found.route, found.params, self._request_id())
            _apply(flow, answer)
            if played.on_the_connection:  # a stall or a reset: the enactor's part
                flow.metadata[META]["enact"] = played.name

    def response(self, flow: http.HTTPFlow) -> None:
        """Break the real body (as it came back) of a fault that has a breaker."""
        meta = flow.metadata.get(META)
        if meta is None or meta["step"] == "ok" or meta.get("recorded") or flow.response is None:
            return  # nothing to break, or a replayed body that was recorded broken
        played = get(meta["step"])
        if played.breaker is None:
            return
        response = flow.response
        original = response.get_content(strict=False) or b""
        response.headers.pop("content-encoding", None)
        response.set_content(played.corrupt(original))
        if played.content_type is not None:
            response.headers["content-type"] = played.content_type
        if played.on_the_connection:  # a cut body: the enactor announces it whole
            meta["enact"] = played.name
            meta["full_length"] = len(original)


class FaultEnactor:
    """Carries out transport faults once the flow was validated and recorded."""

    def __init__(self, stall_ms: int | None = None) -> None:
        self.stall_ms = STALL_MS if stall_ms is None else stall_ms
        self._fixed = stall_ms is not None

    def configure(self, updated: set[str]) -> None:
        """Read the stall length (declared by :class:`FaultInjector`)."""
        if not self._fixed and "vstape_fault_stall_ms" in updated:
            value = ctx.options.vstape_fault_stall_ms
            if value < 0:
                raise exceptions.OptionsError(
                    f"Cannot parse vstape_fault_stall_ms option {value!r}: must be >= 0"
                )
            self.stall_ms = value

    async def response(self, flow: http.HTTPFlow) -> None:
        """Reset, stall, or cut the body short, as the fault's enactment says."""
        meta = flow.metadata.get(META) or {}
        scenario = BY_SCENARIO.get(meta.get("enact") or "")  # set by the injector or the replayer
        if scenario is None or flow.response is None:
            return
        if scenario.enactment == "reset":
            flow.kill()
        elif scenario.enactment == "stall":
            # Through a proxy the TCP connection is already open, so both are a stall: the
            # client's own timeout fires (the SDK raises APITimeoutError either way).
            await self._hold_until_the_client_gives_up(flow)
            flow.kill()
        elif scenario.enactment == "cut":
            # Announce the whole body, send half, close: what a dropped connection looks like.
            full = int(meta.get("full_length", 0))
            headers = flow.response.headers
            headers.pop("transfer-encoding", None)  # one framing only: the announced length
            headers["content-length"] = str(max(full, len(flow.response.raw_content or b"") + 1))
            headers["connection"] = "close"

    async def _hold_until_the_client_gives_up(self, flow: http.HTTPFlow) -> None:
        """Wait until the client closes its connection, or ``stall_ms`` (the cap) passes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.stall_ms / 1000
        try:
            while loop.time() < deadline and flow.client_conn.timestamp_end is None:
                await asyncio.sleep(min(POLL_S, max(0.0, deadline - loop.time())))
        except asyncio.CancelledError:  # the proxy is shutting down: nothing left to hold
            return


addons = [FaultInjector(), FaultEnactor()]
