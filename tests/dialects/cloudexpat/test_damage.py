"""A damaged lake through the CloudExpat API: 503 in CloudExpat's own body, naming what is
damaged, never a stack trace or a server path; other orgs keep answering."""

from __future__ import annotations

from pathlib import Path

import pytest

from costlake.ingest.pipeline import Ingestor
from costlake.lake import manifest as mf
from tests.dialects.cloudexpat.conftest import World
from tests.lake.helpers import focus_file


def _org_with_data(world: World, org: str, tmp_path: Path) -> tuple[str, Path]:
    lake = world.server.platform.lake
    for month in (9, 10):
        Ingestor(lake).ingest(
            [focus_file(tmp_path / f"{org}-{month}.parquet", month=month, rows=20, cost="1")],
            org=org,
            source="aws",
        )
    return world.new_key(org=org), lake.org_dir(org)


@pytest.mark.parametrize("path", ["/v1/costs/summary", "/v1/report"])
def test_a_damaged_partition_is_503_naming_it(world: World, tmp_path: Path, path: str) -> None:
    org = f"damaged-{path.rsplit('/', 1)[1]}"
    key, org_dir = _org_with_data(world, org, tmp_path)
    part = next(p for p in mf.read(org_dir, org).partitions if p.period == "2024-10")
    (org_dir / part.files[0]).write_bytes(b"PAR1")
    r = world.server.client(Authorization=f"Bearer {key}").get(path)
    assert r.status_code == 503
    body = r.json()
    assert body["code"] == body["error"] == "SERVICE_UNAVAILABLE"
    assert f"aws/2024-10 of org '{org}' is damaged" in body["message"]
    assert "Traceback" not in r.text and str(org_dir) not in r.text
    ok = world.server.client(Authorization=f"Bearer {world.acme_key}").get(path)
    assert ok.status_code == 200


def test_a_corrupt_manifest_is_503_naming_it(world: World, tmp_path: Path) -> None:
    key, org_dir = _org_with_data(world, "corrupt-manifest", tmp_path)
    (org_dir / mf.MANIFEST_NAME).write_bytes(b'{"org": "corrupt-manifest", "genera')
    r = world.server.client(Authorization=f"Bearer {key}").get("/v1/costs/summary")
    assert r.status_code == 503
    assert "manifest of org 'corrupt-manifest'" in r.json()["message"]
    assert "Traceback" not in r.text and str(org_dir) not in r.text
