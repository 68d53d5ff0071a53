"""The emulator's objects: Files, vector stores, vector-store files, file batches, and the
one :class:`EmulatorState` that holds them and finds them by id (a 404 when it cannot)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from vstape.emulator.clock import Ids
from vstape.emulator.errors import not_found
from vstape.emulator.pagination import OrderedIndex

T = TypeVar("T")


def found(value: T | None, what: str, ident: str) -> T:
    """``value``, or the API's 404 for the ``what`` called ``ident`` when there is none."""
    if value is None:
        raise not_found(what, ident)
    return value


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

    def attached(self, file_id: str) -> AttachedFile:
        """The file attached under ``file_id``; a 404 when there is none."""
        return found(self.files.get(file_id), "file", file_id)

    def batch(self, batch_id: str) -> Batch:
        """The file batch ``batch_id``; a 404 when there is none."""
        return found(self.batches.get(batch_id), "file batch", batch_id)

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


@dataclass
class EmulatorState:
    """Everything the emulator knows: its clock, its ids, its settings and its objects."""

    now: Callable[[], float]
    ids: Ids
    processing_ms: int = 0  # wall-clock time a file takes to process
    polls_to_complete: int = 1  # in_progress answers before a file or batch completes
    poll_after_ms: int = 100  # the openai-poll-after-ms header on in-progress objects
    files: OrderedIndex[StoredFile] = field(default_factory=OrderedIndex)
    stores: OrderedIndex[VectorStoreRecord] = field(default_factory=OrderedIndex)

    def clock(self) -> int:
        """Now, in whole seconds (every ``created_at`` and ``last_active_at``)."""
        return int(self.now())

    def store(self, vector_store_id: str) -> VectorStoreRecord:
        """The vector store ``vector_store_id``; a 404 when there is none."""
        return found(self.stores.get(vector_store_id), "vector store", vector_store_id)

    def file(self, file_id: str) -> StoredFile:
        """The File ``file_id``; a 404 when there is none or it has expired."""
        stored = self.files.get(file_id)
        return found(
            None if stored is None or stored.expired(self.now()) else stored, "file", file_id
        )

    def touch(self, store: VectorStoreRecord) -> None:
        """Mark the store active now (its expiry counts from here)."""
        store.last_active_at = self.clock()
