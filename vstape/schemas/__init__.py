"""msgspec Structs for every request, query and response of the Vector Stores API.

The Structs are the single source of truth for the wire: the validator, the emulator,
the recorder and the replayer all derive from them. Where the official spec and real
traffic disagree, the Structs follow real traffic (each leniency is commented where it
is declared; README "Schemas" lists them).
"""

from __future__ import annotations

from vstape.schemas.base import Attributes, Metadata, Schema
from vstape.schemas.common import (
    AutoChunkingStrategy,
    ChunkingStrategyParam,
    ChunkingStrategyResponse,
    DeletedObject,
    Error,
    ErrorResponse,
    ExpiresAfter,
    FileCounts,
    OtherChunkingStrategyResponse,
    StaticChunking,
    StaticChunkingStrategy,
    StaticChunkingStrategyResponse,
)
from vstape.schemas.files import (
    CreateVectorStoreFileBatchRequest,
    CreateVectorStoreFileRequest,
    FileContentItem,
    LastError,
    UpdateVectorStoreFileAttributesRequest,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileContent,
    VectorStoreFileDeleted,
)
from vstape.schemas.search import (
    AndFilter,
    ComparisonFilter,
    CompoundFilter,
    EqFilter,
    Filter,
    GteFilter,
    GtFilter,
    InFilter,
    LteFilter,
    LtFilter,
    NeFilter,
    NinFilter,
    OrFilter,
    RankingOptions,
    SearchRequest,
    SearchResult,
    SearchResultContent,
    SearchResultsPage,
)
from vstape.schemas.uploads import FileDeleted, FileListQuery, FileObject
from vstape.schemas.vector_stores import (
    CreateVectorStoreRequest,
    ListPage,
    ListQuery,
    UpdateVectorStoreRequest,
    VectorStore,
    VectorStoreDeleted,
)
from vstape.schemas.vector_stores import (
    FileListQuery as VectorStoreFileListQuery,
)

__all__ = [
    "AndFilter",
    "Attributes",
    "AutoChunkingStrategy",
    "ChunkingStrategyParam",
    "ChunkingStrategyResponse",
    "ComparisonFilter",
    "CompoundFilter",
    "CreateVectorStoreFileBatchRequest",
    "CreateVectorStoreFileRequest",
    "CreateVectorStoreRequest",
    "DeletedObject",
    "EqFilter",
    "Error",
    "ErrorResponse",
    "ExpiresAfter",
    "FileContentItem",
    "FileCounts",
    "FileDeleted",
    "FileListQuery",
    "FileObject",
    "Filter",
    "GtFilter",
    "GteFilter",
    "InFilter",
    "LastError",
    "ListPage",
    "ListQuery",
    "LtFilter",
    "LteFilter",
    "Metadata",
    "NeFilter",
    "NinFilter",
    "OrFilter",
    "OtherChunkingStrategyResponse",
    "RankingOptions",
    "Schema",
    "SearchRequest",
    "SearchResult",
    "SearchResultContent",
    "SearchResultsPage",
    "StaticChunking",
    "StaticChunkingStrategy",
    "StaticChunkingStrategyResponse",
    "UpdateVectorStoreFileAttributesRequest",
    "UpdateVectorStoreRequest",
    "VectorStore",
    "VectorStoreDeleted",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileContent",
    "VectorStoreFileDeleted",
    "VectorStoreFileListQuery",
]
