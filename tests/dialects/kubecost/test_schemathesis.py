"""Property-based fuzzing of the Kubecost dialect with schemathesis, from its own OpenAPI
document: whatever the parameters, the server never answers 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.fuzz import Unlimited, schemathesis
from tests.dialects.kubecost.conftest import saas_rows
from tests.dialects.live import LiveServer, live_server


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    home: Path = tmp_path_factory.mktemp("kubecost-fuzz")
    platform = Platform.start(Settings(home=home), rate_limits=Unlimited())
    try:
        data = home / "d.parquet"
        pq.write_table(saas_rows(3, 500), data)
        Ingestor(platform.lake).ingest([data], org="acme", source="fixture")
        with platform.session() as s:
            key = create_key(s, "acme", "fuzz", ["*"], "kubecost")[1]
        with live_server(platform) as server:
            yield server, key
    finally:
        platform.close()


@pytest.mark.slow
def test_no_5xx_for_any_generated_request(fuzz_server: tuple[LiveServer, str]) -> None:
    server, key = fuzz_server
    schemathesis(
        f"{server.url}/openapi/kubecost.json",
        headers={"Authorization": f"Bearer {key}"},
        checks="not_a_server_error,response_schema_conformance",
        max_examples=100,
    )
