"""The emulator's records: Files, vector stores, vector-store files, file batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vstape.emulator.pagination import OrderedIndex

STATUSES = ("in_progress", "completed", "failed", "cancelled")


@dataclass
class StoredFile:
    """An uploaded File (``/v1/files``)."""

    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int
    expires_at: int | None = None

    def expired(self, now: float) -> bool:
        """Past its ``expires_at``: the API has deleted it."""
        return self.expires_at is not None and now >= self.expires_at

    @property
    def text(self) -> str | None:
        """The content as text, or None when it is not text (unsupported for search)."""
        if b"\x00" in self.content:
            return None
        try:
            return self.content.decode("utf-8")
        except UnicodeDecodeError:
            return None


@dataclass
class AttachedFile:
    """A File attached to a vector store (``vector_store.file``)."""

    file: StoredFile
    vector_store_id: str
    created_at: int
    attributes: dict[str, Any] | None
    chunking: tuple[int, int]  # max_chunk_size_tokens, chunk_overlap_tokens
    status: str = "in_progress"
    last_error: tuple[str, str] | None = None  # code, message
    ready_at: float = 0.0
    polls_left: int = 1
    batch_id: str | None = None

    @property
    def usage_bytes(self) -> int:
        """Bytes counted against the store once processed."""
        return len(self.file.content) if self.status == "completed" else 0


@dataclass
class Batch:
    """A file batch (``vector_store.file_batch``)."""

    id: str
    vector_store_id: str
    created_at: int
    file_ids: list[str]
    status: str = "in_progress"
    polls_left: int = 1
    ready_at: float = 0.0


@dataclass
class VectorStoreRecord:
    """A vector store and its attached files."""

    id: str
    name: str | None
    description: str | None
    created_at: int
    last_active_at: int
    metadata: dict[str, str] | None
    expires_after: tuple[str, int] | None  # anchor, days
    files: OrderedIndex[AttachedFile] = field(default_factory=OrderedIndex)
    batches: dict[str, Batch] = field(default_factory=dict)

    def expires_at(self) -> int | None:
        """When the store expires, from its policy and last activity."""
        if self.expires_after is None:
            return None
        return self.last_active_at + self.expires_after[1] * 86_400

    def counts(self, ids: list[str] | None = None) -> dict[str, int]:
        """File counts by status (of every attached file, or of ``ids``)."""
        counts = dict.fromkeys(STATUSES, 0)
        chosen = (
            self.files.items.values()
            if ids is None
            else (self.files.items[i] for i in ids if i in self.files.items)
        )
        total = 0
        for attached in chosen:
            counts[attached.status] += 1
            total += 1
        counts["total"] = total
        return counts
