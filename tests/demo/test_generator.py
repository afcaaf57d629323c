"""The demo-data generator: exact size, determinism, FOCUS validity, realism, labelled anomalies."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.demo import generator
from costlake.demo.generator import (
    ANOMALIES_KEY,
    DemoAnomaly,
    DemoSummary,
    anomalies_path,
    generate,
)
from costlake.focus.schema import CHARGE_CATEGORIES, CHARGE_FREQUENCIES, FOCUS_SCHEMA

END = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 4, 30)
ROWS = 120_001
Sql = Callable[[str], list[tuple]]


def make(out: Path, rows: int = 30_000, **kwargs: object) -> DemoSummary:
    options: dict[str, object] = {"days": 90, "seed": 7, "end": END, "now": NOW} | kwargs
    return generate(out, rows=rows, **options)


def read(summary: DemoSummary) -> pa.Table:
    return pa.concat_tables(pq.read_table(f) for f in summary.files)


def files_sql(summary: DemoSummary) -> str:
    return f"read_parquet({[str(f) for f in summary.files]})"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return make(tmp_path_factory.mktemp("demo") / "lake", rows=ROWS)


@pytest.fixture
def sql(demo: DemoSummary, duck: duckdb.DuckDBPyConnection) -> Iterator[Sql]:
    """Run a query over the shared demo dataset, exposed as the view ``demo``."""
    duck.execute(f"CREATE VIEW demo AS SELECT * FROM {files_sql(demo)}")
    yield lambda query: duck.execute(query).fetchall()


class TestSize:
    def test_exact_row_count(self, demo: DemoSummary, sql: Sql) -> None:
        assert demo.rows == ROWS
        assert sql("SELECT count(*) FROM demo") == [(ROWS,)]

    def test_window_ends_at_end_and_spans_days(self, demo: DemoSummary, sql: Sql) -> None:
        assert (demo.start, demo.end) == (END - timedelta(days=90), END)
        assert sql("SELECT min(ChargePeriodStart), max(ChargePeriodEnd) FROM demo") == [
            (datetime(2025, 3, 3), datetime(2025, 6, 1))
        ]

    def test_end_defaults_to_today_so_data_ends_yesterday(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_NOW", "2025-02-10T09:15:00Z")
        summary = generate(tmp_path / "d", rows=5_000, days=14)
        last = pq.read_table(summary.files[0], columns=["ChargePeriodStart", "x_IngestedAt"])
        assert summary.end == date(2025, 2, 10)
        assert pa.compute.max(last["ChargePeriodStart"]).as_py() == datetime(2025, 2, 9)
        assert last["x_IngestedAt"][0].as_py() == datetime(2025, 2, 10, 9, 15)

    def test_single_file_when_out_ends_with_parquet(self, tmp_path: Path) -> None:
        summary = make(tmp_path / "demo.parquet", rows=8_000)
        assert summary.files == (tmp_path / "demo.parquet",)
        assert pq.read_metadata(summary.files[0]).num_rows == 8_000
        assert anomalies_path(tmp_path / "demo.parquet").is_file()
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "demo.parquet",
            "demo.parquet.anomalies.json",
        ]

    def test_directory_is_split_into_parts_and_stale_parts_removed(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        out = tmp_path / "lake"
        out.mkdir()
        (out / "part-00007.parquet").write_bytes(b"stale")
        monkeypatch.setattr(generator, "ROWS_PER_FILE", 9_000)
        summary = make(out, rows=20_000, batch_rows=4_000)
        assert [f.name for f in summary.files] == [
            "part-00000.parquet",
            "part-00001.parquet",
            "part-00002.parquet",
        ]
        assert [pq.read_metadata(f).num_rows for f in summary.files] == [9_000, 9_000, 2_000]
        assert sorted(p.name for p in out.iterdir()) == [
            "anomalies.json",
            *[f.name for f in summary.files],
        ]

    def test_too_few_rows_for_the_window_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="too small"):
            make(tmp_path / "d", rows=500)

    def test_a_failed_run_leaves_no_partial_file(self, tmp_path: Path) -> None:
        def interrupt(rows: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            make(tmp_path / "d", rows=10_000, batch_rows=3_000, progress=interrupt)
        assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["anomalies.json"]

    def test_progress_reports_each_batch(self, tmp_path: Path) -> None:
        seen: list[int] = []
        make(tmp_path / "d", rows=10_000, batch_rows=3_000, progress=seen.append)
        assert seen[-1] == 10_000
        assert all(
            0 < done - before <= 3_000 for before, done in zip([0, *seen[:-1]], seen, strict=True)
        )


class TestDeterminism:
    def test_same_seed_same_bytes(self, tmp_path: Path) -> None:
        a, b = make(tmp_path / "a"), make(tmp_path / "b")
        assert a.files[0].read_bytes() == b.files[0].read_bytes()

    def test_different_seed_different_data(self, tmp_path: Path) -> None:
        a, b = make(tmp_path / "a"), make(tmp_path / "b", seed=8)
        assert not read(a).equals(read(b))

    def test_batch_size_does_not_change_content(self, tmp_path: Path) -> None:
        small = make(tmp_path / "small", batch_rows=1_237)
        whole = make(tmp_path / "whole", batch_rows=30_000)
        assert pq.read_metadata(small.files[0]).num_row_groups > 20
        assert read(small).equals(read(whole))


class TestFocusValidity:
    def test_schema_is_the_canonical_schema(self, demo: DemoSummary) -> None:
        assert pq.read_schema(demo.files[0]).equals(FOCUS_SCHEMA)

    def test_non_nullable_columns_are_never_null(self, sql: Sql) -> None:
        required = [c.name for c in FOCUS_SCHEMA if not c.nullable]
        nulls = sql(
            "SELECT " + ", ".join(f"count(*) - count({c})" for c in required) + " FROM demo"
        )[0]
        assert dict(zip(required, nulls, strict=True)) == dict.fromkeys(required, 0)

    def test_enumerations_take_allowed_values(self, sql: Sql) -> None:
        assert {c for (c,) in sql("SELECT DISTINCT ChargeCategory FROM demo")} == CHARGE_CATEGORIES
        assert {
            f for (f,) in sql("SELECT DISTINCT ChargeFrequency FROM demo")
        } <= CHARGE_FREQUENCIES
        assert {p for (p,) in sql("SELECT DISTINCT PricingCategory FROM demo")} == {
            "Standard",
            "Committed",
            "Dynamic",
            None,
        }

    def test_costlake_columns_are_filled(self, sql: Sql) -> None:
        assert sql("SELECT DISTINCT x_SourceId, x_SourceFormat, x_IngestedAt FROM demo") == [
            ("demo", "focus", NOW)
        ]
        assert sql(
            "SELECT count(x_EnergyKwh) + count(x_CarbonKgCO2e) + count(x_EmbodiedKgCO2e)"
            " + count(x_CarbonSource) FROM demo"
        ) == [(0,)]

    def test_usage_is_daily_and_billed_in_its_calendar_month(self, sql: Sql) -> None:
        assert sql(
            "SELECT DISTINCT ChargePeriodEnd - ChargePeriodStart FROM demo"
            " WHERE ChargeCategory = 'Usage'"
        ) == [(timedelta(days=1),)]
        assert sql(
            "SELECT count(*) FROM demo WHERE ChargeClass IS NULL AND ("
            " BillingPeriodStart <> date_trunc('month', ChargePeriodStart)"
            " OR BillingPeriodEnd <> BillingPeriodStart + INTERVAL 1 MONTH)"
        ) == [(0,)]

    def test_list_contracted_effective_are_ordered_for_usage(self, sql: Sql) -> None:
        assert sql(
            "SELECT count(*) FROM demo WHERE ChargeCategory = 'Usage'"
            " AND CommitmentDiscountStatus IS DISTINCT FROM 'Unused'"
            " AND NOT (ListCost >= ContractedCost AND ContractedCost >= EffectiveCost"
            " AND EffectiveCost > 0)"
        ) == [(0,)]

    def test_costs_are_exactly_unit_price_times_quantity(self, demo: DemoSummary) -> None:
        rows = (
            pq.read_table(
                demo.files[0],
                columns=[
                    "ListCost",
                    "ListUnitPrice",
                    "ContractedCost",
                    "ContractedUnitPrice",
                    "PricingQuantity",
                    "ConsumedQuantity",
                    "PricingUnit",
                    "ConsumedUnit",
                ],
            )
            .slice(0, 5_000)
            .to_pylist()
        )
        for r in rows:
            assert r["ListCost"] == r["ListUnitPrice"] * r["PricingQuantity"]
            assert r["ContractedCost"] == r["ContractedUnitPrice"] * r["PricingQuantity"]
            block = {
                "1K Tokens": 1000,
                "1M Tokens": 10**6,
                "1K Requests": 1000,
                "1M Read Request Units": 10**6,
                "1M Events": 10**6,
                "100 RU/s-Hours": 100,
            }.get(r["PricingUnit"], 1)
            assert r["ConsumedQuantity"] == r["PricingQuantity"] * block


class TestRealism:
    def test_clouds_and_saas_vendors_are_all_present(self, sql: Sql) -> None:
        assert {p for (p,) in sql("SELECT DISTINCT ProviderName FROM demo")} == {
            "AWS",
            "Microsoft",
            "Google Cloud",
            "OpenAI",
            "Anthropic",
            "Datadog",
            "Snowflake",
        }

    def test_several_named_accounts_per_cloud(self, sql: Sql) -> None:
        counts = dict(
            sql("SELECT ProviderName, count(DISTINCT SubAccountName) FROM demo GROUP BY 1")
        )
        assert counts["AWS"] >= 8 and counts["Microsoft"] >= 5 and counts["Google Cloud"] >= 4
        names = {n for (n,) in sql("SELECT DISTINCT SubAccountName FROM demo")}
        assert {"Production", "Staging", "Data Platform"} <= names

    def test_some_rows_are_untagged_or_partly_tagged(self, sql: Sql) -> None:
        untagged, partial, total = sql(
            "SELECT count(*) FILTER (WHERE Tags IS NULL),"
            " count(*) FILTER (WHERE Tags IS NOT NULL AND len(json_keys(Tags)) < 4),"
            " count(*)"
            " FROM demo"
        )[0]
        assert untagged > 0 and partial > 0
        assert 0.15 <= (untagged + partial) / total <= 0.25

    def test_tags_use_the_team_env_app_cost_center_vocabulary(self, sql: Sql) -> None:
        keys = {k for (k,) in sql("SELECT DISTINCT unnest(json_keys(Tags)) FROM demo")}
        assert keys == {"team", "env", "app", "cost-center"}

    def test_ai_vendors_bill_tokens_per_model(self, sql: Sql) -> None:
        rows = sql(
            "SELECT ProviderName, ConsumedUnit, PricingUnit, SkuId,"
            " SkuPriceDetails->>'x_Model' FROM demo"
            " WHERE ProviderName IN ('OpenAI', 'Anthropic') AND ChargeCategory = 'Usage'"
        )
        assert {(p, c, u) for p, c, u, _, _ in rows} == {
            ("Anthropic", "Tokens", "1M Tokens"),
            ("OpenAI", "Tokens", "1K Tokens"),
        }
        assert all(sku.startswith(f"{model}:") for _, _, _, sku, model in rows)
        assert len({model for *_, model in rows}) >= 4

    def test_compute_rows_name_their_instance_type(self, sql: Sql) -> None:
        rows = sql(
            "SELECT DISTINCT PricingUnit, SkuPriceDetails FROM demo"
            " WHERE ServiceCategory = 'Compute' AND ServiceSubcategory = 'Virtual Machines'"
            " AND ChargeCategory = 'Usage' AND CommitmentDiscountStatus IS NULL"
        )
        details = [json.loads(d) for _, d in rows]
        assert {u for u, _ in rows} == {"Hours"}
        assert {"m5.xlarge", "Standard_D4s_v3", "n2-standard-4"} <= {
            d["InstanceType"] for d in details
        }
        assert all(d["CoreCount"] > 0 and d["MemorySize"] > 0 for d in details)

    def test_resources_are_many_and_look_real(self, sql: Sql) -> None:
        ((distinct,),) = sql("SELECT count(DISTINCT ResourceId) FROM demo")
        assert distinct > ROWS / 90
        patterns = {
            "AWS": r"arn:aws:ec2:[a-z0-9-]+:\d{12}:instance/i-0[0-9a-f]{16}",
            "Microsoft": r"/subscriptions/[0-9a-f-]{36}/resourceGroups/rg-[a-z0-9-]+/providers/"
            r"Microsoft\.Compute/virtualMachines/vm-[a-z0-9-]+",
            "Google Cloud": r"//compute\.googleapis\.com/projects/[a-z0-9-]+/zones/[a-z0-9-]+/"
            r"instances/[a-z0-9-]+",
        }
        for provider, pattern in patterns.items():
            assert sql(
                "SELECT count(*) > 0, bool_and(regexp_full_match(ResourceId, $$" + pattern + "$$))"
                f" FROM demo WHERE ProviderName = '{provider}' AND ServiceSubcategory ="
                " 'Virtual Machines' AND ChargeCategory = 'Usage'"
                " AND CommitmentDiscountStatus IS DISTINCT FROM 'Unused'"
            ) == [(True, True)], provider

    def test_snowflake_is_hosted_on_a_cloud(self, sql: Sql) -> None:
        assert sql(
            "SELECT DISTINCT ServiceProviderName, HostProviderName FROM demo"
            " WHERE ProviderName = 'Snowflake' ORDER BY 2"
        ) == [("Snowflake", "AWS"), ("Snowflake", "Microsoft")]

    def test_weekdays_cost_more_than_weekends(self, sql: Sql) -> None:
        weekday, weekend = (
            v
            for (v,) in sql(
                "SELECT avg(cost)::DOUBLE FROM (SELECT ChargePeriodStart, sum(EffectiveCost) cost"
                " FROM demo WHERE ChargeCategory = 'Usage' GROUP BY 1)"
                " GROUP BY dayofweek(ChargePeriodStart) IN (0, 6) ORDER BY 1 DESC"
            )
        )
        assert weekday > 1.15 * weekend

    def test_spend_grows_over_the_window(self, sql: Sql) -> None:
        first, last = sql(
            "SELECT sum(EffectiveCost) FILTER (WHERE ChargePeriodStart < DATE '2025-03-17'),"
            " sum(EffectiveCost) FILTER (WHERE ChargePeriodStart >= DATE '2025-05-18')"
            " FROM demo WHERE ChargeCategory = 'Usage'"
        )[0]
        assert last > first * Decimal("1.03")


class TestCommitments:
    def test_savings_plan_covered_usage_is_prepaid_but_amortised(self, sql: Sql) -> None:
        rows = sql(
            "SELECT count(*), max(BilledCost), min(EffectiveCost),"
            " min(ListCost - EffectiveCost) FROM demo"
            " WHERE CommitmentDiscountType = 'Savings Plan'"
            " AND CommitmentDiscountStatus = 'Used'"
        )
        count, billed, effective, saving = rows[0]
        assert count > 0 and billed == 0 and effective > 0 and saving > 0
        assert sql(
            "SELECT DISTINCT PricingCategory, CommitmentDiscountCategory FROM demo"
            " WHERE CommitmentDiscountType = 'Savings Plan'"
            " AND ChargeCategory = 'Usage'"
        ) == [("Committed", "Spend")]

    def test_fees_are_billed_not_amortised(self, sql: Sql) -> None:
        rows = sql(
            "SELECT DISTINCT ChargeFrequency, BilledCost > 0, EffectiveCost = 0 FROM demo"
            " WHERE ChargeCategory = 'Purchase'"
        )
        assert rows == [("Recurring", True, True)]

    def test_unused_commitment_is_amortised_waste(self, sql: Sql) -> None:
        rows = sql(
            "SELECT count(DISTINCT CommitmentDiscountId), max(BilledCost),"
            " min(EffectiveCost) FROM demo WHERE CommitmentDiscountStatus = 'Unused'"
        )
        assert rows[0][0] == 4 and rows[0][1] == 0 and rows[0][2] > 0

    def test_amortisation_reconciles_with_the_fees(self, sql: Sql) -> None:
        rows = sql(
            "SELECT CommitmentDiscountType, sum(BilledCost), sum(EffectiveCost) FROM demo"
            " WHERE CommitmentDiscountId IS NOT NULL GROUP BY 1"
        )
        assert {t for t, _, _ in rows} == {
            "Savings Plan",
            "Reserved Instance",
            "Reservation",
            "Committed Use Discount",
        }
        assert all(billed == effective > 0 for _, billed, effective in rows)


class TestBillLevelCharges:
    def test_credits_are_negative(self, sql: Sql) -> None:
        assert sql(
            "SELECT count(*) > 0, max(BilledCost) < 0, max(EffectiveCost) < 0 FROM demo"
            " WHERE ChargeCategory = 'Credit'"
        ) == [(True, True, True)]

    def test_corrections_fix_an_earlier_month(self, sql: Sql) -> None:
        rows = sql(
            "SELECT DISTINCT ChargeCategory FROM demo WHERE ChargeClass = 'Correction'"
            " AND ChargePeriodStart < BillingPeriodStart"
        )
        assert sorted(c for (c,) in rows) == ["Adjustment", "Credit"]
        assert sql(
            "SELECT count(*) FROM demo WHERE ChargeClass = 'Correction'"
            " AND ChargePeriodStart >= BillingPeriodStart"
        ) == [(0,)]

    def test_taxes_are_a_share_of_the_bill(self, sql: Sql) -> None:
        rows = sql(
            "SELECT t.SubAccountId, t.tax / u.billed FROM"
            " (SELECT SubAccountId, BillingPeriodStart, sum(BilledCost) tax FROM demo"
            "  WHERE ChargeCategory = 'Tax' GROUP BY ALL) t JOIN"
            " (SELECT SubAccountId, BillingPeriodStart, sum(BilledCost) billed FROM demo"
            "  WHERE ChargeCategory IN ('Usage', 'Purchase') GROUP BY ALL) u"
            " USING (SubAccountId, BillingPeriodStart)"
        )
        assert rows and all(Decimal("0.08") < rate < Decimal("0.09") for _, rate in rows)


class TestAnomalies:
    """A slice's mean daily cost inside the labelled window vs the two weeks before it."""

    @staticmethod
    def daily(sql: Sql, where: str) -> dict[date, Decimal]:
        query = "SELECT ChargePeriodStart::DATE, sum(EffectiveCost) FROM demo WHERE {} GROUP BY 1"
        return dict(sql(query.format(where)))

    @staticmethod
    def one(demo: DemoSummary, kind: str) -> DemoAnomaly:
        (anomaly,) = [a for a in demo.anomalies if a.kind == kind]
        return anomaly

    def ratio(self, sql: Sql, anomaly: DemoAnomaly, *, sub: str = "=", service: str = "=") -> float:
        """Cost over the window / cost on the same weekdays one and two weeks earlier."""
        cost = self.daily(
            sql,
            f"SubAccountId {sub} '{anomaly.sub_account_id}'"
            f" AND ServiceName {service} '{anomaly.service_name}' AND ChargeCategory = 'Usage'",
        )
        window = [d for d in cost if anomaly.start <= d < anomaly.end]
        before = [cost[d - timedelta(days=w)] for d in window for w in (7, 14)]
        return float(sum(cost[d] for d in window) / (sum(before) / 2))

    def test_labels_are_stored_with_the_data(self, demo: DemoSummary) -> None:
        stored = json.loads(pq.read_metadata(demo.files[0]).metadata[ANOMALIES_KEY])
        assert stored == json.loads(anomalies_path(demo.files[0].parent).read_text())
        assert [a["kind"] for a in stored] == [a.kind for a in demo.anomalies]
        assert {a.kind for a in demo.anomalies} == {"spike", "drop", "new_service"}
        assert all(demo.start < a.start < a.end <= demo.end for a in demo.anomalies)

    def test_spike_multiplies_its_slice(self, demo: DemoSummary, sql: Sql) -> None:
        assert self.ratio(sql, self.one(demo, "spike")) > 3

    def test_drop_shrinks_its_slice(self, demo: DemoSummary, sql: Sql) -> None:
        assert self.ratio(sql, self.one(demo, "drop")) < 0.35

    def test_the_rest_of_the_sub_account_is_unaffected(self, demo: DemoSummary, sql: Sql) -> None:
        for kind in ("spike", "drop"):
            assert 0.5 < self.ratio(sql, self.one(demo, kind), service="<>") < 2, kind

    def test_the_service_elsewhere_is_unaffected(self, demo: DemoSummary, sql: Sql) -> None:
        assert 0.5 < self.ratio(sql, self.one(demo, "spike"), sub="<>") < 2

    def test_new_service_appears_at_its_start(self, demo: DemoSummary, sql: Sql) -> None:
        new = self.one(demo, "new_service")
        days = self.daily(sql, f"ServiceName = '{new.service_name}'")
        assert min(days) == new.start
        assert len(days) == (new.end - new.start).days
        assert sql(
            f"SELECT DISTINCT SubAccountId FROM demo WHERE ServiceName = '{new.service_name}'"
        ) == [(new.sub_account_id,)]
