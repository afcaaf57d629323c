"""CloudZero's error body and codes.

The document gives each failure a status and a one-line description ("Bad request.",
"Unauthorized. Invalid or missing API key.", "Insight not found.") but no body. CloudZero's
API sits behind a gateway that answers ``{"message": ...}``, so the body is that object,
plus a ``code`` naming the kind of failure for clients that switch on it:
``{"message": "start: Field required", "code": "BadRequest"}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

CODES = {
    "invalid": "BadRequest",
    "unauthenticated": "Unauthorized",
    "forbidden": "Forbidden",
    "not_found": "NotFound",
    "method_not_allowed": "MethodNotAllowed",
    "conflict": "Conflict",
    "too_large": "PayloadTooLarge",
    "rate_limited": "TooManyRequests",
    "cancelled": "RequestCancelled",
    "internal": "InternalServerError",
    "not_implemented": "NotImplemented",
    "unavailable": "ServiceUnavailable",
}


class ErrorResponse(BaseModel):
    message: str
    code: str


def body(code: str, message: str, status: int) -> dict[str, Any]:
    return {"message": message, "code": code}
