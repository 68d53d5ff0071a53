"""The Emulator: routes a request to its handler and renders the response.

Requests are validated exactly as the proxy validates them (:mod:`vstape.validation.validate`);
responses are encoded from the :mod:`vstape.api.schemas` Structs, so they validate too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from vstape.api import routes
from vstape.api import schemas as s
from vstape.emulator import views
from vstape.emulator.clock import Ids, fixed_clock, system_clock
from vstape.emulator.errors import ApiError, from_violation, not_found
from vstape.emulator.pagination import OrderedIndex, paginate
from vstape.emulator.search import chunk_text, matches, rewrite, score, tokens
from vstape.emulator.state import AttachedFile, Batch, StoredFile, VectorStoreRecord
from vstape.emulator.uploads import expires_at, read_upload
from vstape.validation.numbers import decode
from vstape.validation.validate import errors as error_violations
from vstape.validation.validate import validate_request

_ENCODER = msgspec.json.Encoder()


@dataclass(frozen=True)
class EmuRequest:
    """An HTTP request as the emulator sees it (``path`` may carry the query string)."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class EmuResponse:
    """An HTTP response: status, headers and body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


class Emulator:
    """A stateful Vector Stores API. Thread-safe; ``handle`` never raises."""

    def __init__(
        self,
        *,
        seed: int | None = None,
        now: Callable[[], float] | None = None,
        processing_ms: int = 0,
        polls_to_complete: int = 1,
        poll_after_ms: int = 100,
    ) -> None:
        self.seed = seed
        self._now_factory = now
        self.processing_ms = processing_ms
        self.polls_to_complete = polls_to_complete
        self.poll_after_ms = poll_after_ms
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every object and restart ids and the clock."""
        self.now = self._now_factory or (fixed_clock() if self.seed is not None else system_clock())
        self.ids = Ids(self.seed)
        self.files: OrderedIndex[StoredFile] = OrderedIndex()
        self.stores: OrderedIndex[VectorStoreRecord] = OrderedIndex()

    # -- entry point ---------------------------------------------------------------

    def handle(self, request: EmuRequest) -> EmuResponse:
        """Answer one request like the real API would."""
        with self._lock:
            request_id = self.ids.request_id()
            headers = [("content-type", "application/json"), ("x-request-id", request_id)]
            try:
                status, body, extra = self._dispatch(request)
            except ApiError as err:
                status, extra = err.status, []
                body = _ENCODER.encode(
                    s.ErrorResponse(
                        s.Error(message=err.message, type=err.type, param=err.param, code=err.code)
                    )
                )
            except Exception as err:  # never crash the server: a 500 like the API's
                status, extra = 500, []
                message = (
                    f"The server had an error while processing your request ({type(err).__name__})."
                )
                body = _ENCODER.encode(
                    s.ErrorResponse(
                        s.Error(message=message, type="server_error", param=None, code=None)
                    )
                )
            return EmuResponse(status, headers + extra, body)

    def _dispatch(self, request: EmuRequest) -> tuple[int, bytes, list[tuple[str, str]]]:
        method = request.method.upper()
        found = routes.match(method, request.path)
        if found is None:
            plain = request.path.split("?", 1)[0]
            raise ApiError(404, f"Invalid URL ({method} {plain})")
        auth = _header(request.headers, "authorization")
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        route = found.route
        if not route.multipart:
            problems = error_violations(
                validate_request(method, request.path, request.headers, request.body)
            )
            if problems:
                raise from_violation(problems[0])
        handler: Callable[..., tuple[Any, list[tuple[str, str]]]] = getattr(self, "_" + route.name)
        obj, extra = handler(request, **found.params)
        return 200, _ENCODER.encode(obj), extra

    # -- helpers --------------------------------------------------------------------

    def _clock(self) -> int:
        return int(self.now())

    def _store(self, vector_store_id: str) -> VectorStoreRecord:
        store = self.stores.get(vector_store_id)
        if store is None:
            raise not_found("vector store", vector_store_id)
        return store

    def _attached(self, store: VectorStoreRecord, file_id: str) -> AttachedFile:
        attached = store.files.get(file_id)
        if attached is None:
            raise not_found("file", file_id)
        return attached

    def _file(self, file_id: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None or stored.expired(self.now()):
            raise not_found("file", file_id)
        return stored

    def _body(self, request: EmuRequest, type_: Any) -> Any:
        return decode(type_, request.body or b"{}")  # validated: 365.0 reads as 365

    def _query(self, request: EmuRequest, type_: Any) -> Any:
        from urllib.parse import parse_qsl

        query = request.path.split("?", 1)[1] if "?" in request.path else ""
        return msgspec.convert(dict(parse_qsl(query)), type_, strict=False)

    def _poll_headers(self, in_progress: bool) -> list[tuple[str, str]]:
        return [("openai-poll-after-ms", str(self.poll_after_ms))] if in_progress else []

    def _finish(self, attached: AttachedFile) -> None:
        text = attached.file.text
        if not attached.file.content:
            attached.status, attached.last_error = "failed", ("invalid_file", "The file is empty.")
        elif text is None:
            attached.status = "failed"
            attached.last_error = (
                "unsupported_file",
                "The file type is not supported for retrieval.",
            )
        else:
            attached.status = "completed"

    def _advance(self, attached: AttachedFile, *, polled: bool) -> None:
        if attached.status != "in_progress":
            return
        if polled:
            attached.polls_left -= 1
        if attached.polls_left < 0 and self.now() >= attached.ready_at:
            self._finish(attached)

    def _advance_batch(self, store: VectorStoreRecord, batch: Batch, *, polled: bool) -> None:
        if batch.status != "in_progress":
            return
        if polled:
            batch.polls_left -= 1
        if batch.polls_left < 0 and self.now() >= batch.ready_at:
            for file_id in batch.file_ids:
                attached = store.files.get(file_id)
                if attached is not None and attached.status == "in_progress":
                    self._finish(attached)
            batch.status = "completed"

    def _attach(
        self,
        store: VectorStoreRecord,
        file_id: str,
        attributes: Any,
        chunking: Any,
        batch_id: str | None,
    ) -> AttachedFile:
        stored = self._file(file_id)
        size, overlap = 800, 400
        if isinstance(chunking, s.StaticChunkingStrategy):
            size, overlap = (
                chunking.static.max_chunk_size_tokens,
                chunking.static.chunk_overlap_tokens,
            )
        attached = AttachedFile(
            file=stored,
            vector_store_id=store.id,
            created_at=self._clock(),
            attributes=None if attributes is msgspec.UNSET else attributes,
            chunking=(size, overlap),
            ready_at=self.now() + self.processing_ms / 1000,
            polls_left=self.polls_to_complete,
            batch_id=batch_id,
        )
        store.files.remove(file_id)
        store.files.add(file_id, attached)
        store.last_active_at = self._clock()
        return attached

    def _touch(self, store: VectorStoreRecord) -> None:
        store.last_active_at = self._clock()

    # -- /v1/files --------------------------------------------------------------------

    def _upload_file(self, request: EmuRequest) -> tuple[Any, list[tuple[str, str]]]:
        upload = read_upload(request.method, request.path, request.headers, request.body)
        now = self._clock()
        stored = StoredFile(
            self.ids.new("file-"),
            upload.filename,
            upload.purpose,
            upload.content,
            now,
            expires_at(upload, now),
        )
        self.files.add(stored.id, stored)
        return views.file_object(stored), []

    def _list_files(self, request: EmuRequest) -> tuple[Any, list[tuple[str, str]]]:
        query = self._query(request, s.FileListQuery)
        limit = 10_000 if query.limit is msgspec.UNSET else query.limit
        order = "desc" if query.order is msgspec.UNSET else query.order
        after = None if query.after is msgspec.UNSET else query.after
        purpose = None if query.purpose is msgspec.UNSET else query.purpose
        now = self.now()
        page = paginate(
            self.files,
            limit=limit,
            order=order,
            after=after,
            before=None,
            keep=lambda f: (purpose is None or f.purpose == purpose) and not f.expired(now),
        )
        return views.page([views.file_object(f) for f in page.items], page.has_more), []

    def _get_file(self, request: EmuRequest, file_id: str) -> tuple[Any, list[tuple[str, str]]]:
        return views.file_object(self._file(file_id)), []

    def _delete_file(self, request: EmuRequest, file_id: str) -> tuple[Any, list[tuple[str, str]]]:
        self._file(file_id)
        self.files.remove(file_id)
        return s.FileDeleted(id=file_id, object="file", deleted=True), []

    # -- vector stores ------------------------------------------------------------------

    def _create_vector_store(self, request: EmuRequest) -> tuple[Any, list[tuple[str, str]]]:
        body: s.CreateVectorStoreRequest = self._body(request, s.CreateVectorStoreRequest)
        for file_id in [] if body.file_ids is msgspec.UNSET else body.file_ids:
            self._file(file_id)
        now = self._clock()
        expires = body.expires_after
        store = VectorStoreRecord(
            id=self.ids.new("vs_"),
            name="" if body.name is msgspec.UNSET else body.name,
            description=None if body.description is msgspec.UNSET else body.description,
            created_at=now,
            last_active_at=now,
            metadata=body.metadata if isinstance(body.metadata, dict) else {},
            expires_after=None
            if isinstance(expires, msgspec.UnsetType)
            else (expires.anchor, expires.days),
        )
        self.stores.add(store.id, store)
        for file_id in [] if body.file_ids is msgspec.UNSET else body.file_ids:
            self._attach(store, file_id, msgspec.UNSET, body.chunking_strategy, None)
        return views.vector_store(store, self.now()), []

    def _list_vector_stores(self, request: EmuRequest) -> tuple[Any, list[tuple[str, str]]]:
        query: s.ListQuery = self._query(request, s.ListQuery)
        page = paginate(
            self.stores,
            limit=query.limit,
            order=query.order,
            after=None if query.after is msgspec.UNSET else query.after,
            before=None if query.before is msgspec.UNSET else query.before,
        )
        now = self.now()
        return views.page([views.vector_store(v, now) for v in page.items], page.has_more), []

    def _get_vector_store(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        return views.vector_store(self._store(vector_store_id), self.now()), []

    def _modify_vector_store(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store = self._store(vector_store_id)
        body: s.UpdateVectorStoreRequest = self._body(request, s.UpdateVectorStoreRequest)
        if body.name is not msgspec.UNSET:
            store.name = body.name
        if body.metadata is not msgspec.UNSET:
            store.metadata = body.metadata
        if body.expires_after is not msgspec.UNSET:
            after = body.expires_after
            store.expires_after = None if after is None else (after.anchor, after.days)
        self._touch(store)
        return views.vector_store(store, self.now()), []

    def _delete_vector_store(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        self._store(vector_store_id)
        self.stores.remove(vector_store_id)
        return s.VectorStoreDeleted(
            id=vector_store_id, object="vector_store.deleted", deleted=True
        ), []

    # -- vector-store files ---------------------------------------------------------------

    def _create_vector_store_file(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store = self._store(vector_store_id)
        body: s.CreateVectorStoreFileRequest = self._body(request, s.CreateVectorStoreFileRequest)
        attached = self._attach(store, body.file_id, body.attributes, body.chunking_strategy, None)
        return views.vector_store_file(attached), self._poll_headers(True)

    def _list_vector_store_files(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        return self._file_page(request, self._store(vector_store_id), None), []

    def _file_page(self, request: EmuRequest, store: VectorStoreRecord, batch: Batch | None) -> Any:
        query: s.VectorStoreFileListQuery = self._query(request, s.VectorStoreFileListQuery)
        status = None if query.filter is msgspec.UNSET else query.filter
        in_batch = None if batch is None else set(batch.file_ids)

        def keep(attached: AttachedFile) -> bool:
            return (status is None or attached.status == status) and (
                in_batch is None or attached.file.id in in_batch
            )

        page = paginate(
            store.files,
            limit=query.limit,
            order=query.order,
            after=None if query.after is msgspec.UNSET else query.after,
            before=None if query.before is msgspec.UNSET else query.before,
            keep=keep,
        )
        return views.page([views.vector_store_file(a) for a in page.items], page.has_more)

    def _get_vector_store_file(
        self, request: EmuRequest, vector_store_id: str, file_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        attached = self._attached(self._store(vector_store_id), file_id)
        self._advance(attached, polled=True)
        return views.vector_store_file(attached), self._poll_headers(
            attached.status == "in_progress"
        )

    def _update_vector_store_file_attributes(
        self, request: EmuRequest, vector_store_id: str, file_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        attached = self._attached(self._store(vector_store_id), file_id)
        body: s.UpdateVectorStoreFileAttributesRequest = self._body(
            request, s.UpdateVectorStoreFileAttributesRequest
        )
        attached.attributes = body.attributes
        return views.vector_store_file(attached), []

    def _delete_vector_store_file(
        self, request: EmuRequest, vector_store_id: str, file_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store = self._store(vector_store_id)
        self._attached(store, file_id)
        store.files.remove(file_id)  # detaches only: the File stays
        return s.VectorStoreFileDeleted(
            id=file_id, object="vector_store.file.deleted", deleted=True
        ), []

    def _retrieve_vector_store_file_content(
        self, request: EmuRequest, vector_store_id: str, file_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        attached = self._attached(self._store(vector_store_id), file_id)
        text = attached.file.text or ""
        items = [s.FileContentItem(type="text", text=chunk) for chunk in chunk_text(text)]
        return s.VectorStoreFileContent(
            object="vector_store.file_content.page", data=items, has_more=False, next_page=None
        ), []

    # -- file batches -------------------------------------------------------------------

    def _create_vector_store_file_batch(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store = self._store(vector_store_id)
        body: s.CreateVectorStoreFileBatchRequest = self._body(
            request, s.CreateVectorStoreFileBatchRequest
        )
        batch = Batch(
            self.ids.new("vsfb_"),
            store.id,
            self._clock(),
            [],
            polls_left=self.polls_to_complete,
            ready_at=self.now() + self.processing_ms / 1000,
        )
        if not isinstance(body.files, msgspec.UnsetType):
            wanted = [(f.file_id, f.attributes, f.chunking_strategy) for f in body.files]
        else:
            ids = [] if isinstance(body.file_ids, msgspec.UnsetType) else body.file_ids
            wanted = [(i, body.attributes, body.chunking_strategy) for i in ids]
        for file_id, _, _ in wanted:
            self._file(file_id)
        for file_id, attributes, chunking in wanted:
            self._attach(store, file_id, attributes, chunking, batch.id)
            batch.file_ids.append(file_id)
        store.batches[batch.id] = batch
        return views.batch(store, batch), self._poll_headers(True)

    def _batch(self, vector_store_id: str, batch_id: str) -> tuple[VectorStoreRecord, Batch]:
        store = self._store(vector_store_id)
        batch = store.batches.get(batch_id)
        if batch is None:
            raise not_found("file batch", batch_id)
        return store, batch

    def _get_vector_store_file_batch(
        self, request: EmuRequest, vector_store_id: str, batch_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store, batch = self._batch(vector_store_id, batch_id)
        self._advance_batch(store, batch, polled=True)
        return views.batch(store, batch), self._poll_headers(batch.status == "in_progress")

    def _cancel_vector_store_file_batch(
        self, request: EmuRequest, vector_store_id: str, batch_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store, batch = self._batch(vector_store_id, batch_id)
        if batch.status == "in_progress":
            for file_id in batch.file_ids:
                attached = store.files.get(file_id)
                if attached is not None and attached.status == "in_progress":
                    attached.status = "cancelled"
            batch.status = "cancelled"
        return views.batch(store, batch), []

    def _list_files_in_vector_store_batch(
        self, request: EmuRequest, vector_store_id: str, batch_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store, batch = self._batch(vector_store_id, batch_id)
        return self._file_page(request, store, batch), []

    # -- search ---------------------------------------------------------------------------

    def _search_vector_store(
        self, request: EmuRequest, vector_store_id: str
    ) -> tuple[Any, list[tuple[str, str]]]:
        store = self._store(vector_store_id)
        body: s.SearchRequest = self._body(request, s.SearchRequest)
        queries = [body.query] if isinstance(body.query, str) else list(body.query)
        if body.rewrite_query is True:
            queries = [rewrite(q) for q in queries]
        terms = [t for q in queries for t in tokens(q)]
        limit = 10 if isinstance(body.max_num_results, msgspec.UnsetType) else body.max_num_results
        threshold = 0.0
        if not isinstance(body.ranking_options, msgspec.UnsetType) and not isinstance(
            body.ranking_options.score_threshold, msgspec.UnsetType
        ):
            threshold = body.ranking_options.score_threshold
        results: list[tuple[float, int, s.SearchResult]] = []
        for rank, attached in enumerate(store.files.items.values()):
            if attached.status != "completed" or attached.file.text is None:
                continue
            if not isinstance(body.filters, msgspec.UnsetType) and not matches(
                body.filters, attached.attributes
            ):
                continue
            scored = [(score(terms, chunk), chunk) for chunk in chunk_text(attached.file.text)]
            scored = [(sc, chunk) for sc, chunk in scored if sc > 0 and sc >= threshold]
            if not scored:
                continue
            scored.sort(key=lambda pair: -pair[0])
            best = scored[0][0]
            content = [s.SearchResultContent(type="text", text=chunk) for _, chunk in scored[:3]]
            results.append(
                (
                    best,
                    rank,
                    s.SearchResult(
                        file_id=attached.file.id,
                        filename=attached.file.filename,
                        score=best,
                        attributes=attached.attributes,
                        content=content,
                    ),
                )
            )
        results.sort(key=lambda item: (-item[0], item[1]))
        self._touch(store)
        return s.SearchResultsPage(
            object="vector_store.search_results.page",
            search_query=queries,
            data=[r for _, _, r in results[:limit]],
            has_more=False,
            next_page=None,
        ), []
