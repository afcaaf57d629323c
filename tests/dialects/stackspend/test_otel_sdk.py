"""The real OpenTelemetry Python SDK sends GenAI spans and token metrics to a live server,
configured as the docs say (``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_EXPORTER_OTLP_HEADERS``
with the StackSpend key): with its OTLP/HTTP protobuf exporters, and as OTLP/JSON. The
priced rows then appear in line items and in the daily rollup.

The SDK's installed exporters (``opentelemetry-exporter-otlp-proto-http``) speak protobuf
only; the JSON tests send the SDK's own export request (its OTLP encoder's message) through
protobuf's JSON mapping, with ids in hex as OTLP/JSON writes them."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.json.http.metric_exporter import (
    OTLPMetricExporter as JsonMetricExporter,
)
from opentelemetry.exporter.otlp.json.http.trace_exporter import (
    OTLPSpanExporter as JsonSpanExporter,
)
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.dialects.stackspend.conftest import World

SCOPES = ["usage:write", "line_items:read", "rollups:read"]
RESOURCE = Resource.create({"service.name": "support-bot"})


def _nanos(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp()) * 1_000_000_000


def _chat_spans(provider: TracerProvider, day: date) -> None:
    """Three chat calls as a GenAI instrumentation records them: two gpt-4o (one with
    cached input tokens), one claude model, a project and a user on the span."""
    tracer = provider.get_tracer("opentelemetry.instrumentation.openai")
    calls: list[tuple[str, str, int, int, dict[str, Any]]] = [
        ("openai", "gpt-4o-2024-08-06", 1_000_000, 100_000, {"user.email": "ana@acme.io"}),
        ("openai", "gpt-4o", 400_000, 0,
         {"gen_ai.usage.cache_read.input_tokens": 400_000, "project_id": "proj_sdk"}),
        ("anthropic", "claude-sonnet-4", 1_000_000, 0, {}),
    ]  # fmt: skip
    for i, (system, model, tokens_in, tokens_out, extra) in enumerate(calls):
        start = _nanos(datetime.combine(day, datetime.min.time()) + timedelta(hours=9 + i))
        span = tracer.start_span(
            f"chat {model}",
            start_time=start,
            attributes={
                "gen_ai.operation.name": "chat", "gen_ai.system": system,
                "gen_ai.request.model": model, "gen_ai.response.model": model,
                "gen_ai.usage.input_tokens": tokens_in,
                "gen_ai.usage.output_tokens": tokens_out, **extra,
            },
        )  # fmt: skip
        span.end(end_time=start + 2_000_000_000)
    tracer.start_span("GET /health").end()  # not GenAI: ignored


def _token_metrics(provider: MeterProvider) -> None:
    histogram = provider.get_meter("opentelemetry.instrumentation.openai").create_histogram(
        "gen_ai.client.token.usage", unit="{token}"
    )
    common = {"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini"}
    histogram.record(600_000, {**common, "gen_ai.token.type": "input"})
    histogram.record(400_000, {**common, "gen_ai.token.type": "input"})
    histogram.record(1_000_000, {**common, "gen_ai.token.type": "output"})


EXPECTED_SPANS = [
    # model, cost: gpt-4o is 2.50 in (1.25 cached), 10 out; claude-sonnet-4 3 in
    ("claude-sonnet-4", 3.0, None, None),
    ("gpt-4o", 0.5, "proj_sdk", None),
    ("gpt-4o-2024-08-06", 3.5, None, "ana@acme.io"),
]
EXPECTED_METRICS = [("gpt-4o-mini", 0.15, None, None), ("gpt-4o-mini", 0.6, None, None)]


@pytest.fixture
def sdk_env(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The documented exporter configuration, pointing at the live server."""
    headers = world.headers(SCOPES, org="sdkco")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"{world.server.url}/api/v1/otel-ingest")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"X-API-Key={headers['X-API-Key']}")
    yield headers


