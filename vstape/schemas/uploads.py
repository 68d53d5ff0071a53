"""The ``/v1/files`` File object, used by the SDK's ``upload`` and ``upload_and_poll`` helpers."""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from vstape.schemas.base import NonNegativeInt, Schema, UnixTime

FilePurpose = Literal[
    "assistants",
    "assistants_output",
    "batch",
    "batch_output",
    "fine-tune",
    "fine-tune-results",
    "vision",
    "user_data",
    "evals",
]


class FileObject(Schema):
    """An uploaded File (``object: file``)."""

    id: str
    object: Literal["file"]
    bytes: NonNegativeInt
    created_at: UnixTime
    filename: str
    purpose: FilePurpose
    status: Literal["uploaded", "processed", "error"] | UnsetType = UNSET
    status_details: str | UnsetType | None = UNSET
    expires_at: UnixTime | UnsetType | None = UNSET


class FileDeleted(Schema):
    """Response of ``DELETE /files/{file_id}``."""

    id: str
    object: Literal["file"]
    deleted: bool


class FileListQuery(Schema):
    """Query parameters of ``GET /files``."""

    purpose: str | UnsetType = UNSET
    limit: int | UnsetType = UNSET
    order: Literal["asc", "desc"] | UnsetType = UNSET
    after: str | UnsetType = UNSET
