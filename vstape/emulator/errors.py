"""API errors raised by handlers and rendered in OpenAI's error envelope.

Request violations become the 400 the real API sends, worded as it words them: a number
out of range is ``Invalid 'limit': integer above maximum value. Expected a value <= 100,
but got 1000 instead.`` with code ``integer_above_max_value`` (``decimal_...`` for a
fractional value, ``..._below_min_value`` under the minimum).
"""

from __future__ import annotations

import re

from vstape.validation.violations import Kind, Violation


class ApiError(Exception):
    """An error response: status plus the envelope's message, type, param and code."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code


def not_found(kind: str, ident: str) -> ApiError:
    """404 as the API words it: ``No vector store found with id 'vs_x'.``"""
    return ApiError(404, f"No {kind} found with id '{ident}'.")


def _param(path: str) -> str | None:
    if path.startswith("query."):
        return path[len("query.") :]
    if path.startswith("$."):
        return path[2:]
    return None


_BOUND = re.compile(r"^(<=|>=|<|>) (-?[0-9][0-9.e+-]*)$")
_INTEGER = re.compile(r"^-?[0-9]+$")


def _out_of_range(violation: Violation, param: str | None) -> ApiError | None:
    """The real API's 400 for a number above its maximum or below its minimum, else None.

    A range violation carries ``expected`` (``"<= 100"``) and ``actual`` (``"1000"``).
    """
    bound = _BOUND.match(violation.expected)
    if violation.kind is not Kind.CONSTRAINT or bound is None or param is None:
        return None
    operator, limit = bound.groups()
    number = "integer" if _INTEGER.match(violation.actual) else "decimal"
    side, word = ("above", "max") if operator.startswith("<") else ("below", "min")
    return ApiError(
        400,
        f"Invalid '{param}': {number} {side} {'maximum' if word == 'max' else 'minimum'} value. "
        f"Expected a value {operator} {limit}, but got {violation.actual} instead.",
        param=param,
        code=f"{number}_{side}_{word}_value",
    )


def from_violation(violation: Violation) -> ApiError:
    """400 for the first violation of a request; ``param`` names the field."""
    param = _param(violation.path)
    if violation.kind is Kind.UNKNOWN_FIELD:
        return ApiError(
            400,
            f"Unrecognized request argument supplied: {param or violation.path}",
            param=param,
            code="unknown_parameter",
        )
    if violation.kind is Kind.MISSING_FIELD:
        return ApiError(
            400,
            f"Missing required parameter: '{param}'.",
            param=param,
            code="missing_required_parameter",
        )
    out_of_range = _out_of_range(violation, param)
    if out_of_range is not None:
        return out_of_range
    where = f"'{param}'" if param else "request body"
    return ApiError(
        400, f"Invalid {where}: {violation.message}.", param=param, code="invalid_value"
    )
