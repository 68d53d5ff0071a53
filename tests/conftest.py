"""Shared test configuration.

The HTTP stacks are imported here, before any test runs: an in-process pytester run drops
the modules it imported when it ends, and a module that httpx/httpx2 load lazily on the
first connection (httpcore, httpcore2) would then exist twice in one worker, with
exception classes that no longer match httpx2's exception map.

Recorders keep their placeholder journals in ``$VSTAPE_STATE_DIR``: a private folder of
this run (inherited by the processes the tests start, removed at exit), never the
user's own state folder.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import httpcore  # noqa: F401 - imported for its side effect on sys.modules
import httpcore2  # noqa: F401

if not os.environ.get("VSTAPE_STATE_DIR"):
    _STATE = tempfile.mkdtemp(prefix="vstape-test-state-")  # 0700, as the journal wants
    os.environ["VSTAPE_STATE_DIR"] = _STATE
    atexit.register(shutil.rmtree, _STATE, True)
