"""Migration 0009 on a database of the previous release (at 0008) that holds data: its rows
stay, streams and records work after it, and a downgrade drops only its tables."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from alembic import command
from sqlalchemy import insert, inspect, select

from costlake.allocation import service as allocation
from costlake.db import create_engine, migrate, session_factory
from costlake.db.engine import _alembic_config
from costlake.kit.clock import now
from costlake.telemetry import streams
from costlake.telemetry.records import Granularity, Record
from tests.db.fixtures import API_KEYS_0001, ORGS_0001

TABLES = ("telemetry_streams", "telemetry_records")


def test_upgrading_the_previous_release_keeps_its_rows_and_adds_streams(
    empty_db_url: str,
) -> None:
    engine = create_engine(empty_db_url)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0008")
        with engine.begin() as connection:
            org_id = connection.execute(
                insert(ORGS_0001).returning(ORGS_0001.c.id),
                {"slug": "acme", "name": "Acme", "created_at": now()},
            ).scalar_one()
            connection.execute(
                insert(API_KEYS_0001),
                {
                    "org_id": org_id,
                    "name": "old",
                    "style": "plain",
                    "prefix": "cl_abc",
                    "lookup": "abc",
                    "secret_hash": "x",
                    "scopes": ["*"],
                    "created_at": now(),
                },
            )
            assert not set(TABLES) & set(inspect(connection).get_table_names())
        migrate(engine)
        with engine.connect() as connection:
            assert connection.execute(select(API_KEYS_0001.c.name)).scalars().all() == ["old"]
        day = datetime(2024, 10, 1, tzinfo=UTC)
        with session_factory(engine)() as session:
            streams.post_records(
                session, "acme", "requests", [Record(day, Granularity.DAILY, Decimal(3), {})]
            )
            element = Record(day, Granularity.DAILY, Decimal(1), {"customer": "a"})
            allocation.sum_records(session, "acme", "customers", [element])
            session.commit()
            assert streams.stream_names(session, "acme") == ["requests"]
            assert allocation.stream_names(session, "acme") == ["customers"]
        with engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "0008")
            assert not set(TABLES) & set(inspect(connection).get_table_names())
            assert connection.execute(select(ORGS_0001.c.slug)).scalars().all() == ["acme"]
    finally:
        engine.dispose()
