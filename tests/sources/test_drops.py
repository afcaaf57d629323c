"""Billing drops into the lake without HTTP: each drop replaces its month of the connection's
source, re-sending changes nothing, a bad drop or line item stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.platform import Platform
from costlake.sources.drops import Drop, source_for, store_drops


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    p = Platform.start(Settings(home=tmp_path / "home"))
    yield p
    p.close()


def item(start: str, cost: str, **more: str) -> dict[str, str]:
    return {"time/usage_start": start, "cost/cost": cost, **more}


def store(platform: Platform, *drops: Drop, connection: str = "c1", org: str = "acme"):  # noqa: ANN201
    return store_drops(platform, org, connection, drops, platform.settings.home / "tmp")


def totals(platform: Platform, org: str = "acme") -> dict[tuple[str, str], Decimal]:
    """BilledCost per (source, month), straight from the lake's files."""
    files = platform.lake.snapshot(org).files()
    if not files:
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT x_SourceId, strftime(BillingPeriodStart, '%Y-%m'), sum(BilledCost) "
            f"FROM read_parquet({files!r}) GROUP BY 1, 2"
        ).fetchall()
    return {(s, m): v for s, m, v in rows}


OCTOBER = Drop("2024-10", (item("2024-10-01 00:00:00", "1.25"), item("2024-10-31 23:00:00", "2")))


class TestRefusals:
    @pytest.mark.parametrize(
        "drops, message",
        [
            ((), "at least one"),
            ((Drop("2024-10", ()),), "drop 0: a drop needs at least one line item"),
            ((Drop("2024-13", OCTOBER.items),), "drop 0: month '2024-13'"),
            (
                (OCTOBER, Drop("2024-10", (item("2024-11-01 00:00:00", "1"),))),
                "drop 1, line item 0: time/usage_start 2024-11-01 00:00:00 is outside",
            ),
            ((Drop("2024-10", ({"cost/cost": "1"},)),), "drop 0, line item 0: needs"),
        ],
    )
    def test_a_bad_drop_is_refused_and_nothing_is_stored(
        self, platform: Platform, drops: tuple[Drop, ...], message: str
    ) -> None:
        with pytest.raises(InvalidInput, match=message):
            store(platform, *drops)
        assert totals(platform) == {}

    def test_a_value_the_adapter_cannot_read_is_named_by_drop_and_item(
        self, platform: Platform
    ) -> None:
        store(platform, OCTOBER)
        bad = Drop(
            "2024-10", (*OCTOBER.items, item("2024-10-03 00:00:00", "1", **{"usage/amount": "x"}))
        )
        with pytest.raises(InvalidInput, match=r"drop 0, line item 2: the value for"):
            store(platform, bad)
        assert totals(platform) == {("cbf-drop-c1", "2024-10"): Decimal("3.25")}

    def test_tag_columns_that_differ_only_in_case_are_refused(self, platform: Platform) -> None:
        upper = item("2024-10-01 00:00:00", "1", **{"resource/tag:Team": "a"})
        lower = item("2024-10-01 00:00:00", "1", **{"resource/tag:team": "b"})
        drop = Drop("2024-10", (upper, lower))
        with pytest.raises(InvalidInput, match="differ only in case"):
            store(platform, drop)


class TestReplacement:
    def test_a_drop_stores_its_month_as_the_connections_source(self, platform: Platform) -> None:
        done = store(platform, OCTOBER)
        assert (done.source, done.months, done.line_items, done.replaced_line_items) == (
            "cbf-drop-c1", ("2024-10",), 2, 0,
        )  # fmt: skip
        assert totals(platform) == {("cbf-drop-c1", "2024-10"): Decimal("3.25")}

    def test_re_sending_a_drop_changes_nothing(self, platform: Platform) -> None:
        store(platform, OCTOBER)
        before = totals(platform)
        again = store(platform, OCTOBER)
        assert again.replaced_line_items == 2
        assert totals(platform) == before

    def test_a_new_drop_replaces_only_its_month_of_its_connection(self, platform: Platform) -> None:
        november = Drop("2024-11", (item("2024-11-05 00:00:00", "7"),))
        store(platform, OCTOBER, november)
        store(platform, OCTOBER, connection="c2")
        store(platform, Drop("2024-10", (item("2024-10-09 00:00:00", "0.5"),)))
        assert totals(platform) == {
            ("cbf-drop-c1", "2024-10"): Decimal("0.5"),
            ("cbf-drop-c1", "2024-11"): Decimal("7"),
            ("cbf-drop-c2", "2024-10"): Decimal("3.25"),
        }

    def test_drops_of_one_call_for_the_same_month_make_it_together(
        self, platform: Platform
    ) -> None:
        more = Drop("2024-10", (item("2024-10-20 00:00:00", "10"),))
        assert store(platform, OCTOBER, more).line_items == 3
        assert totals(platform) == {("cbf-drop-c1", "2024-10"): Decimal("13.25")}

    def test_each_org_has_its_own_connections(self, platform: Platform) -> None:
        store(platform, OCTOBER, org="acme")
        assert totals(platform, "globex") == {}
        store(platform, Drop("2024-10", (item("2024-10-01 00:00:00", "9"),)), org="globex")
        assert totals(platform) == {("cbf-drop-c1", "2024-10"): Decimal("3.25")}


class TestSourceNames:
    def test_a_plain_id_is_kept_and_any_other_is_digested_the_same_way_each_time(self) -> None:
        assert source_for("3f1c-anycost_9") == "cbf-drop-3f1c-anycost_9"
        odd = source_for("conn/with spaces.commitments")
        assert odd.startswith("cbf-drop-") and odd == source_for("conn/with spaces.commitments")
        assert source_for("x" * 55) != source_for("x" * 56)
        with pytest.raises(InvalidInput):
            source_for("")
