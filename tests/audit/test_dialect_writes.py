"""Every dialect's writes land in the audit log, through the one hook in the framework:
CloudZero's insights, StackSpend's OpenTelemetry ingest (Xplorr's are in
tests/dialects/xplorr/test_audit.py). A POST that only reads (CloudZero's cost query) and
a refused write are not recorded. CloudExpat and Kubecost serve no writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from costlake.audit.schemas import AuditFilter
from costlake.audit.service import list_entries
from costlake.auth.principals import Principal, PrincipalKind
from costlake.config import Settings
from costlake.dialects.framework.audit import action_name, route_action
from costlake.dialects.registry import install
from costlake.keys.service import create_key
from costlake.kit.pagination import PageRequest
from costlake.platform import Platform
from tests.dialects.live import LiveServer, live_server
from tests.telemetry.payloads import span, traces


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    home: Path = tmp_path_factory.mktemp("audit")
    platform = Platform.start(Settings(home=home, credential_cache_seconds=0))
    try:
        with live_server(platform) as live:
            yield live
    finally:
        platform.close()


def key(server: LiveServer, org: str, style: str, scopes: list[str]) -> str:
    with server.platform.session() as s:
        return create_key(s, org, f"{style} key", scopes, style)[1]


def logged(server: LiveServer, org: str) -> list[tuple[str, str, str, str | None]]:
    admin = Principal(PrincipalKind.API_KEY, org, "test", frozenset({"*"}), None)
    with server.platform.session() as s:
        page = list_entries(s, admin, AuditFilter(), PageRequest(0, 100))
    return [(e.action, e.actor, e.target, e.method) for e in reversed(page.items)]


class TestActionNames:
    @pytest.mark.parametrize(
        "method, path, name",
        [
            ("POST", "/v2/insights", "cz.insights.create"),
            ("PUT", "/v2/insights/{insight_id}", "cz.insights.update"),
            ("DELETE", "/api/v1/users/{user_id}/accounts/{account_id}", "cz.users.accounts.delete"),
            ("POST", "/api/v1/users/{user_id}/accounts", "cz.users.accounts.create"),
            ("POST", "/api/v1/auth/2fa/setup", "cz.auth.2fa.setup"),
            ("POST", "/api/v1/otel-ingest/v1/traces", "cz.otel-ingest.traces"),
            ("PATCH", "/api/v1/organizations/current", "cz.organizations.current.update"),
        ],
    )
    def test_named_from_the_route(self, method: str, path: str, name: str) -> None:
        assert action_name("cz", path, method) == name

    def test_every_write_route_of_every_dialect_has_an_action_and_no_read_does(self) -> None:
        for dialect in install():
            for route in dialect.routes().routes:
                assert isinstance(route, APIRoute)
                action = route_action(dialect.name, route)
                if route.methods <= {"GET", "HEAD"}:
                    assert action is None, route.path
                elif action is not None:
                    assert action.startswith(f"{dialect.name}.")


class TestDialectWrites:
    def test_cloudzero_insight_writes_are_recorded_and_a_cost_query_is_not(
        self, server: LiveServer
    ) -> None:
        secret = key(server, "cz-org", "cloudzero", ["*"])
        body = {"name": "EC2", "filters": {"Service": ["Amazon EC2"]}, "group_by": ["Account"]}
        with server.client(Authorization=secret) as c:
            made = c.post("/v2/insights", json=body)
            assert made.status_code == 201, made.text
            insight = made.json()["data"]["id"]
            assert c.put(f"/v2/insights/{insight}", json=body).status_code == 200
            assert c.put("/v2/insights/nope", json=body).status_code == 404
            query = {"start": "2024-01-01", "end": "2024-02-01", "granularity": "monthly"}
            assert c.post("/v2/billing/costs", json=query).status_code in (200, 400)
            assert c.delete(f"/v2/insights/{insight}").status_code == 204
        assert logged(server, "cz-org") == [
            (
                "cloudzero.insights.create",
                "key cloudzero key",
                f"/v2/insights -> {insight}",
                "POST",
            ),
            ("cloudzero.insights.update", "key cloudzero key", f"/v2/insights/{insight}", "PUT"),
            ("cloudzero.insights.delete", "key cloudzero key", f"/v2/insights/{insight}", "DELETE"),
        ]

    def test_stackspend_otel_ingest_is_recorded(self, server: LiveServer) -> None:
        secret = key(server, "ss-org", "stackspend", ["usage:write"])
        doc = traces(span("00000000000000a1", datetime(2025, 2, 3, 12), "gpt-4o", 1_000, 0))
        headers = {"X-API-Key": secret, "Content-Type": "application/json"}
        with server.client(**headers) as c:
            r = c.post("/api/v1/otel-ingest/v1/traces", content=json.dumps(doc))
            assert r.status_code == 200, r.text
        assert logged(server, "ss-org") == [
            (
                "stackspend.otel-ingest.traces",
                "key stackspend key",
                "/api/v1/otel-ingest/v1/traces",
                "POST",
            )
        ]
