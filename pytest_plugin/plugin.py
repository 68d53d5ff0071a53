"""pytest11 entry point of vstape (options, markers and fixtures).

Heavy imports (vcrpy, msgspec decoders, the SDK) happen inside fixtures, never at
plugin import time: this module is imported by every pytest run in the environment.
"""

from __future__ import annotations
