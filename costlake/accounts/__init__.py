"""The cloud accounts each org's cost data mentions, and which users may see which."""

from costlake.accounts.service import (
    AccountSeen,
    grant_accounts,
    list_accounts,
    upsert_accounts,
)

__all__ = ["AccountSeen", "grant_accounts", "list_accounts", "upsert_accounts"]
