"""Insights in the metadata database: CRUD within one org, refusals naming the field, and
the cost query an insight stands for."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from costlake.errors import InvalidInput, NotFound
from costlake.insights import service
from costlake.insights.schemas import InsightInput, ValueFilter
from costlake.orgs.service import get_or_create_org
from costlake.query.model import FilterOp, Granularity, Metric


@pytest.fixture
def orgs(db_session: Session) -> Session:
    get_or_create_org(db_session, "acme")
    get_or_create_org(db_session, "globex")
    return db_session


def spend(**kw: object) -> InsightInput:
    base: dict[str, object] = {
        "name": "EC2 by team",
        "description": "compute per team",
        "filters": {"servicename": ValueFilter(include=("Amazon EC2",))},
        "group_by": ("tag:team",),
    }
    return InsightInput(**{**base, **kw})  # type: ignore[arg-type]


class TestCreate:
    @pytest.mark.parametrize(
        "data, field",
        [
            (spend(name="  "), "name"),
            (spend(name="x" * 201), "name"),
            (spend(description="x" * 4001), "description"),
            (spend(group_by=("Planet",)), "group_by[0]"),
            (spend(group_by=("ServiceName", "servicename")), "group_by"),
            (spend(filters={"Moon": ValueFilter(include=("x",))}), "filters.Moon"),
            (spend(filters={"RegionId": ValueFilter()}), "filters.RegionId"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field(
        self, orgs: Session, data: InsightInput, field: str
    ) -> None:
        with pytest.raises(InvalidInput, match="^" + re.escape(field)):
            service.create(orgs, "acme", data)

    def test_keys_are_stored_in_canonical_spelling(self, orgs: Session) -> None:
        made = service.create(orgs, "acme", spend())
        assert made.group_by == ("tag:team",)
        assert made.filters == {"ServiceName": ValueFilter(include=("Amazon EC2",))}
        assert made.created_at == made.updated_at and made.created_at.tzinfo is not None
        assert service.get(orgs, "acme", made.id) == made


class TestReadUpdateDelete:
    def test_another_orgs_insight_is_unknown(self, orgs: Session) -> None:
        made = service.create(orgs, "acme", spend())
        with pytest.raises(NotFound):
            service.get(orgs, "globex", made.id)
        with pytest.raises(NotFound):
            service.replace(orgs, "globex", made.id, spend(name="taken"))
        with pytest.raises(NotFound):
            service.delete(orgs, "globex", made.id)
        assert service.get(orgs, "acme", made.id).name == "EC2 by team"

    def test_replace_changes_every_field_and_keeps_the_creation_time(self, orgs: Session) -> None:
        made = service.create(orgs, "acme", spend())
        new = service.replace(orgs, "acme", made.id, InsightInput(name="All"))
        assert (new.name, new.description, new.filters, new.group_by) == ("All", "", {}, ())
        assert new.created_at == made.created_at and new.updated_at >= made.updated_at

    def test_delete_then_get_is_unknown(self, orgs: Session) -> None:
        made = service.create(orgs, "acme", spend())
        service.delete(orgs, "acme", made.id)
        with pytest.raises(NotFound):
            service.get(orgs, "acme", made.id)

    def test_pages_are_oldest_first_and_per_org(self, orgs: Session) -> None:
        made = [service.create(orgs, "acme", spend(name=f"n{i}")) for i in range(5)]
        service.create(orgs, "globex", spend())
        first = service.page(orgs, "acme", 0, 2)
        last = service.page(orgs, "acme", 4, 2)
        assert first.total == 5 and [i.id for i in first.items] == [m.id for m in made[:2]]
        assert [i.id for i in last.items] == [made[4].id]
        with pytest.raises(InvalidInput, match="page"):
            service.page(orgs, "acme", 0, 101)


class TestCostQuery:
    def test_an_insight_is_one_cost_query_away(self, orgs: Session) -> None:
        made = service.create(
            orgs,
            "acme",
            spend(filters={"RegionId": ValueFilter(include=("us-east-1",), exclude=("x",))}),
        )
        start, end = datetime(2024, 9, 1, tzinfo=UTC), datetime(2024, 10, 1, tzinfo=UTC)
        q = service.cost_query(made, start, end, account_ids=("111",))
        assert q.group_by == ("tag:team",) and q.granularity is Granularity.DAY
        assert q.metric is Metric.EFFECTIVE and q.account_ids == ("111",)
        assert [(f.key, f.op, f.values) for f in q.filters] == [
            ("RegionId", FilterOp.IN, ("us-east-1",)),
            ("RegionId", FilterOp.NOT_IN, ("x",)),
        ]
