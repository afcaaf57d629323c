"""CloudZero's endpoints, one module per tag of its document; each adds its routes to the
dialect's one router (billing first: the contract suite probes the first route)."""

from typing import Any

from fastapi import APIRouter

from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import dialect_route_class

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Unauthorized. Invalid or missing API key."},
    403: {"model": ErrorResponse, "description": "Forbidden."},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded."},
}


def build_router(dialect: Dialect) -> APIRouter:
    from costlake.dialects.cloudzero.routers import (
        anycost,
        billing,
        budgets,
        insights,
        telemetry,
        views,
    )

    router = APIRouter(route_class=dialect_route_class(dialect), responses=ERRORS)
    billing.add_routes(router, dialect)
    insights.add_routes(router, dialect)
    budgets.add_routes(router, dialect)
    views.add_routes(router, dialect)
    anycost.add_routes(router, dialect)
    telemetry.add_routes(router, dialect)
    return router
