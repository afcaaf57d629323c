"""Reading a rollup never changes an answer: the same rows as the line items, on every engine."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costlake.lake.store import Lake
from costlake.query.engines import Engine
from costlake.query.model import CostQuery, Filter, Granularity, Metric
from costlake.query.planner import choose_rollup
from costlake.query.service import QueryService

KEYS = [
    "ServiceName",
    "SubAccountId",
    "RegionId",
    "ProviderName",
    "ResourceId",
    "tag:team",
    "ServiceCategory",
    "BillingAccountName",
]
BOUNDARIES = [datetime(2024, m, 1) for m in (8, 9, 10, 11)]


@st.composite
def windows(draw: st.DrawFn) -> tuple[datetime, datetime]:
    """Mostly windows on month or day boundaries (where rollups apply), sometimes not."""
    kind = draw(st.sampled_from(["month", "day", "hour"]))
    if kind == "month":
        i = draw(st.integers(0, 2))
        j = draw(st.integers(i + 1, 3))
        return BOUNDARIES[i], BOUNDARIES[j]
    start = datetime(2024, 8, 1) + timedelta(days=draw(st.integers(0, 70)))
    if kind == "hour":
        start += timedelta(hours=draw(st.integers(1, 23)))
    return start, start + timedelta(days=draw(st.integers(1, 40)))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    window=windows(),
    group_by=st.lists(st.sampled_from(KEYS), unique=True, max_size=2),
    granularity=st.sampled_from(list(Granularity)),
    metric=st.sampled_from([Metric.BILLED, Metric.EFFECTIVE, Metric.CARBON]),
    top_n=st.one_of(st.none(), st.integers(1, 4)),
    compare=st.booleans(),
    calendar=st.booleans(),
    team=st.one_of(st.none(), st.sampled_from(["core", "web"])),
)
def test_rollups_give_the_line_items_answer(
    query_lake: Lake,
    window: tuple[datetime, datetime],
    group_by: list[str],
    granularity: Granularity,
    metric: Metric,
    top_n: int | None,
    compare: bool,
    calendar: bool,
    team: str | None,
) -> None:
    start = window[0]
    month_back = (start - timedelta(days=1)).replace(day=1)
    q = CostQuery(
        window[0],
        window[1],
        granularity=granularity,
        group_by=tuple(group_by),
        metric=metric,
        top_n=top_n if group_by else None,
        compare_previous=compare,
        # A calendar comparison (the month before) when the window starts a month.
        previous_start_at=month_back if calendar and start.day == 1 else None,
        filters=(Filter.of("tag:team", "not_in", team),) if team else (),
    )
    fast = QueryService(query_lake).run("acme", q)
    slow = QueryService(query_lake, use_rollups=False).run("acme", q)
    assert slow.rollup is None
    assert fast.rollup == (choose_rollup(q).name if choose_rollup(q) else None)  # type: ignore[union-attr]
    assert fast.rows == slow.rows


def test_each_rollup_serves_on_every_engine(query_lake: Lake, engine: Engine) -> None:
    aug, nov = datetime(2024, 8, 1), datetime(2024, 11, 1)
    for q in (
        CostQuery(aug, nov, group_by=("tag:team",)),
        CostQuery(aug, nov, group_by=("ResourceId",), top_n=5),
        CostQuery(
            aug + timedelta(days=3), nov, granularity=Granularity.WEEK, group_by=("RegionId",)
        ),
    ):
        ours = QueryService(query_lake, engine).run("acme", q)
        lines = QueryService(query_lake, use_rollups=False).run("acme", q)
        assert ours.rollup is not None
        assert ours.rows == lines.rows


def test_month_buckets_with_a_calendar_comparison_match_the_line_items(query_lake: Lake) -> None:
    """September against August, by month and tag: August 31 moves 31 days forward into
    October, which the monthly rollup's one August bucket could not do (so the planner reads
    line items: the daily rollup has no tags)."""
    q = CostQuery(
        datetime(2024, 9, 1),
        datetime(2024, 10, 1),
        granularity=Granularity.MONTH,
        group_by=("tag:team",),
        compare_previous=True,
        previous_start_at=datetime(2024, 8, 1),
    )
    fast = QueryService(query_lake).run("acme", q)
    assert fast.rollup is None
    assert {r["period"] for r in fast.rows} == {datetime(2024, 9, 1), datetime(2024, 10, 1)}
    assert fast.rows == QueryService(query_lake, use_rollups=False).run("acme", q).rows
