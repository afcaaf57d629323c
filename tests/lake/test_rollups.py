"""Rollups are written with their partition, sum to it exactly, and are replaced with it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.ingest.pipeline import Ingestor
from costlake.lake import manifest as mf
from costlake.lake.rollups import METRICS, ROLLUPS, ROW_COUNT
from costlake.lake.store import Lake
from tests.lake.helpers import focus_file


def _sums(files: list[str], row_count: str = "count(*)") -> tuple[object, ...]:
    metrics = ", ".join(f'sum("{m}")' for m in METRICS)
    return duckdb.sql(f"SELECT {row_count}, {metrics} FROM read_parquet({files})").fetchall()[0]


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    lake = Lake(tmp_path / "lake")
    files = [focus_file(tmp_path / f"m{m}.parquet", month=m, rows=300, cost="1.25") for m in (7, 8)]
    Ingestor(lake).ingest(files, org="acme", source="aws")
    return lake


def test_every_partition_has_every_rollup_summing_to_its_rows(lake: Lake) -> None:
    snap = lake.snapshot("acme")
    assert len(snap.partitions) == 2
    for part in snap.partitions:
        raw = _sums([str(lake.org_dir("acme") / f) for f in part.files])
        for rollup in ROLLUPS:
            files = part.rollup_files(rollup.name)
            assert files is not None, rollup.name
            rolled = _sums(
                [str(lake.org_dir("acme") / f) for f in files], f"sum({ROW_COUNT})::BIGINT"
            )
            assert rolled == raw, rollup.name


def test_rollup_buckets_are_truncated_to_their_grain(lake: Lake) -> None:
    snap = lake.snapshot("acme")
    for rollup in ROLLUPS:
        files = snap.rollup_files(rollup.name)
        assert files
        bad = duckdb.sql(
            f"SELECT count(*) FROM read_parquet({files}) WHERE ChargePeriodStart <> "
            f"date_trunc('{rollup.grain}', ChargePeriodStart)"
        ).fetchall()[0][0]
        assert bad == 0
        names = {
            r[0]
            for r in duckdb.sql(
                f"DESCRIBE SELECT * FROM read_parquet({files}, hive_partitioning = false)"
            ).fetchall()
        }
        assert names == set(rollup.columns) | {ROW_COUNT}


def test_a_restatement_replaces_the_rollups_too(lake: Lake, tmp_path: Path) -> None:
    restated = focus_file(tmp_path / "r.parquet", month=8, rows=10, cost="7")
    Ingestor(lake).ingest([restated], org="acme", source="aws")
    daily = lake.snapshot("acme").rollup_files("daily")
    assert daily is not None
    got = duckdb.sql(
        f"SELECT sum(BilledCost), sum({ROW_COUNT}) FROM read_parquet({daily})"
    ).fetchall()[0]
    assert got == (Decimal(300) * Decimal("1.25") + Decimal(70), 310)


def test_a_lake_written_before_rollups_reads_without_them(lake: Lake) -> None:
    """Old manifests have no ``rollups`` key: the partition simply has none."""
    org_dir = lake.org_dir("acme")
    current = mf.read(org_dir, "acme")
    old = replace(current, partitions=tuple(replace(p, rollups=()) for p in current.partitions))
    doc = old.to_json().replace(b'"rollups": {}', b'"x": 0')
    (org_dir / mf.MANIFEST_NAME).write_bytes(doc)
    snap = lake.snapshot("acme")
    assert all(p.rollups == () for p in snap.partitions)
    assert snap.rollup_files("daily") is None
    assert len(snap.files()) == 2


def _strip_rollups(lake: Lake) -> None:
    """Make the org look as an older costlake left it: partitions without rollups."""
    org_dir = lake.org_dir("acme")
    current = mf.read(org_dir, "acme")
    mf.write_atomically(
        org_dir,
        replace(current, partitions=tuple(replace(p, rollups=()) for p in current.partitions)),
    )


def test_backfill_builds_what_an_older_lake_lacks(lake: Lake) -> None:
    from costlake.lake.rollups import backfill

    _strip_rollups(lake)
    assert lake.snapshot("acme").rollup_files("daily") is None
    con = duckdb.connect()
    assert backfill(lake, "acme", con) == 2
    snap = lake.snapshot("acme")
    for part in snap.partitions:
        raw = _sums([str(lake.org_dir("acme") / f) for f in part.files])
        for rollup in ROLLUPS:
            files = part.rollup_files(rollup.name)
            assert files is not None
            got = _sums([str(lake.org_dir("acme") / f) for f in files], f"sum({ROW_COUNT})::BIGINT")
            assert got == raw
    assert backfill(lake, "acme", con) == 0  # nothing left to do


def test_backfill_skips_a_partition_replaced_meanwhile(lake: Lake, tmp_path: Path) -> None:
    """Rollups built from a version that a restatement has replaced are never published."""
    _strip_rollups(lake)
    old = lake.snapshot("acme").partitions[1]
    Ingestor(lake).ingest(
        [focus_file(tmp_path / "r.parquet", month=8, rows=5, cost="2")], org="acme", source="aws"
    )
    assert not lake.attach_rollups("acme", old, {"daily": ("nowhere.parquet",)})
    current = [p for p in lake.snapshot("acme").partitions if p.period == old.period][0]
    assert current.version != old.version
    assert dict(current.rollups)["daily"] != ("nowhere.parquet",)


def test_the_manifest_round_trips_rollups(lake: Lake) -> None:
    current = mf.read(lake.org_dir("acme"), "acme")
    assert mf.Manifest.from_json(current.to_json()) == current


def test_tag_maps_that_print_alike_stay_apart(tmp_path: Path) -> None:
    """An export's tag maps that a naive text form would confuse (separators inside values, a
    NULL value vs the text "null") are stored as exact JSON text, and the monthly rollup,
    which groups by that text, keeps a row for each."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from costlake.focus.schema import LEGACY_TAGS

    path = focus_file(tmp_path / "t.parquet", month=9, rows=4, cost="1")
    table = pq.read_table(path)
    tags = [[("a", "1, b=2")], [("a", "1"), ("b", "2")], [("a", None)], [("a", "null")]]
    table = table.set_column(
        table.schema.get_field_index("Tags"),
        pa.field("Tags", LEGACY_TAGS),
        pa.array(tags, LEGACY_TAGS),
    )
    pq.write_table(table, path)
    lake = Lake(tmp_path / "lake")
    Ingestor(lake).ingest([path], org="acme", source="aws")
    files = lake.snapshot("acme").rollup_files("monthly")
    got = duckdb.sql(f"SELECT Tags, {ROW_COUNT} FROM read_parquet({files})").fetchall()
    assert sorted((repr(sorted(json.loads(t).items())), n) for t, n in got) == sorted(
        (repr(sorted(dict(t).items())), 1) for t in tags
    )


