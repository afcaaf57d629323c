"""The front page and the API documents, fetched over real HTTP with no internet needed."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from urllib.parse import urljoin

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from costlake.serving import listening_socket
from costlake.web import mount_web

DIALECTS = ("alpha", "beta")


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    sock = listening_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def app_with_dialects() -> FastAPI:
    """An app as create_app builds it: FastAPI's default (CDN) docs pages, and one OpenAPI
    document per dialect."""
    app = FastAPI(title="costlake")

    @app.get("/openapi/{name}.json")
    async def document(name: str) -> dict[str, object]:
        return {"openapi": "3.1.0", "info": {"title": name, "version": "1"}, "paths": {}}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_web(app, lambda: DIALECTS)
    return app


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve(app_with_dialects()) as url:
        yield url


def references(page: str) -> list[str]:
    return re.findall(r"""(?:href|src|url)\s*[:=]\s*['"]([^'"]+)['"]""", page)


class TestFrontPage:
    def test_says_what_the_server_is_and_its_version(self, base: str) -> None:
        r = httpx.get(f"{base}/")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert f"costlake {version('costlake')}" in r.text

    def test_links_every_dialects_documents_and_each_link_answers(self, base: str) -> None:
        links = references(httpx.get(f"{base}/").text)
        for name in DIALECTS:
            assert {f"/openapi/{name}.json", f"/docs?api={name}", f"/redoc?api={name}"} <= set(
                links
            )
        for link in links:
            assert httpx.get(urljoin(base, link)).status_code == 200, link

    @pytest.mark.parametrize("page", ["/", "/docs", "/redoc"])
    def test_head_answers_like_get(self, base: str, page: str) -> None:
        assert httpx.head(f"{base}{page}").status_code == 200

    def test_json_for_programs(self, base: str) -> None:
        body = httpx.get(f"{base}/", headers={"Accept": "application/json"}).json()
        assert body["version"] == version("costlake")
        assert [a["openapi"] for a in body["apis"]] == [f"/openapi/{n}.json" for n in DIALECTS]


class TestApiDocuments:
    @pytest.mark.parametrize("page", ["/docs", "/redoc"])
    def test_pages_load_nothing_from_other_hosts_and_their_assets_are_served(
        self, base: str, page: str
    ) -> None:
        r = httpx.get(f"{base}{page}?api=beta")
        assert r.status_code == 200
        refs = references(r.text)
        assert "/openapi/beta.json" in refs
        assert all(ref.startswith("/") for ref in refs), refs
        assert "cdn" not in r.text and "googleapis" not in r.text
        scripts = re.findall(r"""<script src=['"]([^'"]+)['"]""", r.text)
        assert scripts
        for ref in refs:
            asset = httpx.get(urljoin(base, ref))
            assert asset.status_code == 200 and asset.content, ref

    def test_default_is_the_first_dialect(self, base: str) -> None:
        assert "/openapi/alpha.json" in httpx.get(f"{base}/docs").text

    def test_an_unknown_api_is_404(self, base: str) -> None:
        assert httpx.get(f"{base}/docs?api=<script>").status_code == 404


def test_dashboard_url_is_the_front_page(tmp_path: object) -> None:
    """The Markdown report links Platform.dashboard_url: it must be a page that exists."""
    from urllib.parse import urlsplit

    from costlake.config import Settings
    from costlake.platform import Platform

    platform = Platform.start(Settings(home=tmp_path))  # type: ignore[arg-type]
    try:
        path = urlsplit(platform.dashboard_url).path
    finally:
        platform.close()
    with serve(app_with_dialects()) as url:
        assert httpx.get(f"{url}{path}").status_code == 200 and path == "/"


def test_with_the_real_app_the_offline_pages_replace_fastapis(tmp_path: object) -> None:
    """Over ``create_app``: FastAPI's CDN-backed /docs gives way to the offline one."""
    from starlette.routing import Route

    from costlake.config import Settings
    from costlake.dialects.registry import dialects
    from costlake.platform import Platform
    from costlake.server import create_app

    platform = Platform.start(Settings(home=tmp_path))  # type: ignore[arg-type]
    try:
        app = create_app(platform=platform)
        assert any(isinstance(r, Route) and r.path == "/" for r in app.router.routes)
        with serve(app) as url:
            page = httpx.get(f"{url}/docs").text
            assert "/static/api-docs/swagger-ui-bundle.js" in page and "cdn" not in page
            for d in dialects():
                assert f"/openapi/{d.name}.json" in httpx.get(f"{url}/").text
                assert httpx.get(f"{url}/openapi/{d.name}.json").status_code == 200
    finally:
        platform.close()
