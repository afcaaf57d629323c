"""Insights: list, create, get, replace and delete saved cost questions (core:
:mod:`costlake.insights.service`)."""

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.dialects.cloudzero import insights as translate
from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.cloudzero.schemas import InsightIn, InsightOut, InsightsResponse
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.insights import service
from costlake.insights.schemas import Insight, InsightPage
from costlake.platform import Platform

BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Bad request."}
}
MISSING: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Insight not found."}
}

TAGS: list[str | Enum] = ["Insights"]


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    reader = Annotated[Principal, needs(dialect, "insights:read")]
    writer = Annotated[Principal, needs(dialect, "insights:write")]

    @router.get("/v2/insights", response_model=InsightsResponse, tags=TAGS)
    async def get_insights(
        request: Request,
        who: reader,
        page: Annotated[str | None, Query(description="Page number (an integer, from 1).")] = None,
        page_size: Annotated[
            str | None, Query(description="Results per page (an integer, 1-100).")
        ] = None,
    ) -> Response:
        """Returns a list of all insights."""
        platform: Platform = request.app.state.platform
        offset, limit = translate.window(translate.integer(page), translate.integer(page_size))

        def read() -> InsightPage:
            with platform.session() as s:
                return service.page(s, who.org, offset, limit)

        url = str(request.url.remove_query_params(["page", "page_size"]))
        return dialect.success(translate.listing(await run_blocking(request, read), url))

    @router.post("/v2/insights", response_model=InsightOut, status_code=201, tags=TAGS,
                 responses=BAD)  # fmt: skip
    async def create_insight(request: Request, who: writer, body: InsightIn) -> Response:
        """Creates a new insight for tracking cost anomalies and patterns."""
        platform: Platform = request.app.state.platform
        data = translate.to_input(**body.model_dump())

        def write() -> Insight:
            with platform.session() as s:
                return service.create(s, who.org, data)

        made = await run_blocking(request, write)
        return dialect.success({"data": translate.shape(made)}, status=201)

    @router.get("/v2/insights/{insight_id}", response_model=InsightOut, tags=TAGS,
                responses=MISSING)  # fmt: skip
    async def get_one_insight(request: Request, who: reader, insight_id: str) -> Response:
        """Returns a single insight by its identifier."""
        platform: Platform = request.app.state.platform

        def read() -> Insight:
            with platform.session() as s:
                return service.get(s, who.org, insight_id)

        return dialect.success({"data": translate.shape(await run_blocking(request, read))})

    @router.put("/v2/insights/{insight_id}", response_model=InsightOut, tags=TAGS,
                responses={**BAD, **MISSING})  # fmt: skip
    async def update_one_insight(
        request: Request, who: writer, insight_id: str, body: InsightIn
    ) -> Response:
        """Updates an existing insight (every field is replaced)."""
        platform: Platform = request.app.state.platform
        data = translate.to_input(**body.model_dump())

        def write() -> Insight:
            with platform.session() as s:
                return service.replace(s, who.org, insight_id, data)

        return dialect.success({"data": translate.shape(await run_blocking(request, write))})

    @router.delete("/v2/insights/{insight_id}", status_code=204, tags=TAGS,
                   responses=MISSING)  # fmt: skip
    async def delete_one_insight(request: Request, who: writer, insight_id: str) -> Response:
        """Deletes a single insight by its identifier."""
        platform: Platform = request.app.state.platform

        def remove() -> None:
            with platform.session() as s:
                service.delete(s, who.org, insight_id)

        await run_blocking(request, remove)
        return Response(status_code=204)
