"""Migration 0008 on a database of the previous release (at 0007) that holds data."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from sqlalchemy import insert, inspect, select

from costlake.budgets import service
from costlake.budgets.schemas import BudgetInput
from costlake.db import create_engine, migrate, session_factory
from costlake.db.engine import _alembic_config
from costlake.kit.clock import now
from tests.db.fixtures import API_KEYS_0001, ORGS_0001

NEW = {"views", "budgets", "budget_notifications"}


def test_upgrading_the_previous_release_keeps_its_rows_and_adds_budgets(
    empty_db_url: str,
) -> None:
    engine = create_engine(empty_db_url)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0007")
        with engine.begin() as connection:
            org_id = connection.execute(
                insert(ORGS_0001).returning(ORGS_0001.c.id),
                {"slug": "acme", "name": "Acme", "created_at": now()},
            ).scalar_one()
            connection.execute(
                insert(API_KEYS_0001),
                {"org_id": org_id, "name": "old", "style": "plain", "prefix": "cl_abc",
                 "lookup": "abc", "secret_hash": "x", "scopes": ["*"], "created_at": now()},
            )  # fmt: skip
            assert not NEW & set(inspect(connection).get_table_names())
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0008")
            assert set(inspect(connection).get_table_names()) >= NEW
            assert connection.execute(select(API_KEYS_0001.c.name)).scalars().all() == ["old"]
        migrate(engine)  # the models are the newest release's
        with session_factory(engine)() as session:
            made = service.create(session, "acme", BudgetInput("kept", Decimal(5), "annual"))
            session.commit()
            assert service.get(session, "acme", made.id).name == "kept"
        with engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "0007")
            assert not NEW & set(inspect(connection).get_table_names())
            assert connection.execute(select(ORGS_0001.c.slug)).scalars().all() == ["acme"]
    finally:
        engine.dispose()
