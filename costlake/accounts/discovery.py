"""Learn the cloud accounts an org has from its lake and record them in the metadata DB."""

from __future__ import annotations

from sqlalchemy.orm import Session

from costlake.accounts.service import AccountSeen, upsert_accounts
from costlake.kit.providers import provider_slug
from costlake.lake.store import Lake
from costlake.orgs.service import get_or_create_org
from costlake.query.engines.duckdb import DuckDBEngine


def accounts_in_lake(lake: Lake, org: str) -> list[AccountSeen]:
    """Every billing and sub account in the org's lake, with the latest names seen."""
    files = lake.snapshot(org).files()
    if not files:
        return []
    engine = DuckDBEngine(threads=2)
    try:
        rows = engine.execute(
            "SELECT ProviderName, BillingAccountId, max(BillingAccountName) AS ban, "
            "SubAccountId, max(SubAccountName) AS san FROM costs GROUP BY 1, 2, 4",
            files,
        ).to_pylist()
    finally:
        engine.close()
    seen: dict[tuple[str, str, str], AccountSeen] = {}
    for r in rows:
        provider = provider_slug(r["ProviderName"])
        billing = r["BillingAccountId"]
        seen[(provider, billing, "billing")] = AccountSeen(provider, billing, "billing", r["ban"])
        if r["SubAccountId"]:
            seen[(provider, r["SubAccountId"], "sub")] = AccountSeen(
                provider, r["SubAccountId"], "sub", r["san"], parent_account_id=billing
            )
    return list(seen.values())


def sync_accounts(session: Session, lake: Lake, org: str) -> int:
    """Create the org if needed and upsert its accounts; returns how many."""
    org_row = get_or_create_org(session, org)
    return upsert_accounts(session, org_row, accounts_in_lake(lake, org))
