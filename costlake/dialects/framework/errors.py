"""Core errors -> HTTP status, once for every dialect; each dialect only names its codes and
shapes its body (see :mod:`costlake.dialects.framework.envelopes`).

The statuses follow what every vendor document here agrees on; where a vendor uses another
status for the same failure (StackSpend's 422 for a bad parameter) its dialect overrides
that one entry.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException as StarletteHTTPException

from costlake.errors import (
    CostlakeError,
    IngestError,
    InvalidInput,
    LakeDamaged,
    MissingExtra,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    QueryCancelled,
    RateLimited,
    Unauthenticated,
)

# Kinds of failure, by the core error that signals them; the first match wins.
KINDS: tuple[tuple[type[Exception], str], ...] = (
    (Unauthenticated, "unauthenticated"),
    (PermissionDenied, "forbidden"),
    (RateLimited, "rate_limited"),
    (NotFound, "not_found"),
    (PayloadTooLarge, "too_large"),
    (InvalidInput, "invalid"),
    (IngestError, "invalid"),
    (QueryCancelled, "cancelled"),
    (LakeDamaged, "unavailable"),
    (MissingExtra, "not_implemented"),
)
STATUS: Mapping[str, int] = {
    "invalid": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "too_large": 413,
    "rate_limited": 429,
    "cancelled": 499,
    "internal": 500,
    "not_implemented": 501,
    "unavailable": 503,
}
INTERNAL_MESSAGE = "An internal error occurred"


def kind_of(error: Exception) -> str:
    """The kind of failure ``error`` is: a key of :data:`STATUS`."""
    if isinstance(error, StarletteHTTPException):
        by_status = {v: k for k, v in STATUS.items()}
        return by_status.get(
            error.status_code, "invalid" if error.status_code < 500 else "internal"
        )
    for cls, kind in KINDS:
        if isinstance(error, cls):
            return kind
    return "internal"


def public_message(error: Exception) -> str:
    """What the client is told: the core's own sentence, never a stack trace or an internal
    exception's text."""
    if isinstance(error, CostlakeError):
        return error.message
    if isinstance(error, StarletteHTTPException):
        return str(error.detail)
    return INTERNAL_MESSAGE
