"""Exceptions the plugin raises into tests, and the warning it gives instead in ``warn`` modes.

AssertionError
├── VstapeReplayMiss            a request with no recorded response (also a vcrpy
│                               CannotOverwriteExistingCassetteException)
├── VstapeReplayInvalid         a replayed response violates its route's schema
└── VstapeUnusedInteractions    a test left recorded interactions unused (--vstape-unused=fail)

FileNotFoundError
└── VstapeMissingCassette       an extra cassette named in @pytest.mark.vcr(...) does not exist

UserWarning
└── ReplayWarning               a replay problem reported, not failing the test (``warn`` modes)
"""

from __future__ import annotations

from vcr.errors import CannotOverwriteExistingCassetteException


class VstapeReplayMiss(CannotOverwriteExistingCassetteException, AssertionError):  # type: ignore[misc]
    """No recorded response for a request; the message explains why and how to fix it."""

    def __init__(
        self, message: str, cassette: object = None, failed_request: object = None
    ) -> None:
        # Skip vcrpy's own message building (it scans the whole cassette again).
        Exception.__init__(self, message)
        self.cassette = cassette
        self.failed_request = failed_request
        self.similar_requests: list[object] = []
        self.reason = "no_match"


class VstapeReplayInvalid(AssertionError):
    """A replayed response does not match its route's schema."""


class VstapeUnusedInteractions(AssertionError):
    """Recorded interactions the test never used."""


class VstapeMissingCassette(FileNotFoundError):
    """An extra cassette named in ``@pytest.mark.vcr(...)`` does not exist."""


class ReplayWarning(UserWarning):
    """A replay problem reported but not failing the test (``warn`` modes)."""


for _cls in (
    VstapeReplayMiss,
    VstapeReplayInvalid,
    VstapeUnusedInteractions,
    VstapeMissingCassette,
):
    _cls.__module__ = "builtins"  # tracebacks read `VstapeReplayMiss: ...`
