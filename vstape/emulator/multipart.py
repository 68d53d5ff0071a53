"""Parse a ``multipart/form-data`` upload (``POST /v1/files``) with the stdlib email parser."""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from vstape.emulator.errors import ApiError


@dataclass(frozen=True)
class Upload:
    """The parts of a file upload the API reads."""

    purpose: str
    filename: str
    content: bytes


def parse_upload(content_type: str, body: bytes) -> Upload:
    """The ``purpose`` and ``file`` parts; 400 in the API's words when one is missing."""
    if "multipart/form-data" not in content_type.lower():
        raise ApiError(400, "Expected a multipart/form-data upload with `file` and `purpose`.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    if "file" not in fields:
        raise ApiError(
            400,
            "Missing required parameter: 'file'.",
            param="file",
            code="missing_required_parameter",
        )
    if "purpose" not in fields:
        raise ApiError(
            400,
            "Missing required parameter: 'purpose'.",
            param="purpose",
            code="missing_required_parameter",
        )
    filename, content = fields["file"]
    return Upload(fields["purpose"][1].decode("utf-8", "replace"), filename or "upload", content)
