"""The documented differences: what ``vstape drift`` shows as known, not as drift.

Each entry is a row of README "Known differences from the spec" (its key when it has
one, else a name of its own) or an item of api-reference section 6, and matches a
difference by its kind, its JSON path, and where the spec declares it (a pattern over
the pointer, so that the entry still holds when a newer spec moves things around within
a schema, and nothing else is hidden by it). Differences the live check finds are never
known: a documented leniency is already built into the schemas it validates with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import msgspec

from vstape.drift.model import Drift

__all__ = ["KNOWN", "Known", "mark"]

_COMPONENT = r"#/components/schemas/"
_COUNTS = r"(created_at|usage_bytes|last_active_at|expires_at|bytes|file_counts\.\w+)"


@dataclass(frozen=True, slots=True)
class Known:
    """One documented difference and how to recognise it."""

    key: str
    kind: str
    path: str
    """A regular expression the whole ``Drift.path`` must match."""
    where: str
    """A regular expression the whole spec pointer must match."""
    reason: str
    ours: object = None
    """When set, vstape's side must be exactly this."""

    def explains(self, drift: Drift) -> bool:
        """True when ``drift`` is this difference."""
        return (
            drift.check == "spec"
            and drift.kind == self.kind
            and re.fullmatch(self.path, drift.path) is not None
            and re.fullmatch(self.where, drift.where) is not None
            and (self.ours is None or drift.ours == self.ours)
        )


KNOWN: tuple[Known, ...] = (
    Known(
        "batch-object-spelling",
        "enum_removed",
        r"response 200 \$\.object",
        _COMPONENT + r"VectorStoreFileBatchObject/properties/object",
        "the API sends vector_store.file_batch (README known differences; api-ref 6.1)",
        ours="vector_store.file_batch",
    ),
    Known(
        "store-description",
        "property_removed",
        r"response 200 \$(\.data\[\*\])?\.description",
        _COMPONENT + r"VectorStoreObject/properties/description",
        "present in real responses, not in the spec (README known differences; api-ref 6.2)",
    ),
    Known(
        "store-expires-after-null",
        "nullable",
        r"response 200 \$(\.data\[\*\])?\.expires_after",
        _COMPONENT + r"VectorStoreObject/properties/expires_after",
        "real responses send expires_after: null (api-ref 6.3)",
    ),
    Known(
        "store-name-null",
        "nullable",
        r"response 200 \$(\.data\[\*\])?\.name",
        _COMPONENT + r"VectorStoreObject/properties/name",
        "a store whose name was set to null (api-ref 6.4)",
    ),
    Known(
        "list-ids-null",
        "nullable",
        r"response 200 \$\.(first|last)_id",
        _COMPONENT + r"List\w+Response/properties/(first|last)_id",
        "an empty page has null first_id / last_id (api-ref 6.5)",
    ),
    Known(
        "file-expires-at-null",
        "nullable",
        r"response 200 \$(\.data\[\*\])?\.expires_at",
        _COMPONENT + r"OpenAIFile/properties/expires_at",
        "a File that never expires (the SDK: Optional[int])",
    ),
    Known(
        "file-status-details-null",
        "nullable",
        r"response 200 \$(\.data\[\*\])?\.status_details",
        _COMPONENT + r"OpenAIFile/properties/status_details",
        "what real File objects carry (the SDK: Optional[str])",
    ),
    Known(
        "evals-purpose",
        "enum_removed",
        r"response 200 \$(\.data\[\*\])?\.purpose",
        _COMPONENT + r"OpenAIFile/properties/purpose",
        "an upload may ask for evals (the upload enum and the SDK's)",
        ours="evals",
    ),
    Known(
        "search-query-string",
        "type_changed",
        r"response 200 \$\.search_query",
        _COMPONENT + r"VectorStoreSearchResultsPage/properties/search_query",
        "the operation's own example sends a string (api-ref 6.6)",
    ),
    Known(
        "list-object",
        "enum_opened",
        r"response 200 \$\.object",
        _COMPONENT + r"List\w+Response/properties/object",
        "every list answer says object: list (the SDK's types: Literal['list'])",
    ),
    Known(
        "empty-body",
        "required_added",
        r"requestBody",
        r"#/paths/~1vector_stores(~1\{[^}]+\})?/post/requestBody",
        "the API reads an empty body as {}; the SDK always sends {}",
    ),
    Known(
        "prose-limits",
        "limit_changed",
        r"query\.limit",
        r"#/paths/.*/get/parameters/\d+/schema",
        "list limit 1..100 (/v1/files: 1..10,000), stated in the parameter's prose (api-ref 6.9)",
    ),
    Known(
        "prose-limits",
        "limit_changed",
        r"(request|response 200) \$(\.data\[\*\])?\.metadata(\.\*(\(key\))?)?",
        _COMPONENT + r"(\w+/properties/metadata|Metadata/anyOf/0/additionalProperties)",
        "metadata: at most 16 pairs, keys <= 64, values <= 512, stated in prose (api-ref 6.9)",
    ),
    Known(
        "no-negative-overlap",
        "limit_changed",
        r"request \$.*\.chunk_overlap_tokens",
        _COMPONENT + r"StaticChunkingStrategy/properties/chunk_overlap_tokens",
        "a negative overlap means nothing",
        ours=0,
    ),
    Known(
        "non-negative",
        "limit_changed",
        rf"response 200 \$(\.data\[\*\])?\.{_COUNTS}",
        _COMPONENT + r"\w+/properties/.*",
        "counts, byte sizes and timestamps cannot be negative",
        ours=0,
    ),
    Known(
        "query-non-empty",
        "limit_changed",
        r"request \$\.query",
        _COMPONENT + r"VectorStoreSearchRequest/properties/query",
        "a search query array is intended non-empty (minItems sits on the items)",
        ours=1,
    ),
    Known(
        "file-content-download",
        "operation_added",
        r"GET /files/\{[^}]+\}/content",
        r"#/paths/~1files~1\{[^}]+\}~1content/get",
        "downloading an uploaded File is outside vstape's scope (no vector-store helper calls it)",
    ),
)


def mark(drift: Drift) -> Drift:
    """``drift`` with ``known`` and ``reason`` set when an entry explains it."""
    for entry in KNOWN:
        if entry.explains(drift):
            return msgspec.structs.replace(drift, known=entry.key, reason=entry.reason)
    return drift
