"""Tags are stored as JSON object text; a lake written when they were maps reads the same.

``docs/decisions/0011-tags-as-json-text.md``: ingest keeps an export's tag text instead of
parsing it into a map. Files of earlier releases hold ``MAP(VARCHAR, VARCHAR)`` tags; every
reader (both engines, rollups, exports, the tag listing) gives them as the same text, alone
or beside new files. Here a lake is ingested, its answers taken, then its line-item and
rollup files are turned into the old layout in place and every answer is asked again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.dimensions.service import tag_keys
from costlake.focus import scan
from costlake.focus.schema import LEGACY_TAGS, TAG_COLUMNS
from costlake.ingest.pipeline import Ingestor
from costlake.lake import manifest
from costlake.lake.export import export_focus
from costlake.lake.manifest import file_sum
from costlake.lake.store import Lake
from costlake.query.compile import tag_sql, to_dialect
from costlake.query.engines import Engine, get_engine
from costlake.query.model import CostQuery, Filter, Granularity
from costlake.query.service import QueryService
from tests.query.conftest import focus_rows

QUERIES = [
    CostQuery(
        start=datetime(2024, 8, 1),
        end=datetime(2024, 11, 1),
        granularity=Granularity.MONTH,
        group_by=("tag:team",),
    ),
    CostQuery(
        start=datetime(2024, 8, 1),
        end=datetime(2024, 11, 1),
        granularity=Granularity.DAY,
        group_by=("tag:env", "ServiceName"),
        filters=(Filter.of("tag:team", "in", "core", ""),),
    ),
    CostQuery(
        start=datetime(2024, 8, 3, 5),
        end=datetime(2024, 9, 20),
        granularity=Granularity.MONTH,
        group_by=("tag:team", "ResourceId"),
    ),
]


def _to_maps(path: Path) -> None:
    """Rewrite a lake file as releases before 0011 wrote it: tag columns as maps."""
    table = pq.read_table(path)
    for name in TAG_COLUMNS:
        if name not in table.schema.names:
            continue
        texts = table.column(name).to_pylist()
        maps = [None if t is None else list(json.loads(t).items()) for t in texts]
        i = table.schema.get_field_index(name)
        table = table.set_column(i, pa.field(name, LEGACY_TAGS), pa.array(maps, LEGACY_TAGS))
    pq.write_table(table, path)


def _to_old_layout(lake: Lake, files: list[Path]) -> None:
    """``_to_maps`` for lake files, with the manifest's sizes and digests to match (the lake
    refuses a file that changed since it was published)."""
    for f in files:
        _to_maps(f)
    org_dir = lake.root / "org=acme"
    m = manifest.read(org_dir, "acme")
    parts = tuple(
        replace(p, checksums=tuple(file_sum(org_dir / c.path, c.path) for c in p.checksums))
        for p in m.partitions
    )
    manifest.write_atomically(org_dir, replace(m, partitions=parts))


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    root = tmp_path_factory.mktemp("legacy-tags")
    lake = Lake(root / "lake")
    path = root / "rows.parquet"
    pq.write_table(focus_rows(11, 3000), path)
    Ingestor(lake).ingest([path], org="acme", source="fixture")
    return lake


def _all_files(lake: Lake) -> list[Path]:
    return sorted((lake.root / "org=acme").rglob("*.parquet"))


def _answers(queries: QueryService, keys: list[str]) -> list[object]:
    out: list[object] = [queries.run("acme", q, snapshot=queries.lake.snapshot("acme")).rows
                         for q in QUERIES]  # fmt: skip
    out.append(tag_keys(queries, "acme"))
    out.append(keys)
    return out


@pytest.fixture(
    scope="module",
    params=["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow])],
)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = get_engine(request.param)
    yield engine
    if request.param == "duckdb":
        engine.close()


def test_ingest_stores_tags_as_json_text(lake: Lake) -> None:
    files = [str(f) for f in lake.snapshot("acme").files()]
    assert all(pa.types.is_string(pq.read_schema(f).field("Tags").type) for f in files)
    [(text,)] = duckdb.sql(
        f"SELECT any_value(Tags) FROM {scan.scan(files)} WHERE Tags IS NOT NULL"
    ).fetchall()
    assert isinstance(json.loads(text), dict)
    assert scan.legacy_tag_files(files) == []


def test_an_old_lake_answers_as_it_did(lake: Lake, engine: Engine, tmp_path: Path) -> None:
    """Line items and rollups turned into the old layout: every answer is unchanged, and
    a lake of both layouts (one old file beside the new ones) too."""
    work = tmp_path / "lake"
    shutil.copytree(lake.root, work)
    copy = Lake(work)
    queries = QueryService(copy, engine)
    files = [str(f) for f in copy.snapshot("acme").files()]
    keys_sql = f"SELECT {tag_sql('team')} AS team, count(*) AS n FROM costs GROUP BY 1 ORDER BY 1"
    before = _answers(queries, engine.rows(keys_sql, files))

    old = _all_files(copy)
    _to_old_layout(copy, old[:1])
    assert scan.legacy_tag_files([str(f) for f in old]) == [str(old[0])]
    assert _answers(queries, engine.rows(keys_sql, files)) == before

    _to_old_layout(copy, old[1:])
    tagged = [str(f) for f in old if "Tags" in pq.read_schema(f).names]  # not the daily rollups
    assert scan.legacy_tag_files([str(f) for f in old]) == tagged
    assert _answers(queries, engine.rows(keys_sql, files)) == before


def test_an_export_of_an_old_lake_writes_the_same_tags(lake: Lake, tmp_path: Path) -> None:
    new_out, old_out = tmp_path / "new.parquet", tmp_path / "old.parquet"
    export_focus(lake, "acme", new_out)
    shutil.copytree(lake.root, tmp_path / "old")
    old = Lake(tmp_path / "old")
    _to_old_layout(old, _all_files(old))
    export_focus(old, "acme", old_out)

    def tags(path: Path) -> list[object]:
        texts = pq.read_table(path, columns=["Tags"]).column("Tags").to_pylist()
        return sorted((json.dumps(json.loads(t), sort_keys=True) if t else "") for t in texts)

    assert tags(old_out) == tags(new_out)
    assert len([t for t in tags(new_out) if t]) > 1000


KEYS = ["team", "a.b", 'q"x', "s/l", "t~", "", "it's", "ünï", "back\\slash"]


def test_any_tag_key_is_looked_up_exactly(engine: Engine, tmp_path: Path) -> None:
    """A JSON pointer spells every key; on Spark the lookup takes the key as it is."""
    path = tmp_path / "tags.parquet"
    texts = [json.dumps({k: f"v{i}", "other": "w"}) for i, k in enumerate(KEYS)]
    pq.write_table(pa.table({"Tags": pa.array(texts, pa.string())}), path)
    for i, key in enumerate(KEYS):
        rows = engine.rows(f"SELECT {tag_sql(key)} AS v FROM costs WHERE true", [str(path)])
        assert [r["v"] for r in rows].count(f"v{i}") == 1, key
    assert "FROM_JSON" in to_dialect(f"SELECT {tag_sql('a')} FROM costs", "spark")
