"""Shared test configuration.

The HTTP stacks are imported here, before any test runs: an in-process pytester run drops
the modules it imported when it ends, and a module that httpx/httpx2 load lazily on the
first connection (httpcore, httpcore2) would then exist twice in one worker, with
exception classes that no longer match httpx2's exception map.
"""

from __future__ import annotations

import httpcore  # noqa: F401 - imported for its side effect on sys.modules
import httpcore2  # noqa: F401
