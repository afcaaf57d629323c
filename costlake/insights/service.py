"""Insights: create, read, replace and delete an org's saved cost questions, and the cost
query each one stands for.

Every function takes the org of the caller and touches only that org's rows: an id of
another org's insight is answered as unknown (:class:`NotFound`), never as forbidden, so
ids do not leak across orgs. Input is checked here, each refusal naming the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from costlake.db import models
from costlake.errors import InvalidInput, NotFound
from costlake.insights.repository import InsightRepository
from costlake.insights.schemas import Insight, InsightInput, InsightPage, ValueFilter
from costlake.kit.clock import now
from costlake.orgs.service import get_org
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric, resolve_key

MAX_NAME = 200
MAX_DESCRIPTION = 4000
MAX_PAGE_SIZE = 100


def validate(data: InsightInput) -> InsightInput:
    """``data`` with its keys in canonical spelling; :class:`InvalidInput` naming the field."""
    name = data.name.strip() if isinstance(data.name, str) else ""
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"name: give 1-{MAX_NAME} characters")
    if not isinstance(data.description, str) or len(data.description) > MAX_DESCRIPTION:
        raise InvalidInput(f"description: at most {MAX_DESCRIPTION} characters")
    group_by = tuple(_key(k, f"group_by[{i}]") for i, k in enumerate(data.group_by))
    if len(set(group_by)) != len(group_by):
        raise InvalidInput("group_by: a dimension appears twice")
    filters: dict[str, ValueFilter] = {}
    for key, rule in data.filters.items():
        canonical = _key(key, f"filters.{key}")
        if not (rule.include or rule.exclude):
            raise InvalidInput(f"filters.{key}: give values to include or exclude")
        filters[canonical] = rule
    return InsightInput(name, data.description, filters, group_by)


def _key(key: object, where: str) -> str:
    if not isinstance(key, str):
        raise InvalidInput(f"{where}: must be a string")
    try:
        return resolve_key(key)
    except InvalidInput as e:
        raise InvalidInput(f"{where}: {e.message}") from None


def create(session: Session, org: str, data: InsightInput) -> Insight:
    clean = validate(data)
    moment = now()
    row = models.Insight(
        id=str(uuid.uuid4()),
        org_id=get_org(session, org).id,
        created_at=moment,
        updated_at=moment,
        **_columns(clean),
    )
    InsightRepository(session).add(row)
    return _out(row, org)


def get(session: Session, org: str, insight_id: str) -> Insight:
    return _out(_row(session, org, insight_id), org)


def replace(session: Session, org: str, insight_id: str, data: InsightInput) -> Insight:
    row = _row(session, org, insight_id)
    clean = validate(data)
    for name, value in _columns(clean).items():
        setattr(row, name, value)
    row.updated_at = max(now(), row.created_at)
    session.flush()
    return _out(row, org)


def delete(session: Session, org: str, insight_id: str) -> None:
    InsightRepository(session).delete(_row(session, org, insight_id))


def page(session: Session, org: str, offset: int, limit: int) -> InsightPage:
    """A page of the org's insights, oldest first."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"page: offset >= 0 and 1-{MAX_PAGE_SIZE} items per page")
    rows, total = InsightRepository(session).page(get_org(session, org).id, offset, limit)
    return InsightPage([_out(r, org) for r in rows], total, offset, limit)


def cost_query(
    insight: Insight,
    start: datetime,
    end: datetime,
    *,
    granularity: Granularity = Granularity.DAY,
    metric: Metric = Metric.EFFECTIVE,
    account_ids: tuple[str, ...] | None = None,
) -> CostQuery:
    """The insight's cost over [start, end): its filters and grouping as a cost query."""
    filters: list[Filter] = []
    for key, rule in insight.filters.items():
        if rule.include:
            filters.append(Filter(key, FilterOp.IN, rule.include))
        if rule.exclude:
            filters.append(Filter(key, FilterOp.NOT_IN, rule.exclude))
    return CostQuery(
        start,
        end,
        granularity=granularity,
        group_by=insight.group_by,
        filters=tuple(filters),
        metric=metric,
        account_ids=account_ids,
    )


def _row(session: Session, org: str, insight_id: str) -> models.Insight:
    row = InsightRepository(session).get(get_org(session, org).id, insight_id)
    if row is None:
        raise NotFound(f"insight {insight_id[:64]!r} not found")
    return row


def _columns(data: InsightInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "description": data.description,
        "filters": {
            k: {"include": list(v.include), "exclude": list(v.exclude)}
            for k, v in data.filters.items()
        },
        "group_by": list(data.group_by),
    }


def _filters(stored: Mapping[str, Any]) -> dict[str, ValueFilter]:
    return {
        k: ValueFilter(tuple(v.get("include", ())), tuple(v.get("exclude", ())))
        for k, v in stored.items()
    }


def _out(row: models.Insight, org: str) -> Insight:
    return Insight(
        id=row.id,
        org=org,
        name=row.name,
        description=row.description,
        filters=_filters(row.filters),
        group_by=tuple(row.group_by),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
