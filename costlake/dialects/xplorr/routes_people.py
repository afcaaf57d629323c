"""Xplorr people and API tokens."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import limited, needs
from costlake.dialects.xplorr import schemas as s
from costlake.dialects.xplorr import translate
from costlake.dialects.xplorr.keys import XPLORR
from costlake.dialects.xplorr.router import PAGES, Work, signin
from costlake.errors import Unauthenticated
from costlake.kit.pagination import page_of
from costlake.users import people, tokens
from costlake.users.service import list_users


def add_people_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:  # noqa: C901, PLR0915
    @router.get("/api/v1/users", response_model=s.UserPage)
    async def list_people(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:read")],
        page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
        limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    ) -> Response:
        """List org users (admin: all, member: self)."""
        wanted = PAGES.request(page, limit)

        def run(x: Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            found = page_of(list(people.visible(x, who)), wanted)
            return [translate.user(u) for u in found.items], PAGES.meta(found)

        data, meta = await work(request, run)
        return dialect.success(data, meta=meta)

    @router.get("/api/v1/users/{user_id}", response_model=s.UserOut)
    async def get_person(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")], user_id: int
    ) -> Response:
        """Get user details."""
        found = await work(request, lambda x: translate.user(people.get_person(x, who, user_id)))
        return dialect.success(found)

    @router.patch("/api/v1/users/{user_id}", response_model=s.UserOut)
    async def update_person(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        user_id: int,
        body: s.UpdateUserBody,
    ) -> Response:
        """Update user profile or role."""
        changed = await work(
            request,
            lambda x: translate.user(
                people.update_person(x, who, user_id, name=body.name, role=body.role)
            ),
        )
        return dialect.success(changed)

    @router.delete("/api/v1/users/{user_id}", response_model=s.UserOut)
    async def deactivate_person(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        user_id: int,
    ) -> Response:
        """Deactivate user (admin): its sessions, tokens and keys stop."""
        gone = await work(
            request, lambda x: translate.user(people.deactivate_person(x, who, user_id))
        )
        return dialect.success(gone)

    @router.get("/api/v1/tokens", response_model=s.ApiTokenPage)
    async def list_tokens(
        request: Request,
        who: Annotated[Principal, needs(dialect, "keys:read")],
        page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
        limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    ) -> Response:
        """List API tokens (an admin: the org's; a member: its own)."""
        wanted = PAGES.request(page, limit)

        def run(x: Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            emails = {u.id: u.email for u in list_users(x, who.org)}
            found = page_of(list(tokens.visible_tokens(x, who)), wanted)
            return [translate.api_token(k, emails) for k in found.items], PAGES.meta(found)

        data, meta = await work(request, run)
        return dialect.success(data, meta=meta)

    @router.post("/api/v1/tokens", status_code=201, response_model=s.ApiTokenCreated)
    async def create_token(
        request: Request,
        who: Annotated[Principal, needs(dialect, "keys:write", rate_class="write")],
        body: s.CreateTokenBody,
    ) -> Response:
        """Create API token (an xplorr_ token, shown once)."""

        def run(x: Session) -> dict[str, Any]:
            key, secret = tokens.create_token(
                x, who, body.name, body.scopes, XPLORR, body.expires_at
            )
            emails = {u.id: u.email for u in list_users(x, who.org)}
            return {**translate.api_token(key, emails), "token": secret}

        return dialect.success(await work(request, run), status=201)

    @router.delete("/api/v1/tokens/{token_id}", status_code=204)
    async def revoke_token(
        request: Request,
        who: Annotated[Principal, needs(dialect, "keys:write", rate_class="write")],
        token_id: int,
    ) -> Response:
        """Revoke API token."""
        await work(request, lambda x: tokens.revoke_token(x, who, token_id))
        return Response(status_code=204)

    @router.post(
        "/api/v1/tokens/exchange", response_model=s.ExchangeOut,
        dependencies=[limited(dialect, "exchange")],
    )  # fmt: skip
    async def exchange(request: Request) -> Response:
        """Exchange xplorr_ token (Authorization: Bearer) for JWT (used by MCP server)."""
        kind, _, secret = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() != "bearer" or not XPLORR.matches(secret.strip()):
            raise Unauthenticated("send the xplorr_ token as 'Authorization: Bearer <token>'",
                                  reason="missing")  # fmt: skip
        flows = signin(request)
        jwt, ttl = await work(request, lambda x: flows.exchange(x, secret.strip()))
        return dialect.success({"access_token": jwt, "token_type": "Bearer", "expires_in": ttl})
