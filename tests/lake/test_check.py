"""Damage inside the lake: checksums in the manifest, ``costlake check``, and reads that name
the damaged partition instead of failing somewhere inside DuckDB."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from costlake.errors import CorruptManifest, DamagedPartition, NotFound
from costlake.ingest.pipeline import Ingestor
from costlake.lake import manifest as mf
from costlake.lake.check import check_lake, check_org
from costlake.lake.store import Lake
from costlake.query.model import CostQuery, Granularity
from costlake.query.service import QueryService
from tests.lake.helpers import focus_file, total


@pytest.fixture
def two_periods(tmp_path: Path, lake: Lake, ingestor: Ingestor) -> Lake:
    for month in (9, 10):
        ingestor.ingest(
            [focus_file(tmp_path / f"m{month}.parquet", month=month, rows=50, cost="2")],
            org="acme",
            source="aws",
        )
    return lake


def _partition(lake: Lake, period: str) -> mf.Partition:
    return next(p for p in lake.snapshot("acme").partitions if p.period == period)


def _line_items(lake: Lake, period: str) -> Path:
    return lake.org_dir("acme") / _partition(lake, period).files[0]


def _flip_a_byte(path: Path) -> None:
    """Alter a file without changing its size: only its checksum can tell."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _monthly_query() -> CostQuery:
    """A query the planner answers from rollups: line items are never read."""
    return CostQuery(
        start=datetime(2024, 9, 1),
        end=datetime(2024, 11, 1),
        granularity=Granularity.MONTH,
        group_by=("ServiceName",),
    )


class TestChecksums:
    def test_every_file_and_rollup_file_has_a_size_and_digest(self, two_periods: Lake) -> None:
        for p in two_periods.snapshot("acme").partitions:
            assert p.rollups
            assert {c.path for c in p.checksums} == set(p.all_files)
            for c in p.checksums:
                path = two_periods.org_dir("acme") / c.path
                assert c.size == path.stat().st_size
                assert c == mf.file_sum(path, c.path)

    def test_checksums_round_trip_through_the_manifest(self, two_periods: Lake) -> None:
        current = mf.read(two_periods.org_dir("acme"), "acme")
        assert mf.Manifest.from_json(current.to_json()) == current

    def test_a_manifest_written_before_checksums_still_reads_and_checks(
        self, two_periods: Lake
    ) -> None:
        path = two_periods.org_dir("acme") / mf.MANIFEST_NAME
        doc = orjson.loads(path.read_bytes())
        for p in doc["partitions"]:
            del p["checksums"]
        path.write_bytes(orjson.dumps(doc))
        assert all(not p.checksums for p in two_periods.snapshot("acme").partitions)
        assert total(two_periods) == (100, 200)
        report = check_org(two_periods, "acme")
        assert report.ok and report.unverified == report.files == 6

    def test_a_lake_checksummed_with_sha256_still_verifies(self, two_periods: Lake) -> None:
        """Lakes written before XXH3 recorded SHA-256: they check as before, damage too."""
        import hashlib

        org_dir = two_periods.org_dir("acme")
        path = org_dir / mf.MANIFEST_NAME
        doc = orjson.loads(path.read_bytes())
        for p in doc["partitions"]:
            p["checksums"] = {
                f: {
                    "size": e["size"],
                    "sha256": hashlib.sha256((org_dir / f).read_bytes()).hexdigest(),
                }
                for f, e in p["checksums"].items()
            }
        path.write_bytes(orjson.dumps(doc))
        assert {
            c.algorithm for p in two_periods.snapshot("acme").partitions for c in p.checksums
        } == {"sha256"}
        report = check_org(two_periods, "acme")
        assert report.ok and report.unverified == 0
        _flip_a_byte(_line_items(two_periods, "2024-09"))
        (damage,) = check_org(two_periods, "acme").damaged
        assert damage.problems[0].problem.startswith("altered: its sha256 differs")

    def test_rollups_built_later_get_checksums(self, two_periods: Lake) -> None:
        from costlake.kit.duck import connect
        from costlake.lake.rollups import backfill

        org_dir = two_periods.org_dir("acme")
        current = mf.read(org_dir, "acme")
        stripped = [
            mf.Partition(**{**_fields(p), "rollups": (), "checksums": ()})
            for p in current.partitions
        ]
        mf.write_atomically(org_dir, mf.Manifest("acme", current.generation + 1, tuple(stripped)))
        con = connect()
        try:
            assert backfill(two_periods, "acme", con) == 2
        finally:
            con.close()
        for p in two_periods.snapshot("acme").partitions:
            assert {c.path for c in p.checksums} == {f for _, fs in p.rollups for f in fs}
        assert check_org(two_periods, "acme").ok


