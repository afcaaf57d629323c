"""Closing an org deletes all of its lake and nothing of another org's."""

from __future__ import annotations

from pathlib import Path

from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from tests.lake.helpers import focus_file


class TestDeleteOrg:
    def test_an_org_without_a_lake_deletes_nothing(self, lake: Lake) -> None:
        assert lake.delete_org("ghost") == ()

    def test_every_partition_goes_and_the_other_org_stays(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        for month in (8, 9):
            f = focus_file(tmp_path / f"{month}.parquet", month=month, rows=10, cost="1")
            ingestor.ingest([f], org="acme", source="aws")
        ingestor.ingest(
            [focus_file(tmp_path / "o.parquet", month=9, rows=5, cost="1")], org="other"
        )

        gone = lake.delete_org("acme")

        assert sorted((p.source, p.period, p.rows) for p in gone) == [
            ("aws", "2024-08", 10),
            ("aws", "2024-09", 10),
        ]
        assert not lake.org_dir("acme").exists()
        assert lake.snapshot("acme").is_empty
        assert lake.orgs() == ["other"]
        assert lake.snapshot("other").rows == 5
