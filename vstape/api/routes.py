"""The route table of the Vector Stores API (plus ``/v1/files``), as data, and ``match``.

Route names are the snake_case operation names of design.md; they are the one key used
everywhere (cassette folders, fixture names, log lines, reports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from vstape.api import schemas as s

Method = Literal["GET", "POST", "DELETE"]
Family = Literal["vector_stores", "files"]


@dataclass(frozen=True, slots=True)
class Route:
    """One operation: its name, method, path template and wire types."""

    name: str
    method: Method
    template: str
    response: Any
    body: Any = None
    query: Any = None
    sdk_method: str = ""
    family: Family = "vector_stores"
    # The body is a multipart form (uploads): its fields are checked against ``body``.
    multipart: bool = False
    # Routes the SDK's polling helpers call repeatedly.
    polled: bool = False
    params: tuple[str, ...] = field(init=False)
    pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        params = tuple(re.findall(r"\{(\w+)\}", self.template))
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def path(self, **params: str) -> str:
        """The concrete ``/v1/...`` path for these path parameters."""
        return "/v1" + self.template.format(**params)


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """A matched route and its (percent-decoded) path parameters."""

    route: Route
    params: dict[str, str]


VS = "/vector_stores/{vector_store_id}"
VSF = VS + "/files/{file_id}"
VSFB = VS + "/file_batches/{batch_id}"

ROUTES: tuple[Route, ...] = (
    Route(
        "list_vector_stores",
        "GET",
        "/vector_stores",
        s.ListPage[s.VectorStore],
        query=s.ListQuery,
        sdk_method="vector_stores.list",
    ),
    Route(
        "create_vector_store",
        "POST",
        "/vector_stores",
        s.VectorStore,
        body=s.CreateVectorStoreRequest,
        sdk_method="vector_stores.create",
    ),
    Route("get_vector_store", "GET", VS, s.VectorStore, sdk_method="vector_stores.retrieve"),
    Route(
        "modify_vector_store",
        "POST",
        VS,
        s.VectorStore,
        body=s.UpdateVectorStoreRequest,
        sdk_method="vector_stores.update",
    ),
    Route(
        "delete_vector_store", "DELETE", VS, s.VectorStoreDeleted, sdk_method="vector_stores.delete"
    ),
    Route(
        "list_vector_store_files",
        "GET",
        VS + "/files",
        s.ListPage[s.VectorStoreFile],
        query=s.VectorStoreFileListQuery,
        sdk_method="vector_stores.files.list",
    ),
    Route(
        "create_vector_store_file",
        "POST",
        VS + "/files",
        s.VectorStoreFile,
        body=s.CreateVectorStoreFileRequest,
        sdk_method="vector_stores.files.create",
    ),
    Route(
        "get_vector_store_file",
        "GET",
        VSF,
        s.VectorStoreFile,
        sdk_method="vector_stores.files.retrieve",
        polled=True,
    ),
    Route(
        "delete_vector_store_file",
        "DELETE",
        VSF,
        s.VectorStoreFileDeleted,
        sdk_method="vector_stores.files.delete",
    ),
    Route(
        "create_vector_store_file_batch",
        "POST",
        VS + "/file_batches",
        s.VectorStoreFileBatch,
        body=s.CreateVectorStoreFileBatchRequest,
        sdk_method="vector_stores.file_batches.create",
    ),
    Route(
        "get_vector_store_file_batch",
        "GET",
        VSFB,
        s.VectorStoreFileBatch,
        sdk_method="vector_stores.file_batches.retrieve",
        polled=True,
    ),
    Route(
        "cancel_vector_store_file_batch",
        "POST",
        VSFB + "/cancel",
        s.VectorStoreFileBatch,
        sdk_method="vector_stores.file_batches.cancel",
    ),
    Route(
        "list_files_in_vector_store_batch",
        "GET",
        VSFB + "/files",
        s.ListPage[s.VectorStoreFile],
        query=s.VectorStoreFileListQuery,
        sdk_method="vector_stores.file_batches.list_files",
    ),
    Route(
        "update_vector_store_file_attributes",
        "POST",
        VSF,
        s.VectorStoreFile,
        body=s.UpdateVectorStoreFileAttributesRequest,
        sdk_method="vector_stores.files.update",
    ),
    Route(
        "retrieve_vector_store_file_content",
        "GET",
        VSF + "/content",
        s.VectorStoreFileContent,
        sdk_method="vector_stores.files.content",
    ),
    Route(
        "search_vector_store",
        "POST",
        VS + "/search",
        s.SearchResultsPage,
        body=s.SearchRequest,
        sdk_method="vector_stores.search",
    ),
    # /v1/files: what the SDK's upload helpers need.
    Route(
        "upload_file",
        "POST",
        "/files",
        s.FileObject,
        body=s.CreateFileRequest,
        sdk_method="files.create",
        family="files",
        multipart=True,
    ),
    Route(
        "list_files",
        "GET",
        "/files",
        s.ListPage[s.FileObject],
        query=s.FileListQuery,
        sdk_method="files.list",
        family="files",
    ),
    Route(
        "get_file",
        "GET",
        "/files/{file_id}",
        s.FileObject,
        sdk_method="files.retrieve",
        family="files",
    ),
    Route(
        "delete_file",
        "DELETE",
        "/files/{file_id}",
        s.FileDeleted,
        sdk_method="files.delete",
        family="files",
    ),
)

VECTOR_STORE_ROUTES: tuple[Route, ...] = tuple(r for r in ROUTES if r.family == "vector_stores")
BY_NAME: dict[str, Route] = {r.name: r for r in ROUTES}

# Any prefix ending in /v1 (reverse proxies may mount the API under a path).
_API_PATH = re.compile(r"^(?:/[^?#]*?)?/v1(?P<rest>/(?:vector_stores|files)(?:/[^?#]*)?)/?$")
_BY_METHOD: dict[str, tuple[Route, ...]] = {
    m: tuple(r for r in ROUTES if r.method == m) for m in ("GET", "POST", "DELETE")
}


def api_path(path: str) -> str | None:
    """The part of ``path`` after ``/v1`` if it is a vector-store or files path, else None."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    found = _API_PATH.match(path)
    return found.group("rest") if found else None


def is_vector_store_path(path: str) -> bool:
    """True for any ``/v1/vector_stores...`` path, known route or not."""
    rest = api_path(path)
    return rest is not None and (rest == "/vector_stores" or rest.startswith("/vector_stores/"))


def is_known_family(path: str) -> bool:
    """True for ``/v1/vector_stores...`` and ``/v1/files...`` paths (recorded and checked)."""
    return api_path(path) is not None


def match(method: str, path: str) -> RouteMatch | None:
    """The route for ``method`` and ``path`` (query string allowed) with its parameters."""
    rest = api_path(path)
    if rest is None:
        return None
    for route in _BY_METHOD.get(method.upper(), ()):
        found = route.pattern.match(rest)
        if found:
            return RouteMatch(route, {k: unquote(v) for k, v in found.groupdict().items()})
    return None


def get(name: str) -> Route:
    """The route called ``name``; a KeyError lists the valid names."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown route {name!r}; valid routes: {', '.join(BY_NAME)}") from None
