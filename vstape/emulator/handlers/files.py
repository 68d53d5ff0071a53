"""``/v1/files``: upload, list, retrieve and delete Files (what the SDK's upload helpers need)."""

from __future__ import annotations

import msgspec

from vstape.api import schemas as s
from vstape.emulator import views
from vstape.emulator.handlers import inputs
from vstape.emulator.handlers.registry import Reply, handles
from vstape.emulator.lifecycle import upload_expires_at
from vstape.emulator.pagination import paginate
from vstape.emulator.state import EmulatorState, StoredFile
from vstape.emulator.uploads import read_upload
from vstape.http import Request

LIST_ALL = 10_000  # /v1/files lists everything when no limit is given


@handles("upload_file")
def upload_file(state: EmulatorState, request: Request) -> Reply:
    """Store an uploaded File (multipart form: ``purpose``, ``file``, ``expires_after``)."""
    upload = read_upload(request)
    now = state.clock()
    stored = StoredFile(
        state.ids.new("file-"),
        upload.filename,
        upload.purpose,
        upload.content,
        now,
        upload_expires_at(upload, now),
    )
    state.files.add(stored.id, stored)
    return Reply(views.file_object(stored))


@handles("list_files")
def list_files(state: EmulatorState, request: Request) -> Reply:
    """The Files not expired, newest first unless ``order=asc``, by ``purpose`` if asked."""
    query = inputs.query(request, s.FileListQuery)
    limit = LIST_ALL if query.limit is msgspec.UNSET else query.limit
    order = "desc" if query.order is msgspec.UNSET else query.order
    after = None if query.after is msgspec.UNSET else query.after
    purpose = None if query.purpose is msgspec.UNSET else query.purpose
    now = state.now()

    def keep(stored: StoredFile) -> bool:
        return (purpose is None or stored.purpose == purpose) and not stored.expired(now)

    page = paginate(state.files, limit=limit, order=order, after=after, before=None, keep=keep)
    return Reply(views.page([views.file_object(f) for f in page.items], page.has_more))


@handles("get_file")
def get_file(state: EmulatorState, request: Request, file_id: str) -> Reply:
    """One File."""
    return Reply(views.file_object(state.file(file_id)))


@handles("delete_file")
def delete_file(state: EmulatorState, request: Request, file_id: str) -> Reply:
    """Delete a File (its attachments to vector stores stay)."""
    state.file(file_id)
    state.files.remove(file_id)
    return Reply(s.FileDeleted(id=file_id, object="file", deleted=True))
