"""schemathesis against the live server with the seed's own ``cloudzero-openapi.yml``, every
check, restricted to the operations costlake serves today: no 5xx, no status or body the
document does not allow, schema-invalid requests refused, deleted insights gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from costlake.config import Settings
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.cloudzero.conftest import FOCUS_SAMPLE, SEED_OPENAPI
from tests.dialects.fuzz import Unlimited, schemathesis
from tests.dialects.live import LiveServer, live_server

OPERATIONS = [
    "getBillingCosts",
    "getBillingDimensions",
    "getInsights",
    "createInsight",
    "getOneInsight",
    "updateOneInsight",
    "deleteOneInsight",
    "createAnyCostBillingDrop",
]
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    home: Path = tmp_path_factory.mktemp("cz-fuzz")
    platform = Platform.start(Settings(home=home), rate_limits=Unlimited())
    try:
        Ingestor(platform.lake).ingest([FOCUS_SAMPLE], org="acme", source="focus")
        with platform.session() as s:
            key = create_key(s, "acme", "fuzz", ["*"], "cloudzero")[1]
        with live_server(platform) as server:
            yield server, key
    finally:
        platform.close()


@pytest.mark.slow
def test_the_seed_document_holds_for_every_generated_request(
    fuzz_server: tuple[LiveServer, str],
) -> None:
    server, key = fuzz_server
    output = schemathesis(
        str(SEED_OPENAPI),
        url=server.url,
        headers={"Authorization": key},
        checks="all",
        before=["--config-file", str(CONFIG)],
        after=[arg for op in OPERATIONS for arg in ("--include-operation-id", op)],
        summary=f"{len(OPERATIONS)} selected",
    )
    assert " failed" not in output, output[-3000:]