class TestRollupsWorthBuilding:
    """A rollup by nearly unique keys (random resources or tags) would cost about as much as
    the line items and save little: it is not built, and queries read the line items."""

    @staticmethod
    def _partition(tmp_path: Path, resources: int, tags: int | None = None) -> list[str]:
        path = tmp_path / f"items-{resources}-{tags}.parquet"
        duckdb.sql(
            "COPY (SELECT TIMESTAMP '2024-07-01' + INTERVAL 1 HOUR * (i % 700) "
            "AS ChargePeriodStart, 'r' || (i % $r) AS ResourceId, "
            "'{\"k\":\"' || CAST(i % $t AS VARCHAR) || '\"}' AS Tags, "
            "* EXCLUDE (ChargePeriodStart, ResourceId, Tags) "
            "FROM range(4000) t(i), (SELECT * FROM read_parquet($f))) "
            f"TO '{path}' (FORMAT parquet)".replace("$r", str(resources))
            .replace("$t", str(tags or resources))
            .replace("$f", f"'{focus_file(tmp_path / 'one.parquet', month=7, rows=1, cost='1')}'")
        )
        return [str(path)]

    def test_refuses_a_monthly_rollup_of_unique_keys(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from costlake.lake import rollups

        monkeypatch.setattr(rollups, "CHECK_FROM_ROWS", 0)
        files = self._partition(tmp_path, resources=4000)
        con = duckdb.connect()
        assert not rollups.worth_building(con, rollups.BY_NAME["monthly"], files)
        made = rollups.write(con, files, tmp_path, tag="t")
        assert set(made) == {"daily"}

    def test_drops_a_monthly_rollup_whose_tags_are_unique_per_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Resources repeat but the tags make every line its own group: the estimate says
        no, and were it wrong, the rollup built would be thrown away, leaving nothing."""
        from costlake.lake import rollups

        monkeypatch.setattr(rollups, "CHECK_FROM_ROWS", 0)
        files = self._partition(tmp_path, resources=40, tags=4000)
        con = duckdb.connect()
        assert not rollups.worth_building(con, rollups.BY_NAME["monthly"], files)
        monkeypatch.setattr(rollups, "worth_building", lambda *a, **k: True)
        out = tmp_path / "out"
        out.mkdir()
        made = rollups.write(con, files, out, tag="t")
        assert set(made) == {"daily"}
        assert sorted(p.name for p in out.iterdir()) == ["rollup-daily-t.parquet"]

    def test_builds_it_when_keys_repeat(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from costlake.lake import rollups

        monkeypatch.setattr(rollups, "CHECK_FROM_ROWS", 0)
        files = self._partition(tmp_path, resources=40)
        made = rollups.write(duckdb.connect(), files, tmp_path, tag="t")
        assert set(made) == {"daily", "monthly"}
        assert _sums([str(made["monthly"])], f"sum({ROW_COUNT})::BIGINT") == _sums(files)

    def test_footers_bound_the_rollup_of_repeating_keys_without_a_scan(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each row group's dictionaries hold the 40 resources: 40 groups per row group and
        month bound the rollup, and the HyperLogLog scan is not needed."""
        from costlake.lake import rollups

        monkeypatch.setattr(rollups, "CHECK_FROM_ROWS", 0)
        files = self._partition(tmp_path, resources=40)
        con = duckdb.connect()
        assert rollups.footer_groups(con, rollups.BY_NAME["monthly"], files) == 40

        def no_scan(*args: object) -> str:
            raise AssertionError("the footers should have answered")

        monkeypatch.setattr(rollups.scan, "scan", no_scan)
        assert rollups.worth_building(con, rollups.BY_NAME["monthly"], files)

    def test_footers_leave_unique_keys_to_the_scan(self, tmp_path: Path) -> None:
        """4,000 resources in 4,000 lines: the bound is no help (or the column is plainly
        encoded), so the estimate comes from the scan, which says no."""
        from costlake.lake import rollups

        files = self._partition(tmp_path, resources=4000)
        bound = rollups.footer_groups(duckdb.connect(), rollups.BY_NAME["monthly"], files)
        assert bound is None or bound * rollups.MIN_ROWS_PER_GROUP > 4000

    def test_footers_count_months_nulls_and_missing_columns(self, tmp_path: Path) -> None:
        """A row group spanning two months counts its keys in each; NULL is one more key; a
        column the files lack is all NULL, one key; a plain-encoded chunk may hold as many
        keys as values."""
        from costlake.lake import rollups

        path = tmp_path / "two-months.parquet"
        duckdb.sql(
            "COPY (SELECT TIMESTAMP '2024-07-31' + INTERVAL 1 HOUR * (i % 48) "
            "AS ChargePeriodStart, CASE WHEN i % 5 = 0 THEN NULL ELSE 'r' || (i % 7) END "
            f"AS ResourceId FROM range(1000) t(i)) TO '{path}' (FORMAT parquet)"
        )
        monthly = rollups.BY_NAME["monthly"]
        con = duckdb.connect()
        assert rollups.footer_groups(con, monthly, [str(path)]) == 2 * (7 + 1)
        plain = tmp_path / "plain.parquet"
        duckdb.sql(
            "COPY (SELECT TIMESTAMP '2024-07-01' AS ChargePeriodStart, "
            "md5(CAST(i AS VARCHAR)) || repeat('x', 200) AS ResourceId FROM range(200000) t(i)) "
            f"TO '{plain}' (FORMAT parquet)"
        )
        assert rollups.footer_groups(con, monthly, [str(plain)]) == 200_000

    def test_small_partitions_get_every_rollup_without_asking(self, tmp_path: Path) -> None:
        from costlake.lake import rollups

        files = self._partition(tmp_path, resources=4000)
        assert set(rollups.write(duckdb.connect(), files, tmp_path, tag="t")) == {
            "daily",
            "monthly",
        }


def test_rollups_built_in_one_scan_equal_one_query_each(tmp_path: Path) -> None:
    """``write`` computes the rollups together (``GROUPING SETS``); each comes out row for
    row and type for type as its own ``select_sql`` would, NULL keys and NULL sums too."""
    from costlake.lake import rollups

    one = focus_file(tmp_path / "one.parquet", month=7, rows=1, cost="1")
    path = tmp_path / "items.parquet"
    duckdb.sql(
        "COPY (SELECT TIMESTAMP '2024-07-01' + INTERVAL 37 MINUTE * i AS ChargePeriodStart, "
        "CASE WHEN i % 5 = 0 THEN NULL ELSE 'svc' || (i % 3) END AS ServiceName, "
        "CASE WHEN i % 7 = 0 THEN NULL ELSE 'r' || (i % 11) END AS ResourceId, "
        "CASE WHEN i % 4 = 0 THEN NULL ELSE '{\"k\":\"' || (i % 2) || '\"}' END AS Tags, "
        "CASE WHEN i % 9 = 0 THEN NULL ELSE CAST(i / 7 AS DECIMAL(38, 18)) END AS BilledCost, "
        "CASE WHEN i % 13 = 0 THEN 'eu-west-1' END AS RegionId, "
        "* EXCLUDE (ChargePeriodStart, ServiceName, ResourceId, Tags, BilledCost, RegionId) "
        f"FROM range(3000) t(i), read_parquet('{one}')) TO '{path}' (FORMAT parquet)"
    )
    files = [str(path)]
    made = rollups.write(duckdb.connect(), files, tmp_path, tag="t")
    assert set(made) == {r.name for r in ROLLUPS}
    for r in ROLLUPS:
        alone = f"({rollups.select_sql(r, files)})"
        built = f"read_parquet('{made[r.name]}')"
        differ = duckdb.sql(
            f"SELECT count(*) FROM ((FROM {alone} EXCEPT ALL FROM {built}) "
            f"UNION ALL (FROM {built} EXCEPT ALL FROM {alone}))"
        ).fetchall()[0][0]
        assert differ == 0, r.name
        assert (
            duckdb.sql(f"DESCRIBE FROM {built}").fetchall()
            == duckdb.sql(f"DESCRIBE {alone[1:-1]}").fetchall()
        )
    only = rollups.write(duckdb.connect(), files, tmp_path, tag="o", only=frozenset({"monthly"}))
    assert set(only) == {"monthly"}
