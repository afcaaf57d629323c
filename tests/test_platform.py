"""The composition root: what ``Platform.start`` builds from the settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.lake.store import Lake
from costlake.platform import Platform, query_engine
from costlake.serving import serve_in_thread
from tests.query.conftest import focus_rows

NOW = "2024-10-16T10:30:00Z"


class TestQueryEngine:
    def test_refuses_an_engine_it_does_not_know(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput, match="unknown query engine 'oracle'"):
            query_engine(Settings(home=tmp_path), "oracle")

    def test_duckdb_takes_the_query_threads(self, tmp_path: Path) -> None:
        engine = query_engine(Settings(home=tmp_path, query_threads=3))
        try:
            assert engine.name == "duckdb"
            assert engine.rows("SELECT current_setting('threads') AS t", ["x"]) == [{"t": 3}]
        finally:
            engine.close()

    def test_spark_takes_the_master_from_the_settings(self, tmp_path: Path) -> None:
        pytest.importorskip("pyspark")
        engine = query_engine(Settings(home=tmp_path, engine="spark", spark_master="local[1]"))
        assert engine.name == "spark"
        assert engine._master == "local[1]"  # type: ignore[attr-defined]
        engine.close()  # no session was started: nothing to stop


def _summary(settings: Settings, data: Path) -> httpx.Response:
    """One CloudExpat request against a platform started from ``settings``."""
    platform = Platform.start(settings)
    try:
        platform.ingestor().ingest([data], org="acme", source="fixture")
        with serve_in_thread(platform) as url:  # the dialects register their key styles
            with platform.session() as s:
                secret = create_key(s, "acme", "t", ["*"], "cloudexpat")[1]
            return httpx.get(
                f"{url}/v1/costs/summary",
                params={"period": "month"},
                headers={"Authorization": f"Bearer {secret}"},
                timeout=120,
            )
    finally:
        platform.close()


@pytest.mark.spark
@pytest.mark.slow
def test_the_server_answers_on_spark_what_it_answers_on_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSTLAKE_NOW", NOW)
    data = tmp_path / "acme.parquet"
    pq.write_table(focus_rows(7, 2000), data)
    on_duckdb = _summary(Settings(home=tmp_path / "duckdb"), data)
    on_spark = _summary(
        Settings(home=tmp_path / "spark", engine="spark", spark_master="local[1]"), data
    )
    assert on_duckdb.status_code == on_spark.status_code == 200
    body = on_spark.json()
    assert body == on_duckdb.json()
    assert body["totals"]


class TestEnrichers:
    def test_the_ingest_package_never_imports_carbon(self, tmp_path: Path) -> None:
        """Carbon is injected by the composition root; a broken carbon package must not be
        silently skipped by ingest (it used to be, behind ``except ImportError``)."""
        code = (
            "import sys, costlake.ingest.pipeline as p, costlake.ingest.registry as r\n"
            "from costlake.lake.store import Lake\n"
            "r.adapters(); p.Ingestor(Lake(sys.argv[1]))\n"
            "print(sorted(m for m in sys.modules if m.startswith('costlake.carbon')))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[]"

    def test_an_ingestor_without_enrichers_writes_no_carbon(self, tmp_path: Path) -> None:
        assert Ingestor(Lake(tmp_path)).enrichers == []

    def test_the_platforms_ingestor_carries_its_enrichers_and_duckdb_threads(
        self, tmp_path: Path
    ) -> None:
        platform = Platform.start(Settings(home=tmp_path, duckdb_threads=2))
        try:
            ingestor = platform.ingestor()
            assert [e.name for e in ingestor.enrichers] == ["carbon"]
            assert ingestor.threads == 2
            assert ingestor.lake is platform.lake
        finally:
            platform.close()
