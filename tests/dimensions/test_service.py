"""Tag keys and dimension values of an org's data, checked against direct DuckDB scans of the
same lake files, with and without an account grant."""

from __future__ import annotations

import duckdb
import pytest

from costlake.dimensions.service import dimension_values, tag_keys
from costlake.errors import InvalidInput
from costlake.focus.scan import scan as lake_scan
from costlake.query.service import QueryService
from tests.query.conftest import ACCOUNTS


def scan(queries: QueryService, org: str, sql: str) -> list[tuple[object, ...]]:
    files = queries.lake.snapshot(org).files()
    con = duckdb.connect()
    con.execute(f"CREATE VIEW costs AS SELECT * FROM {lake_scan(files)}")
    return con.execute(sql).fetchall()


class TestTagKeys:
    def test_an_org_without_data_has_no_tag_keys(self, queries: QueryService) -> None:
        assert tag_keys(queries, "nobody") == []

    def test_every_key_of_the_orgs_charges_is_listed_once(self, queries: QueryService) -> None:
        expected = scan(
            queries,
            "acme",
            "SELECT DISTINCT unnest(json_keys(Tags)) AS k FROM costs ORDER BY k",
        )
        assert tag_keys(queries, "acme") == [k for (k,) in expected]
        assert tag_keys(queries, "acme") == ["env", "team"]

    def test_an_empty_grant_sees_no_keys(self, queries: QueryService) -> None:
        assert tag_keys(queries, "acme", account_ids=()) == []

    def test_a_grant_sees_only_its_accounts_keys(self, queries: QueryService) -> None:
        granted = (ACCOUNTS[0],)
        expected = scan(
            queries,
            "acme",
            "SELECT DISTINCT unnest(json_keys(Tags)) AS k FROM costs "
            f"WHERE SubAccountId = '{ACCOUNTS[0]}' ORDER BY k",
        )
        assert tag_keys(queries, "acme", account_ids=granted) == [k for (k,) in expected]


class TestDimensionValues:
    def test_a_column_that_is_not_a_text_dimension_is_refused(self, queries: QueryService) -> None:
        with pytest.raises(InvalidInput, match="BilledCost"):
            dimension_values(queries, "acme", "BilledCost")

    def test_values_are_the_distinct_non_null_ones_most_frequent_first(
        self, queries: QueryService
    ) -> None:
        expected = scan(
            queries,
            "acme",
            "SELECT RegionId, count(*) AS n FROM costs WHERE RegionId IS NOT NULL "
            "GROUP BY 1 ORDER BY n DESC, RegionId",
        )
        assert dimension_values(queries, "acme", "regionid") == [v for v, _ in expected]

    def test_a_grant_limits_the_values(self, queries: QueryService) -> None:
        values = dimension_values(queries, "acme", "SubAccountId", account_ids=(ACCOUNTS[1],))
        assert values == [ACCOUNTS[1]]

    def test_the_limit_cuts_the_list(self, queries: QueryService) -> None:
        assert len(dimension_values(queries, "acme", "ServiceName", limit=2)) == 2
