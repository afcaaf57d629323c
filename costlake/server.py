"""The HTTP server: ``create_app(settings)`` mounts every dialect over one platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from costlake.config import Settings
from costlake.dialects.base import openapi_document
from costlake.dialects.registry import dialects
from costlake.dialects.responses import OrjsonResponse
from costlake.platform import Platform


def create_app(settings: Settings | None = None, *, platform: Platform | None = None) -> FastAPI:
    """The ASGI app. Pass ``platform`` to share one already started (tests, the demo)."""
    settings = settings or (platform.settings if platform else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = platform is None
        app.state.platform = platform or Platform.start(settings)
        try:
            yield
        finally:
            if owned:
                app.state.platform.close()

    app = FastAPI(
        title="costlake",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=OrjsonResponse,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    if platform is not None:
        app.state.platform = platform
    documents: dict[str, dict[str, Any]] = {}
    for dialect in dialects():
        router = dialect.routes()
        app.include_router(router)
        documents[dialect.name] = openapi_document(dialect, router)

    @app.get("/openapi/{dialect}.json", include_in_schema=False)
    async def dialect_openapi(dialect: str, request: Request) -> OrjsonResponse:
        """Each dialect's own OpenAPI document."""
        doc = documents.get(dialect)
        if doc is None:
            return OrjsonResponse(
                {"error": "NOT_FOUND", "message": f"no dialect {dialect!r}", "code": "NOT_FOUND"},
                status_code=404,
            )
        base = str(request.base_url).rstrip("/")
        return OrjsonResponse({**doc, "servers": [{"url": base}]})

    registered = dialects()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Unknown paths and methods: in the error format of the dialect that owns the path
        prefix, so a client only ever parses its own vendor's error body."""
        path = request.url.path
        for dialect in registered:
            if any(path.startswith(p) for p in dialect.path_prefixes):
                return dialect.error_response(exc, exc.status_code)
        code = "NOT_FOUND" if exc.status_code == 404 else "HTTP_ERROR"
        return OrjsonResponse(
            {"error": code, "message": str(exc.detail), "code": code}, status_code=exc.status_code
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
