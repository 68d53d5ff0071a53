"""Shapes shared by several objects: file counts, expiry, chunking strategies, errors."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from vstape.api.schemas.base import NonNegativeInt, Schema


class FileCounts(Schema):
    """Per-status file counts of a vector store or a file batch."""

    in_progress: NonNegativeInt
    completed: NonNegativeInt
    failed: NonNegativeInt
    cancelled: NonNegativeInt
    total: NonNegativeInt


class ExpiresAfter(Schema):
    """Expiration policy: ``days`` after ``last_active_at``."""

    anchor: Literal["last_active_at"]
    days: Annotated[int, msgspec.Meta(ge=1, le=365)]


class StaticChunking(Schema):
    """Chunk sizes of a static chunking strategy."""

    max_chunk_size_tokens: Annotated[int, msgspec.Meta(ge=100, le=4096)]
    chunk_overlap_tokens: Annotated[int, msgspec.Meta(ge=0)]

    def __post_init__(self) -> None:
        # Stated only in prose by the spec; the API rejects a larger overlap.
        if self.chunk_overlap_tokens > self.max_chunk_size_tokens // 2:
            raise ValueError(
                f"chunk_overlap_tokens ({self.chunk_overlap_tokens}) must be <= half of "
                f"max_chunk_size_tokens ({self.max_chunk_size_tokens})"
            )


# -- chunking strategy as sent (auto | static) -------------------------------------
class AutoChunkingStrategy(Schema, tag_field="type", tag="auto"):
    """Let the server choose (currently static 800/400)."""


class StaticChunkingStrategy(Schema, tag_field="type", tag="static"):
    """Custom chunk sizes, as sent in a request."""

    static: StaticChunking


ChunkingStrategyParam = AutoChunkingStrategy | StaticChunkingStrategy


# -- chunking strategy as returned (static | other) --------------------------------
class StaticChunkingStrategyResponse(Schema, tag_field="type", tag="static"):
    """Static chunking, as returned on a vector-store file."""

    static: StaticChunking


class OtherChunkingStrategyResponse(Schema, tag_field="type", tag="other"):
    """Unknown strategy (files indexed before chunking strategies existed)."""


ChunkingStrategyResponse = StaticChunkingStrategyResponse | OtherChunkingStrategyResponse


# -- errors ------------------------------------------------------------------------
class Error(Schema):
    """The ``error`` member of OpenAI's error envelope."""

    message: str
    type: str
    param: str | None
    code: str | None


class ErrorResponse(Schema):
    """OpenAI's error envelope, used by every 4xx/5xx response."""

    error: Error


class DeletedObject(Schema):
    """Common shape of deletion responses."""

    id: str
    deleted: bool
