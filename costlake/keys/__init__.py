"""API keys in three vendor-compatible styles, stored only as hashes."""

from costlake.keys.service import (
    AuthenticatedKey,
    authenticate,
    create_key,
    list_keys,
    revoke_key,
)
from costlake.keys.styles import KeyStyle, shape_ok, style_of

__all__ = [
    "AuthenticatedKey",
    "KeyStyle",
    "authenticate",
    "create_key",
    "list_keys",
    "revoke_key",
    "shape_ok",
    "style_of",
]
