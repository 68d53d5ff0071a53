"""Cursor pagination exactly as the API: limit, order, after, before; O(page) per request.

Items live in an insertion-ordered index (id -> position) so that ``after``/``before``
jump straight to the cursor instead of scanning the whole collection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import msgspec

from vstape.api.schemas import ListQuery
from vstape.emulator.errors import ApiError

T = TypeVar("T")


@dataclass
class OrderedIndex(Generic[T]):
    """Insertion-ordered items with O(1) lookup by id and lazy deletion."""

    items: dict[str, T] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)

    def add(self, ident: str, item: T) -> None:
        """Append an item (newest last)."""
        self.items[ident] = item
        self.position[ident] = len(self.order)
        self.order.append(ident)

    def remove(self, ident: str) -> None:
        """Forget an item (its slot in ``order`` is skipped from then on)."""
        self.items.pop(ident, None)

    def get(self, ident: str) -> T | None:
        """The item with this id, if present."""
        return self.items.get(ident)

    def __len__(self) -> int:
        return len(self.items)

    def walk(self, start: int, step: int) -> Iterator[tuple[str, T]]:
        """Items from position ``start`` in direction ``step`` (+1 oldest->newest)."""
        index = start
        while 0 <= index < len(self.order):
            ident = self.order[index]
            item = self.items.get(ident)
            if item is not None:
                yield ident, item
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
    if after is not None:
        if after not in index.position:
            raise ApiError(
                400,
                f"Invalid 'after': no object with id '{after}'.",
                param="after",
                code="invalid_value",
            )
        start = index.position[after] + step
    else:
        start = 0 if step == 1 else len(index.order) - 1
    stop = index.position.get(before) if before is not None else None
    if before is not None and stop is None:
        raise ApiError(
            400,
            f"Invalid 'before': no object with id '{before}'.",
            param="before",
            code="invalid_value",
        )
    picked: list[T] = []
    has_more = False
    for ident, item in index.walk(start, step):
        if stop is not None and index.position[ident] == stop:
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
