"""Cursor pagination exactly as the API: limit, order, after, before; O(page) per request.

Items live in an insertion-ordered index (ids in creation order, id -> sequence number,
a binary search from a cursor to its place) so that ``after``/``before`` jump straight to
the cursor instead of scanning the whole collection, and removed items are compacted
away instead of being walked over forever.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import msgspec

from vstape.api.schemas import ListQuery
from vstape.emulator.errors import ApiError

T = TypeVar("T")


@dataclass
class OrderedIndex(Generic[T]):
    """Items in creation order: O(1) lookup by id, O(log n) jump to a cursor, O(page) walks.

    ``order`` holds the ids in creation order and ``seqs`` their sequence numbers (one
    per add, increasing); ``position`` maps every id ever added to its latest sequence
    number, so that a cursor naming a removed item still says where a page starts or
    stops. A removed item leaves a hole in ``order`` until holes outnumber the items;
    then ``order`` is rebuilt without them (amortized O(1) per removal), so a walk never
    crosses more holes than items.
    """

    items: dict[str, T] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    holes: int = 0

    def add(self, ident: str, item: T) -> None:
        """Append an item (newest last); an id added again moves to the end."""
        if ident in self.items:
            self.remove(ident)
        seq = self.seqs[-1] + 1 if self.seqs else 0
        self.items[ident] = item
        self.position[ident] = seq
        self.order.append(ident)
        self.seqs.append(seq)

    def remove(self, ident: str) -> None:
        """Forget an item (its slot in ``order`` is skipped, then compacted away)."""
        if self.items.pop(ident, None) is None:
            return
        self.holes += 1
        if self.holes > len(self.items) and self.holes > 16:
            self._compact()

    def _compact(self) -> None:
        live = [
            (ident, seq)
            for ident, seq in zip(self.order, self.seqs, strict=True)
            if ident in self.items and self.position[ident] == seq
        ]
        self.order = [ident for ident, _ in live]
        self.seqs = [seq for _, seq in live]
        self.holes = 0

    def get(self, ident: str) -> T | None:
        """The item with this id, if present."""
        return self.items.get(ident)

    def __len__(self) -> int:
        return len(self.items)

    def after(self, ident: str, step: int) -> int:
        """The index in ``order`` where a walk past the cursor ``ident`` starts."""
        seq = self.position[ident]
        if step == 1:
            return bisect.bisect_right(self.seqs, seq)
        return bisect.bisect_left(self.seqs, seq) - 1

    def walk(self, start: int, step: int) -> Iterator[tuple[int, str, T]]:
        """(sequence number, id, item) from index ``start`` in direction ``step`` (+1 oldest->newest)."""
        order, seqs, items, position = self.order, self.seqs, self.items, self.position
        index = start
        while 0 <= index < len(order):
            ident = order[index]
            item = items.get(ident)
            if item is not None and position[ident] == seqs[index]:  # not a hole
                yield seqs[index], ident, item
            index += step


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and whether more follow."""

    items: list[T]
    has_more: bool


def paginate(
    index: OrderedIndex[T],
    *,
    limit: int,
    order: str,
    after: str | None,
    before: str | None,
    keep: Callable[[T], bool] = lambda _: True,
) -> Page[T]:
    """The page the API returns for these list parameters."""
    step = 1 if order == "asc" else -1
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None and cursor not in index.position:
            raise ApiError(
                400,
                f"Invalid '{name}': no object with id '{cursor}'.",
                param=name,
                code="invalid_value",
            )
    if after is not None:
        start = index.after(after, step)
    else:
        start = 0 if step == 1 else len(index.order) - 1
    stop = index.position[before] if before is not None else None
    picked: list[T] = []
    has_more = False
    for seq, _ident, item in index.walk(start, step):
        if stop is not None and (seq >= stop if step == 1 else seq <= stop):
            break
        if not keep(item):
            continue
        if len(picked) == limit:
            has_more = True
            break
        picked.append(item)
    return Page(picked, has_more)


def paginate_query(
    index: OrderedIndex[T], query: ListQuery, keep: Callable[[T], bool] = lambda _: True
) -> Page[T]:
    """:func:`paginate` with the ``limit``, ``order``, ``after`` and ``before`` of ``query``."""
    return paginate(
        index,
        limit=query.limit,
        order=query.order,
        after=None if query.after is msgspec.UNSET else query.after,
        before=None if query.before is msgspec.UNSET else query.before,
        keep=keep,
    )
