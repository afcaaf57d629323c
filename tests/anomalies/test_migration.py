"""Migration 0005 (anomalies) on a database of the previous release, and back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from alembic import command
from sqlalchemy import Engine, column, exc, insert, inspect, select, table

from costlake.db import create_engine, current_revision
from costlake.db.engine import _alembic_config
from costlake.db.models import Anomaly
from costlake.kit.clock import now

# The orgs table as the previous release has it (the model may have grown columns since).
orgs = table("orgs", column("id"), column("slug"), column("name"), column("created_at"))


@pytest.fixture
def previous_release(empty_db_url: str) -> Iterator[Engine]:
    """A database at revision 0004 (the release before anomalies) holding an org."""
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0004")
        connection.execute(insert(orgs), {"slug": "acme", "name": "Acme", "created_at": now()})
    yield engine
    engine.dispose()


def _upgrade(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0005")


def _row(org_id: int, **overrides: object) -> dict[str, object]:
    day = date(2024, 7, 21)
    return {
        "id": "a1",
        "org_id": org_id,
        "monitor": "provider_service",
        "series_key": "ProviderName=AWS|ServiceName=Amazon EC2",
        "provider_type": "aws",
        "service": "Amazon EC2",
        "alert_type": "spend_spike",
        "severity": "low",
        "status": "new",
        "start_date": day,
        "end_date": day,
        "detected_date": day,
        "expected_cost": "100.5",
        "actual_cost": "400.25",
        "contributors": [],
        "created_at": now(),
        "updated_at": now(),
        **overrides,
    }


def test_upgrading_adds_the_anomalies_table_and_keeps_the_data(previous_release: Engine) -> None:
    _upgrade(previous_release)
    with previous_release.begin() as connection:
        assert current_revision(connection) == "0005"
        assert "anomalies" in inspect(connection).get_table_names()
        [org_id] = connection.execute(select(orgs.c.id)).scalars().all()
        connection.execute(insert(Anomaly), _row(org_id))
        assert connection.execute(select(Anomaly.actual_cost)).scalars().all() == ["400.25"]


def test_an_unknown_status_is_refused_by_the_database(previous_release: Engine) -> None:
    _upgrade(previous_release)
    with pytest.raises(exc.IntegrityError), previous_release.begin() as connection:
        [org_id] = connection.execute(select(orgs.c.id)).scalars().all()
        connection.execute(insert(Anomaly), _row(org_id, status="ignored"))


def test_downgrading_removes_it_again(previous_release: Engine) -> None:
    _upgrade(previous_release)
    with previous_release.begin() as connection:
        command.downgrade(_alembic_config(connection), "0004")
    with previous_release.connect() as connection:
        assert current_revision(connection) == "0004"
        assert "anomalies" not in inspect(connection).get_table_names()
        assert connection.execute(select(orgs.c.slug)).scalars().all() == ["acme"]
