"""Xplorr's sign-in and token endpoints, paths verbatim from the document.

Public routes carry :func:`limited` (a rate limit per client address, or address and
e-mail) instead of :func:`needs`; both render failures in Xplorr's body.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.pagination import NumberedPages
from costlake.dialects.framework.routing import (
    dialect_route_class,
)
from costlake.dialects.runner import run_blocking
from costlake.dialects.xplorr import schemas as s
from costlake.errors import CostlakeError, NotFound
from costlake.platform import Platform
from costlake.users.service import get_user

T = TypeVar("T")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": s.ErrorResponse, "description": "INVALID_REQUEST"},
    401: {"model": s.ErrorResponse, "description": "UNAUTHORIZED"},
    403: {"model": s.ErrorResponse, "description": "FORBIDDEN"},
    429: {"model": s.ErrorResponse, "description": "RATE_LIMITED, with Retry-After"},
    500: {"model": s.ErrorResponse, "description": "INTERNAL_ERROR"},
}
PAGES = NumberedPages(default_limit=25, max_limit=100)
SAME_ANSWER = "If an account exists for this e-mail address, a message has been sent to it."


def unit_of_work(platform: Platform, fn: Callable[[Session], T]) -> T:
    """``fn`` in one transaction that commits even when ``fn`` refuses with a costlake
    error: a refusal may have recorded something that must stick (a reused refresh
    token's revoked family, a wrong 2FA code's count)."""
    with platform.sessions() as session:
        try:
            result = fn(session)
        except CostlakeError:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result


def person(session: Session, who: Principal) -> Any:
    if who.user_id is None:
        raise NotFound("this credential belongs to the org, not to a person")
    return get_user(session, who.user_id)


Work = Callable[[Request, Callable[[Session], Any]], Awaitable[Any]]


def signin(request: Request) -> Any:
    return request.app.state.platform.signin


def build_router(dialect: Dialect) -> APIRouter:
    from costlake.dialects.xplorr.routes_audit import add_audit_routes
    from costlake.dialects.xplorr.routes_auth import add_auth_routes
    from costlake.dialects.xplorr.routes_orgs import add_org_routes
    from costlake.dialects.xplorr.routes_people import add_people_routes
    from costlake.dialects.xplorr.routes_sso import add_sso_routes
    from costlake.dialects.xplorr.routes_twofa import add_two_factor_routes
    from costlake.dialects.xplorr.routes_webauthn import add_webauthn_routes

    router = APIRouter(route_class=dialect_route_class(dialect), tags=["Xplorr"], responses=ERRORS)

    async def work(request: Request, fn: Callable[[Session], T]) -> T:
        platform: Platform = request.app.state.platform
        return await run_blocking(request, lambda: unit_of_work(platform, fn))

    add_auth_routes(router, dialect, work)
    add_two_factor_routes(router, dialect, work)
    add_webauthn_routes(router, dialect, work)
    add_sso_routes(router, dialect, work)
    add_org_routes(router, dialect, work)  # before /users/{user_id}
    add_people_routes(router, dialect, work)
    add_audit_routes(router, dialect, work)
    return router
