"""The known differences between ``vstape emulate`` and the official spec, with their reasons.

Each entry names the Schemathesis failure it explains (the failure code, the operations
and a pattern over the evidence: the failure's message for schema and negative-data
findings, the emulator's error for rejected positive data). README "Schemas and
validation" lists every entry by its key; ``tests/test_conformance_known.py`` keeps the two
in step. A failure no entry explains makes ``make conformance`` fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    """One distinct Schemathesis failure, with the response it was about."""

    check: str
    code: str
    operation: str
    message: str
    status: int
    response: str

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """What makes two failures the same finding."""
        return (self.code, self.operation, self.message, str(self.status), self.evidence)

    @property
    def evidence(self) -> str:
        """The text a known difference is recognised by."""
        if self.code == "ST202":  # rejected positive data: what the emulator said
            return self.response
        return self.message

    def summary(self) -> str:
        """One line for the terminal."""
        text = " ".join(self.evidence.split())
        return text if len(text) <= 200 else text[:197] + "..."


@dataclass(frozen=True)
class Known:
    """A difference vstape keeps on purpose."""

    key: str
    code: str
    operations: str
    evidence: str
    reason: str

    def explains(self, failure: Failure) -> bool:
        """True when this difference is what ``failure`` found."""
        return (
            failure.code == self.code
            and re.fullmatch(self.operations, failure.operation) is not None
            and re.search(self.evidence, failure.evidence, re.DOTALL) is not None
        )


def _null_at(schema_path: str) -> str:
    return rf"Schema at \S*{schema_path}:.*Value:\s+null\s*$"


ANY = r".*"
LISTS = r"GET /(vector_stores|files)(/\{vector_store_id\}/(files|file_batches/\{batch_id\}/files))?"
STORE = r"(GET|POST) /vector_stores(/\{vector_store_id\})?"
FILE = r"(GET|POST) /files(/\{file_id\})?"

KNOWN: tuple[Known, ...] = (
    Known(
        "list-ids-null",
        "ST108",
        LISTS,
        _null_at(r"/properties/(first|last)_id"),
        "an empty page has first_id and last_id null (the spec says string; api-ref 6.5)",
    ),
    Known(
        "store-expires-after-null",
        "ST108",
        STORE,
        _null_at(r"/VectorStoreExpirationAfter"),
        "real responses send expires_after: null (api-ref 6.3)",
    ),
    Known(
        "store-name-null",
        "ST108",
        STORE,
        _null_at(r"/VectorStoreObject/properties/name"),
        "a store whose name was set to null returns name: null (api-ref 6.4)",
    ),
    Known(
        "file-expires-at-null",
        "ST108",
        FILE,
        _null_at(r"/properties/expires_at"),
        "a File that never expires has expires_at: null in real responses (the SDK: Optional)",
    ),
    Known(
        "file-status-details-null",
        "ST108",
        FILE,
        _null_at(r"/properties/status_details"),
        "real File objects send status_details: null (the SDK: Optional)",
    ),
    Known(
        "batch-object-spelling",
        "ST108",
        r"(GET|POST) /vector_stores/\{vector_store_id\}/file_batches(/\{batch_id\}(/cancel)?)?",
        r'"vector_store\.file_batch" is not one of "vector_store\.files_batch"',
        "a file batch is object: vector_store.file_batch, as the API sends it (api-ref 6.1)",
    ),
    Known(
        "evals-purpose",
        "ST108",
        FILE,
        r'"evals" is not one of .*Schema at \S*/properties/purpose:',
        "a File uploaded with purpose evals (the upload enum and the SDK allow it) says evals; "
        "the File object's enum lacks it",
    ),
    Known(
        "prose-limits",
        "ST202",
        ANY,
        r"'limit': integer (above maximum|below minimum) value",
        "list limit 1..100 (files: 1..10,000) is stated in prose only; enforced",
    ),
    Known(
        "no-negative-overlap",
        "ST202",
        ANY,
        r"chunking_strategy\.static\.chunk_overlap_tokens': integer below minimum value",
        "chunk_overlap_tokens below 0 is refused (the spec sets no minimum)",
    ),
    Known(
        "overlap-half",
        "ST202",
        ANY,
        r"chunk_overlap_tokens \([0-9]+\) must be <= half",
        "chunk_overlap_tokens <= half of max_chunk_size_tokens is stated in prose only; enforced",
    ),
    Known(
        "batch-exclusive",
        "ST202",
        r"POST /vector_stores/\{vector_store_id\}/file_batches",
        r"`file_ids` and `files` are mutually exclusive",
        "the description says file_ids and files are mutually exclusive; enforced",
    ),
    Known(
        "query-non-empty",
        "ST202",
        r"POST /vector_stores/\{vector_store_id\}/search",
        r"'query': expected array of length >= 1",
        "an empty query array is refused (the spec puts minItems on the items, not the array)",
    ),
    Known(
        "closed-expires-after",
        "ST202",
        rf"{STORE}|POST /files",
        r"Unrecognized request argument supplied: expires_after\.",
        "unknown keys inside expires_after are refused (the spec leaves that object open)",
    ),
    Known(
        "unknown-cursor",
        "ST202",
        LISTS,
        r"Invalid 'after': no object with id|Invalid 'before': no object with id",
        "a cursor naming no object is a 400 naming the param (the spec types it as any string)",
    ),
    Known(
        "empty-body",
        "ST201",
        r"POST /vector_stores(/\{vector_store_id\})?",
        r"Invalid component: Missing request body",
        "an empty body reads as {} (the SDK always sends {}; every field is optional here)",
    ),
    Known(
        "nullable-update",
        "ST201",
        r"POST /vector_stores/\{vector_store_id\}",
        r"Invalid component: in body - (expires_after|name): Incorrect type",
        "update accepts null for name and expires_after: the spec's `nullable: true` is "
        "OpenAPI 3.0 syntax, ignored under its 3.1 header; the SDK sends null",
    ),
)


def explain(failure: Failure) -> Known | None:
    """The known difference behind ``failure``, or None (a regression)."""
    return next((known for known in KNOWN if known.explains(failure)), None)
