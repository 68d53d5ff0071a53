"""Progress of a long read on stderr: how far into which file, how many interactions.

On a terminal one line is rewritten in place (at most 4 times a second) and cleared at
the end; asked for with ``--progress`` on anything else (a CI log), a plain line every
5 seconds. Off (``--no-progress``, or not a terminal by default), it costs nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO


def add_argument(parser: argparse.ArgumentParser) -> None:
    """``--progress`` / ``--no-progress`` (default: on when stderr is a terminal)."""
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )


class Progress:
    """One status line for a command reading cassettes."""

    def __init__(self, tool: str, wanted: bool | None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = self.tty if wanted is None else wanted
        self.every = 0.25 if self.tty else 5.0
        self.tool = tool
        self.name = ""
        self.size = 0
        self.done_bytes = 0
        self.interactions = 0
        self.last = time.monotonic()
        self.shown = False

    def file(self, name: str, size: int) -> None:
        """A new file begins."""
        self.name, self.size, self.done_bytes = name, size, 0

    def read(self, done_bytes: int) -> None:
        """Bytes of the current file read so far."""
        self.done_bytes = done_bytes
        self._maybe_show()

    def interaction(self) -> None:
        """One more interaction inspected."""
        self.interactions += 1
        if self.interactions % 256 == 0:
            self._maybe_show()

    def _maybe_show(self) -> None:
        if not self.enabled or time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        percent = 100 * self.done_bytes / self.size if self.size else 100.0
        text = (
            f"vstape {self.tool}: {self.name} {percent:3.0f}% "
            f"({self.done_bytes / 1e6:,.1f} of {self.size / 1e6:,.1f} MB), "
            f"{self.interactions:,} interactions"
        )
        if self.tty:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Clear the status line (terminal) before the results are printed."""
        if self.shown and self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
