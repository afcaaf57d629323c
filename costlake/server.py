"""The HTTP server: ``create_app(settings)`` mounts every dialect over one platform."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from costlake.config import Settings
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.mount import mount_dialects
from costlake.dialects.registry import install
from costlake.dialects.responses import OrjsonResponse
from costlake.platform import Platform
from costlake.web import mount_web


def create_app(
    settings: Settings | None = None,
    *,
    platform: Platform | None = None,
    dialects: Sequence[Dialect] | None = None,
) -> FastAPI:
    """The ASGI app. Pass ``platform`` to share one already started (tests, the demo), and
    ``dialects`` to mount others than the registered ones (the framework's own tests)."""
    settings = settings or (platform.settings if platform else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = platform is None
        app.state.platform = platform or Platform.start(settings)
        if owned:  # an app that made its platform runs its jobs (COSTLAKE_SCHEDULER)
            app.state.platform.start_scheduler()
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
    registered = install()
    documents = mount_dialects(app, registered if dialects is None else dialects)
    mount_web(app, lambda: list(documents))

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

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
