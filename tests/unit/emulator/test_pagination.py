"""vstape.emulator.pagination: pages as a naive scan of the live items gives them, in O(page).

The oracle sorts the live items by their latest creation number and filters by the
cursors' numbers: what the API's list endpoints return. The index must give the same
pages after any sequence of adds, re-adds (a file attached again moves to the end) and
removals, and must not keep walking over what was removed.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vstape.emulator.pagination import OrderedIndex, paginate

IDS = [f"id{i}" for i in range(12)]


def _oracle(
    seq: dict[str, int],
    live: set[str],
    limit: int,
    order: str,
    after: str | None,
    before: str | None,
) -> tuple[list[str], bool]:
    ranked = sorted(live, key=seq.__getitem__, reverse=order == "desc")
    if after is not None:
        ranked = [i for i in ranked if (seq[i] > seq[after]) == (order == "asc") and i != after]
    if before is not None:
        ranked = [i for i in ranked if (seq[i] < seq[before]) == (order == "asc") and i != before]
    return ranked[:limit], len(ranked) > limit


OPS = st.lists(st.tuples(st.sampled_from(["add", "remove"]), st.sampled_from(IDS)), max_size=80)


@settings(max_examples=400, deadline=None, database=None)
@given(
    ops=OPS,
    limit=st.integers(1, 5),
    order=st.sampled_from(["asc", "desc"]),
    after=st.none() | st.sampled_from(IDS),
    before=st.none() | st.sampled_from(IDS),
)
def test_pages_match_a_naive_scan(
    ops: list[tuple[str, str]], limit: int, order: str, after: str | None, before: str | None
) -> None:
    index: OrderedIndex[str] = OrderedIndex()
    seq: dict[str, int] = {}
    live: set[str] = set()
    for number, (op, ident) in enumerate(ops):
        if op == "add":
            index.add(ident, ident)
            seq[ident] = number
            live.add(ident)
        else:
            index.remove(ident)
            live.discard(ident)
    if (after is not None and after not in seq) or (before is not None and before not in seq):
        return  # an unknown cursor: a 400, tested in test_emulator
    page = paginate(index, limit=limit, order=order, after=after, before=before)
    assert (page.items, page.has_more) == _oracle(seq, live, limit, order, after, before)


def test_removed_items_are_compacted_away() -> None:
    """After most items are removed, a walk crosses at most as many holes as items."""
    index: OrderedIndex[int] = OrderedIndex()
    for i in range(10_000):
        index.add(f"f{i}", i)
    for i in range(9_990):
        index.remove(f"f{i}")
    assert len(index) == 10
    assert len(index.order) <= 2 * len(index) + 17
    page = paginate(index, limit=20, order="asc", after="f5000", before=None)
    assert page.items == list(range(9_990, 10_000)) and not page.has_more


def test_an_item_added_again_is_listed_once_at_the_end() -> None:
    index: OrderedIndex[str] = OrderedIndex()
    for ident in ("a", "b", "c"):
        index.add(ident, ident)
    index.remove("a")
    index.add("a", "a")
    index.add("b", "b")
    page = paginate(index, limit=10, order="asc", after=None, before=None)
    assert page.items == ["c", "a", "b"]
