"""diff_scopes on real SDK recordings: what is the same, what is added, removed or changed."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from tests.workload import recorded
from vstape.api.routes import BY_NAME
from vstape.cassettes.model import Interaction, InteractionMeta
from vstape.diff.cassettes import diff_scopes
from vstape.recording.stable import normalize_scope


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Interaction]]:
    """The workload against fresh unseeded emulators: twice alike, once with two polls each."""
    return {
        "a": recorded()[0],
        "b": recorded()[0],
        "slow": recorded(polls_to_complete=2)[0],
    }


def _route(item: Interaction) -> str:
    assert isinstance(item.vstape, InteractionMeta)
    return item.vstape.route or ""


def _edited(items: list[Interaction], index: int, **fields: Any) -> list[Interaction]:
    """A copy with fields of one JSON answer set (a hand edit)."""
    item = items[index]
    body = msgspec.json.decode(item.response.body.string)
    body.update(fields)
    text = msgspec.json.format(msgspec.json.encode(body), indent=2).decode()
    answer = msgspec.structs.replace(item.response.body, string=text)
    changed = msgspec.structs.replace(
        item, response=msgspec.structs.replace(item.response, body=answer)
    )
    return [*items[:index], changed, *items[index + 1 :]]


def test_two_unseeded_recordings_are_equivalent(runs: dict[str, list[Interaction]]) -> None:
    """Other ids, other clock readings: no change."""
    report = diff_scopes({"c": runs["a"]}, {"c": runs["b"]})
    assert report.equivalent and report.entries == []
    assert report.old_interactions == report.new_interactions == len(runs["a"])


def test_a_normalized_cassette_and_a_raw_one_are_equivalent(
    runs: dict[str, list[Interaction]],
) -> None:
    """Placeholder-only and shift-only differences are not changes."""
    stable = normalize_scope([runs["a"]])[0]
    assert diff_scopes({"c": stable}, {"c": runs["b"]}).equivalent


def test_one_hand_edited_field_is_exactly_one_change(runs: dict[str, list[Interaction]]) -> None:
    """The edited answer is the one entry, its one change at the edited path, old and new."""
    items = runs["b"]
    index = next(
        i
        for i, item in enumerate(items)
        if _route(item) == "get_vector_store" and item.response.status.code == 200
    )
    before = msgspec.json.decode(items[index].response.body.string)["usage_bytes"]
    report = diff_scopes({"c": runs["a"]}, {"c": _edited(items, index, usage_bytes=before + 7)})
    [entry] = report.entries
    assert (entry.kind, entry.route, entry.new and entry.new.index) == (
        "changed",
        "get_vector_store",
        index,
    )
    [change] = entry.changes
    assert (change.part, change.change.path) == ("response.body", "$.usage_bytes")
    assert (change.change.old, change.change.new) == (before, before + 7)


def test_more_polls_are_added_interactions_and_fewer_removed(
    runs: dict[str, list[Interaction]],
) -> None:
    """An emulator that needs two polls adds one in_progress poll per polled object."""
    fast, slow = runs["a"], runs["slow"]
    extra = len(slow) - len(fast)
    assert extra > 0
    report = diff_scopes({"c": fast}, {"c": slow})
    assert [e.kind for e in report.entries] == ["added"] * extra
    assert all(BY_NAME[e.route].polled for e in report.entries)
    back = diff_scopes({"c": slow}, {"c": fast})
    assert [e.kind for e in back.entries] == ["removed"] * extra


def test_a_status_change_and_a_changed_request(runs: dict[str, list[Interaction]]) -> None:
    """A new status is reported as such; the same request with another body is 'changed'."""
    items = list(runs["b"])
    index = next(i for i, item in enumerate(items) if _route(item) == "search_vector_store")
    item = items[index]
    assert isinstance(item.request.body, str)
    body = item.request.body.replace('"refunds"', '"returns"')
    items[index] = msgspec.structs.replace(
        item,
        request=msgspec.structs.replace(item.request, body=body),
        response=msgspec.structs.replace(
            item.response, status=msgspec.structs.replace(item.response.status, code=503)
        ),
    )
    [entry] = diff_scopes({"c": runs["a"]}, {"c": items}).entries
    assert entry.kind == "changed" and entry.status == (200, 503)
    assert ("request.body", "$.query", "refunds", "returns") in [
        (c.part, c.change.path, c.change.old, c.change.new) for c in entry.changes
    ]


def test_times_within_the_tolerance_are_equal(runs: dict[str, list[Interaction]]) -> None:
    """A timestamp a few seconds off is noise by default, a change with --time-tolerance 0."""
    items = runs["b"]
    index = next(i for i, item in enumerate(items) if _route(item) == "get_vector_store")
    created = msgspec.json.decode(items[index].response.body.string)["created_at"]
    moved = _edited(items, index, created_at=created + 3)
    assert diff_scopes({"c": items}, {"c": moved}).equivalent
    [entry] = diff_scopes({"c": items}, {"c": moved}, tolerance=0).entries
    assert [c.change.path for c in entry.changes] == ["$.created_at"]


def test_trees_pair_files_by_path_and_report_lonely_files(
    runs: dict[str, list[Interaction]],
) -> None:
    """Two route-split trees of two recordings are equivalent; a file only in NEW is all added."""

    def split(items: list[Interaction]) -> dict[str, list[Interaction]]:
        out: dict[str, list[Interaction]] = {}
        for item in items:
            out.setdefault(f"{_route(item)}.yaml", []).append(item)
        return dict(sorted(out.items()))

    old, new = split(runs["a"]), split(runs["b"])
    assert diff_scopes(old, new).equivalent
    lonely = dict(new)
    removed = lonely.pop("search_vector_store.yaml")
    report = diff_scopes(old, {**lonely, "search_vector_store.json": removed})
    assert report.equivalent  # the format alone changed: paired by stem
    report = diff_scopes(old, lonely)
    assert report.only_old == ["search_vector_store.yaml"]
    assert [e.kind for e in report.entries] == ["removed"] * len(removed)
