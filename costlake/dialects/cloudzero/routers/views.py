"""Views, costlake's own (the seed names ``view_id`` but has no view endpoints): create,
list and get the saved filters budgets watch (core: :mod:`costlake.budgets.service`)."""

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.budgets import service
from costlake.budgets.schemas import View, ViewPage
from costlake.dialects.cloudzero import budgets as translate
from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.cloudzero.insights import integer, window
from costlake.dialects.cloudzero.schemas_budgets import ViewIn, ViewOut, ViewsResponse
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.platform import Platform

BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Bad request."}
}
MISSING: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "View not found."}
}
PAGE = Annotated[str | None, Query(description="Page number (an integer, from 1).")]
PAGE_SIZE = Annotated[str | None, Query(description="Results per page (an integer, 1-100).")]

TAGS: list[str | Enum] = ["Views (costlake)"]


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    reader = Annotated[Principal, needs(dialect, "budgets:read")]
    writer = Annotated[Principal, needs(dialect, "budgets:write")]

    @router.get("/v2/views", response_model=ViewsResponse, tags=TAGS)
    async def get_views(
        request: Request, who: reader, page: PAGE = None, page_size: PAGE_SIZE = None
    ) -> Response:
        """Returns the org's views, oldest first (costlake's own endpoint)."""
        platform: Platform = request.app.state.platform
        offset, limit = window(integer(page), integer(page_size))

        def read() -> ViewPage:
            with platform.session() as s:
                return service.views(s, who.org, offset, limit)

        got = await run_blocking(request, read)
        url = str(request.url.remove_query_params(["page", "page_size"]))
        return dialect.success(
            translate.listing(got.items, got.total, offset, limit, url, translate.view_shape)
        )

    @router.post("/v2/views", response_model=ViewOut, status_code=201, tags=TAGS,
                 responses=BAD)  # fmt: skip
    async def create_view(request: Request, who: writer, body: ViewIn) -> Response:
        """Creates a view: a named filter a budget can watch (costlake's own endpoint)."""
        platform: Platform = request.app.state.platform
        data = translate.view_input(**body.model_dump())

        def write() -> View:
            with platform.session() as s:
                return service.create_view(s, who.org, data)

        made = await run_blocking(request, write)
        return dialect.success({"data": translate.view_shape(made)}, status=201)

    @router.get("/v2/views/{view_id}", response_model=ViewOut, tags=TAGS,
                responses=MISSING)  # fmt: skip
    async def get_one_view(request: Request, who: reader, view_id: str) -> Response:
        """Returns a single view by its identifier (costlake's own endpoint)."""
        platform: Platform = request.app.state.platform

        def read() -> View:
            with platform.session() as s:
                return service.get_view(s, who.org, view_id)

        return dialect.success({"data": translate.view_shape(await run_blocking(request, read))})
