"""CloudExpat's error codes and messages for each kind of failure (body: ``{error, message,
code}``; statuses are the framework's, :mod:`costlake.dialects.framework.errors`)."""

from __future__ import annotations

from costlake.dialects.framework.errors import public_message
from costlake.errors import Unauthenticated

CODES = {
    "invalid": "INVALID_PARAMETER",
    "unauthenticated": "INVALID_API_KEY",
    "rate_limited": "RATE_LIMIT_EXCEEDED",
}

MESSAGES = {
    "INVALID_API_KEY": "The provided API key is invalid or expired",
    "INVALID_API_KEY_FORMAT": "The API key does not match the expected format "
    "(ce_live_ followed by 32 characters)",
    "MISSING_API_KEY": "An API key is required: send 'Authorization: Bearer <API key>'",
    "INTERNAL_ERROR": "An internal error occurred",
}


def message(code: str, error: Exception) -> str:
    if isinstance(error, Unauthenticated) and error.reason == "missing":
        return MESSAGES["MISSING_API_KEY"]
    if isinstance(error, Unauthenticated) and error.reason == "duplicate":
        return error.message
    if code == "RATE_LIMIT_EXCEEDED":
        return f"Rate limit exceeded: {public_message(error)}"
    return MESSAGES.get(code) or public_message(error)
