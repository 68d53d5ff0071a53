"""``/v1/vector_stores/{id}/files``: attach, list, retrieve (poll), update, read, detach."""

from __future__ import annotations

import msgspec

from vstape.api import schemas as s
from vstape.emulator import views
from vstape.emulator.handlers import inputs
from vstape.emulator.handlers.registry import Reply, handles
from vstape.emulator.lifecycle import attach, poll_file, poll_headers
from vstape.emulator.pagination import paginate_query
from vstape.emulator.ranking import chunk_text
from vstape.emulator.state import AttachedFile, Batch, EmulatorState, VectorStoreRecord
from vstape.http import Request


@handles("create_vector_store_file")
def create_vector_store_file(state: EmulatorState, request: Request, vector_store_id: str) -> Reply:
    """Attach a File: it starts ``in_progress`` (with ``openai-poll-after-ms``)."""
    store = state.store(vector_store_id)
    body = inputs.body(request, s.CreateVectorStoreFileRequest)
    attached = attach(state, store, body.file_id, body.attributes, body.chunking_strategy, None)
    return Reply(views.vector_store_file(attached), poll_headers(state, True))


@handles("list_vector_store_files")
def list_vector_store_files(state: EmulatorState, request: Request, vector_store_id: str) -> Reply:
    """A page of a store's files (``filter`` by status)."""
    return Reply(file_page(request, state.store(vector_store_id), None))


def file_page(
    request: Request, store: VectorStoreRecord, batch: Batch | None
) -> s.ListPage[s.VectorStoreFile]:
    """The page of ``store``'s files (only ``batch``'s, when given) the query asks for."""
    query = inputs.query(request, s.VectorStoreFileListQuery)
    status = None if query.filter is msgspec.UNSET else query.filter
    in_batch = None if batch is None else set(batch.file_ids)

    def keep(attached: AttachedFile) -> bool:
        return (status is None or attached.status == status) and (
            in_batch is None or attached.file.id in in_batch
        )

    page = paginate_query(store.files, query, keep)
    return views.page([views.vector_store_file(a) for a in page.items], page.has_more)


@handles("get_vector_store_file")
def get_vector_store_file(
    state: EmulatorState, request: Request, vector_store_id: str, file_id: str
) -> Reply:
    """One attached file; each retrieve is a poll that may finish its processing."""
    attached = state.store(vector_store_id).attached(file_id)
    poll_file(state, attached)
    in_progress = attached.status == "in_progress"
    return Reply(views.vector_store_file(attached), poll_headers(state, in_progress))


@handles("update_vector_store_file_attributes")
def update_vector_store_file_attributes(
    state: EmulatorState, request: Request, vector_store_id: str, file_id: str
) -> Reply:
    """Replace an attached file's ``attributes``."""
    attached = state.store(vector_store_id).attached(file_id)
    body = inputs.body(request, s.UpdateVectorStoreFileAttributesRequest)
    attached.attributes = body.attributes
    return Reply(views.vector_store_file(attached))


@handles("delete_vector_store_file")
def delete_vector_store_file(
    state: EmulatorState, request: Request, vector_store_id: str, file_id: str
) -> Reply:
    """Detach a file from the store; the File itself stays."""
    store = state.store(vector_store_id)
    store.attached(file_id)
    store.files.remove(file_id)
    return Reply(
        s.VectorStoreFileDeleted(id=file_id, object="vector_store.file.deleted", deleted=True)
    )


@handles("retrieve_vector_store_file_content")
def retrieve_vector_store_file_content(
    state: EmulatorState, request: Request, vector_store_id: str, file_id: str
) -> Reply:
    """An attached file's text, chunked as search sees it, in one page."""
    attached = state.store(vector_store_id).attached(file_id)
    items = [s.FileContentItem(type="text", text=c) for c in chunk_text(attached.file.text or "")]
    return Reply(
        s.VectorStoreFileContent(
            object="vector_store.file_content.page", data=items, has_more=False, next_page=None
        )
    )
