"""API keys in the shapes the dialects register, stored only as hashes."""

from costlake.keys.service import (
    AuthenticatedKey,
    authenticate,
    create_key,
    list_keys,
    revoke_key,
)
from costlake.keys.styles import StyleSpec, register_style, shape_ok, style_of

__all__ = [
    "AuthenticatedKey",
    "StyleSpec",
    "authenticate",
    "create_key",
    "list_keys",
    "register_style",
    "revoke_key",
    "shape_ok",
    "style_of",
]
