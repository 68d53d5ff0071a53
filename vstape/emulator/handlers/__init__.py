"""The emulator's handlers, one module per object family; importing this registers them all
in :data:`vstape.emulator.handlers.registry.HANDLERS`, keyed by route name."""

from __future__ import annotations

from vstape.emulator.handlers import (
    file_batches,
    files,
    search,
    vector_store_files,
    vector_stores,
)
from vstape.emulator.handlers.registry import HANDLERS, Handler, Reply, unhandled_routes

FAMILIES = (files, vector_stores, vector_store_files, file_batches, search)

__all__ = ["FAMILIES", "HANDLERS", "Handler", "Reply", "unhandled_routes"]
