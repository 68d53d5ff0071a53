"""Interop with the capture formats people already have: HAR in and out, mitmproxy dumps in.

- :mod:`vstape.interop.har`: read a HAR file into a :class:`~vstape.interop.capture.Capture`
  (mitmproxy flow dumps are read by ``vstape_mitmproxy.dumpfile``, with mitmproxy's reader);
- :mod:`vstape.interop.importer`: captures -> cassettes, through the recorder's pipeline;
- :mod:`vstape.interop.har_write`: cassettes -> a HAR document.

The commands are ``vstape import`` and ``vstape export``.
"""
