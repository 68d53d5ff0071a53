"""Render emulator records as the wire Structs of :mod:`vstape.api.schemas`."""

from __future__ import annotations

from typing import Any

from vstape.api import schemas as s
from vstape.emulator.lifecycle import store_status
from vstape.emulator.state import AttachedFile, Batch, StoredFile, VectorStoreRecord


def file_object(stored: StoredFile) -> s.FileObject:
    """A ``/v1/files`` File."""
    return s.FileObject(
        id=stored.id,
        object="file",
        bytes=len(stored.content),
        created_at=stored.created_at,
        filename=stored.filename,
        purpose=stored.purpose,  # type: ignore[arg-type]
        status="processed",
        status_details=None,
        expires_at=stored.expires_at,
    )


def page(items: list[Any], has_more: bool) -> s.ListPage[Any]:
    """The list envelope with first/last ids."""
    return s.ListPage(
        object="list",
        data=items,
        has_more=has_more,
        first_id=items[0].id if items else None,
        last_id=items[-1].id if items else None,
    )


def _counts(raw: dict[str, int]) -> s.FileCounts:
    return s.FileCounts(
        in_progress=raw["in_progress"],
        completed=raw["completed"],
        failed=raw["failed"],
        cancelled=raw["cancelled"],
        total=raw["total"],
    )


def vector_store(store: VectorStoreRecord, now: float) -> s.VectorStore:
    """A vector store with true counts, usage and status."""
    counts = store.counts()
    usage = sum(a.usage_bytes for a in store.files.items.values())
    expires_after = (
        None
        if store.expires_after is None
        else s.ExpiresAfter(anchor="last_active_at", days=store.expires_after[1])
    )
    return s.VectorStore(
        id=store.id,
        object="vector_store",
        created_at=store.created_at,
        name=store.name,
        usage_bytes=usage,
        file_counts=_counts(counts),
        status=store_status(store, now, counts),  # type: ignore[arg-type]
        last_active_at=store.last_active_at,
        metadata=store.metadata,
        expires_after=expires_after,
        expires_at=store.expires_at(),
        description=store.description,
    )


def vector_store_file(attached: AttachedFile) -> s.VectorStoreFile:
    """A vector-store file with its processing state."""
    size, overlap = attached.chunking
    error = None
    if attached.last_error is not None:
        error = s.LastError(code=attached.last_error[0], message=attached.last_error[1])  # type: ignore[arg-type]
    return s.VectorStoreFile(
        id=attached.file.id,
        object="vector_store.file",
        usage_bytes=attached.usage_bytes,
        created_at=attached.created_at,
        vector_store_id=attached.vector_store_id,
        status=attached.status,  # type: ignore[arg-type]
        last_error=error,
        chunking_strategy=s.StaticChunkingStrategyResponse(
            static=s.StaticChunking(max_chunk_size_tokens=size, chunk_overlap_tokens=overlap)
        ),
        attributes=attached.attributes if attached.attributes is not None else {},
    )


def batch(store: VectorStoreRecord, record: Batch) -> s.VectorStoreFileBatch:
    """A file batch with the counts of its own files."""
    return s.VectorStoreFileBatch(
        id=record.id,
        object="vector_store.file_batch",
        created_at=record.created_at,
        vector_store_id=store.id,
        status=record.status,  # type: ignore[arg-type]
        file_counts=_counts(store.counts(record.file_ids)),
    )
