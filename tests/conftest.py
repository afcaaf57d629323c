"""Fixtures shared by the whole suite: a temporary lake, the ingestor, the shared sample data."""

from __future__ import annotations

import os
from pathlib import Path

# pytest-xdist's workers start with COLUMNS=80 (and LINES) in their environment; Rich fixes a
# console's width from it when the console is made (costlake.cli.context, at import), so
# tests that set COLUMNS for a wide table would get 80 columns under -n only. Dropped here,
# before anything imports the CLI.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

import duckdb  # noqa: E402
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from costlake.ingest.pipeline import Ingestor
from costlake.kit.duck import connect
from costlake.lake.store import Lake

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COSTLAKE_SHARED", REPO.parent / "shared"))

# Property tests: in CI the same examples every run (derandomized, so a red build is red
# again on a rerun and locally with CI=1), and a failure prints the blob that replays it
# (``@reproduce_failure``). Hypothesis turns its example database off when derandomized;
# elsewhere failing examples are kept in .hypothesis/ (gitignored) and tried first next run.
settings.register_profile(
    "costlake-ci",
    derandomize=True,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "costlake-dev",
    database=DirectoryBasedExampleDatabase(str(REPO / ".hypothesis" / "examples")),
    print_blob=True,
)
settings.load_profile("costlake-ci" if os.environ.get("CI") else "costlake-dev")


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
