"""Stable cassettes from real SDK traffic: two unseeded recordings normalize to the same bytes."""

from __future__ import annotations

import difflib
import re
from collections import Counter

import msgspec
import pytest

from tests.workload import recorded
from vstape.cassettes.io import dumps
from vstape.cassettes.model import Cassette, Interaction, InteractionMeta, Request, Response
from vstape.recording.placeholders import is_placeholder, prefix_of
from vstape.recording.stable import StableRecorder, normalize_scope
from vstape.recording.timeshift import EPOCH, timestamps

ID = re.compile(r"\b(?:vs_|file-|vsfb_|req_)[A-Za-z0-9]+\b")


@pytest.fixture(scope="module")
def two() -> tuple[list[Interaction], list[Interaction]]:
    """The demo workload recorded twice against fresh unseeded emulators (random ids, wall clock)."""
    return recorded()[0], recorded()[0]


def _text(items: list[Interaction]) -> str:
    return dumps(Cassette(items)).decode("utf-8")


def _changed(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _issued(items: list[Interaction]) -> Counter[str]:
    """Distinct ids the server handed out, by prefix, read from the raw answers by regex."""
    found: set[str] = set()
    for item in items:
        found |= set(ID.findall(str(item.response.body.string)))
        found |= set(item.response.headers.get("x-request-id", []))
    sent_first = {"vs_missing"}  # the one id the workload makes up itself
    return Counter(prefix_of(i) for i in found - sent_first)


def test_raw_recordings_differ_everywhere(two: tuple[list[Interaction], list[Interaction]]) -> None:
    """Without placeholders every id, time and timing differs (the problem being solved)."""
    old, new = two
    assert len(_changed(_text(old), _text(new))) > 10 * len(old)


def test_normalized_recordings_hold_the_same_placeholders_in_the_same_places(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """After normalization only timestamp lines may differ (whole-second deltas of the clock)."""
    old, new = (_text(normalize_scope([items])[0]) for items in two)
    changed = _changed(old, new)
    assert all(re.search(r'"(created_at|last_active_at|expires_at)": \d+', c) for c in changed)
    # the two runs took a second or two: only objects made across a second boundary move
    assert len(changed) <= len(old.splitlines()) // 20
    assert ID.findall(old) == ID.findall(new)


def test_every_issued_id_gets_one_placeholder_numbered_from_one(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """Placeholders per prefix are exactly 1..n, n the distinct ids the server issued."""
    raw = two[0]
    text = _text(normalize_scope([raw])[0])
    placeholders = {i for i in ID.findall(text) if is_placeholder(i)}
    numbers: dict[str, set[int]] = {}
    for ident in placeholders:
        numbers.setdefault(prefix_of(ident), set()).add(int(ident.rsplit("vstape", 1)[1]))
    expected = _issued(raw)
    assert {p: set(range(1, n + 1)) for p, n in expected.items()} == numbers
    assert expected["req_"] == len(raw)  # one request id per answer
    leaked = [i for i in ID.findall(text) if not is_placeholder(i)]
    assert leaked == ["vs_missing"] * len(leaked) and leaked  # the made-up id stays as sent


def test_times_land_on_the_epoch_and_keep_their_differences(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """One offset for the whole cassette: the first answer's earliest time becomes EPOCH."""
    raw = two[0]
    stable = normalize_scope([raw])[0]
    before = [t for item in raw for t in timestamps(item)]
    after = [t for item in stable for t in timestamps(item)]
    assert len(before) == len(after) > 20
    assert {a - b for a, b in zip(after, before, strict=True)} == {EPOCH - before[0]}
    assert after[0] == EPOCH
    created = msgspec.json.decode(stable[0].response.body.string)
    assert created["expires_at"] - created["last_active_at"] == 30 * 86400


def test_normalizing_is_idempotent_and_drops_the_timings(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """A normalized cassette normalizes to itself; recorded_at and duration_ms are gone."""
    once = normalize_scope([two[0]])[0]
    assert _text(normalize_scope([once])[0]) == _text(once)
    metas = [i.vstape for i in once if isinstance(i.vstape, InteractionMeta)]
    assert len(metas) == len(once)
    assert all(m.recorded_at is None and m.duration_ms is None for m in metas)
    assert all(m.route for m in metas)  # the rest of vstape's record stays


def test_one_at_a_time_equals_the_whole_cassette_at_once(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """What a recorder writes interaction by interaction is what normalize writes for the file."""
    raw = two[1]
    recorder = StableRecorder()
    assert _text([recorder.feed("c.yaml", item) for item in raw]) == _text(
        normalize_scope([raw])[0]
    )


def test_a_guest_interaction_is_left_exactly_as_recorded(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """Traffic to another API in the same cassette is stock vcrpy's: not rewritten."""
    raw = two[0]
    real = ID.findall(str(raw[0].response.body.string))[0]
    guest = Interaction(
        request=Request("GET", f"https://example.com/stores/{real}", None),
        response=Response(raw[0].response.status, {}, raw[0].response.body),
    )
    stable = normalize_scope([[*raw[:3], guest]])[0]
    assert stable[3] == guest
    assert real not in _text(stable[:3])


def test_a_folder_shares_one_numbering_across_its_cassettes(
    two: tuple[list[Interaction], list[Interaction]],
) -> None:
    """Split by route (as --cassette-dir writes), an id keeps one placeholder in every file."""
    raw = two[0]
    by_route: dict[str, list[Interaction]] = {}
    for item in raw:
        meta = item.vstape
        assert isinstance(meta, InteractionMeta)
        by_route.setdefault(meta.route or "", []).append(item)
    files = [by_route[name] for name in sorted(by_route)]  # sorted, as a folder is read
    stable = normalize_scope(files)
    store = ID.findall(str(raw[0].response.body.string))[0]
    get_store = by_route["get_vector_store"][0].request.uri
    assert store in get_store  # in its own file the store is only ever asked for
    position = sorted(by_route).index("get_vector_store")
    assert stable[position][0].request.uri == get_store.replace(
        store,
        ID.findall(
            str(stable[sorted(by_route).index("create_vector_store")][0].response.body.string)
        )[0],
    )
    merged = [ident for items in stable for ident in ID.findall(_text(items))]
    assert all(is_placeholder(i) or i == "vs_missing" for i in merged)
