"""``/``, ``/docs`` and ``/redoc``: what this server is, and its API documents, offline.

FastAPI's own documentation pages load Swagger UI and ReDoc from a CDN, so they are blank
on a machine without internet access, which is where a self-hosted server often runs. The
scripts come instead from the installed ``fastapi-offline`` package and are served here.
Each dialect has its own OpenAPI document (``/openapi/<dialect>.json``); the pages take
``?api=<dialect>`` to choose one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from importlib.metadata import version as package_version
from importlib.resources import files

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles

ASSETS = "/static/api-docs"
DOC_PAGES = ("/docs", "/docs/oauth2-redirect", "/redoc")


def openapi_path(dialect: str) -> str:
    return f"/openapi/{dialect}.json"


def mount_web(app: FastAPI, dialects: Callable[[], Sequence[str]]) -> None:
    """Add ``/``, the offline ``/docs`` and ``/redoc``, and their static assets to ``app``.

    ``dialects`` names the dialects mounted (their documents are at
    ``/openapi/<name>.json``). FastAPI's CDN-backed pages, if the app was created with
    them, are removed: the first route matching a path wins, and theirs would hide these.
    """
    app.router.routes[:] = [
        r for r in app.router.routes if not (isinstance(r, Route) and r.path in DOC_PAGES)
    ]
    app.docs_url = app.redoc_url = None
    assets = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="api-docs-assets")
    version = package_version("costlake")

    def chosen(request: Request) -> str:
        names = list(dialects())
        name = request.query_params.get("api") or (names[0] if names else "")
        if name not in names:
            raise HTTPException(404, f"no API named {name!r}; known: {', '.join(names)}")
        return name

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def front_page(request: Request) -> Response:
        """What this server is, its version, and links to each API's documents."""
        names = list(dialects())
        if _wants_json(request):
            return JSONResponse(
                {
                    "name": "costlake",
                    "version": version,
                    "apis": [
                        {
                            "dialect": n,
                            "openapi": openapi_path(n),
                            "docs": f"/docs?api={n}",
                            "redoc": f"/redoc?api={n}",
                        }
                        for n in names
                    ],
                    "health": "/healthz",
                }
            )
        return HTMLResponse(_front_page_html(version, names))

    @app.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI for one dialect's OpenAPI document, with no CDN."""
        name = chosen(request)
        return get_swagger_ui_html(
            openapi_url=openapi_path(name),
            title=f"costlake - {name} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    @app.api_route("/redoc", methods=["GET", "HEAD"], include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        """ReDoc for one dialect's OpenAPI document, with no CDN and no web fonts."""
        name = chosen(request)
        return get_redoc_html(
            openapi_url=openapi_path(name),
            title=f"costlake - {name} API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _front_page_html(version: str, names: Sequence[str]) -> str:
    rows = "\n".join(
        f"<li><b>{e}</b>: "
        f'<a href="{openapi_path(e)}">OpenAPI document</a> · '
        f'<a href="/docs?api={e}">Swagger UI</a> · '
        f'<a href="/redoc?api={e}">ReDoc</a></li>'
        for e in map(html.escape, names)
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>costlake {html.escape(version)}</title>
<link rel="icon" href="{ASSETS}/favicon.png">
<style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;
padding:0 1rem;line-height:1.5}}code{{background:#f3f3f3;padding:0 .2rem}}</style></head>
<body>
<h1>costlake {html.escape(version)}</h1>
<p>A self-hosted cloud cost and carbon server. It answers cost questions over a FinOps
FOCUS cost lake through the APIs below, each as its vendor documents it. Every API call
needs an API key (<code>costlake keys create</code>).</p>
<h2>APIs</h2>
<ul>
{rows}
</ul>
<p>Health check: <a href="/healthz">/healthz</a>. The web console is not part of this
version yet.</p>
</body>
</html>
"""
