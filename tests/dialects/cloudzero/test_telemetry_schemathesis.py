"""schemathesis against the live server with the seed's own ``cloudzero-openapi.yml``, all
checks, over the six telemetry operations: no 5xx, no status or body the document does not
allow, schema-invalid bodies refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from costlake.config import Settings
from costlake.keys.service import create_key
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from tests.dialects.cloudzero.conftest import SEED_OPENAPI
from tests.dialects.fuzz import Unlimited, schemathesis
from tests.dialects.live import LiveServer, live_server

OPERATIONS = [
    "postMetricTelemetry",
    "deleteMetricTelemetry",
    "deleteMetricTelemetryStream",
    "postAllocationTelemetrySum",
    "postAllocationTelemetryReplace",
    "deleteAllocationTelemetry",
]
CONFIG = Path(__file__).with_name("schemathesis_telemetry.toml")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    home: Path = tmp_path_factory.mktemp("cz-telemetry-fuzz")
    platform = Platform.start(Settings(home=home), rate_limits=Unlimited())
    try:
        with platform.session() as s:
            get_or_create_org(s, "acme")
            key = create_key(s, "acme", "fuzz", ["*"], "cloudzero")[1]
        with live_server(platform) as server:
            yield server, key
    finally:
        platform.close()


@pytest.mark.slow
def test_the_seed_document_holds_for_every_generated_telemetry_request(
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
