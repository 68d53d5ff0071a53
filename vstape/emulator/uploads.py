"""``POST /v1/files``: read an upload as the API does.

The form is checked by the same validator the proxy uses (:func:`vstape.validation.validate.
validate_request`), so a bad ``purpose`` or ``expires_after`` is a 400 naming the param.
An invalid ``purpose`` is worded as the real API words it:
``'AAA' is not one of ['assistants', 'batch', ...] - 'purpose'``. ``expires_after``
(``anchor: created_at``, ``seconds`` 3600..2592000) is kept for
:func:`vstape.emulator.lifecycle.upload_expires_at`.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from vstape.api import schemas as s
from vstape.api.schemas.uploads import UPLOAD_PURPOSES
from vstape.emulator.errors import ApiError, from_violation
from vstape.http import Request
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


def read_upload(request: Request) -> Upload:
    """The upload's purpose, file and expiry; ApiError (400) for an invalid form."""
    problems = errors(
        validate_request(request.method, request.url, dict(request.headers), request.body)
    )
    if problems:
        raise _error(problems[0])
    form = parse_form(request.header("content-type"), request.body)
    fields = msgspec.convert(form.fields, s.CreateFileRequest, strict=False)
    assert form.file is not None  # the validator reported a missing file part
    expires = fields.expires_after
    return Upload(
        purpose=fields.purpose,
        filename=form.file.filename or "upload",
        content=form.file.content,
        expires_after_s=None if isinstance(expires, msgspec.UnsetType) else expires.seconds,
    )
