"""Optional dependencies: a command that needs one says what to install, before anything else.

``pip install vstape`` brings the core and the pytest plugin; the proxy commands
(``emulate``, ``record``, ``replay``, ``demo``, ``cassettes regenerate``) need mitmproxy,
from ``pip install 'vstape[proxy]'``, and the ones that drive the official SDK
(``demo``, ``cassettes regenerate``) need ``openai`` as well.
"""

from __future__ import annotations

import importlib
import sys

INSTALL = {
    "mitmproxy": "pip install 'vstape[proxy]'",
    "openai": "pip install openai",
    "referencing": "pip install 'vstape[drift]'",
}
WHAT = {
    "mitmproxy": "mitmproxy (the proxy behind it)",
    "openai": "the official OpenAI SDK (it drives the traffic)",
    "referencing": "referencing (it resolves the spec's $refs)",
}


def missing(modules: tuple[str, ...]) -> list[tuple[str, str]]:
    """(module, why it does not import) for each of ``modules`` that cannot be imported."""
    absent = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as err:  # not installed, or installed but broken
            absent.append((name, str(err) or type(err).__name__))
    return absent


def check(command: str, modules: tuple[str, ...]) -> int | None:
    """None when every module imports; else print what to install and return 2."""
    absent = missing(modules)
    if not absent:
        return None
    for name, why in absent:
        print(
            f"{command}: needs {WHAT.get(name, name)}, which cannot be imported ({why}); "
            f"install it with: {INSTALL.get(name, 'pip install ' + name)}",
            file=sys.stderr,
        )
    commands = " ".join(INSTALL[name].removeprefix("pip install ") for name, _ in absent)
    if len(absent) > 1:
        print(f"{command}: in one go: pip install {commands}", file=sys.stderr)
    return 2
