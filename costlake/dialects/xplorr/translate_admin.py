"""Pure functions: core accounts, org figures and audit entries -> Xplorr's shapes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from costlake.audit.schemas import AuditFilter, EntryView
from costlake.db.models import CloudAccount, Org
from costlake.errors import InvalidInput
from costlake.orgs.close import ClosedOrg
from costlake.orgs.current import OrgStats
from costlake.users.invitations import PendingInvitation

CSV_COLUMNS = (
    "id", "created_at", "action", "user_email", "actor", "actor_type", "method", "target",
    "ip_address", "status",
)  # fmt: skip
CSV_ROWS_PER_CHUNK = 500


def account(a: CloudAccount) -> dict[str, Any]:
    return {
        "id": a.id,
        "provider": a.provider,
        "account_id": a.account_id,
        "name": a.name,
        "kind": a.kind,
    }


def grant_ids(account_ids: list[int] | None, account_id: int | None) -> list[int]:
    ids = [*(account_ids or []), *([account_id] if account_id is not None else [])]
    if not ids:
        raise InvalidInput("send account_ids (a list of account ids) or account_id")
    return ids


def invitation(p: PendingInvitation) -> dict[str, Any]:
    return {
        "id": p.user_id,
        "email": p.email,
        "role": p.role,
        "status": "pending",
        "invited_at": p.invited_at.isoformat(),
        "expires_at": p.expires_at.isoformat(),
    }


def organization(org: Org) -> dict[str, Any]:
    return {
        "id": org.id,
        "slug": org.slug,
        "name": org.name,
        "require_2fa": org.require_2fa,
        "created_at": org.created_at.isoformat(),
    }


def stats(s: OrgStats) -> dict[str, Any]:
    return {
        "users": s.users,
        "active_users": s.active_users,
        "admins": s.admins,
        "pending_invitations": s.pending_invitations,
        "api_tokens": s.api_tokens,
        "cloud_accounts": s.cloud_accounts,
        "audit_entries": s.audit_entries,
        "data": {
            "sources": list(s.sources),
            "partitions": s.partitions,
            "rows": s.rows,
            "first_period": s.first_period,
            "last_period": s.last_period,
            "last_ingest_at": s.last_ingest_at.isoformat() if s.last_ingest_at else None,
        },
    }


def closed(c: ClosedOrg) -> dict[str, Any]:
    return {
        "closed": True,
        "organization": {"slug": c.slug, "name": c.name},
        "deleted": {
            "metadata": c.metadata_rows,
            "lake": {
                "partitions": c.lake_partitions,
                "rows": c.lake_rows,
                "files": c.lake_files,
                "sources": list(c.sources),
            },
        },
    }


def moment(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """``from``/``to`` as a date (``to`` a date includes that whole day) or an ISO
    timestamp (UTC when it names no offset)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), UTC) + timedelta(days=1 if end else 0)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{name}: use a date (2026-01-31) or an ISO timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def audit_filter(
    action: str | None, user_email: str | None, start: str | None, end: str | None
) -> AuditFilter:
    return AuditFilter(
        action=action,
        user_email=user_email,
        start=moment(start, "from"),
        end=moment(end, "to", end=True),
    )


def audit_entry(e: EntryView) -> dict[str, Any]:
    return {
        "id": e.id,
        "action": e.action,
        "user_email": e.user_email,
        "actor": e.actor,
        "actor_type": e.actor_kind,
        "method": e.method,
        "target": e.target,
        "ip_address": e.address,
        "status": e.status,
        "created_at": e.at.isoformat(),
    }


def audit_csv(entries: Iterable[EntryView]) -> Iterator[bytes]:
    """The entries as CSV (a header, then one line each), a few hundred lines a chunk.
    A cell starting with ``=``, ``+``, ``-`` or ``@`` is prefixed with ``'`` so a
    spreadsheet never runs it as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for n, e in enumerate(entries, start=1):
        row = audit_entry(e)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
