"""CloudZero's pure translations, without a server: times, dimensions, filters, cost types,
series, pages, and insights in both directions."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from costlake.dialects.cloudzero import insights, translate
from costlake.dialects.cloudzero.dimensions import listing, resolve
from costlake.errors import InvalidInput
from costlake.insights.schemas import Insight, InsightPage, ValueFilter
from costlake.query.compile import result_columns
from costlake.query.model import FilterOp, Granularity, Metric, QueryResult


def ask(**kw: object) -> translate.BillingQuestion:
    base: dict[str, object] = {
        "start": "2024-09-01",
        "end": "2024-10-01",
        "group_by": [],
        "filter": {},
        "granularity": None,
        "cost_type": None,
        "account_ids": None,
    }
    return translate.billing_query(**{**base, **kw})  # type: ignore[arg-type]


class TestMoment:
    @pytest.mark.parametrize("text", ["", "2024-13-01", "yesterday", "2024-09-01T25:00"])
    def test_what_is_not_iso_8601_is_refused_naming_the_field(self, text: str) -> None:
        with pytest.raises(InvalidInput, match="^start: "):
            translate.moment(text, "start")

    def test_a_date_is_its_midnight_utc_and_an_offset_is_kept(self) -> None:
        assert translate.moment("2024-09-01", "x") == datetime(2024, 9, 1, tzinfo=UTC)
        assert translate.moment("2024-09-01T02:00:00+02:00", "x") == datetime(
            2024, 9, 1, tzinfo=UTC
        )
        assert translate.moment("2024-09-01T00:00:00", "x").tzinfo is UTC


class TestDimensions:
    def test_an_unknown_id_names_the_field_and_the_choices(self) -> None:
        with pytest.raises(InvalidInput, match=r"^group_by\[0\]: unknown dimension 'Planet'"):
            resolve("Planet", "group_by[0]")
        with pytest.raises(InvalidInput, match="Tag:<key>"):
            resolve("Tag:", "x")

    def test_ids_aliases_and_tags(self) -> None:
        assert resolve("cloudprovider", "x").column == "ProviderName"
        assert resolve("USAGEFAMILY", "x").column == "ServiceSubcategory"
        tag = resolve("tag:Cost Center", "x")
        assert (tag.id, tag.column, tag.type) == ("Tag:Cost Center", "tag:Cost Center", "Tag")

    def test_the_listing_is_the_standard_ones_then_the_tags(self) -> None:
        ids = [d.id for d in listing(["env", "team"])]
        assert ids[:2] == ["Account", "AccountName"] and ids[-2:] == ["Tag:env", "Tag:team"]


class TestBillingQuery:
    def test_defaults_are_daily_real_cost_without_credits(self) -> None:
        q = ask().query
        assert q.granularity is Granularity.DAY and q.metric is Metric.EFFECTIVE
        assert [(f.key, f.op, f.values) for f in q.filters] == [
            ("ChargeCategory", FilterOp.NOT_IN, ("Credit",))
        ]
        assert (q.start, q.end) == (datetime(2024, 9, 1), datetime(2024, 10, 1))

    @pytest.mark.parametrize(
        "cost_type, metric",
        [("billed", Metric.BILLED), ("discounted", Metric.CONTRACTED),
         ("amortized", Metric.EFFECTIVE), ("on_demand", Metric.LIST)],
    )  # fmt: skip
    def test_each_cost_type_sums_its_focus_column(self, cost_type: str, metric: Metric) -> None:
        q = ask(cost_type=cost_type).query
        assert q.metric is metric and q.filters == ()

    def test_filters_include_exclude_and_tags(self) -> None:
        q = ask(
            cost_type="billed",
            filter={"Service": ["EC2", "S3"], "Tag:env": {"exclude": ["dev"]}},
            group_by=["Account", "Tag:team"],
        ).query
        assert q.group_by == ("SubAccountId", "tag:team")
        assert [(f.key, f.op, f.values) for f in q.filters] == [
            ("ServiceName", FilterOp.IN, ("EC2", "S3")),
            ("tag:env", FilterOp.NOT_IN, ("dev",)),
        ]

    @pytest.mark.parametrize(
        "kw, field",
        [
            ({"end": "2024-09-01"}, "end"),
            ({"group_by": ["Service", "SERVICE"]}, "group_by[1]"),
            ({"filter": {"Service": {"include": "EC2"}}}, "filter.Service"),
            ({"filter": {"Service": {"exclude": [1]}}}, "filter.Service"),
            ({"filter": {"Service": {}}}, "filter.Service"),
        ],
    )
    def test_refusals_name_the_field(self, kw: dict[str, object], field: str) -> None:
        with pytest.raises(InvalidInput, match="^" + re.escape(field)):
            ask(**kw)


class TestSeries:
    def test_groups_largest_first_points_in_time_order_nulls_as_empty(self) -> None:
        question = ask(group_by=["Region"], cost_type="billed")
        q = question.query
        rows: list[dict[str, object]] = [
            {"period": datetime(2024, 9, 2), "RegionId": None, "cost": Decimal("1.5")},
            {"period": datetime(2024, 9, 1), "RegionId": None, "cost": Decimal("1")},
            {"period": datetime(2024, 9, 1), "RegionId": "eu", "cost": Decimal("0.1")},
        ]
        out = translate.series(QueryResult(q, result_columns(q), rows), question.dimensions)
        assert out == [
            {"group": {"Region": ""}, "cost": [
                {"timestamp": "2024-09-01T00:00:00Z", "value": 1.0},
                {"timestamp": "2024-09-02T00:00:00Z", "value": 1.5},
            ]},
            {"group": {"Region": "eu"}, "cost": [
                {"timestamp": "2024-09-01T00:00:00Z", "value": 0.1},
            ]},
        ]  # fmt: skip

    def test_a_cumulative_point_is_stamped_with_the_start(self) -> None:
        question = ask(granularity="cumulative")
        q = question.query
        result = QueryResult(q, result_columns(q), [{"cost": Decimal("2")}])
        assert translate.series(result, question.dimensions) == [
            {"group": {}, "cost": [{"timestamp": "2024-09-01T00:00:00Z", "value": 2.0}]}
        ]

    def test_pagination_is_flat_and_leaves_missing_links_out(self) -> None:
        links = {"cursor": {"next": "http://x/?cursor=a", "previous": None}, "total": 9}
        assert translate.pagination(links) == {"next": "http://x/?cursor=a", "total": 9}


class TestInsights:
    def test_input_in_core_terms_and_back(self) -> None:
        data = insights.to_input(
            "n", "d", {"Service": ["EC2"], "Tag:env": {"exclude": ["dev"]}}, ["Account"]
        )
        assert data.group_by == ("SubAccountId",)
        assert data.filters == {
            "ServiceName": ValueFilter(include=("EC2",)),
            "tag:env": ValueFilter(exclude=("dev",)),
        }
        moment = datetime(2024, 10, 16, 10, 30, tzinfo=UTC)
        shaped = insights.shape(
            Insight("i", "acme", "n", "d", data.filters, data.group_by, moment, moment)
        )
        assert shaped["filters"] == {"Service": ["EC2"], "Tag:env": {"exclude": ["dev"]}}
        assert shaped["group_by"] == ["Account"]
        assert shaped["created_at"] == "2024-10-16T10:30:00.000Z"

    def test_a_core_column_without_a_cloudzero_id_is_shown_as_is(self) -> None:
        assert insights.dimension_id("PublisherName") == "PublisherName"

    @pytest.mark.parametrize(
        "page, size, window",
        [(None, None, (0, 25)), (0, 0, (0, 1)), (-5, 500, (0, 100)), (3, 10, (20, 10))],
    )
    def test_pages_are_clamped(
        self, page: int | None, size: int | None, window: tuple[int, int]
    ) -> None:
        assert insights.window(page, size) == window

    def test_integers_and_not(self) -> None:
        assert insights.integer("3") == 3 and insights.integer("null") is None

    def test_links_only_where_pages_exist(self) -> None:
        middle = insights.listing(InsightPage([], 7, 2, 2), "http://x/v2/insights")
        assert middle["pagination"] == {
            "next": "http://x/v2/insights?page=3&page_size=2",
            "previous": "http://x/v2/insights?page=1&page_size=2",
            "total": 7,
        }
        beyond = insights.listing(InsightPage([], 3, 18, 2), "http://x/v2/insights")
        assert beyond["pagination"]["previous"].endswith("page=2&page_size=2")
