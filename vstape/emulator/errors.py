"""API errors raised by handlers and rendered in OpenAI's error envelope."""

from __future__ import annotations

from vstape.violations import Kind, Violation


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
    where = f"'{param}'" if param else "request body"
    return ApiError(
        400, f"Invalid {where}: {violation.message}.", param=param, code="invalid_value"
    )
