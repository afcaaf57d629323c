"""Core errors -> CloudExpat's documented error body ``{error, message, code}`` and status."""

from __future__ import annotations

from fastapi import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from costlake.dialects.responses import OrjsonResponse
from costlake.errors import (
    CostlakeError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    QueryCancelled,
    RateLimited,
    Unauthenticated,
)

MESSAGES = {
    "INVALID_API_KEY": "The provided API key is invalid or expired",
    "INVALID_API_KEY_FORMAT": "The API key does not match the expected format "
    "(ce_live_ followed by 32 characters)",
    "MISSING_API_KEY": "An API key is required: send 'Authorization: Bearer <API key>'",
    "RATE_LIMIT_EXCEEDED": "Rate limit exceeded: 100 requests per hour per API key",
    "INTERNAL_ERROR": "An internal error occurred",
}


def code_and_status(error: Exception) -> tuple[str, int]:
    if isinstance(error, Unauthenticated):
        if error.reason == "malformed":
            return "INVALID_API_KEY_FORMAT", 401
        if error.reason == "missing":
            return "INVALID_API_KEY", 401
        return "INVALID_API_KEY", 401
    if isinstance(error, RateLimited):
        return "RATE_LIMIT_EXCEEDED", 429
    if isinstance(error, PermissionDenied):
        return "FORBIDDEN", 403
    if isinstance(error, InvalidInput):
        return "INVALID_PARAMETER", 400
    if isinstance(error, NotFound):
        return "NOT_FOUND", 404
    if isinstance(error, QueryCancelled):
        return "REQUEST_CANCELLED", 499
    if isinstance(error, StarletteHTTPException):
        return (
            "NOT_FOUND"
            if error.status_code == 404
            else "METHOD_NOT_ALLOWED"
            if error.status_code == 405
            else "INVALID_REQUEST"
        ), error.status_code
    return "INTERNAL_ERROR", 500


def render(error: Exception, status: int) -> Response:
    code, _ = code_and_status(error)
    if (
        code == "INVALID_API_KEY"
        and isinstance(error, Unauthenticated)
        and error.reason == "missing"
    ):
        message = MESSAGES["MISSING_API_KEY"]
    elif code in MESSAGES:
        message = MESSAGES[code]
    elif isinstance(error, CostlakeError):
        message = error.message
    elif isinstance(error, StarletteHTTPException):
        message = str(error.detail)
    else:
        message = MESSAGES["INTERNAL_ERROR"]
    headers = {}
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after_seconds)
    return OrjsonResponse(
        {"error": code, "message": message, "code": code}, status_code=status, headers=headers
    )
