"""Orgs (tenants) and their users. An org is created the first time anything names it."""

from costlake.orgs.service import (
    get_or_create_org,
    get_or_create_user,
    get_org,
    list_orgs,
    validate_slug,
)

__all__ = ["get_or_create_org", "get_or_create_user", "get_org", "list_orgs", "validate_slug"]
