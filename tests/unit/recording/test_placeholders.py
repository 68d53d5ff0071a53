"""Placeholders: their shape, which ids get one, and where they replace the id."""

from __future__ import annotations

import re

import pytest

from vstape.cassettes.model import Interaction, Request, Response, ResponseBody, Status
from vstape.recording.placeholders import (
    IdMap,
    is_placeholder,
    placeholder,
    prefix_of,
    sightings,
)

REAL = {
    "vs_": "vs_ZQLW4iMYXD01cLuDomfyrfbw",
    "file-": "file-mt32aEdBdx2J27sBs4BHRrcy",
    "vsfb_": "vsfb_Lm0aPq7RtY2wXc9Vb3Nn5KjH",
    "req_": "req_way94sxjwrw2cibluhrx9tajamk5abtw",
    "batch_": "batch_abc123def456",  # a prefix this module was never told about
}


@pytest.mark.parametrize("prefix", sorted(REAL))
def test_a_placeholder_keeps_the_prefix_the_length_and_a_valid_shape(prefix: str) -> None:
    """Same prefix, same length, letters and digits after it; recognized as a placeholder."""
    real = REAL[prefix]
    assert prefix_of(real) == prefix
    made = placeholder(prefix, 7, len(real))
    assert made.startswith(prefix) and len(made) == len(real)
    assert re.fullmatch(re.escape(prefix) + "[A-Za-z0-9]+", made)
    assert made.endswith("7") and is_placeholder(made) and not is_placeholder(real)


def test_a_short_id_still_gets_a_numbered_placeholder() -> None:
    """An id too short to hold the mark and the number gets a longer placeholder."""
    assert placeholder("vs_", 12, len("vs_1")) == "vs_vstape0012"
    assert placeholder("", 3) == "vstape0003"


def test_issued_ids_are_numbered_per_prefix_foreign_ids_are_kept() -> None:
    """First seen in an answer: a placeholder, counted per prefix; first seen in a request: kept."""
    ids = IdMap()
    first = ids.sight(REAL["vs_"], "response")
    ids.sight("vs_missing", "request")
    second = ids.sight("vs_SecondStore0000000000000", "response")
    upload = ids.sight(REAL["file-"], "response")
    assert first is not None and first.endswith("1")
    assert second is not None and second.endswith("2")
    assert upload is not None and upload.startswith("file-") and upload.endswith("1")
    assert ids.sight("vs_missing", "response") is None  # decided once, on its first sighting
    assert ids.substitute("No vector store found with id 'vs_missing'.").endswith("'vs_missing'.")


def test_substitution_replaces_whole_tokens_only() -> None:
    """An id inside a longer token is another token: never rewritten."""
    ids = IdMap()
    chosen = ids.sight(REAL["vs_"], "response")
    real = REAL["vs_"]
    text = f"/v1/vector_stores/{real}/files?after={real} '{real}' x{real} {real}_2 {real}-b"
    assert ids.substitute(text) == (
        f"/v1/vector_stores/{chosen}/files?after={chosen} '{chosen}' x{real} {real}_2 {real}-b"
    )


def test_placeholders_are_kept_and_reserved() -> None:
    """Normalizing twice changes nothing; new ids continue after the highest number in use."""
    ids = IdMap()
    ids.reserve(placeholder("vs_", 4, 27))
    assert ids.sight(placeholder("vs_", 4, 27), "response") is None
    assert ids.substitute(placeholder("vs_", 4, 27)) == placeholder("vs_", 4, 27)
    assert ids.sight(REAL["vs_"], "response") == placeholder("vs_", 5, 27)


def test_canonical_maps_renumber_placeholders_from_one() -> None:
    """For comparison, placeholders count as ids: numbered again in order of appearance."""
    ids = IdMap(canonical=True)
    ids.sight(placeholder("vs_", 9, 27), "request")  # first seen in a request, still issued
    ids.sight(placeholder("vs_", 3, 27), "response")
    text = f"{placeholder('vs_', 9, 27)} {placeholder('vs_', 3, 27)}"
    assert ids.substitute(text) == f"{placeholder('vs_', 1, 27)} {placeholder('vs_', 2, 27)}"


def _item(method: str, uri: str, body: str | None, status: int, answer: str) -> Interaction:
    return Interaction(
        request=Request(method, uri, body),
        response=Response(
            Status(status, "OK"), {"x-request-id": ["req_1234"]}, ResponseBody(answer)
        ),
    )


def test_sightings_come_from_the_id_positions_in_wire_order() -> None:
    """Path parameters, cursors, request body ids, then answer ids and the request id header."""
    item = _item(
        "POST",
        "https://api.openai.com/v1/vector_stores/vs_A/file_batches?after=ignored",
        '{"files": [{"file_id": "file-B", "attributes": {"owner_id": "u_1"}}]}',
        200,
        '{"id": "vsfb_C", "vector_store_id": "vs_A", "metadata": {"x_id": "no"}}',
    )
    assert list(sightings(item)) == [
        ("vs_A", "request"),
        ("file-B", "request"),
        ("vsfb_C", "response"),
        ("vs_A", "response"),
        ("req_1234", "response"),
    ]
    listed = _item(
        "GET",
        "https://api.openai.com/v1/vector_stores?after=vs_X&before=vs_Y&limit=2",
        None,
        200,
        '{"data": [], "first_id": null, "last_id": null}',
    )
    assert [i for i, _ in sightings(listed)] == ["vs_X", "vs_Y", "req_1234"]


def test_an_error_answer_issues_no_body_id_and_a_guest_has_no_sightings() -> None:
    """A 4xx body is an error envelope; a path outside the API is not vstape's."""
    error = _item(
        "GET", "https://api.openai.com/v1/vector_stores/vs_A", None, 404, '{"id": "vs_B"}'
    )
    assert list(sightings(error)) == [("vs_A", "request"), ("req_1234", "response")]
    guest = _item("GET", "https://example.com/v1/things/x", None, 200, '{"id": "vs_B"}')
    assert list(sightings(guest)) == []
