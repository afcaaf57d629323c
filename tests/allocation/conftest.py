"""A platform (SQLite metadata database, DuckDB lake) holding generated FOCUS rows for org
``acme`` (three months from 2024-08-01, tags ``team`` and ``env``) and an empty org
``globex``: the allocation and unit-cost services run over its real query engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.ingest.pipeline import Ingestor
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from tests.query.conftest import focus_rows


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    home: Path = tmp_path_factory.mktemp("allocation")
    platform = Platform.start(Settings(home=home))
    try:
        generated = home / "rows.parquet"
        pq.write_table(focus_rows(11, 4000), generated)
        Ingestor(platform.lake).ingest([generated], org="acme", source="fixture")
        with platform.session() as s:
            get_or_create_org(s, "acme")
            get_or_create_org(s, "globex")
        yield platform
    finally:
        platform.close()
