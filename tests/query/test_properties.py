"""Properties that hold for any data: the parts always add up to the whole."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costlake.lake.store import Lake
from costlake.query.model import CostQuery, Granularity, Metric
from costlake.query.service import QueryService

KEYS = [
    "ServiceName",
    "SubAccountId",
    "RegionId",
    "ProviderName",
    "ResourceId",
    "tag:team",
    "tag:env",
    "ServiceCategory",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    group_by=st.lists(st.sampled_from(KEYS), unique=True, max_size=3),
    granularity=st.sampled_from(list(Granularity)),
    metric=st.sampled_from(list(Metric)[:4]),
    top_n=st.one_of(st.none(), st.integers(1, 6)),
    start_day=st.integers(0, 60),
    length=st.integers(1, 40),
)
def test_sum_over_any_grouping_equals_the_total(
    query_lake: Lake,
    group_by: list[str],
    granularity: Granularity,
    metric: Metric,
    top_n: int | None,
    start_day: int,
    length: int,
) -> None:
    from datetime import timedelta

    service = QueryService(query_lake)
    start = datetime(2024, 8, 1) + timedelta(days=start_day)
    end = start + timedelta(days=length)
    whole = service.run("acme", CostQuery(start, end, metric=metric)).total()
    parts = service.run(
        "acme",
        CostQuery(
            start,
            end,
            granularity=granularity,
            group_by=tuple(group_by),
            metric=metric,
            top_n=top_n if group_by else None,
        ),
    ).total()
    assert parts == whole


def test_property_runs_are_reproducible_in_ci() -> None:
    """CI loads the derandomized profile (tests/conftest.py): the property tests above,
    settings of their own included, draw the same examples every run and print the blob
    that replays a failure; elsewhere failing examples are kept in .hypothesis/."""
    import os

    used = test_sum_over_any_grouping_equals_the_total._hypothesis_internal_use_settings  # type: ignore[attr-defined]
    for s in (settings(), used):
        assert s.print_blob
        if os.environ.get("CI"):
            assert s.derandomize and s.database is None
        else:
            assert not s.derandomize and s.database is not None
