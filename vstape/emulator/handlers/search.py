"""``POST /v1/vector_stores/{id}/search``: lexical search over the store's files."""

from __future__ import annotations

import msgspec

from vstape.api import schemas as s
from vstape.emulator.handlers import inputs
from vstape.emulator.handlers.registry import Reply, handles
from vstape.emulator.ranking import rank, rewrite, tokens
from vstape.emulator.state import EmulatorState
from vstape.http import Request

DEFAULT_MAX_RESULTS = 10


@handles("search_vector_store")
def search_vector_store(state: EmulatorState, request: Request, vector_store_id: str) -> Reply:
    """The store's best matches for ``query`` (rewritten when asked), filtered and trimmed."""
    store = state.store(vector_store_id)
    body = inputs.body(request, s.SearchRequest)
    queries = [body.query] if isinstance(body.query, str) else list(body.query)
    if body.rewrite_query is True:
        queries = [rewrite(q) for q in queries]
    terms = [t for q in queries for t in tokens(q)]
    limit = (
        DEFAULT_MAX_RESULTS
        if isinstance(body.max_num_results, msgspec.UnsetType)
        else body.max_num_results
    )
    threshold = 0.0
    options = body.ranking_options
    if not isinstance(options, msgspec.UnsetType) and not isinstance(
        options.score_threshold, msgspec.UnsetType
    ):
        threshold = options.score_threshold
    filters = None if isinstance(body.filters, msgspec.UnsetType) else body.filters
    results = rank(store.files.items.values(), terms, filters, threshold)
    state.touch(store)
    return Reply(
        s.SearchResultsPage(
            object="vector_store.search_results.page",
            search_query=queries,
            data=results[:limit],
            has_more=False,
            next_page=None,
        )
    )
