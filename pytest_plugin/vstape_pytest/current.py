"""The settings of the test running now, and the warning class of replay problems.

Set by the plugin before a test's fixtures (and so its cassettes) are created; read by
every cassette and persister vstape makes for that test.
"""

from __future__ import annotations

import contextvars

from vstape_pytest.settings import DEFAULTS, Settings

CURRENT: contextvars.ContextVar[Settings] = contextvars.ContextVar(
    "vstape_settings", default=DEFAULTS
)
RERECORD = "pytest --record-mode=rewrite <this test> against the real API or `vstape emulate`, or `vstape record`"


class ReplayWarning(UserWarning):
    """A replay problem reported but not failing the test (``warn`` modes)."""
