"""Script entry for mitmdump/mitmweb: validate and record Vector Stores traffic.

Usage (``vstape where addon`` prints this file's path in an installed vstape):
    mitmdump --listen-host 127.0.0.1 -p 8080 --mode reverse:https://api.openai.com \
        -s proxy_addons/vstape_mitmproxy/addons.py --set vstape_cassette_dir=cassettes/recorded

mitmproxy listens on every interface unless ``--listen-host`` says otherwise, and its own
flow view (mitmweb) keeps the real ``Authorization`` header in memory: vstape redacts
what it writes, not what mitmproxy shows. Keep it on loopback.

Options: every ``vstape_*`` option of proxy_addons/vstape_mitmproxy/options.py and the
``vstape_fault*`` options of proxy_addons/vstape_mitmproxy/faults.py (``--set name=value``).
The chain is :func:`vstape_mitmproxy.chains.record`.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # loaded by `mitmdump -s proxy_addons/vstape_mitmproxy/addons.py`
    _here = Path(__file__).resolve()
    # the face's folder (an install's site-packages, or a checkout's proxy_addons/), and a
    # checkout's root for the core when vstape is not installed
    sys.path[:0] = [str(p) for p in (_here.parents[1], _here.parents[2]) if p.is_dir()]

from vstape_mitmproxy import chains

addons = chains.record()  # the upstream answers (``--mode reverse:URL``), not the emulator
