"""``POST /v1/files``: read an upload as the API does, and when the File expires.

The form is checked by the same validator the proxy uses (:func:`vstape.validation.validate.
validate_request`), so a bad ``purpose`` or ``expires_after`` is a 400 naming the param.
An invalid ``purpose`` is worded as the real API words it:
``'AAA' is not one of ['assistants', 'batch', ...] - 'purpose'``. ``expires_after``
(``anchor: created_at``, ``seconds`` 3600..2592000) sets ``expires_at``; a ``batch`` file
without one expires after 30 days, every other file never.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import msgspec

from vstape.api import schemas as s
from vstape.api.schemas.uploads import MAX_EXPIRY_S, UPLOAD_PURPOSES
from vstape.emulator.errors import ApiError, from_violation
from vstape.validation.forms import parse_form
from vstape.validation.validate import errors, validate_request
from vstape.validation.violations import Kind, Violation


@dataclass(frozen=True)
class Upload:
    """What the API keeps of an upload."""

    purpose: str
    filename: str
    content: bytes
    expires_after_s: int | None


def _content_type(headers: Mapping[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")


def _error(violation: Violation) -> ApiError:
    if violation.path == "$.purpose" and violation.kind is Kind.CONSTRAINT:
        allowed = ", ".join(repr(p) for p in UPLOAD_PURPOSES)
        return ApiError(
            400,
            f"{violation.actual} is not one of [{allowed}] - 'purpose'",
            param="purpose",
            code="invalid_value",
        )
    return from_violation(violation)


def read_upload(method: str, path: str, headers: Mapping[str, str], body: bytes) -> Upload:
    """The upload's purpose, file and expiry; ApiError (400) for an invalid form."""
    problems = errors(validate_request(method, path, headers, body))
    if problems:
        raise _error(problems[0])
    form = parse_form(_content_type(headers), body)
    fields = msgspec.convert(form.fields, s.CreateFileRequest, strict=False)
    assert form.file is not None  # the validator reported a missing file part
    expires = fields.expires_after
    return Upload(
        purpose=fields.purpose,
        filename=form.file.filename or "upload",
        content=form.file.content,
        expires_after_s=None if isinstance(expires, msgspec.UnsetType) else expires.seconds,
    )


def expires_at(upload: Upload, created_at: int) -> int | None:
    """When the File expires: ``expires_after``, else 30 days for ``batch``, else never."""
    if upload.expires_after_s is not None:
        return created_at + upload.expires_after_s
    if upload.purpose == "batch":
        return created_at + MAX_EXPIRY_S
    return None
