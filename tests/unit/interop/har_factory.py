"""Small HAR documents for the reader's unit tests (the real captures are in tests/proxy/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STORE = {
    "id": "vs_abc",
    "object": "vector_store",
    "created_at": 1700000000,
    "name": "handbook",
    "usage_bytes": 0,
    "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
    "status": "completed",
    "expires_after": None,
    "expires_at": None,
    "last_active_at": 1700000000,
    "metadata": {},
}


def entry(
    url: str = "https://api.openai.com/v1/vector_stores/vs_abc",
    method: str = "GET",
    *,
    request_headers: list[Any] | None = None,
    post: dict[str, Any] | None = None,
    status: int = 200,
    response_headers: list[Any] | None = None,
    content: dict[str, Any] | None = None,
    response: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """One HAR entry, as browsers write them; ``content`` defaults to a vector store."""
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": request_headers if request_headers is not None else [],
        "queryString": [],
        "headersSize": -1,
        "bodySize": 0,
    }
    if post is not None:
        request["postData"] = post
    made: dict[str, Any] = {
        "startedDateTime": "2025-03-04T05:06:07.891+02:00",
        "time": 12.5,
        "request": request,
        "cache": {},
        "timings": {"send": 0, "wait": 12.5, "receive": 0},
        **extra,
    }
    if response:
        made["response"] = {
            "status": status,
            "statusText": "OK" if status == 200 else "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": response_headers
            if response_headers is not None
            else [{"name": "Content-Type", "value": "application/json"}],
            "content": content
            if content is not None
            else {"size": 1, "mimeType": "application/json", "text": json.dumps(STORE)},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        }
    return made


def document(entries: list[dict[str, Any]], creator: str = "WebInspector") -> dict[str, Any]:
    """A HAR 1.2 document."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": creator, "version": "537.36"},
            "pages": [],
            "entries": entries,
        }
    }


def write(path: Path, entries: list[dict[str, Any]], creator: str = "WebInspector") -> Path:
    """The document as a file (ASCII JSON, as json.dumps writes it)."""
    path.write_text(json.dumps(document(entries, creator), indent=1))
    return path
