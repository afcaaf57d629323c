"""Filters combined with and/or/not, the case-sensitive string tests and empty values, on
every engine, against hand-written DuckDB SQL over the lake."""

from __future__ import annotations

from datetime import datetime

import pytest

from costlake.errors import InvalidInput
from costlake.lake.store import Lake
from costlake.query.model import CostQuery, Filter, FilterGroup, FilterOp, Granularity
from costlake.query.planner import columns_read
from costlake.query.service import QueryService
from tests.query.test_service import oracle

SEP = datetime(2024, 9, 1)
OCT = datetime(2024, 10, 1)
WHERE = "ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < '2024-10-01'"


def total(queries: QueryService, *filters: Filter | FilterGroup) -> object:
    rows = queries.run("acme", CostQuery(SEP, OCT, filters=filters)).rows
    return rows[0]["cost"] if rows else None


class TestFilterGroups:
    def test_an_empty_group_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            FilterGroup("any", ())
        with pytest.raises(InvalidInput):
            FilterGroup("xor", (Filter.of("RegionId", "eq", "x"),))  # type: ignore[arg-type]

    def test_a_group_reads_the_columns_of_its_items(self) -> None:
        group = FilterGroup(
            "any", (Filter.of("RegionId", "eq", "a"), Filter.of("ServiceName", "eq", "b"))
        )
        q = CostQuery(SEP, OCT, granularity=Granularity.DAY, filters=(group,))
        assert {"RegionId", "ServiceName"} <= columns_read(q)

    def test_any_all_and_none(self, queries: QueryService, query_lake: Lake) -> None:
        region = Filter.of("RegionId", FilterOp.EQUALS, "us-east-1")
        service = Filter.of("ServiceName", FilterOp.EQUALS, "Amazon EC2")
        cases = [
            (FilterGroup("any", (region, service)),
             "(RegionId = 'us-east-1' OR ServiceName = 'Amazon EC2')"),
            (FilterGroup("all", (region, service)),
             "(RegionId = 'us-east-1' AND ServiceName = 'Amazon EC2')"),
            # NOT on a missing region is true: rows without a region are kept.
            (FilterGroup("none", (region,)), "(RegionId IS NULL OR RegionId <> 'us-east-1')"),
            (FilterGroup("none", (FilterGroup("all", (region, service)),)),
             "NOT coalesce(RegionId = 'us-east-1' AND ServiceName = 'Amazon EC2', false)"),
        ]  # fmt: skip
        for group, sql in cases:
            want = oracle(query_lake, f"SELECT sum(BilledCost) FROM costs WHERE {WHERE} AND {sql}")
            assert total(queries, group) == want[0][0], sql

    def test_case_sensitive_string_tests(self, queries: QueryService, query_lake: Lake) -> None:
        sn, op = "ServiceName", FilterOp
        cases = [
            (Filter.of(sn, op.CONTAINS_CASE, "EC2"), "contains(ServiceName, 'EC2')"),
            (Filter.of(sn, op.CONTAINS_CASE, "ec2"), "contains(ServiceName, 'ec2')"),
            (Filter.of(sn, op.STARTS_WITH, "Amazon"), "starts_with(ServiceName, 'Amazon')"),
            (Filter.of("RegionId", op.ENDS_WITH, "-1"), "ends_with(RegionId, '-1')"),
            (Filter.of("ProviderName", op.EQUALS, "aws", lower=True), "lower(ProviderName)='aws'"),
        ]  # fmt: skip
        for f, sql in cases:
            want = oracle(query_lake, f"SELECT sum(BilledCost) FROM costs WHERE {WHERE} AND {sql}")
            assert total(queries, f) == want[0][0], sql

    def test_an_empty_value_matches_a_missing_one(
        self, queries: QueryService, query_lake: Lake
    ) -> None:
        want = oracle(
            query_lake, f"SELECT sum(BilledCost) FROM costs WHERE {WHERE} AND RegionId IS NULL"
        )
        assert want[0][0] is not None
        assert total(queries, Filter.of("RegionId", FilterOp.EQUALS, "")) == want[0][0]
        kept = oracle(
            query_lake, f"SELECT sum(BilledCost) FROM costs WHERE {WHERE} AND RegionId IS NOT NULL"
        )
        assert total(queries, Filter.of("RegionId", FilterOp.NOT_IN, "")) == kept[0][0]
