"""Daily rollups over HTTP: the seed's shape, figures equal to plain DuckDB sums."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.dialects.stackspend.conftest import World

PATH = "/api/v1/public/rollups/daily"
RANGE = {"start_date": "2024-08-03", "end_date": "2024-08-09"}


class TestRollups:
    @pytest.mark.parametrize(
        "group_by, field, column",
        [("service", "service", "ServiceName"), ("category", "category", "ServiceCategory")],
    )
    def test_figures_equal_direct_sums(
        self, world: World, group_by: str, field: str, column: str
    ) -> None:
        with world.client() as c:
            r = c.get(PATH, params={**RANGE, "group_by": group_by}, headers=world.headers())
        body = r.json()
        assert r.status_code == 200 and body["error"] is None and body["meta"] == {}
        got = {(d["date"], d[field]): Decimal(str(d["cost_usd"])) for d in body["data"]}
        want = world.sql(
            "acme",
            f"SELECT strftime(CAST(ChargePeriodStart AS DATE), '%Y-%m-%d'), {column}, "
            "round(sum(BilledCost), 6) FROM costs WHERE ChargePeriodStart >= '2024-08-03' "
            "AND ChargePeriodStart < '2024-08-10' GROUP BY ALL",
        )
        assert got == {(d, k): Decimal(str(c)) for d, k, c in want}
        assert all(d["provider_type"] is None for d in body["data"])

    def test_providers_are_slugs_and_other_fields_null(self, world: World) -> None:
        with world.client() as c:
            r = c.get(PATH, params={**RANGE, "group_by": "provider"}, headers=world.headers())
        rows = r.json()["data"]
        assert {d["provider_type"] for d in rows} == {"aws", "azure", "gcp"}
        assert all(d["service"] is None and d["category"] is None for d in rows)
        assert set(rows[0]) == {"date", "cost_usd", "provider_type", "service", "category"}
        first_day = [d["cost_usd"] for d in rows if d["date"] == "2024-08-03"]
        assert first_day == sorted(first_day, reverse=True)