def _fields(p: mf.Partition) -> dict[str, object]:
    return {name: getattr(p, name) for name in mf.Partition.__slots__}


class TestCheck:
    def test_an_intact_lake_is_ok(self, two_periods: Lake) -> None:
        (report,) = check_lake(two_periods)
        assert report.ok
        assert (report.partitions, report.files, report.unverified) == (2, 6, 0)

    def test_an_unknown_org_is_not_found(self, two_periods: Lake) -> None:
        with pytest.raises(NotFound, match="nosuchorg"):
            check_lake(two_periods, "nosuchorg")

    def test_a_truncated_line_item_file_is_found_though_queries_read_rollups(
        self, two_periods: Lake
    ) -> None:
        victim = _line_items(two_periods, "2024-09")
        size = victim.stat().st_size
        with open(victim, "r+b") as fh:
            fh.truncate(size // 2)
        report = check_org(two_periods, "acme")
        (damage,) = report.damaged
        assert (damage.source, damage.period) == ("aws", "2024-09")
        (problem,) = damage.problems
        assert problem.path == str(victim.relative_to(two_periods.org_dir("acme")))
        assert problem.problem == f"cut short: {size // 2:,} bytes, {size:,} when written"
        assert "re-ingest the source files for aws/2024-09" in damage.repair
        assert "--org acme --source aws" in damage.repair

    def test_a_deleted_file_is_found(self, two_periods: Lake) -> None:
        _line_items(two_periods, "2024-10").unlink()
        (damage,) = check_org(two_periods, "acme").damaged
        assert damage.period == "2024-10"
        assert [p.problem for p in damage.problems] == ["missing"]

    def test_an_altered_file_of_the_same_size_is_found(self, two_periods: Lake) -> None:
        _flip_a_byte(_line_items(two_periods, "2024-09"))
        (damage,) = check_org(two_periods, "acme").damaged
        assert damage.problems[0].problem.startswith("altered: its xxh3_128 differs")

    def test_a_damaged_rollup_is_found(self, two_periods: Lake) -> None:
        p = _partition(two_periods, "2024-10")
        rollup = two_periods.org_dir("acme") / p.rollup_files("monthly")[0]  # type: ignore[index]
        rollup.write_bytes(b"")
        (damage,) = check_org(two_periods, "acme").damaged
        assert damage.problems[0].path.endswith("rollup-monthly.parquet")

    def test_without_checksums_a_cut_parquet_file_is_still_found(self, two_periods: Lake) -> None:
        path = two_periods.org_dir("acme") / mf.MANIFEST_NAME
        doc = orjson.loads(path.read_bytes())
        for p in doc["partitions"]:
            p["checksums"] = {}
        path.write_bytes(orjson.dumps(doc))
        victim = _line_items(two_periods, "2024-09")
        victim.write_bytes(victim.read_bytes()[:-100])
        (damage,) = check_org(two_periods, "acme").damaged
        assert "not a whole Parquet file" in damage.problems[0].problem

    def test_a_corrupt_manifest_is_reported_not_raised(self, two_periods: Lake) -> None:
        path = two_periods.org_dir("acme") / mf.MANIFEST_NAME
        path.write_bytes(path.read_bytes()[:200])
        (report,) = check_lake(two_periods)
        assert not report.ok
        assert report.manifest_error and "org=acme/_manifest.json" in report.manifest_error


class TestReadsOfADamagedLake:
    @pytest.mark.parametrize("granularity", [Granularity.MONTH, Granularity.HOUR])
    def test_a_query_over_a_damaged_partition_names_it(
        self, two_periods: Lake, granularity: Granularity
    ) -> None:
        """By month the query reads rollups, by hour line items; either way the line items
        are cut short."""
        victim = _line_items(two_periods, "2024-09")
        victim.write_bytes(victim.read_bytes()[:100])
        service = QueryService(two_periods)
        query = replace(_monthly_query(), granularity=granularity)
        with pytest.raises(DamagedPartition, match="aws/2024-09 of org 'acme'") as e:
            service.run("acme", query)
        assert (e.value.source, e.value.period) == ("aws", "2024-09")
        assert "costlake check" in e.value.message

    def test_a_query_of_intact_periods_still_answers(self, two_periods: Lake) -> None:
        _line_items(two_periods, "2024-09").unlink()
        q = CostQuery(start=datetime(2024, 10, 1), end=datetime(2024, 11, 1))
        assert QueryService(two_periods).run("acme", q).rows

    @pytest.mark.parametrize(
        "damage",
        [
            b"",
            b"{not json",
            b'{"org": "acme"}',
            b'{"org": "acme", "generation": 1, "partitions": [{"source": "aws"}], "retired": []}',
        ],
    )
    def test_a_corrupt_manifest_is_a_clear_error_naming_it(
        self, two_periods: Lake, damage: bytes
    ) -> None:
        (two_periods.org_dir("acme") / mf.MANIFEST_NAME).write_bytes(damage)
        with pytest.raises(CorruptManifest, match=r"org=acme/_manifest\.json") as e:
            two_periods.snapshot("acme")
        assert e.value.org == "acme"


class TestCommand:
    def _run(self, home: Path, *args: str) -> tuple[int, str]:
        from costlake.cli.app import app

        result = CliRunner().invoke(app, ["check", *args], env={"COSTLAKE_HOME": str(home)})
        return result.exit_code, result.output

    @pytest.fixture
    def home(self, tmp_path: Path) -> Path:
        home = tmp_path / "home"
        lake = Lake(home / "lake")
        for month in (9, 10):
            Ingestor(lake).ingest(
                [focus_file(tmp_path / f"m{month}.parquet", month=month, rows=20, cost="1")],
                org="acme",
                source="aws",
            )
        return home

    def test_an_intact_lake_exits_0(self, home: Path) -> None:
        code, out = self._run(home)
        assert code == 0, out
        assert "org acme: ok: 2 billing period(s), 6 files" in out

    def test_damage_exits_1_and_says_how_to_repair(self, home: Path) -> None:
        lake = Lake(home / "lake")
        _line_items(lake, "2024-10").unlink()
        code, out = self._run(home, "--org", "acme")
        assert code == 1
        assert "DAMAGED (1 billing period(s))" in out
        assert "missing" in out and "re-ingest the source files for aws/2024-10" in out

    def test_json_output(self, home: Path) -> None:
        lake = Lake(home / "lake")
        _line_items(lake, "2024-09").unlink()
        code, out = self._run(home, "--output", "json")
        doc = json.loads(out)
        assert code == 1 and doc["ok"] is False
        (damage,) = doc["orgs"][0]["damaged"]
        assert (damage["source"], damage["period"]) == ("aws", "2024-09")
        assert damage["problems"][0]["problem"] == "missing"

    def test_an_unknown_org_is_one_line(self, home: Path) -> None:
        code, out = self._run(home, "--org", "nosuchorg")
        assert code == 2
        assert "no such org 'nosuchorg'" in out and "Traceback" not in out
