"""mitmproxy addons for vstape: thin adapters over the ``vstape`` core.

This is the only package that imports mitmproxy. Importing the package itself imports
nothing, so ``vstape`` and ``vstape_pytest`` stay usable without mitmproxy.
"""
