"""Budgets: list, create, get, replace and delete spend limits (core:
:mod:`costlake.budgets.service`; evaluation and mail run on the scheduler)."""

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.budgets import service
from costlake.budgets.schemas import Budget, BudgetPage
from costlake.dialects.cloudzero import budgets as translate
from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.cloudzero.insights import integer, window
from costlake.dialects.cloudzero.schemas_budgets import BudgetIn, BudgetOut, BudgetsResponse
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.platform import Platform

BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Bad request."}
}
MISSING: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Budget not found."}
}
PAGE = Annotated[str | None, Query(description="Page number (an integer, from 1).")]
PAGE_SIZE = Annotated[str | None, Query(description="Results per page (an integer, 1-100).")]

TAGS: list[str | Enum] = ["Budgets"]


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    reader = Annotated[Principal, needs(dialect, "budgets:read")]
    writer = Annotated[Principal, needs(dialect, "budgets:write")]

    @router.get("/v2/budgets", response_model=BudgetsResponse, tags=TAGS)
    async def get_budgets(
        request: Request, who: reader, page: PAGE = None, page_size: PAGE_SIZE = None
    ) -> Response:
        """Returns a list of all budgets."""
        platform: Platform = request.app.state.platform
        offset, limit = window(integer(page), integer(page_size))

        def read() -> BudgetPage:
            with platform.session() as s:
                return service.page(s, who.org, offset, limit)

        got = await run_blocking(request, read)
        url = str(request.url.remove_query_params(["page", "page_size"]))
        return dialect.success(
            translate.listing(got.items, got.total, offset, limit, url, translate.shape)
        )

    @router.post("/v2/budgets", response_model=BudgetOut, status_code=201, tags=TAGS,
                 responses=BAD)  # fmt: skip
    async def create_budget(request: Request, who: writer, body: BudgetIn) -> Response:
        """Creates a new budget linked to a View for tracking spend against business metrics."""
        platform: Platform = request.app.state.platform
        data = translate.to_input(**body.model_dump())

        def write() -> Budget:
            with platform.session() as s:
                return service.create(s, who.org, data, account_ids=who.account_ids)

        made = await run_blocking(request, write)
        return dialect.success({"data": translate.shape(made)}, status=201)

    @router.get("/v2/budgets/{budget_id}", response_model=BudgetOut, tags=TAGS,
                responses=MISSING)  # fmt: skip
    async def get_one_budget(request: Request, who: reader, budget_id: str) -> Response:
        """Returns a single budget by its identifier."""
        platform: Platform = request.app.state.platform

        def read() -> Budget:
            with platform.session() as s:
                return service.get(s, who.org, budget_id)

        return dialect.success({"data": translate.shape(await run_blocking(request, read))})

    @router.put("/v2/budgets/{budget_id}", response_model=BudgetOut, tags=TAGS,
                responses={**BAD, **MISSING})  # fmt: skip
    async def update_one_budget(
        request: Request, who: writer, budget_id: str, body: BudgetIn
    ) -> Response:
        """Updates an existing budget (every field is replaced)."""
        platform: Platform = request.app.state.platform
        data = translate.to_input(**body.model_dump())

        def write() -> Budget:
            with platform.session() as s:
                return service.replace(s, who.org, budget_id, data, account_ids=who.account_ids)

        return dialect.success({"data": translate.shape(await run_blocking(request, write))})

    @router.delete("/v2/budgets/{budget_id}", status_code=204, tags=TAGS,
                   responses=MISSING)  # fmt: skip
    async def delete_one_budget(request: Request, who: writer, budget_id: str) -> Response:
        """Deletes a single budget by its identifier."""
        platform: Platform = request.app.state.platform

        def remove() -> None:
            with platform.session() as s:
                service.delete(s, who.org, budget_id)

        await run_blocking(request, remove)
        return Response(status_code=204)
