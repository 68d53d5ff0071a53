"""One official-SDK call per route, as data: which client method, with which arguments.

Used to record the shipped cassettes (``vstape cassettes regenerate``) and by the tests
that replay every route x scenario through the SDK. The same table serves ``OpenAI``
and ``AsyncOpenAI``: :func:`call` returns what the method returns (awaitable on the
async client).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vstape.api.routes import BY_NAME


@dataclass(frozen=True)
class Ids:
    """The objects a call refers to (any ids will do when replaying by route)."""

    vector_store_id: str = "vs_any"
    file_id: str = "file-attached"
    batch_id: str = "vsfb_any"
    upload_id: str = "file-uploaded"


Arguments = tuple[tuple[Any, ...], dict[str, Any]]
NOTE = b"Refunds are issued within 14 days.\n\nContact support for refunds.\n"

ARGUMENTS: dict[str, Callable[[Ids], Arguments]] = {
    "list_vector_stores": lambda i: ((), {"limit": 20}),
    "create_vector_store": lambda i: ((), {"name": "handbook", "metadata": {"team": "docs"}}),
    "get_vector_store": lambda i: ((i.vector_store_id,), {}),
    "modify_vector_store": lambda i: ((i.vector_store_id,), {"name": "handbook-v2"}),
    "delete_vector_store": lambda i: ((i.vector_store_id,), {}),
    "list_vector_store_files": lambda i: ((i.vector_store_id,), {"limit": 20}),
    "create_vector_store_file": lambda i: ((i.vector_store_id,), {"file_id": i.upload_id}),
    "get_vector_store_file": lambda i: ((i.file_id,), {"vector_store_id": i.vector_store_id}),
    "delete_vector_store_file": lambda i: ((i.file_id,), {"vector_store_id": i.vector_store_id}),
    "create_vector_store_file_batch": lambda i: (
        (i.vector_store_id,),
        {"file_ids": [i.upload_id]},
    ),
    "get_vector_store_file_batch": lambda i: (
        (i.batch_id,),
        {"vector_store_id": i.vector_store_id},
    ),
    "cancel_vector_store_file_batch": lambda i: (
        (i.batch_id,),
        {"vector_store_id": i.vector_store_id},
    ),
    "list_files_in_vector_store_batch": lambda i: (
        (i.batch_id,),
        {"vector_store_id": i.vector_store_id},
    ),
    "update_vector_store_file_attributes": lambda i: (
        (i.file_id,),
        {"vector_store_id": i.vector_store_id, "attributes": {"kind": "policy"}},
    ),
    "retrieve_vector_store_file_content": lambda i: (
        (i.file_id,),
        {"vector_store_id": i.vector_store_id},
    ),
    "search_vector_store": lambda i: ((i.vector_store_id,), {"query": "refunds"}),
    "upload_file": lambda i: ((), {"file": ("refunds.txt", NOTE), "purpose": "assistants"}),
    "list_files": lambda i: ((), {}),
    "get_file": lambda i: ((i.upload_id,), {}),
    "delete_file": lambda i: ((i.upload_id,), {}),
}


def method_of(client: Any, route: str, *, raw: bool = False) -> Callable[..., Any]:
    """The client's method for ``route`` (``client.vector_stores.files.retrieve``...).

    ``raw``: its ``with_raw_response`` twin (the response object: headers, ``retries_taken``).
    """
    *resources, name = BY_NAME[route].sdk_method.split(".")
    target: Any = client
    for part in [*resources, *(["with_raw_response"] if raw else []), name]:
        target = getattr(target, part)
    method: Callable[..., Any] = target
    return method


def call(
    client: Any, route: str, ids: Ids | None = None, *, raw: bool = False, **options: Any
) -> Any:
    """Call ``route`` through the SDK with :data:`ARGUMENTS`; ``options`` go to the method
    (``extra_headers=``, ``timeout=``)."""
    args, kwargs = ARGUMENTS[route](ids or Ids())
    return method_of(client, route, raw=raw)(*args, **kwargs, **options)


__all__ = ["ARGUMENTS", "Ids", "call", "method_of"]
