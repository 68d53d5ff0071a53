"""Deterministic lexical ranking: chunking, scoring in 0..1, attribute filters, and the
ranked search results of a store's files."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vstape.api import schemas as s
from vstape.api.schemas import AndFilter, ComparisonFilter, CompoundFilter, Filter
from vstape.emulator.state import AttachedFile

_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "this",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
    ]
)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [t.lower() for t in _WORD.findall(text)]


def chunk_text(text: str, max_words: int = 120) -> list[str]:
    """Split text into paragraphs, then into chunks of at most ``max_words`` words."""
    chunks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        words = paragraph.split()
        for start in range(0, len(words), max_words):
            piece = " ".join(words[start : start + max_words])
            if piece:
                chunks.append(piece)
    return chunks


def rewrite(query: str) -> str:
    """What ``rewrite_query`` does here: lower-case, drop stopwords and punctuation."""
    kept = [t for t in tokens(query) if t not in STOPWORDS]
    return " ".join(kept) or query.strip().lower()


def score(query_terms: Sequence[str], chunk: str) -> float:
    """Fraction of distinct query terms present, damped by term frequency; in [0, 1]."""
    distinct = sorted(set(query_terms))
    if not distinct:
        return 0.0
    words = tokens(chunk)
    if not words:
        return 0.0
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    total = 0.0
    for term in distinct:
        tf = counts.get(term, 0)
        if tf:
            total += 1.0 - 1.0 / (1.0 + math.log1p(tf) * 2.0)
    return round(min(1.0, total / len(distinct)), 6)


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op in ("in", "nin"):
        values = expected if isinstance(expected, list) else [expected]
        found = actual in values
        return found if op == "in" else not found
    if actual is None or isinstance(actual, bool) or isinstance(expected, bool | list):
        return False
    if isinstance(actual, str) != isinstance(expected, str):
        return False
    if op == "gt":
        return bool(actual > expected)
    if op == "gte":
        return bool(actual >= expected)
    if op == "lt":
        return bool(actual < expected)
    return bool(actual <= expected)  # lte


def matches(flt: Filter, attributes: Mapping[str, Any] | None) -> bool:
    """Whether a file's attributes satisfy a (possibly nested) filter."""
    attrs = attributes or {}
    if isinstance(flt, CompoundFilter):
        results = (matches(sub, attrs) for sub in flt.filters)
        return all(results) if isinstance(flt, AndFilter) else any(results)
    assert isinstance(flt, ComparisonFilter)
    op = type(flt).__struct_config__.tag
    if flt.key not in attrs:
        return op in ("ne", "nin")
    return _compare(str(op), attrs[flt.key], flt.value)


CHUNKS_PER_RESULT = 3


def rank(
    files: Iterable[AttachedFile],
    terms: Sequence[str],
    filters: Filter | None,
    threshold: float,
) -> list[s.SearchResult]:
    """One result per completed text file with a chunk scoring above 0 and ``threshold``,
    best first (ties in attachment order), each with its best chunks."""
    results: list[tuple[float, int, s.SearchResult]] = []
    for position, attached in enumerate(files):
        if attached.status != "completed" or attached.file.text is None:
            continue
        if filters is not None and not matches(filters, attached.attributes):
            continue
        scored = [(score(terms, chunk), chunk) for chunk in chunk_text(attached.file.text)]
        scored = [(sc, chunk) for sc, chunk in scored if sc > 0 and sc >= threshold]
        if not scored:
            continue
        scored.sort(key=lambda pair: -pair[0])
        best = scored[0][0]
        content = [
            s.SearchResultContent(type="text", text=chunk)
            for _, chunk in scored[:CHUNKS_PER_RESULT]
        ]
        result = s.SearchResult(
            file_id=attached.file.id,
            filename=attached.file.filename,
            score=best,
            attributes=attached.attributes,
            content=content,
        )
        results.append((best, position, result))
    results.sort(key=lambda item: (-item[0], item[1]))
    return [result for _, _, result in results]
