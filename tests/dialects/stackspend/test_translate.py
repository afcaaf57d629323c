"""StackSpend's translations without a server: the cursor round trip and its refusals,
line items and rollup rows in the document's shape."""

from __future__ import annotations

import base64
import gzip
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import orjson
import pytest

from costlake.anomalies.records import AnomalyFilter
from costlake.anomalies.schemas import AlertType, Anomaly, Severity, Status
from costlake.dialects.stackspend import translate
from costlake.errors import InvalidInput, PayloadTooLarge
from costlake.lineitems.schemas import DailyTotal, LineItem, LineItemPage, RowKey


def forged(doc: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(doc)).decode().rstrip("=")


class TestCursor:
    @pytest.mark.parametrize(
        "cursor",
        [
            "%%%",
            forged([1, 2, 3]),
            forged({"g": 1, "f": 0}),
            forged({"g": 1, "f": 0, "r": "7"}),
            forged({"g": 1, "f": True, "r": 7}),
            forged({"g": 1, "f": -1, "r": 7}),
        ],
    )
    def test_anything_we_did_not_issue_is_refused(self, cursor: str) -> None:
        with pytest.raises(InvalidInput, match="invalid cursor"):
            translate.decode_cursor(cursor)

    def test_a_key_round_trips(self) -> None:
        key = RowKey(12, 3, 456_789)
        assert translate.decode_cursor(translate.encode_cursor(key)) == key


ITEM = LineItem(
    RowKey(1, 0, 5), "00ff", date(2025, 1, 15), "OpenAI", "gpt-4o",
    "AI and Machine Learning", Decimal("12.4800004"), "USD", "proj_abc123", "alice@example.com",
)  # fmt: skip


class TestShapes:
    def test_a_line_item_is_the_documents_record(self) -> None:
        assert translate.line_item(ITEM) == {
            "id": "li_00ff",
            "usage_date": "2025-01-15",
            "provider_type": "openai",
            "provider_service": "gpt-4o",
            "net_amount_usd": 12.48,
            "currency_original": "USD",
            "project_id": "proj_abc123",
            "user_email": "alice@example.com",
        }

    def test_the_last_page_has_no_cursor(self) -> None:
        meta = translate.line_items_meta(LineItemPage([ITEM], 1, None))
        assert meta == {"next_cursor": None, "has_more": False}
        more = translate.line_items_meta(LineItemPage([ITEM], 1, ITEM.key))
        assert more["has_more"] and translate.decode_cursor(more["next_cursor"]) == ITEM.key

    def test_a_rollup_row_fills_only_its_dimension(self) -> None:
        row = translate.rollup(DailyTotal(date(2025, 1, 15), "aws", Decimal("248.3")), "provider")
        assert row == {
            "date": "2025-01-15", "cost_usd": 248.3, "provider_type": "aws",
            "service": None, "category": None,
        }  # fmt: skip


def alert(sub_account: str | None) -> Anomaly:
    return Anomaly(
        "a1", "acme", "account_service", AlertType.SPEND_SPIKE, Severity.HIGH, Status.NEW,
        "aws", "Amazon EC2", sub_account, "USD", date(2025, 1, 2), date(2025, 1, 2),
        date(2025, 1, 2), Decimal(1), Decimal(5), 400.0,
    )  # fmt: skip


class TestAnomalyFilter:
    def test_the_documents_filters_become_the_cores(self) -> None:
        since = datetime(2025, 1, 9, 23, tzinfo=timezone(timedelta(hours=-2)))
        f = translate.anomaly_filter(since, "AWS", "high", "new", ("111",))
        assert f == AnomalyFilter(
            status="new", after=date(2025, 1, 10), provider_type="AWS", severity="high",
            account_ids=("111",), distinct=True,
        )  # fmt: skip

    def test_an_anomaly_is_the_documents_record(self) -> None:
        assert translate.anomaly(alert("111")) == {
            "id": "anom_a1", "provider_type": "aws", "service": "Amazon EC2",
            "detected_date": "2025-01-02T00:00:00Z", "actual_cost": 5.0, "expected_cost": 1.0,
            "deviation_percent": 400.0, "severity": "high", "alert_type": "spend_spike",
            "status": "new",
        }  # fmt: skip

    def test_a_since_out_of_range_in_utc_is_invalid(self) -> None:
        late = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-2)))
        with pytest.raises(InvalidInput, match="out of range"):
            translate.anomaly_filter(late, None, None, None, None)


class TestGzip:
    def test_a_body_that_inflates_past_the_limit_is_refused_before_it_is_whole(self) -> None:
        bomb = gzip.compress(b"{" + b" " * 5_000_000 + b"}")
        assert len(bomb) < 10_000
        with pytest.raises(PayloadTooLarge) as refused:
            translate.gunzip(bomb, limit=1_000_000)
        assert refused.value.limit_bytes == 1_000_000

    @pytest.mark.parametrize(
        "body",
        # mtime=0: the same bytes (and test id) in every process, as pytest-xdist requires
        [b"not gzip", gzip.compress(b'{"a": 1}', mtime=0)[:-12]],
        ids=["not gzip", "cut"],
    )
    def test_damaged_or_cut_gzip_is_invalid(self, body: bytes) -> None:
        with pytest.raises(InvalidInput, match="gzip"):
            translate.gunzip(body)

    def test_gzip_within_the_limit_is_read(self) -> None:
        assert translate.gunzip(gzip.compress(b'{"a": 1}'), limit=8) == b'{"a": 1}'
