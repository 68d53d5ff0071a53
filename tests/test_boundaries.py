"""The core and the pytest plugin import with mitmproxy unavailable."""

from __future__ import annotations

import subprocess
import sys

BLOCK_AND_IMPORT = """
import sys
sys.modules["mitmproxy"] = None  # any `import mitmproxy...` now raises ImportError
import importlib, pkgutil
import vstape, vstape_pytest
for info in pkgutil.walk_packages(vstape.__path__, "vstape."):
    importlib.import_module(info.name)
for info in pkgutil.walk_packages(vstape_pytest.__path__, "vstape_pytest."):
    importlib.import_module(info.name)
assert not any(m.startswith("mitmproxy.") for m in sys.modules), "mitmproxy leaked in"
print("ok")
"""


def test_core_and_plugin_import_without_mitmproxy() -> None:
    """Every module of vstape and vstape_pytest imports when mitmproxy is blocked."""
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_IMPORT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
