"""Search: the request with recursive attribute filters, and the results page."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from vstape.api.schemas.base import Attributes, Schema, Score

FilterScalar = str | int | float | bool
FilterValue = str | int | float | bool | list[str | int | float]


class ComparisonFilter(Schema, tag_field="type"):
    """Compare attribute ``key`` with ``value``; the subclass tag is the operator."""

    key: str
    value: FilterValue


class EqFilter(ComparisonFilter, tag="eq"):
    """``attributes[key] == value``."""


class NeFilter(ComparisonFilter, tag="ne"):
    """``attributes[key] != value``."""


class GtFilter(ComparisonFilter, tag="gt"):
    """``attributes[key] > value``."""


class GteFilter(ComparisonFilter, tag="gte"):
    """``attributes[key] >= value``."""


class LtFilter(ComparisonFilter, tag="lt"):
    """``attributes[key] < value``."""


class LteFilter(ComparisonFilter, tag="lte"):
    """``attributes[key] <= value``."""


class InFilter(ComparisonFilter, tag="in"):
    """``attributes[key] in value`` (``value`` is an array)."""


class NinFilter(ComparisonFilter, tag="nin"):
    """``attributes[key] not in value`` (``value`` is an array)."""


class CompoundFilter(Schema, tag_field="type"):
    """Combine filters; nesting is allowed."""

    filters: list[Filter]


class AndFilter(CompoundFilter, tag="and"):
    """Every sub-filter matches."""


class OrFilter(CompoundFilter, tag="or"):
    """At least one sub-filter matches."""


Filter = (
    EqFilter
    | NeFilter
    | GtFilter
    | GteFilter
    | LtFilter
    | LteFilter
    | InFilter
    | NinFilter
    | AndFilter
    | OrFilter
)
COMPARISON_OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")
COMPOUND_OPERATORS = ("and", "or")


class RankingOptions(Schema):
    """Re-ranking options of a search."""

    ranker: Literal["none", "auto", "default-2024-11-15"] | UnsetType = UNSET
    score_threshold: Score | UnsetType = UNSET


SearchQuery = str | Annotated[list[str], msgspec.Meta(min_length=1)]


class SearchRequest(Schema):
    """Body of ``POST /vector_stores/{id}/search``."""

    query: SearchQuery
    rewrite_query: bool | UnsetType = UNSET
    max_num_results: Annotated[int, msgspec.Meta(ge=1, le=50)] | UnsetType = UNSET
    filters: Filter | UnsetType = UNSET
    ranking_options: RankingOptions | UnsetType = UNSET


class SearchResultContent(Schema):
    """One text chunk of a search result."""

    type: Literal["text"]
    text: str


class SearchResult(Schema):
    """One matching file with its scored chunks."""

    file_id: str
    filename: str
    score: Score
    attributes: Attributes | None
    content: list[SearchResultContent]


class SearchResultsPage(Schema):
    """Response of ``POST /vector_stores/{id}/search``."""

    object: Literal["vector_store.search_results.page"]
    # Lenient: the operation's example shows a plain string (api-ref 6.6).
    search_query: str | list[str]
    data: list[SearchResult]
    has_more: bool
    next_page: str | None
