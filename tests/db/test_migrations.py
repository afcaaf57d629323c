"""Engine set-up and migrations: every process may migrate at start-up, at the same time."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, exc, insert, inspect, select, text

from costlake.config import Settings
from costlake.db import (
    create_engine,
    current_revision,
    engine_from_settings,
    head_revision,
    migrate,
)
from costlake.db.models import Base, CloudAccount, Org
from costlake.errors import InvalidInput
from costlake.kit.clock import now


class TestCreateEngine:
    def test_refuses_a_database_other_than_sqlite_or_postgresql(self) -> None:
        with pytest.raises(InvalidInput, match="unsupported metadata database 'mysql'"):
            create_engine("mysql://user@localhost/costlake")

    def test_default_sqlite_file_is_created_under_a_fresh_home(self, tmp_path: Path) -> None:
        settings = Settings(home=tmp_path / "new" / "home")
        engine = engine_from_settings(settings)
        try:
            migrate(engine)
        finally:
            engine.dispose()
        assert (settings.home / "costlake.db").is_file()

    def test_sqlite_runs_in_wal_mode(self, tmp_path: Path) -> None:
        engine = create_engine(f"sqlite:///{tmp_path / 'costlake.db'}")
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        finally:
            engine.dispose()

    def test_foreign_keys_are_enforced(self, db_engine: Engine) -> None:
        row = {
            "org_id": 999_999,
            "provider": "aws",
            "account_id": "123456789012",
            "kind": "billing",
            "first_seen": now(),
            "last_seen": now(),
        }
        with pytest.raises(exc.IntegrityError), db_engine.begin() as connection:
            connection.execute(insert(CloudAccount), row)


class TestMigrate:
    def test_an_empty_database_has_no_revision(self, empty_db_url: str) -> None:
        engine = create_engine(empty_db_url)
        try:
            with engine.connect() as connection:
                assert current_revision(connection) is None
        finally:
            engine.dispose()

    def test_brings_an_empty_database_to_the_newest_revision(self, empty_db_url: str) -> None:
        engine = create_engine(empty_db_url)
        try:
            migrate(engine)
            with engine.connect() as connection:
                assert current_revision(connection) == head_revision()
                tables = set(inspect(connection).get_table_names())
        finally:
            engine.dispose()
        assert tables == set(Base.metadata.tables) | {"alembic_version"}

    def test_migrating_again_is_a_no_op(self, empty_db_url: str) -> None:
        engine = create_engine(empty_db_url)
        try:
            migrate(engine)
            with engine.begin() as connection:
                connection.execute(
                    insert(Org), {"slug": "acme", "name": "Acme", "created_at": now()}
                )
            migrate(engine)
            with engine.connect() as connection:
                assert current_revision(connection) == head_revision()
                assert connection.execute(select(Org.slug)).scalars().all() == ["acme"]
        finally:
            engine.dispose()

    def test_schema_after_migrating_equals_the_models(self, empty_db_url: str) -> None:
        engine = create_engine(empty_db_url)
        try:
            migrate(engine)
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, Base.metadata)
        finally:
            engine.dispose()
        assert differences == [], "the models changed: add a migration"

    def test_processes_starting_at_the_same_moment_all_migrate(self, empty_db_url: str) -> None:
        """Two server processes start together. Forked children begin with everything
        imported, so they reach ``migrate`` within microseconds of each other."""
        fork = multiprocessing.get_context("fork")
        barrier = fork.Barrier(2)
        children = [
            fork.Process(target=_migrate_in_step, args=(empty_db_url, barrier)) for _ in range(2)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(timeout=60)
            if child.is_alive():
                child.kill()
                child.join()
        assert [child.exitcode for child in children] == [0, 0]
        engine = create_engine(empty_db_url)
        try:
            with engine.connect() as connection:
                assert current_revision(connection) == head_revision()
                count = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
                assert count == 1
        finally:
            engine.dispose()


def _migrate_in_step(url: str, barrier: Barrier) -> None:
    """A child process: connect, wait for its sibling, then migrate at start-up."""
    engine = create_engine(url)
    with engine.connect():
        pass
    barrier.wait(timeout=30)
    migrate(engine)
