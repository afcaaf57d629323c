"""Kubecost's parameters in and response objects out, without a server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from costlake.customcosts.schemas import CostType, Line, Prop, SortBy, Step
from costlake.dialects.kubecost import translate
from costlake.errors import InvalidInput

NOW = datetime(2024, 4, 9, 10, 30, 15, tzinfo=UTC)


def req(series: bool = False, **params: str | None) -> translate.Request:
    base: dict[str, str | None] = dict(
        window="7d", aggregate=None, accumulate=None, filter=None, cost_type="blended",
        sort_by="cost", sort_direction="desc",
    )  # fmt: skip
    return translate.request(**{**base, **params}, now=NOW, series=series)  # type: ignore[arg-type]


def line(domain: str, cost: str, zone: str = "") -> Line:
    props = dict.fromkeys(Prop, "") | {Prop.DOMAIN: domain, Prop.ZONE: zone}
    c = Decimal(cost)
    return Line(props, c, c * 2, c, CostType.BILLED, Decimal(0))


class TestAggregate:
    def test_an_unknown_property_is_refused_naming_the_choices(self) -> None:
        with pytest.raises(InvalidInput, match="invalid custom cost property: 'namespace'"):
            translate.parse_aggregate("domain,namespace")

    def test_properties_are_read_case_insensitively_in_order_once(self) -> None:
        assert translate.parse_aggregate(" Zone, DOMAIN ,zone,,") == (Prop.ZONE, Prop.DOMAIN)
        assert translate.parse_aggregate(None) == ()

    def test_the_key_joins_values_with_empty_as_unallocated(self) -> None:
        key = translate.aggregate_key(line("openai", "1"), (Prop.ZONE, Prop.DOMAIN))
        assert key == "__unallocated__/openai"
        every = translate.aggregate_key(line("datadog", "1"), ())
        assert every == "/".join(["__unallocated__"] * 8 + ["datadog", "__unallocated__"])


class TestRequest:
    def test_total_is_one_rounded_window_and_timeseries_its_steps(self) -> None:
        total = req()
        assert total.window.to_json() == {
            "start": "2024-04-03T00:00:00Z", "end": "2024-04-10T00:00:00Z"
        }  # fmt: skip
        assert total.windows == (total.window,) and not total.hourly
        series = req(series=True)
        assert len(series.windows) == 7 and series.window == total.window
        assert req(series=True, window="1d", accumulate="false").hourly

    def test_cost_type_and_sort_are_exact_words(self) -> None:
        assert req(cost_type="list").cost_type is CostType.LIST
        assert req(sort_by="costType", sort_direction="asc").sort_by is SortBy.COST_TYPE
        with pytest.raises(InvalidInput, match="unsupported costType 'Blended'"):
            req(cost_type="Blended")


class TestResponse:
    def test_a_step_carries_the_documents_fields_and_opencosts(self) -> None:
        r = req(aggregate="domain")
        step = Step(r.window.start, r.window.end, (line("openai", "1.5"), line("datadog", "2")))
        body = translate.total([step], r)
        assert body["totalBilledCost"] == 3.5 and body["totalListCost"] == 7.0
        assert body["totalCost"] == 3.5 and body["totalCostType"] == "blended"
        first = body["customCosts"][0]
        assert first["aggregate"] == "datadog" and first["cost"] == 2.0
        assert first["billedCost"] == 2.0 and first["listCost"] == 4.0
        assert first["cost_type"] == "billed" and first["id"] == ""
        assert set(first) >= {"list_unit_price", "usage_quantity", "usage_unit", "cost_source"}

    def test_an_empty_window_has_an_empty_timeseries(self) -> None:
        r = req(series=True, window="0d")
        assert r.windows == ()
        assert translate.timeseries([], r)["timeseries"] == []
