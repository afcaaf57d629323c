"""Migration 0003 (job leases) on a database of the previous release, and back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, insert, inspect, select

from costlake.db import create_engine, current_revision
from costlake.db.engine import _alembic_config
from costlake.db.models import JobLease
from costlake.kit.clock import now
from tests.db.fixtures import ORGS_0001


@pytest.fixture
def previous_release(empty_db_url: str) -> Iterator[Engine]:
    """A database at revision 0002 (the release before job leases) holding an org."""
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0002")
        connection.execute(insert(ORGS_0001), {"slug": "acme", "name": "Acme", "created_at": now()})
    yield engine
    engine.dispose()


def _upgrade_to_0003(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0003")


def test_upgrading_adds_the_lease_table_and_keeps_the_data(previous_release: Engine) -> None:
    _upgrade_to_0003(previous_release)
    with previous_release.begin() as connection:
        assert current_revision(connection) == "0003"
        assert "job_leases" in inspect(connection).get_table_names()
        assert connection.execute(select(ORGS_0001.c.slug)).scalars().all() == ["acme"]
        connection.execute(insert(JobLease), {"name": "accounts.sync", "attempts": 0})
        assert connection.execute(select(JobLease.name)).scalars().all() == ["accounts.sync"]


def test_downgrading_removes_it_again(previous_release: Engine) -> None:
    _upgrade_to_0003(previous_release)
    with previous_release.begin() as connection:
        command.downgrade(_alembic_config(connection), "0002")
    with previous_release.connect() as connection:
        assert current_revision(connection) == "0002"
        assert "job_leases" not in inspect(connection).get_table_names()
        assert connection.execute(select(ORGS_0001.c.slug)).scalars().all() == ["acme"]
