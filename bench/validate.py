"""Decode + validate a 100-object VectorStoreFile list page: vstape vs pydantic vs jsonschema.

One run, interleaved rounds (bench._common), medians with min-max spreads. vstape = ``vstape.validation.validate.validate_response``
(one msgspec decode on valid input); pydantic = the official SDK's own ``VectorStoreFile``
type in a page model; jsonschema = Draft 2020-12 on the schema msgspec derives from the
same Structs; json.loads = parsing only, no validation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import msgspec
from openai._models import BaseModel as SdkModel
from openai.types.vector_stores import VectorStoreFile

from bench._common import figure, interleave, ratio_of, timed
from vstape.api import schemas
from vstape.validation.validate import validate_response

N_OBJECTS = 100
ROUNDS = 15
JSON = {"content-type": "application/json"}
PATH = "/v1/vector_stores/vs_bench/files"


def page() -> bytes:
    """A realistic page: every status, errors, both chunking shapes, mixed attributes."""
    items = []
    for i in range(N_OBJECTS):
        status = ("completed", "in_progress", "failed", "cancelled")[i % 4]
        items.append(
            {
                "id": f"file-{i:024d}",
                "object": "vector_store.file",
                "usage_bytes": 1000 + i,
                "created_at": 1_750_000_000 + i,
                "vector_store_id": "vs_bench",
                "status": status,
                "last_error": {"code": "invalid_file", "message": "empty"}
                if status == "failed"
                else None,
                "chunking_strategy": {
                    "type": "static",
                    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
                }
                if i % 3
                else {"type": "other"},
                "attributes": {
                    "lang": "en",
                    "year": 2020 + i % 5,
                    "score": i / 100,
                    "draft": bool(i % 2),
                },
            }
        )
    return json.dumps(
        {
            "object": "list",
            "data": items,
            "first_id": items[0]["id"],
            "last_id": items[-1]["id"],
            "has_more": False,
        }
    ).encode()


class SdkPage(SdkModel):
    """The page envelope over the SDK's own VectorStoreFile."""

    object: str
    data: list[VectorStoreFile]
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool


def main() -> None:
    """Time each method, print objects/s and the ratios."""
    body = page()
    assert validate_response("GET", PATH, 200, JSON, body) == []
    schema = msgspec.json.schema(schemas.ListPage[schemas.VectorStoreFile])
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(body))
    methods: dict[str, Callable[[], Any]] = {
        "vstape": lambda: validate_response("GET", PATH, 200, JSON, body),
        "pydantic (SDK types)": lambda: SdkPage.model_validate_json(body),
        "jsonschema": lambda: validator.validate(json.loads(body)),
        "json.loads (no validation)": lambda: json.loads(body),
    }
    inner = {
        "vstape": 200,
        "pydantic (SDK types)": 50,
        "jsonschema": 3,
        "json.loads (no validation)": 100,
    }
    seconds = interleave(
        {name: timed(fn, inner=inner[name]) for name, fn in methods.items()}, rounds=ROUNDS
    )
    rate = {name: s.map(lambda t: N_OBJECTS / t) for name, s in seconds.items()}  # objects/s
    for name, objects in rate.items():
        print(
            f"{name:<28} {objects.median:>12,.0f} objects/s ({objects.lo:,.0f}-{objects.hi:,.0f})"
            f"  ({seconds[name].median * 1e6:,.1f} us/page)"
        )
    vs = rate["vstape"]
    for anchor, label, target in (
        ("pydantic (SDK types)", "pydantic", ">= 4x"),
        ("jsonschema", "jsonschema", ">= 100x"),
        ("json.loads (no validation)", "json.loads", ""),
    ):
        figure(
            f"validate: vstape vs {label}",
            vs,
            "obj/s",
            anchor,
            rate[anchor],
            ratio_of(vs, rate[anchor]),
            target,
        )


if __name__ == "__main__":
    main()