def _items(world: World, headers: dict[str, str], day: date) -> list[tuple[object, ...]]:
    params = {"start_date": day.isoformat(), "end_date": day.isoformat(), "limit": 1000}
    with world.client() as c:
        r = c.get("/api/v1/public/line-items", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return sorted(
        (i["provider_service"], i["net_amount_usd"], i["project_id"], i["user_email"])
        for i in r.json()["data"]
    )


def _rollup(world: World, headers: dict[str, str], day: date) -> dict[str, float]:
    params = {"start_date": day.isoformat(), "end_date": day.isoformat(), "group_by": "provider"}
    with world.client() as c:
        r = c.get("/api/v1/public/rollups/daily", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return {row["provider_type"]: row["cost_usd"] for row in r.json()["data"]}


class TestProtobufExporters:
    def test_spans_from_the_sdk_are_priced_into_line_items_and_rollups(
        self, world: World, sdk_env: dict[str, str]
    ) -> None:
        day = date(2025, 3, 4)
        provider = TracerProvider(resource=RESOURCE)
        exporter = OTLPSpanExporter()  # endpoint and key from the environment, + /v1/traces
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        _chat_spans(provider, day)
        provider.shutdown()
        assert _items(world, sdk_env, day) == EXPECTED_SPANS
        assert _rollup(world, sdk_env, day) == {"anthropic": 3.0, "openai": 4.0}

    def test_token_metrics_from_the_sdk_are_counted_once(
        self, world: World, sdk_env: dict[str, str]
    ) -> None:
        reader = PeriodicExportingMetricReader(
            OTLPMetricExporter(), export_interval_millis=3_600_000
        )
        provider = MeterProvider(resource=RESOURCE, metric_readers=[reader])
        _token_metrics(provider)
        provider.force_flush()  # a cumulative export, then the same points again at shutdown
        provider.shutdown()
        today = datetime.now(UTC).date()
        got = _items(world, sdk_env, today)
        if not got:  # the points were stamped just before midnight UTC
            today -= timedelta(days=1)
            got = _items(world, sdk_env, today)
        assert got == EXPECTED_METRICS
        assert _rollup(world, sdk_env, today)["openai"] == 0.75


class TestJsonExporters:
    """The SDK's OTLP/HTTP JSON exporters (``opentelemetry-exporter-otlp-json-http``),
    configured the same documented way: ``Content-Type: application/json``, hex ids."""

    def test_spans_from_the_json_exporter_are_priced(self, world: World) -> None:
        day = date(2025, 3, 6)
        headers = world.headers(SCOPES, org="sdkjsonexp")
        endpoint = f"{world.server.url}/api/v1/otel-ingest/v1/traces"
        exporter = JsonSpanExporter(endpoint=endpoint, headers=headers)
        provider = TracerProvider(resource=RESOURCE)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        _chat_spans(provider, day)
        provider.shutdown()
        assert _items(world, headers, day) == EXPECTED_SPANS
        assert _rollup(world, headers, day) == {"anthropic": 3.0, "openai": 4.0}

    def test_token_metrics_from_the_json_exporter_are_counted_once(self, world: World) -> None:
        headers = world.headers(SCOPES, org="sdkjsonmet")
        endpoint = f"{world.server.url}/api/v1/otel-ingest/v1/metrics"
        reader = PeriodicExportingMetricReader(
            JsonMetricExporter(endpoint=endpoint, headers=headers),
            export_interval_millis=3_600_000,
        )
        provider = MeterProvider(resource=RESOURCE, metric_readers=[reader])
        _token_metrics(provider)
        provider.force_flush()
        provider.shutdown()
        today = datetime.now(UTC).date()
        got = _items(world, headers, today)
        if not got:  # the points were stamped just before midnight UTC
            today -= timedelta(days=1)
            got = _items(world, headers, today)
        assert got == EXPECTED_METRICS


def _otlp_json_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """OTLP/JSON writes trace and span ids in hex, protobuf's JSON mapping in base64."""
    for rs in doc.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    return doc


class TestJsonEncoding:
    def test_the_sdks_spans_and_metrics_as_otlp_json(self, world: World) -> None:
        headers = world.headers(SCOPES, org="sdkjson")
        day = date(2025, 3, 5)
        spans = InMemorySpanExporter()
        tracer_provider = TracerProvider(resource=RESOURCE)
        tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
        _chat_spans(tracer_provider, day)
        reader = InMemoryMetricReader()
        _token_metrics(MeterProvider(resource=RESOURCE, metric_readers=[reader]))
        metrics = reader.get_metrics_data()
        assert metrics is not None
        bodies = {
            "traces": _otlp_json_ids(MessageToDict(encode_spans(spans.get_finished_spans()))),
            "metrics": MessageToDict(encode_metrics(metrics)),
        }
        with httpx.Client(base_url=world.server.url, timeout=60) as c:
            for kind, body in bodies.items():
                r = c.post(f"/api/v1/otel-ingest/v1/{kind}", json=body, headers=headers)
                assert r.status_code == 200, r.text
                assert r.json()["data"]["unpriced"] == 0
        assert _items(world, headers, day) == EXPECTED_SPANS
        assert _rollup(world, headers, day) == {"anthropic": 3.0, "openai": 4.0}
        today = datetime.now(UTC).date()
        assert EXPECTED_METRICS[0] in _items(world, headers, today) + _items(
            world, headers, today - timedelta(days=1)
        )
