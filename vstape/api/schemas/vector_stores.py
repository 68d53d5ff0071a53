"""Vector store objects and the requests that create, modify, list and delete them."""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from vstape.api.schemas.base import Metadata, NonNegativeInt, Schema, UnixTime
from vstape.api.schemas.common import ChunkingStrategyParam, ExpiresAfter, FileCounts

T = TypeVar("T")

ListLimit = Annotated[int, msgspec.Meta(ge=1, le=100, description="1..100 (prose-only limit)")]
FileStatus = Literal["in_progress", "completed", "cancelled", "failed"]


class ListQuery(Schema):
    """Query parameters of ``GET /vector_stores``."""

    limit: ListLimit = 20
    order: Literal["asc", "desc"] = "desc"
    after: str | UnsetType = UNSET
    before: str | UnsetType = UNSET


class FileListQuery(ListQuery):
    """Query parameters of the two vector-store file lists (adds ``filter``)."""

    filter: FileStatus | UnsetType = UNSET


class ListPage(Schema, Generic[T]):
    """The cursor-paginated list envelope (one generic type for every list)."""

    object: Literal["list"]
    data: list[T]
    has_more: bool
    # Required by the spec; null allowed because empty pages are unverified (api-ref 6.5).
    first_id: str | None
    last_id: str | None


class VectorStore(Schema):
    """A vector store (``object: vector_store``)."""

    id: str
    object: Literal["vector_store"]
    created_at: UnixTime
    # Lenient: stores created without a name have returned null (api-ref 6.4).
    name: str | None
    usage_bytes: NonNegativeInt
    file_counts: FileCounts
    status: Literal["expired", "in_progress", "completed"]
    last_active_at: UnixTime | None
    metadata: Metadata | None
    # Lenient: real responses send "expires_after": null (api-ref 6.3).
    expires_after: ExpiresAfter | UnsetType | None = UNSET
    expires_at: UnixTime | UnsetType | None = UNSET
    # Lenient: not in the spec, present in real responses (api-ref 6.2).
    description: str | UnsetType | None = UNSET


class CreateVectorStoreRequest(Schema):
    """Body of ``POST /vector_stores``; ``{}`` is valid."""

    file_ids: Annotated[list[str], msgspec.Meta(max_length=500)] | UnsetType = UNSET
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    expires_after: ExpiresAfter | UnsetType = UNSET
    chunking_strategy: ChunkingStrategyParam | UnsetType = UNSET
    metadata: Metadata | UnsetType | None = UNSET


class UpdateVectorStoreRequest(Schema):
    """Body of ``POST /vector_stores/{vector_store_id}``."""

    name: str | UnsetType | None = UNSET
    expires_after: ExpiresAfter | UnsetType | None = UNSET
    metadata: Metadata | UnsetType | None = UNSET


class VectorStoreDeleted(Schema):
    """Response of ``DELETE /vector_stores/{vector_store_id}``."""

    id: str
    object: Literal["vector_store.deleted"]
    deleted: bool
