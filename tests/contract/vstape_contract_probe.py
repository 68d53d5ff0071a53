"""A pytest plugin loaded into every session of the pytest-recording contract runs.

It is imported by its module name through ``PYTEST_PLUGINS`` (this folder is put on
``PYTHONPATH``), so every inner ``pytester`` session of pytest-recording's suite loads it
too. At the end of each session it appends one JSON line to ``$VSTAPE_CONTRACT_PROBE``:
whether vstape's plugin was registered, how many VCRs vstape configured (its persister
on the VCR pytest-recording handed over), and whether ``vcr.config.Cassette`` was still
vcrpy's own class - so the contract test can show vstape was really active, and a guest.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest

_CONFIGURED = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_CONFIGURED] = []


@pytest.hookimpl(trylast=True, optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Runs after vstape's own implementation of the hook: note what it did to this VCR."""
    config.stash[_CONFIGURED].append(type(vcr.persister).__name__)


def pytest_unconfigure(config: pytest.Config) -> None:
    target = os.environ.get("VSTAPE_CONTRACT_PROBE")
    if not target:
        return
    plugins = {getattr(p, "__name__", "") for p in config.pluginmanager.get_plugins()}
    config_module = sys.modules.get("vcr.config")
    cassette_module = sys.modules.get("vcr.cassette")
    stock = (
        config_module is None
        or cassette_module is None
        or getattr(config_module, "Cassette", None) is getattr(cassette_module, "Cassette", None)
    )
    persisters = config.stash.get(_CONFIGURED, [])
    line = {
        "vstape_registered": "vstape_pytest.plugin" in plugins,
        "vcrs": len(persisters),
        "vstape_vcrs": persisters.count("VstapePersister"),
        "cassette_class_stock": stock,
    }
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
