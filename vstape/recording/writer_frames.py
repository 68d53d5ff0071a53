"""The frames vstape's writer process and its proxy exchange: a header, then one pickle.

Each frame is ``!QI`` (a sequence number, the payload's length) and the payload, so a
reader always knows where a message ends: a torn frame (the writer died mid-write) is
seen as such, and a payload that cannot be unpickled costs that one message, not the
stream. Sequence 0 carries control messages (the config, ``ready``, the counts); every
other number is one job and its answer (an empty payload: durable; else the pickled
error). Pickles travel only between a process and the child it started, over its pipes.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import BinaryIO

__all__ = ["CONTROL", "HEADER", "frame", "portable", "read_frame", "write_all"]

PROTOCOL = pickle.HIGHEST_PROTOCOL
HEADER = struct.Struct("!QI")
CONTROL = 0


def frame(seq: int, payload: bytes) -> bytes:
    """One frame: the header, then ``payload``."""
    return HEADER.pack(seq, len(payload)) + payload


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (a blocking pipe)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_frame(stream: BinaryIO) -> tuple[int, bytes] | None:
    """The next frame of a blocking stream; None at its end (or where a frame was torn)."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    seq, length = HEADER.unpack(head)
    payload = stream.read(length) if length else b""
    if len(payload) < length:
        return None
    return seq, payload


def portable(error: BaseException) -> BaseException:
    """``error`` if it survives a pickle round trip (OSError keeps its errno), else its text."""
    try:
        pickle.loads(pickle.dumps(error, protocol=PROTOCOL))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
