"""Ids with the real prefixes and the injectable clock; seeded for deterministic runs."""

from __future__ import annotations

import random
import secrets
import string
import time
from collections.abc import Callable

FIXED_EPOCH = 1_750_000_000.0
_ALPHABET = string.ascii_letters + string.digits


class Ids:
    """Generates ``vs_…``, ``file-…``, ``vsfb_…`` and request ids; seeded if asked."""

    def __init__(self, seed: int | None) -> None:
        self._rng = random.Random(seed) if seed is not None else None

    def _token(self, size: int) -> str:
        if self._rng is None:
            return "".join(secrets.choice(_ALPHABET) for _ in range(size))
        return "".join(self._rng.choice(_ALPHABET) for _ in range(size))

    def new(self, prefix: str) -> str:
        """A fresh id such as ``vs_Ab3…`` (24 random characters)."""
        return prefix + self._token(24)

    def request_id(self) -> str:
        """A fresh ``x-request-id`` value."""
        return "req_" + self._token(32).lower()


def fixed_clock(start: float = FIXED_EPOCH) -> Callable[[], float]:
    """A clock that never moves (deterministic mode)."""
    return lambda: start


def system_clock() -> Callable[[], float]:
    """The wall clock."""
    return time.time
