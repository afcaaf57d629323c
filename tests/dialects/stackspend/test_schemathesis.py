"""Property-based fuzzing of the StackSpend dialect with schemathesis, from its own OpenAPI
document: whatever the parameters, the server never answers 5xx and every answer fits the
document (status and body, errors in the ``{data, error, meta}`` envelope)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.dialects.stackspend.dialect import STACKSPEND_KEY
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.fuzz import Unlimited, schemathesis
from tests.dialects.live import LiveServer, live_server
from tests.lineitems.rows import ai_rows
from tests.query.conftest import focus_rows


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    home: Path = tmp_path_factory.mktemp("stackspend-fuzz")
    platform = Platform.start(Settings(home=home), rate_limits=Unlimited())
    try:
        for name, table, source in (("cloud", focus_rows(5, 800), "fx"), ("ai", ai_rows(50), "ai")):
            pq.write_table(table, home / f"{name}.parquet")
            Ingestor(platform.lake).ingest([home / f"{name}.parquet"], org="acme", source=source)
        with platform.session() as s:
            key = create_key(s, "acme", "fuzz", ["*"], STACKSPEND_KEY)[1]
        with live_server(platform) as server:
            yield server, key
    finally:
        platform.close()


@pytest.mark.slow
def test_no_5xx_for_any_generated_request(fuzz_server: tuple[LiveServer, str]) -> None:
    server, key = fuzz_server
    schemathesis(
        f"{server.url}/openapi/stackspend.json",
        headers={"X-API-Key": key},
        checks="not_a_server_error,response_schema_conformance,status_code_conformance",
        max_examples=100,
    )
