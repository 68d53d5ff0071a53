"""``/v1/files``: the upload form, the File object, the list query and the deletion.

The SDK's ``upload`` and ``upload_and_poll`` helpers go through these routes.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec
from msgspec import UNSET, UnsetType

from vstape.api.schemas.base import NonNegativeInt, Schema, UnixTime

# What an upload may ask for (the spec's CreateFileRequest enum and the SDK's FilePurpose).
UploadPurpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
UPLOAD_PURPOSES: tuple[str, ...] = get_args(UploadPurpose)

# Lenient: the File object's enum lacks `evals`, which an upload may ask for.
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


MIN_EXPIRY_S = 3600  # 1 hour
MAX_EXPIRY_S = 2_592_000  # 30 days; also the default expiry of a `batch` file


class FileExpiresAfter(Schema):
    """When an uploaded file expires: ``seconds`` after ``created_at``."""

    anchor: Literal["created_at"]
    seconds: Annotated[int, msgspec.Meta(ge=MIN_EXPIRY_S, le=MAX_EXPIRY_S)]


class CreateFileRequest(Schema):
    """The form fields of ``POST /files``; the ``file`` part itself is read by :mod:`vstape.validation.forms`."""

    purpose: UploadPurpose
    expires_after: FileExpiresAfter | UnsetType = UNSET


class FileObject(Schema):
    """An uploaded File (``object: file``)."""

    id: str
    object: Literal["file"]
    bytes: NonNegativeInt
    created_at: UnixTime
    filename: str
    purpose: FilePurpose
    # Required by the spec and the SDK (deprecated there, still sent).
    status: Literal["uploaded", "processed", "error"]
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
    # 1..10,000, default 10,000 (prose-only limit)
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] | UnsetType = UNSET
    order: Literal["asc", "desc"] | UnsetType = UNSET
    after: str | UnsetType = UNSET
