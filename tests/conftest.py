"""Fixtures shared by the whole suite: a temporary lake, the ingestor, the shared sample data."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from costlake.ingest.pipeline import Ingestor
from costlake.kit.duck import connect
from costlake.lake.store import Lake

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COSTLAKE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the real FinOps Foundation samples and carbon coefficients."""
    path = SHARED / "data"
    assert path.is_dir(), f"shared data not found at {path} (set COSTLAKE_SHARED)"
    return path


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path / "lake")


@pytest.fixture
def ingestor(lake: Lake) -> Ingestor:
    return Ingestor(lake)


@pytest.fixture
def duck() -> duckdb.DuckDBPyConnection:
    con = connect()
    yield con
    con.close()
