"""Xplorr's audit log (admins): entries page by page, the actions seen, and a CSV export
of up to 10,000 entries streamed as it is read."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from costlake.audit import service as audit
from costlake.audit.schemas import EXPORT_MAX_ROWS
from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.dialects.xplorr import schemas_admin as s
from costlake.dialects.xplorr import translate_admin as t
from costlake.dialects.xplorr.router import PAGES, Work

Action = Annotated[str | None, Query(max_length=128, description="Exact action name")]
Email = Annotated[str | None, Query(max_length=320, description="Who (case-insensitive)")]
From = Annotated[
    str | None, Query(alias="from", max_length=40, description="A date or ISO time (included)")
]
To = Annotated[
    str | None,
    Query(alias="to", max_length=40, description="A date (that whole day) or ISO time (excluded)"),
]


class CsvResponse(StreamingResponse):
    media_type = "text/csv"


def add_audit_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:
    @router.get("/api/v1/audit", response_model=s.AuditPage)
    async def list_audit(
        request: Request,
        who: Annotated[Principal, needs(dialect, "audit:read")],
        page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
        limit: Annotated[int | None, Query(ge=1, le=100)] = None,
        action: Action = None,
        user_email: Email = None,
        start: From = None,
        end: To = None,
    ) -> Response:
        """List audit logs (admin), newest first. Query: page, limit, action, user_email,
        from, to."""
        wanted = t.audit_filter(action, user_email, start, end)
        cut = PAGES.request(page, limit)
        found = await work(request, lambda x: audit.list_entries(x, who, wanted, cut))
        return dialect.success([t.audit_entry(e) for e in found.items], meta=PAGES.meta(found))

    @router.get("/api/v1/audit/actions", response_model=s.AuditActions)
    async def audit_actions(
        request: Request, who: Annotated[Principal, needs(dialect, "audit:read")]
    ) -> Response:
        """Get distinct action types for filter dropdown (admin)."""
        return dialect.success({"data": await work(request, lambda x: audit.actions(x, who))})

    @router.get(
        "/api/v1/audit/export", response_class=CsvResponse,
        responses={200: {"description": "CSV, one line per entry, newest first",
                         "content": {"text/csv": {"schema": {"type": "string"}}}}},
    )  # fmt: skip
    async def export_audit(
        request: Request,
        who: Annotated[Principal, needs(dialect, "audit:read")],
        action: Action = None,
        user_email: Email = None,
        start: From = None,
        end: To = None,
        limit: Annotated[int, Query(ge=1, le=EXPORT_MAX_ROWS)] = EXPORT_MAX_ROWS,
    ) -> Response:
        """Export audit logs as CSV (max 10,000 rows), streamed as they are read."""
        wanted = t.audit_filter(action, user_email, start, end)
        sessions = request.app.state.platform.session
        entries = await run_blocking(
            request, lambda: audit.export_entries(sessions, who, wanted, max_rows=limit)
        )
        disposition = 'attachment; filename="audit-log.csv"'
        return CsvResponse(t.audit_csv(entries), headers={"Content-Disposition": disposition})
