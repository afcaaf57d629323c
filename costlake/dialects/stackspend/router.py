"""StackSpend's public endpoints, paths and parameters verbatim from the document."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.anomalies.records import list_anomalies
from costlake.auth.principals import Principal
from costlake.dialects.framework.bodies import read_body
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import dialect_route_class, needs
from costlake.dialects.runner import run_blocking
from costlake.dialects.stackspend import translate
from costlake.dialects.stackspend.schemas import (
    AnomaliesResponse,
    ErrorResponse,
    IngestResponse,
    LineItemsResponse,
    RollupsResponse,
)
from costlake.lineitems import service
from costlake.platform import Platform
from costlake.telemetry.otlp import usage_of
from costlake.telemetry.prices import PriceTable
from costlake.telemetry.service import record_usage

StartParam = Annotated[date, Query(description="Start of date range (YYYY-MM-DD, inclusive)")]
EndParam = Annotated[date, Query(description="End of date range (YYYY-MM-DD, inclusive)")]
LimitParam = Annotated[
    int, Query(ge=1, le=1000, description="Records per page. Integer 1-1000, default 50.")
]
CursorParam = Annotated[
    str | None,
    Query(
        max_length=1000,
        description="Opaque cursor from meta.next_cursor of the previous page. It expires "
        "(VALIDATION_ERROR) when the data is re-ingested during the walk.",
    ),
]
GroupByParam = Annotated[
    Literal["provider", "service", "category"],
    Query(description="Dimension to group by: provider, service, or category"),
]
OtlpKind = Literal["traces", "metrics"] | None
Severity = Literal["low", "medium", "high", "critical"]
Status = Literal["new", "acknowledged", "resolved", "false_positive", "dismissed"]
OTLP_REQUEST = {
    "description": "An OTLP/HTTP JSON ExportTraceServiceRequest or ExportMetricsServiceRequest",
    "anyOf": [
        {
            "type": "object",
            "required": [key],
            "properties": {key: {"type": "array", "items": {"type": "object"}}},
        }
        for key in ("resourceSpans", "resourceMetrics")
    ],
}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No API key provided, or it is malformed"},
    403: {
        "model": ErrorResponse,
        "description": "FORBIDDEN (revoked key), INVALID_SCOPE or PLAN_RESTRICTED",
    },
    422: {"model": ErrorResponse, "description": "A parameter is missing or invalid"},
    429: {"model": ErrorResponse, "description": "Too many requests"},
    500: {"model": ErrorResponse, "description": "Unexpected server error"},
}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {
        "model": ErrorResponse,
        "description": "PAYLOAD_TOO_LARGE: the body is over 16 MiB (after gzip, too)",
    }
}


def build_router(dialect: Dialect) -> APIRouter:
    router = APIRouter(
        route_class=dialect_route_class(dialect), tags=["StackSpend"], responses=ERRORS
    )

    @router.get("/api/v1/public/rollups/daily", response_model=RollupsResponse)
    async def rollups_daily(
        request: Request,
        who: Annotated[Principal, needs(dialect, "rollups:read")],
        start_date: StartParam,
        end_date: EndParam,
        group_by: GroupByParam,
    ) -> Response:
        """Returns pre-aggregated daily cost totals."""
        platform: Platform = request.app.state.platform
        totals = await run_blocking(
            request,
            lambda: service.daily_totals(
                platform.queries, who.org, start_date, end_date, group_by,
                account_ids=who.account_ids,
            ),
        )  # fmt: skip
        return dialect.success([translate.rollup(t, group_by) for t in totals])

    @router.get("/api/v1/public/line-items", response_model=LineItemsResponse)
    async def line_items(
        request: Request,
        who: Annotated[Principal, needs(dialect, "line_items:read")],
        start_date: StartParam,
        end_date: EndParam,
        limit: LimitParam = 50,
        cursor: CursorParam = None,
    ) -> Response:
        """Returns cursor-paginated raw cost line items for the requested date range."""
        platform: Platform = request.app.state.platform
        after = translate.decode_cursor(cursor) if cursor else None
        page = await run_blocking(
            request,
            lambda: service.line_items(
                platform.queries, who.org, start_date, end_date, limit=limit, after=after,
                account_ids=who.account_ids,
            ),
        )  # fmt: skip
        items = [translate.line_item(i) for i in page.items]
        return dialect.success(items, meta=translate.line_items_meta(page))

    @router.get("/api/v1/public/anomalies", response_model=AnomaliesResponse)
    async def anomalies(
        request: Request,
        who: Annotated[Principal, needs(dialect, "anomalies:read")],
        limit: Annotated[int, Query(ge=1, le=500, description="default 50, max 500")] = 50,
        since: Annotated[
            datetime | None,
            Query(description="ISO 8601 timestamp: only anomalies detected after it"),
        ] = None,
        provider_type: Annotated[
            str | None, Query(max_length=64, description="Provider slug (openai, aws)")
        ] = None,
        severity: Annotated[Severity | None, Query()] = None,
        status: Annotated[Status | None, Query()] = None,
    ) -> Response:
        """Returns anomaly alerts detected by the anomaly engine."""
        platform: Platform = request.app.state.platform

        where = translate.anomaly_filter(since, provider_type, severity, status, who.account_ids)

        def read() -> list[dict[str, Any]]:
            with platform.session() as s:
                found = list_anomalies(s, who.org, where=where, limit=limit)
            return [translate.anomaly(a) for a in found]

        return dialect.success(await run_blocking(request, read))

    async def ingest(request: Request, who: Principal, kind: OtlpKind) -> Response:
        platform: Platform = request.app.state.platform
        doc = translate.otlp_request(
            await read_body(request, translate.MAX_BODY),
            request.headers.get("content-type"),
            request.headers.get("content-encoding"),
            kind,
        )
        home = platform.settings.home
        recorded = await run_blocking(
            request,
            lambda: record_usage(platform, who.org, usage_of(doc), PriceTable(home), home / "tmp"),
        )
        return dialect.success({"accepted": recorded.uses, "unpriced": recorded.unpriced})

    writer = Annotated[Principal, needs(dialect, "usage:write")]

    def body(kind: OtlpKind) -> dict[str, Any]:
        content: dict[str, Any] = {"application/json": {"schema": OTLP_REQUEST}}
        if kind is not None:
            binary = {"type": "string", "format": "binary"}
            content["application/x-protobuf"] = {"schema": binary}
        return {"requestBody": {"required": True, "content": content}}

    paths: tuple[tuple[str, OtlpKind], ...] = (
        ("/api/v1/otel-ingest", None),
        ("/api/v1/otel-ingest/v1/traces", "traces"),
        ("/api/v1/otel-ingest/v1/metrics", "metrics"),
    )

    def endpoint(kind: OtlpKind) -> Callable[..., Awaitable[Response]]:
        async def otel_ingest(request: Request, who: writer) -> Response:
            """OpenTelemetry ingest: OTLP/HTTP traces or metrics (JSON or protobuf) by the
            GenAI semantic conventions."""
            return await ingest(request, who, kind)

        return otel_ingest

    for path, kind in paths:
        router.add_api_route(
            path, endpoint(kind), methods=["POST"], response_model=IngestResponse,
            openapi_extra=body(kind), responses=TOO_LARGE,
        )  # fmt: skip

    return router
