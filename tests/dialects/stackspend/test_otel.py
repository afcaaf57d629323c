"""OpenTelemetry ingest over HTTP: OTLP/HTTP JSON spans and metrics become priced rows that
line items and rollups show; the refusals in the envelope."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pytest

from tests.dialects.stackspend.conftest import World
from tests.telemetry import protowire
from tests.telemetry.payloads import span, token_metric, traces

AT = datetime(2025, 2, 3, 12)
DAY = {"start_date": "2025-02-03", "end_date": "2025-02-03"}


class TestOtelIngest:
    def test_spans_and_metrics_appear_in_line_items_and_rollups(self, world: World) -> None:
        headers = world.headers(["usage:write", "line_items:read", "rollups:read"], org="otelco")
        spans = traces(
            span("00000000000000a1", AT, "gpt-4o", 2_000_000, 0, user_email="ana@otel.co"),
            span("00000000000000a2", AT, "gpt-4o-mini", 1_000_000, 0, project_id="proj_9"),
        )
        with world.client() as c:
            for path, doc in (
                ("/api/v1/otel-ingest/v1/traces", spans),
                ("/api/v1/otel-ingest", spans),  # re-sent: counted once
                ("/api/v1/otel-ingest/v1/metrics", token_metric(AT, AT, {"output": 1_000_000})),
            ):
                r = c.post(
                    path,
                    content=json.dumps(doc),
                    headers={**headers, "Content-Type": "application/json"},
                )
                assert r.status_code == 200, r.text
                assert r.json()["error"] is None and r.json()["data"]["unpriced"] == 0
            items = c.get("/api/v1/public/line-items", params=DAY, headers=headers).json()["data"]
            rollup = c.get(
                "/api/v1/public/rollups/daily",
                params={**DAY, "group_by": "provider"},
                headers=headers,
            ).json()["data"]
        got = sorted(
            (i["provider_service"], i["net_amount_usd"], i["project_id"], i["user_email"])
            for i in items
        )
        assert got == [
            ("gpt-4o", 5.0, None, "ana@otel.co"),
            ("gpt-4o-mini", 0.15, "proj_9", None),
            ("gpt-4o-mini", 0.6, None, None),
        ]
        assert rollup == [
            {
                "date": "2025-02-03",
                "cost_usd": 5.75,
                "provider_type": "openai",
                "service": None,
                "category": None,
            }
        ]

    def test_gzip_bodies_are_read(self, world: World) -> None:
        body = gzip.compress(
            json.dumps(traces(span("00000000000000b1", AT, "o3", 10, 10))).encode()
        )
        headers = {**world.headers(["usage:write"], org="otelgz"), "Content-Encoding": "gzip",
                   "Content-Type": "application/json"}  # fmt: skip
        with world.client() as c:
            r = c.post("/api/v1/otel-ingest/v1/traces", content=body, headers=headers)
        assert r.status_code == 200 and r.json()["data"]["accepted"] == 1

    def test_a_body_over_16_mib_is_payload_too_large_also_after_gzip(self, world: World) -> None:
        headers = {**world.headers(["usage:write"], org="otelbig"),
                   "Content-Type": "application/json"}  # fmt: skip
        bomb = gzip.compress(b" " * (17 * 2**20))
        with world.client() as c:
            for body, extra in ((bomb, {"Content-Encoding": "gzip"}), (b" " * (17 * 2**20), {})):
                r = c.post("/api/v1/otel-ingest", content=body, headers={**headers, **extra})
                assert r.status_code == 413, r.text
                assert r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
        assert world.platform.lake.snapshot("otelbig").is_empty

    @pytest.mark.parametrize(
        "content, content_type, status, code",
        [
            (b"{not json", "application/json", 422, "VALIDATION_ERROR"),
            (b'{"resourceSpans": 3}', "application/json", 422, "VALIDATION_ERROR"),
            (b"\x0a\x02\x08\x01", "application/x-protobuf", 422, "VALIDATION_ERROR"),
        ],
    )
    def test_malformed_payloads_are_refused_and_nothing_is_stored(
        self, world: World, content: bytes, content_type: str, status: int, code: str
    ) -> None:
        headers = {**world.headers(["usage:write"], org="otelbad"), "Content-Type": content_type}
        with world.client() as c:
            r = c.post("/api/v1/otel-ingest", content=content, headers=headers)
            assert r.status_code == status and r.json()["error"]["code"] == code, r.text
            pb = {**headers, "Content-Type": "application/x-protobuf"}
            cut = c.post("/api/v1/otel-ingest/v1/traces", content=b"\x0a\x80", headers=pb)
            assert cut.status_code == 422 and "protobuf" in cut.json()["error"]["message"]
        assert world.platform.lake.snapshot("otelbad").is_empty

    def test_protobuf_spans_are_stored_as_their_json_would_be(self, world: World) -> None:
        doc = traces(span("00000000000000c1", AT, "gpt-4o", 1_000_000, 0, project_id="p1"))
        headers = {**world.headers(["*"], org="otelpb"), "Content-Type": "application/x-protobuf"}
        with world.client() as c:
            r = c.post(
                "/api/v1/otel-ingest/v1/traces", content=protowire.traces(doc), headers=headers
            )
            assert r.status_code == 200 and r.json()["data"]["accepted"] == 1, r.text
            items = c.get("/api/v1/public/line-items", params=DAY, headers=headers).json()["data"]
        assert [(i["provider_service"], i["net_amount_usd"], i["project_id"]) for i in items] == [
            ("gpt-4o", 2.5, "p1")
        ]

    def test_a_key_without_usage_write_gets_invalid_scope(self, world: World) -> None:
        with world.client() as c:
            r = c.post(
                "/api/v1/otel-ingest", content=b"{}", headers=world.headers(["line_items:read"])
            )
        assert r.status_code == 403 and r.json()["error"]["code"] == "INVALID_SCOPE"
