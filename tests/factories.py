"""Builders of valid API payloads, one per object family, like mitmproxy's ``tflow``.

Each builder returns a fresh ``dict`` shaped as the real API (and the emulator) sends it,
valid against vstape's schemas; keyword arguments replace or add top-level fields, so a
test states only what it is about (``vector_store(name="handbook")``,
``dict(vector_store_file(), status="weird")``). :func:`body` is the JSON bytes of a
payload. ``tests/test_factories.py`` checks every default against the validator.
"""

from __future__ import annotations

import copy
import json
from typing import Any

CREATED_AT = 1700000000
Payload = dict[str, Any]


def _built(defaults: Payload, changes: dict[str, Any]) -> Payload:
    payload = copy.deepcopy(defaults)
    payload.update(changes)
    return payload


def file_counts(**changes: Any) -> Payload:
    """A ``file_counts`` object (all zero)."""
    counts = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}
    return _built(counts, changes)


def vector_store(**changes: Any) -> Payload:
    """A completed, empty vector store (``GET /v1/vector_stores/{id}``)."""
    return _built(
        {
            "id": "vs_1",
            "object": "vector_store",
            "created_at": CREATED_AT,
            "name": "docs",
            "usage_bytes": 0,
            "file_counts": file_counts(),
            "status": "completed",
            "last_active_at": CREATED_AT,
            "metadata": {},
            "expires_after": None,
            "expires_at": None,
            "description": None,
        },
        changes,
    )


def file(**changes: Any) -> Payload:
    """An uploaded File (``POST /v1/files``)."""
    return _built(
        {
            "id": "file-1",
            "object": "file",
            "bytes": 64,
            "created_at": CREATED_AT,
            "filename": "refunds.txt",
            "purpose": "assistants",
            "status": "processed",
            "expires_at": None,
            "status_details": None,
        },
        changes,
    )


def vector_store_file(**changes: Any) -> Payload:
    """A completed vector-store file with static chunking and attributes."""
    return _built(
        {
            "id": "file-1",
            "object": "vector_store.file",
            "usage_bytes": 10,
            "created_at": CREATED_AT,
            "vector_store_id": "vs_1",
            "status": "completed",
            "last_error": None,
            "chunking_strategy": {
                "type": "static",
                "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
            },
            "attributes": {"lang": "en", "year": 2024, "draft": False},
        },
        changes,
    )


def batch(**changes: Any) -> Payload:
    """A completed file batch of one file."""
    return _built(
        {
            "id": "vsfb_1",
            "object": "vector_store.file_batch",
            "created_at": CREATED_AT,
            "vector_store_id": "vs_1",
            "status": "completed",
            "file_counts": file_counts(completed=1, total=1),
        },
        changes,
    )


def search_page(**changes: Any) -> Payload:
    """A one-result search page (``POST /v1/vector_stores/{id}/search``)."""
    return _built(
        {
            "object": "vector_store.search_results.page",
            "search_query": "refunds",
            "data": [
                {
                    "file_id": "file-1",
                    "filename": "refunds.txt",
                    "score": 0.9,
                    "attributes": {},
                    "content": [{"type": "text", "text": "Refunds are issued within 14 days."}],
                }
            ],
            "has_more": False,
            "next_page": None,
        },
        changes,
    )


def list_page(items: list[Payload], **changes: Any) -> Payload:
    """A ``list`` page of ``items`` (their ids give ``first_id`` and ``last_id``)."""
    return _built(
        {
            "object": "list",
            "data": copy.deepcopy(items),
            "first_id": items[0]["id"] if items else None,
            "last_id": items[-1]["id"] if items else None,
            "has_more": False,
        },
        changes,
    )


def error(
    message: str = "No vector store found with id 'vs_missing'.",
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> Payload:
    """OpenAI's error envelope (``{"error": {...}}``)."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def body(payload: Any) -> bytes:
    """The payload as JSON bytes (``json.dumps``' default separators)."""
    return json.dumps(payload).encode()
