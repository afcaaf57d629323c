"""Ingest, then record the accounts seen: one core service for the CLI, server and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from costlake.config import Settings
from costlake.db.models import CloudAccount, Org
from costlake.errors import IngestError
from costlake.platform import Platform
from costlake.sources.service import ingest_files
from tests.query.conftest import ACCOUNTS, focus_rows


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    p = Platform.start(Settings(home=tmp_path / "home"))
    yield p
    p.close()


class TestIngestFiles:
    def test_a_refused_file_records_no_org_and_leaves_the_lake_empty(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.csv"
        bad.write_text("not,a,billing,export\n1,2,3,4\n")
        with pytest.raises(IngestError):
            ingest_files(platform, [bad], org="acme")
        assert platform.lake.orgs() == []
        with platform.session() as s:
            assert s.scalars(select(Org.slug)).all() == []

    def test_records_the_org_and_every_account_the_files_hold(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        data = tmp_path / "acme.parquet"
        pq.write_table(focus_rows(7, 500), data)
        result = ingest_files(platform, [data], org="acme", source="fixture")
        assert result.rows_written == 500
        with platform.session() as s:
            accounts = s.execute(
                select(CloudAccount.kind, CloudAccount.account_id)
                .join(Org)
                .where(Org.slug == "acme")
            ).all()
        assert sorted(set(accounts)) == [("billing", "999")] + [("sub", a) for a in ACCOUNTS]

    def test_applies_the_platforms_enrichers(self, platform: Platform, tmp_path: Path) -> None:
        """Carbon columns come from the enrichers the composition root injects."""
        data = tmp_path / "acme.parquet"
        pq.write_table(focus_rows(7, 500), data)
        ingest_files(platform, [data], org="acme", source="fixture")
        files = platform.lake.snapshot("acme").files()
        estimated = duckdb.sql(
            f"SELECT count(*) FROM read_parquet({files}) WHERE x_CarbonKgCO2e IS NOT NULL"
        ).fetchall()[0][0]
        assert estimated > 0
