"""OpenTelemetry GenAI usage into the lake without HTTP: parsing, pricing, re-sent batches
counted once, malformed payloads refused with nothing stored."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.focus.scan import scan
from costlake.platform import Platform
from costlake.telemetry.otlp import usage_of
from costlake.telemetry.prices import PriceTable
from costlake.telemetry.service import record_usage
from tests.lineitems.rows import ai_rows
from tests.telemetry.payloads import span, token_metric, traces

AT = datetime(2025, 1, 15, 10, 30)


@pytest.fixture
def platform(tmp_path: Path) -> Platform:
    p = Platform.start(Settings(home=tmp_path / "home"))
    yield p  # type: ignore[misc]
    p.close()


def send(platform: Platform, doc: object) -> None:
    record_usage(
        platform,
        "acme",
        usage_of(doc),
        PriceTable(platform.settings.home),
        platform.settings.home / "tmp",
    )


def stored(platform: Platform) -> list[tuple[object, ...]]:
    files = platform.lake.snapshot("acme").files()
    if not files:
        return []
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT ProviderName, ServiceName, ConsumedQuantity, BilledCost, Tags->>'user_email', "
            f"SubAccountId FROM {scan(files)} ORDER BY ChargePeriodStart, ServiceName"
        ).fetchall()


class TestPrices:
    def test_a_dated_model_takes_its_family_price_and_cached_tokens_are_cheaper(self) -> None:
        price = PriceTable().find("openai", "gpt-4o-2024-08-06")
        assert price is not None and price.input == Decimal("2.5")
        assert price.cost(1_000_000, 0, 400_000) == Decimal("2.0")  # 600k x 2.5 + 400k x 1.25
        assert PriceTable().find("openai", "gpt-4o-mini-2024-07-18").input == Decimal("0.15")  # type: ignore[union-attr]

    def test_an_installation_overrides_the_table_without_a_release(self, tmp_path: Path) -> None:
        (tmp_path / "model_prices.json").write_text(
            json.dumps(
                {
                    "openai": {"gpt-4o": {"input": 1, "output": 2}},
                    "acme-ai": {"m1": {"input": 3, "output": 4}},
                }
            )
        )
        table = PriceTable(tmp_path)
        assert table.find("openai", "gpt-4o").input == Decimal(1)  # type: ignore[union-attr]
        assert table.find("acme-ai", "m1").output == Decimal(4)  # type: ignore[union-attr]
        assert table.find("openai", "gpt-4o-mini").input == Decimal("0.15")  # type: ignore[union-attr]


class TestRecording:
    def test_malformed_payloads_are_refused_and_nothing_is_stored(self, platform: Platform) -> None:
        bad = traces(span("0000000000000001", AT, "gpt-4o", 10, 5))
        bad["resourceSpans"][0]["scopeSpans"][0]["spans"].append(
            {**span("0000000000000002", AT, "gpt-4o", 1, 1), "startTimeUnixNano": "soon"}
        )
        for doc, says in (
            ([], "OTLP JSON object"),
            ({"x": 1}, "neither"),
            (bad, "Unix nanoseconds"),
        ):
            with pytest.raises(InvalidInput, match=says):
                send(platform, doc)
        assert stored(platform) == []

    def test_spans_are_priced_rows_and_a_resent_batch_counts_once(self, platform: Platform) -> None:
        doc = traces(
            span("0000000000000001", AT, "gpt-4o", 1_000_000, 100_000, user_email="ana@acme.io"),
            span("0000000000000002", AT, "unknown-model", 10, 5, project_id="proj_1"),
            {"traceId": "aa", "spanId": "bb", "name": "GET /", "startTimeUnixNano": "1"},
        )
        send(platform, doc)
        send(platform, doc)
        assert stored(platform) == [
            ("OpenAI", "gpt-4o", Decimal(1_100_000), Decimal("3.5"), "ana@acme.io", None),
            ("OpenAI", "unknown-model", Decimal(15), Decimal(0), None, "proj_1"),
        ]

    def test_a_later_cumulative_point_replaces_the_earlier_one(self, platform: Platform) -> None:
        start = datetime(2025, 1, 15, 9)
        send(platform, token_metric(start, AT, {"input": 1000, "output": 100}))
        send(
            platform, token_metric(start, datetime(2025, 1, 15, 11), {"input": 3000, "output": 200})
        )
        rows = stored(platform)
        assert sorted(r[2] for r in rows) == [Decimal(200), Decimal(3000)]
        assert (
            sum(r[3] for r in rows)
            == Decimal(3000) * Decimal("0.15") / 10**6 + Decimal(200) * Decimal("0.6") / 10**6
        )

    def test_rows_of_the_source_without_a_use_id_are_kept(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        pq.write_table(ai_rows(40), tmp_path / "by-hand.parquet")
        platform.ingestor().ingest([tmp_path / "by-hand.parquet"], org="acme", source="otel")
        send(platform, traces(span("0000000000000001", AT, "gpt-4o", 10, 5)))
        assert len(stored(platform)) == 41
