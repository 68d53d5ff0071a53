"""``/v1/vector_stores``: create, list, retrieve, modify and delete vector stores."""

from __future__ import annotations

import msgspec

from vstape.api import schemas as s
from vstape.emulator import views
from vstape.emulator.handlers import inputs
from vstape.emulator.handlers.registry import Reply, handles
from vstape.emulator.lifecycle import attach
from vstape.emulator.pagination import paginate_query
from vstape.emulator.state import EmulatorState, VectorStoreRecord
from vstape.http import Request


@handles("create_vector_store")
def create_vector_store(state: EmulatorState, request: Request) -> Reply:
    """A new store; its ``file_ids`` (all checked first) are attached and start processing."""
    body = inputs.body(request, s.CreateVectorStoreRequest)
    file_ids = [] if body.file_ids is msgspec.UNSET else body.file_ids
    for file_id in file_ids:
        state.file(file_id)
    now = state.clock()
    expires = body.expires_after
    store = VectorStoreRecord(
        id=state.ids.new("vs_"),
        name="" if body.name is msgspec.UNSET else body.name,
        description=None if body.description is msgspec.UNSET else body.description,
        created_at=now,
        last_active_at=now,
        metadata=body.metadata if isinstance(body.metadata, dict) else {},
        expires_after=None
        if isinstance(expires, msgspec.UnsetType)
        else (expires.anchor, expires.days),
    )
    state.stores.add(store.id, store)
    for file_id in file_ids:
        attach(state, store, file_id, msgspec.UNSET, body.chunking_strategy, None)
    return Reply(views.vector_store(store, state.now()))


@handles("list_vector_stores")
def list_vector_stores(state: EmulatorState, request: Request) -> Reply:
    """A page of stores (``limit``, ``order``, ``after``, ``before``)."""
    query = inputs.query(request, s.ListQuery)
    page = paginate_query(state.stores, query)
    now = state.now()
    return Reply(views.page([views.vector_store(v, now) for v in page.items], page.has_more))


@handles("get_vector_store")
def get_vector_store(state: EmulatorState, request: Request, vector_store_id: str) -> Reply:
    """One store, with true counts, usage and status."""
    return Reply(views.vector_store(state.store(vector_store_id), state.now()))


@handles("modify_vector_store")
def modify_vector_store(state: EmulatorState, request: Request, vector_store_id: str) -> Reply:
    """Change a store's ``name``, ``metadata`` or ``expires_after`` (``null`` removes it)."""
    store = state.store(vector_store_id)
    body = inputs.body(request, s.UpdateVectorStoreRequest)
    if body.name is not msgspec.UNSET:
        store.name = body.name
    if body.metadata is not msgspec.UNSET:
        store.metadata = body.metadata
    if body.expires_after is not msgspec.UNSET:
        after = body.expires_after
        store.expires_after = None if after is None else (after.anchor, after.days)
    state.touch(store)
    return Reply(views.vector_store(store, state.now()))


@handles("delete_vector_store")
def delete_vector_store(state: EmulatorState, request: Request, vector_store_id: str) -> Reply:
    """Delete a store (its Files stay)."""
    state.store(vector_store_id)
    state.stores.remove(vector_store_id)
    return Reply(
        s.VectorStoreDeleted(id=vector_store_id, object="vector_store.deleted", deleted=True)
    )
