"""The addon chains of vstape's proxies, each defined once: which addons, in which order.

- :func:`record` (``vstape record``, ``mitmdump -s addons.py``): faults are decided first
  and enacted last, after the recorder wrote what the client sees; in between the
  validator checks the request, the emulator answers it when it is the upstream, the
  validator checks the response and the recorder writes it durably.
- :func:`replay` (``vstape replay``): live faults decided first, the cassettes answer,
  every fault (recorded or live) is enacted last.
- :func:`emulate` (``vstape emulate``): the emulator answers everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vstape_mitmproxy.emulator import EmulatorAddon
from vstape_mitmproxy.faults import FaultEnactor, FaultInjector
from vstape_mitmproxy.recorder import Recorder
from vstape_mitmproxy.replayer import ReplayerAddon
from vstape_mitmproxy.validator import Validator

if TYPE_CHECKING:
    from vstape.emulator import Emulator
    from vstape.replay.replayer import Replayer


def record(emulator: Emulator | None = None) -> list[Any]:
    """Validate and record; ``emulator``: it answers in the upstream's place."""
    answer = [] if emulator is None else [EmulatorAddon(emulator)]
    return [FaultInjector(), Validator(), *answer, Recorder(), FaultEnactor()]


def replay(replayer: Replayer, quiet: bool = False) -> list[Any]:
    """Answer every request from ``replayer``'s cassettes, with live and recorded faults."""
    return [FaultInjector(), ReplayerAddon(replayer, quiet=quiet), FaultEnactor()]


def emulate(emulator: Emulator | None = None) -> list[Any]:
    """Answer every request from the stateful emulator."""
    return [EmulatorAddon(emulator)]
