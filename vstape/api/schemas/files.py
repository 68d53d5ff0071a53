"""Vector-store files, file batches, file content pages, and their requests."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from vstape.api.schemas.base import Attributes, NonNegativeInt, Schema, UnixTime
from vstape.api.schemas.common import ChunkingStrategyParam, ChunkingStrategyResponse, FileCounts
from vstape.api.schemas.vector_stores import FileStatus


class LastError(Schema):
    """Why processing a vector-store file failed."""

    code: Literal["server_error", "unsupported_file", "invalid_file"]
    message: str


class VectorStoreFile(Schema):
    """A file attached to a vector store (``object: vector_store.file``)."""

    id: str
    object: Literal["vector_store.file"]
    usage_bytes: NonNegativeInt
    created_at: UnixTime
    vector_store_id: str
    status: FileStatus
    last_error: LastError | None
    chunking_strategy: ChunkingStrategyResponse | UnsetType = UNSET
    attributes: Attributes | UnsetType | None = UNSET


class CreateVectorStoreFileRequest(Schema):
    """Body of ``POST /vector_stores/{id}/files``; also an item of a batch's ``files``."""

    file_id: str
    chunking_strategy: ChunkingStrategyParam | UnsetType = UNSET
    attributes: Attributes | UnsetType | None = UNSET


BatchFileIds = Annotated[list[str], msgspec.Meta(min_length=1, max_length=2000)]
BatchFiles = Annotated[
    list[CreateVectorStoreFileRequest], msgspec.Meta(min_length=1, max_length=2000)
]


class CreateVectorStoreFileBatchRequest(Schema):
    """Body of ``POST /vector_stores/{id}/file_batches``: ``file_ids`` or ``files``."""

    file_ids: BatchFileIds | UnsetType = UNSET
    files: BatchFiles | UnsetType = UNSET
    chunking_strategy: ChunkingStrategyParam | UnsetType = UNSET
    attributes: Attributes | UnsetType | None = UNSET

    def __post_init__(self) -> None:
        has_ids = self.file_ids is not UNSET
        has_files = self.files is not UNSET
        if not has_ids and not has_files:
            raise ValueError("one of `file_ids` or `files` is required")
        if has_ids and has_files:
            raise ValueError("`file_ids` and `files` are mutually exclusive; send one of them")


class UpdateVectorStoreFileAttributesRequest(Schema):
    """Body of ``POST /vector_stores/{id}/files/{file_id}``: ``attributes`` is required."""

    attributes: Attributes | None


class VectorStoreFileDeleted(Schema):
    """Response of ``DELETE /vector_stores/{id}/files/{file_id}``."""

    id: str
    object: Literal["vector_store.file.deleted"]
    deleted: bool


class VectorStoreFileBatch(Schema):
    """A batch of files being attached to a vector store."""

    id: str
    # Lenient: the spec's enum says files_batch, the real API sends file_batch (api-ref 6.1).
    object: Literal["vector_store.file_batch", "vector_store.files_batch"]
    created_at: UnixTime
    vector_store_id: str
    status: FileStatus
    file_counts: FileCounts


class FileContentItem(Schema):
    """One piece of a file's parsed content; both keys are optional in the spec."""

    type: str | UnsetType = UNSET
    text: str | UnsetType = UNSET


class VectorStoreFileContent(Schema):
    """Response of ``GET /vector_stores/{id}/files/{file_id}/content``."""

    object: Literal["vector_store.file_content.page"]
    data: list[FileContentItem]
    has_more: bool
    next_page: str | None
