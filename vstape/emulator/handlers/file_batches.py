"""``/v1/vector_stores/{id}/file_batches``: create, retrieve (poll), cancel, list files."""

from __future__ import annotations

import msgspec

from vstape.api import schemas as s
from vstape.emulator import views
from vstape.emulator.handlers import inputs
from vstape.emulator.handlers.registry import Reply, handles
from vstape.emulator.handlers.vector_store_files import file_page
from vstape.emulator.lifecycle import attach, cancel_batch, new_batch, poll_batch, poll_headers
from vstape.emulator.state import EmulatorState
from vstape.http import Request


@handles("create_vector_store_file_batch")
def create_vector_store_file_batch(
    state: EmulatorState, request: Request, vector_store_id: str
) -> Reply:
    """Attach several Files at once (``file_ids``, or ``files`` each with its own settings)."""
    store = state.store(vector_store_id)
    body = inputs.body(request, s.CreateVectorStoreFileBatchRequest)
    batch = new_batch(state, store)
    if not isinstance(body.files, msgspec.UnsetType):
        wanted = [(f.file_id, f.attributes, f.chunking_strategy) for f in body.files]
    else:
        ids = [] if isinstance(body.file_ids, msgspec.UnsetType) else body.file_ids
        wanted = [(i, body.attributes, body.chunking_strategy) for i in ids]
    for file_id, _, _ in wanted:
        state.file(file_id)
    for file_id, attributes, chunking in wanted:
        attach(state, store, file_id, attributes, chunking, batch.id)
        batch.file_ids.append(file_id)
    store.batches[batch.id] = batch
    return Reply(views.batch(store, batch), poll_headers(state, True))


@handles("get_vector_store_file_batch")
def get_vector_store_file_batch(
    state: EmulatorState, request: Request, vector_store_id: str, batch_id: str
) -> Reply:
    """One batch; each retrieve is a poll that may complete it."""
    store = state.store(vector_store_id)
    batch = store.batch(batch_id)
    poll_batch(state, store, batch)
    return Reply(views.batch(store, batch), poll_headers(state, batch.status == "in_progress"))


@handles("cancel_vector_store_file_batch")
def cancel_vector_store_file_batch(
    state: EmulatorState, request: Request, vector_store_id: str, batch_id: str
) -> Reply:
    """Cancel a batch still in progress (a finished one is returned as it is)."""
    store = state.store(vector_store_id)
    batch = store.batch(batch_id)
    cancel_batch(store, batch)
    return Reply(views.batch(store, batch))


@handles("list_files_in_vector_store_batch")
def list_files_in_vector_store_batch(
    state: EmulatorState, request: Request, vector_store_id: str, batch_id: str
) -> Reply:
    """A page of a batch's files (``filter`` by status)."""
    store = state.store(vector_store_id)
    return Reply(file_page(request, store, store.batch(batch_id)))
