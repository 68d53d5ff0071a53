"""mitmproxy addons for vstape: thin adapters over the ``vstape`` core.

This is the only package that imports mitmproxy. Importing the package itself imports
nothing, so ``vstape`` and ``pytest_plugin`` stay usable without mitmproxy.
"""
