"""Run mitmproxy in-process (DumpMaster on asyncio) with vstape addons, and stop cleanly.

Shared by ``vstape emulate``, ``vstape record`` and ``vstape replay``. Start-up problems
are said in vstape's own terms (exit 2): a busy port names ``--listen`` (not mitmproxy's
``--mode ...@PORT``), an option error names the flag the user typed (``--cassette``, not
``vstape_cassette``). The exit status is the worst ``exit_status()`` of the addons (the
recorder's is 1 when an interaction could not be recorded).
"""

from __future__ import annotations

import asyncio
import errno
import re
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Any

from mitmproxy import ctx, exceptions, options
from mitmproxy.tools.dump import DumpMaster

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``PORT``) -> (host, port); ValueError says what is wrong."""
    host, _, port = value.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(
            f"--listen {value!r}: expected HOST:PORT with a port 0..65535, e.g. 127.0.0.1:8080"
        )
    return host, int(port)


class _Announce:
    """Prints where the proxy listens once it does (port 0 resolves to the real port)."""

    def __init__(self, announce: Callable[[str, int], None]) -> None:
        self.announce = announce

    def running(self) -> None:
        server = ctx.master.addons.get("proxyserver")
        for address in server.listen_addrs():
            self.announce(str(address[0]), int(address[1]))
            break


async def _serve(
    opts: options.Options,
    addons: Sequence[Any],
    announce: Callable[[str, int], None],
    settings: dict[str, Any],
) -> None:
    master = DumpMaster(opts, with_termlog=True, with_dumper=False)
    master.addons.add(_Announce(announce), *addons)
    opts.update(**settings)  # after the addons declared their options
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet_cancellation)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, master.shutdown)
    await master.run()


def _quiet_cancellation(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """At shutdown, connections still open (keep-alive clients) are cancelled: not an error."""
    if isinstance(context.get("exception"), asyncio.CancelledError):
        return
    loop.default_exception_handler(context)


def warn_if_exposed(host: str, command: str) -> None:
    """Say so loudly when a server listens beyond loopback."""
    if host not in LOOPBACK:
        print(
            f"{command}: WARNING: listening on {host}, reachable from other machines; "
            "use --listen 127.0.0.1:PORT to keep it local",
            file=sys.stderr,
            flush=True,
        )


def port_in_use(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (None: it can, or port 0 lets the OS choose)."""
    if port == 0:
        return None
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as mitmproxy binds
            probe.bind((host, port))
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            return (
                f"--listen {host}:{port}: the port is already in use (another vstape or "
                f"server listens there); stop it, or pick another port, e.g. --listen "
                f"{host}:0 for a free one"
            )
        return f"--listen {host}:{port}: cannot listen there: {err.strerror or err}"
    return None


def in_flags(message: str, flags: dict[str, str]) -> str:
    """An option error with mitmproxy's option names replaced by the command's flags."""
    message = re.sub(
        r"Cannot parse (\w+) option ", lambda m: flags.get(m.group(1), m.group(1)) + " ", message
    )
    return re.sub(r"\bvstape_\w+\b", lambda m: flags.get(m.group(0), m.group(0)), message)


def run(
    *,
    listen: str,
    mode: str,
    addons: Sequence[Any],
    announce: Callable[[str, int], None],
    confdir: str | None = None,
    extra: dict[str, Any] | None = None,
    command: str = "vstape",
    flags: dict[str, str] | None = None,
) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit code.

    ``flags`` maps the ``vstape_*`` options in ``extra`` to the flags that set them, so
    that an option error speaks of what the user typed.
    """
    host, port = parse_listen(listen)
    busy = port_in_use(host, port)
    if busy is not None:
        print(f"{command}: {busy}", file=sys.stderr)
        return 2
    opts = options.Options(listen_host=host, listen_port=port, mode=[mode])
    if confdir:
        opts.update(confdir=confdir)
    settings: dict[str, Any] = {
        "connection_strategy": "lazy",
        "termlog_verbosity": "warn",
        **(extra or {}),
    }
    try:
        asyncio.run(_serve(opts, addons, announce, settings))
    except exceptions.OptionsError as err:
        for line in in_flags(str(err), flags or {}).splitlines():
            print(f"{command}: {line}", file=sys.stderr)
        return 2
    return max(
        (int(addon.exit_status()) for addon in addons if hasattr(addon, "exit_status")), default=0
    )
