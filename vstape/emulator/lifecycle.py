"""How objects change with time: files and batches processing, polled to completion or
cancelled, and when Files and vector stores expire.

A file attached to a store starts ``in_progress``; it completes (or fails with
``last_error``) once it has been polled ``polls_to_complete`` times and ``processing_ms``
have passed. A batch does the same for all its files at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from vstape.api import schemas as s
from vstape.api.schemas.uploads import MAX_EXPIRY_S
from vstape.emulator.state import AttachedFile, Batch, EmulatorState, VectorStoreRecord
from vstape.emulator.uploads import Upload

DEFAULT_CHUNKING = (800, 400)  # max_chunk_size_tokens, chunk_overlap_tokens (the API's auto)


def attach(
    state: EmulatorState,
    store: VectorStoreRecord,
    file_id: str,
    attributes: Any,
    chunking: Any,
    batch_id: str | None,
) -> AttachedFile:
    """Attach the File ``file_id`` to ``store`` (again, if it was): it starts processing."""
    stored = state.file(file_id)
    size, overlap = DEFAULT_CHUNKING
    if isinstance(chunking, s.StaticChunkingStrategy):
        size, overlap = (
            chunking.static.max_chunk_size_tokens,
            chunking.static.chunk_overlap_tokens,
        )
    attached = AttachedFile(
        file=stored,
        vector_store_id=store.id,
        created_at=state.clock(),
        attributes=None if attributes is msgspec.UNSET else attributes,
        chunking=(size, overlap),
        ready_at=state.now() + state.processing_ms / 1000,
        polls_left=state.polls_to_complete,
        batch_id=batch_id,
    )
    store.files.remove(file_id)
    store.files.add(file_id, attached)
    state.touch(store)
    return attached


def new_batch(state: EmulatorState, store: VectorStoreRecord) -> Batch:
    """An empty, in-progress file batch of ``store`` (not yet listed in it)."""
    return Batch(
        state.ids.new("vsfb_"),
        store.id,
        state.clock(),
        [],
        polls_left=state.polls_to_complete,
        ready_at=state.now() + state.processing_ms / 1000,
    )


def finish(attached: AttachedFile) -> None:
    """The end of processing: ``completed``, or ``failed`` for an empty or binary file."""
    if not attached.file.content:
        attached.status, attached.last_error = "failed", ("invalid_file", "The file is empty.")
    elif attached.file.text is None:
        attached.status = "failed"
        attached.last_error = (
            "unsupported_file",
            "The file type is not supported for retrieval.",
        )
    else:
        attached.status = "completed"


def poll_file(state: EmulatorState, attached: AttachedFile) -> None:
    """One retrieve of a file: it may finish processing."""
    if attached.status != "in_progress":
        return
    attached.polls_left -= 1
    if attached.polls_left < 0 and state.now() >= attached.ready_at:
        finish(attached)


def poll_batch(state: EmulatorState, store: VectorStoreRecord, batch: Batch) -> None:
    """One retrieve of a batch: it may complete, finishing its files still in progress."""
    if batch.status != "in_progress":
        return
    batch.polls_left -= 1
    if batch.polls_left < 0 and state.now() >= batch.ready_at:
        for attached in _in_progress(store, batch):
            finish(attached)
        batch.status = "completed"


def cancel_batch(store: VectorStoreRecord, batch: Batch) -> None:
    """Cancel an in-progress batch and its unfinished files (at once: no ``cancelling``)."""
    if batch.status != "in_progress":
        return
    for attached in _in_progress(store, batch):
        attached.status = "cancelled"
    batch.status = "cancelled"


def _in_progress(store: VectorStoreRecord, batch: Batch) -> list[AttachedFile]:
    found = (store.files.get(file_id) for file_id in batch.file_ids)
    return [a for a in found if a is not None and a.status == "in_progress"]


def poll_headers(state: EmulatorState, in_progress: bool) -> list[tuple[str, str]]:
    """``openai-poll-after-ms`` on an object still in progress (what the SDK's pollers wait)."""
    return [("openai-poll-after-ms", str(state.poll_after_ms))] if in_progress else []


def upload_expires_at(upload: Upload, created_at: int) -> int | None:
    """When a File expires: ``expires_after``, else 30 days for ``batch``, else never."""
    if upload.expires_after_s is not None:
        return created_at + upload.expires_after_s
    if upload.purpose == "batch":
        return created_at + MAX_EXPIRY_S
    return None


def store_status(store: VectorStoreRecord, now: float, counts: Mapping[str, int]) -> str:
    """``expired`` past its ``expires_at``, ``in_progress`` while a file is (``counts``: the
    store's :meth:`~VectorStoreRecord.counts`), else ``completed``."""
    expires_at = store.expires_at()
    if expires_at is not None and now >= expires_at:
        return "expired"
    return "in_progress" if counts["in_progress"] else "completed"
