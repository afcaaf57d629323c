"""schemathesis against the live server with the seed's own ``cloudzero-openapi.yml``, every
check, over each group of operations costlake serves: no 5xx, no status or body the
document does not allow, schema-invalid requests refused, deleted objects gone. One server
(the FOCUS sample ingested) for every group; each group has its own schemathesis settings."""

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

HERE = Path(__file__).parent
GROUPS = {
    "billing, insights and AnyCost": (
        "schemathesis.toml",
        [
            "getBillingCosts",
            "getBillingDimensions",
            "getInsights",
            "createInsight",
            "getOneInsight",
            "updateOneInsight",
            "deleteOneInsight",
            "createAnyCostBillingDrop",
        ],
    ),
    "budgets": (
        "schemathesis_budgets.toml",
        ["getBudgets", "createBudget", "getOneBudget", "updateOneBudget", "deleteOneBudget"],
    ),
    "telemetry": (
        "schemathesis_telemetry.toml",
        [
            "postMetricTelemetry",
            "deleteMetricTelemetry",
            "deleteMetricTelemetryStream",
            "postAllocationTelemetrySum",
            "postAllocationTelemetryReplace",
            "deleteAllocationTelemetry",
        ],
    ),
}


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
@pytest.mark.parametrize("group", list(GROUPS))
def test_the_seed_document_holds_for_every_generated_request(
    fuzz_server: tuple[LiveServer, str], group: str
) -> None:
    server, key = fuzz_server
    config, operations = GROUPS[group]
    output = schemathesis(
        str(SEED_OPENAPI),
        url=server.url,
        headers={"Authorization": key},
        checks="all",
        before=["--config-file", str(HERE / config)],
        after=[arg for op in operations for arg in ("--include-operation-id", op)],
        summary=f"{len(operations)} selected",
    )
    assert " failed" not in output, output[-3000:]
