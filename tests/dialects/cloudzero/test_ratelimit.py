"""CloudZero's rate limits: billing queries counted apart from everything else, 429 with
Retry-After in CloudZero's body when over."""

from __future__ import annotations

from pathlib import Path

from costlake.config import Settings
from costlake.dialects.cloudzero import CloudZero
from costlake.dialects.cloudzero.dialect import BILLING
from costlake.dialects.framework.ratelimit import DEFAULT
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.live import live_server


def test_the_documented_limits() -> None:
    limits = CloudZero.rate_limits
    assert (limits[BILLING].limit, limits[BILLING].window_seconds) == (60, 86400)
    assert (limits[DEFAULT].limit, limits[DEFAULT].window_seconds) == (1000, 3600)


def test_past_the_billing_limit_is_429_and_other_classes_still_answer(tmp_path: Path) -> None:
    """The operator's ``COSTLAKE_RATE_LIMITS={"cloudzero.billing": 2}`` stands in for the
    60 a day, which a test cannot wait out."""
    platform = Platform.start(Settings(home=tmp_path, rate_limits={"cloudzero.billing": 2}))
    try:
        with platform.session() as s:
            key = create_key(s, "acme", "t", ["*"], "cloudzero")[1]
        body = {"start": "2024-09-01", "end": "2024-10-01"}
        with live_server(platform) as server, server.client(Authorization=key) as c:
            answers = [c.post("/v2/billing/costs", json=body) for _ in range(3)]
            dimensions = c.get("/v2/billing/dimensions")
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].json()["code"] == "TooManyRequests"
        assert int(answers[2].headers["Retry-After"]) > 0
        assert answers[0].headers["X-RateLimit-Limit"] == "2"
        assert dimensions.status_code == 200
        assert dimensions.headers["X-RateLimit-Limit"] == "1000"
    finally:
        platform.close()
