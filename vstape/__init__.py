"""vstape: record, validate and replay traffic to the OpenAI Vector Stores API.

The core package is pure Python on msgspec: it imports neither mitmproxy nor pytest.
The two faces, ``vstape_mitmproxy`` (mitmproxy) and ``vstape_pytest`` (pytest + vcrpy),
are thin adapters over it.
"""

from __future__ import annotations

__version__ = "0.1.0"
