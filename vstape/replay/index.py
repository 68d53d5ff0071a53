"""The replay engine shared by the pytest plugin and the replay server.

An index from canonical request key to the recorded interactions with that key, in
recorded order: O(1) per request whatever the cassette's size. Identical requests (poll
loops, retries) get their recorded responses in order; when the sequence runs out the
policy decides (``repeat-last``, or ``fail``). Retry and poll delays are fast-forwarded.
A miss is explained: the nearest recording, a field-level diff, and how to re-record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from vstape.docs import see
from vstape.replay.matching import RequestKey, clipped, diff, similarity

Exhausted = Literal["repeat-last", "fail"]
TROUBLESHOOTING = "troubleshooting-a-request-that-does-not-match"  # a README anchor
MAX_DIFF_LINES = 40  # differences listed in a miss; the rest are counted
MAX_MISS_CHARS = 60_000  # a miss explanation never exceeds this (a 404 body stays < 64 KB)
RETRYABLE = frozenset({408, 409, 429})
MAX_SERVER_DELAY_S = 120.0  # the SDK does not retry when the server asks for longer
# The SDK sleeps exactly a server-directed delay in (0, 120] s; 0 or none means its own
# exponential backoff (0.5 s, 1 s, ...). 1 ms keeps it on the server-directed path.
FAST_RETRY_MS = "1"
FAST_RETRY_S = "0.001"


def _seconds(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: left alone


def fast_forward(headers: dict[str, list[str]], status: int | None = None) -> dict[str, list[str]]:
    """Headers with poll and retry delays shortened so the SDK neither waits nor backs off.

    ``openai-poll-after-ms`` becomes 0. A retry delay the SDK would honour (0 < d <= 120 s)
    becomes 1 ms; a longer one stays (it means "do not retry"). A retryable ``status``
    (408, 409, 429, 5xx) without a delay header, and not marked ``x-should-retry: false``,
    gets ``retry-after-ms: 1`` so the SDK's backoff does not sleep either. What the client
    decides (retry or not, how many times) is unchanged; only the waiting goes.
    """
    changed = dict(headers)
    has_delay = False
    for name in list(changed):
        lower = name.lower()
        if lower == "openai-poll-after-ms":
            changed[name] = ["0"]
        elif lower in ("retry-after", "retry-after-ms"):
            has_delay = True
            values = changed[name]
            delay = _seconds(values[0]) if values else None
            if delay is None:
                continue
            seconds = delay / 1000 if lower == "retry-after-ms" else delay
            if 0 < seconds <= MAX_SERVER_DELAY_S:
                changed[name] = [FAST_RETRY_MS if lower == "retry-after-ms" else FAST_RETRY_S]
    retryable = status is not None and (status in RETRYABLE or status >= 500)
    if retryable and not has_delay:
        refused = any(
            k.lower() == "x-should-retry" and v and v[0].lower() == "false"
            for k, v in changed.items()
        )
        if not refused:
            changed["retry-after-ms"] = [FAST_RETRY_MS]
    return changed


@dataclass
class ReplayIndex:
    """Recorded request keys, indexed, with play counts and a sequencing policy."""

    keys: Sequence[RequestKey]
    exhausted: Exhausted = "repeat-last"
    by_key: dict[RequestKey, list[int]] = field(init=False)
    _by_template: dict[str, list[int]] | None = field(init=False, default=None)
    plays: list[int] = field(init=False)
    cursor: dict[RequestKey, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {}
        for index, key in enumerate(self.keys):
            self.by_key.setdefault(key, []).append(index)
        self.plays = [0] * len(self.keys)
        self.cursor = {}

    def __contains__(self, key: RequestKey) -> bool:
        return key in self.by_key

    def can_play(self, key: RequestKey) -> bool:
        """Whether ``next`` would return an interaction for this key."""
        found = self.by_key.get(key)
        if not found:
            return False
        return self.exhausted == "repeat-last" or self.cursor.get(key, 0) < len(found)

    def next(self, key: RequestKey) -> int | None:
        """The index of the interaction to play for ``key`` (and count the play), or None."""
        found = self.by_key.get(key)
        if not found:
            return None
        position = self.cursor.get(key, 0)
        if position >= len(found):
            if self.exhausted == "fail":
                return None
            position = len(found) - 1
        self.cursor[key] = position + 1
        index = found[position]
        self.plays[index] += 1
        return index

    def unused(self) -> list[int]:
        """Indices never played."""
        return [i for i, n in enumerate(self.plays) if n == 0]

    @property
    def by_template(self) -> dict[str, list[int]]:
        """Indices by route template (built on the first miss: loads stay fast)."""
        if self._by_template is None:
            self._by_template = {}
            for index, key in enumerate(self.keys):
                self._by_template.setdefault(key.template, []).append(index)
        return self._by_template

    def nearest(self, key: RequestKey) -> int | None:
        """The recorded request closest to ``key`` (same route first), if any."""
        candidates = self.by_template.get(key.template) or range(len(self.keys))
        best: int | None = None
        best_score = (-1, -1)
        for index in candidates:
            score = similarity(key, self.keys[index])
            if score > best_score:
                best, best_score = index, score
        return best

    def explain_miss(
        self,
        key: RequestKey,
        where: str,
        rerecord: str,
        label: Callable[[int], str] | None = None,
    ) -> str:
        """Why ``key`` could not be replayed, what differs, and how to fix it.

        ``label`` names a recorded interaction for the reader (``file #position``);
        without it, its index in this replay index.
        """
        name = label or (lambda index: f"#{index}")
        request = f"{clipped(key.method, 40)} {clipped(key.path, 500)}"
        route = clipped(key.route, 500)
        lines = [f"vstape: no recorded response for {request} (route {route}) in {where}."]
        found = self.by_key.get(key)
        if found:
            lines.append(
                f"It was recorded {len(found)} time(s) and all were already played "
                "(policy 'fail' for exhausted sequences): the code makes more identical requests than were recorded."
            )
        else:
            near = self.nearest(key)
            if near is None:
                lines.append("The cassette holds no interactions at all.")
            else:
                recorded = self.keys[near]
                state = "already played" if self.plays[near] else "never played"
                lines.append(
                    f"Nearest recorded request: {name(near)} {recorded.method} "
                    f"{clipped(recorded.path, 500)} ({state}); differences:"
                )
                differences = diff(key, recorded) or ["  (none in the matched fields)"]
                lines += differences[:MAX_DIFF_LINES]
                if len(differences) > MAX_DIFF_LINES:
                    lines.append(
                        f"  ... and {len(differences) - MAX_DIFF_LINES:,} more differences"
                    )
        lines.append(f"To re-record: {rerecord}")
        lines.append(f"{see(TROUBLESHOOTING)}.")
        return bounded("\n".join(lines))


def bounded(message: str, limit: int = MAX_MISS_CHARS) -> str:
    """``message`` cut to ``limit`` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}\n... ({len(message) - limit:,} more characters not shown)"


def describe_unused(
    indices: Sequence[int], keys: Sequence[RequestKey], where: str, limit: int = 10
) -> str:
    """A report of the interactions a test never used."""
    lines = [f"vstape: {len(indices)} recorded interaction(s) in {where} were never used:"]
    for index in indices[:limit]:
        key = keys[index]
        query = "&".join(f"{k}={v}" for k, v in key.query)
        lines.append(
            f"  #{index} {key.method} {key.path}{'?' + query if query else ''} (route {key.route})"
        )
    if len(indices) > limit:
        lines.append(f"  ... and {len(indices) - limit} more")
    lines.append(
        "Remove them (re-record the cassette) or set --vstape-unused=off. "
        + see("unused-interactions")
        + "."
    )
    return "\n".join(lines)
