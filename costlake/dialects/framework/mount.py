"""Putting the registered dialects on one FastAPI app."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.openapi import openapi_document
from costlake.dialects.framework.ownership import PathOwners
from costlake.dialects.responses import OrjsonResponse


def mount_dialects(app: FastAPI, dialects: Sequence[Dialect]) -> dict[str, dict[str, Any]]:
    """Include every dialect's routes; answer unknown paths, wrong methods and OPTIONS in the
    owning dialect's body. Returns each dialect's OpenAPI document by name."""
    owners: PathOwners[Dialect] = PathOwners(dialects)
    app.add_middleware(HeadAsGet, owns=lambda path: owners.owner(path) is not None)
    documents: dict[str, dict[str, Any]] = {}
    routers: dict[str, APIRouter] = {}
    for dialect in dialects:
        router = routers[dialect.name] = dialect.routes()
        app.include_router(router)
        documents[dialect.name] = openapi_document(dialect, router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Unknown paths and methods: in the error format of the dialect that owns the path
        prefix, so a client only ever parses its own vendor's error body. OPTIONS is
        answered with the methods a path allows."""
        allow = (exc.headers or {}).get("Allow")
        owner = owners.owner(request.url.path)
        if exc.status_code == 405 and owner is not None:
            allow = allowed_methods(routers[owner.name], request) or allow
        if exc.status_code == 405 and request.method == "OPTIONS" and allow:
            return Response(status_code=204, headers={"Allow": f"{allow}, OPTIONS"})
        if exc.status_code == 405 and allow:
            exc.headers = {"Allow": f"{allow}, OPTIONS"}
        if owner is not None:
            return owner.render_error(exc)
        code = "NOT_FOUND" if exc.status_code == 404 else "HTTP_ERROR"
        return OrjsonResponse(
            {"error": code, "message": str(exc.detail), "code": code},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    return documents


def allowed_methods(router: APIRouter, request: Request) -> str | None:
    """Every method some route of ``router`` serves at the request's path. Starlette names
    only the first route that matches the path, so ``/v2/insights`` with a GET route and a
    POST route would answer ``Allow: GET``."""
    methods: set[str] = set()
    for route in router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches({**request.scope, "method": "GET"})
            if match is not Match.NONE:
                methods |= route.methods
    methods.discard("HEAD")
    order = ("GET", "POST", "PUT", "PATCH", "DELETE")
    ranked = sorted(methods, key=lambda m: (order.index(m) if m in order else 9, m))
    return ", ".join(ranked) or None


class HeadAsGet:
    """HEAD on a dialect's path is answered as GET without the body (RFC 9110: same headers,
    no content), instead of 405."""

    def __init__(self, app: ASGIApp, owns: Callable[[str], bool]) -> None:
        self.app = app
        self.owns = owns

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or not self.owns(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
