"""Anomaly alerts over HTTP: the document's record, its filters and limits, over episodes
stored in the metadata database as the anomaly engine stores them."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from costlake.db import models
from costlake.orgs.service import get_or_create_org
from tests.dialects.stackspend.conftest import World

PATH = "/api/v1/public/anomalies"
SEED_ALERT = {
    "id", "provider_type", "service", "detected_date", "actual_cost", "expected_cost",
    "deviation_percent", "severity", "alert_type", "status",
}  # fmt: skip
# provider, service, day, severity, status, alert type, expected, actual
EPISODES = [
    ("openai", "gpt-4o", 16, "critical", "new", "spend_spike", "95", "340.12"),
    ("aws", "Amazon EC2", 14, "low", "acknowledged", "spend_drop", "100", "60"),
    ("aws", "Amazon S3", 10, "medium", "new", "new_service", "0", "42"),
    ("gcp", "BigQuery", 3, "high", "dismissed", "spend_spike", "10", "90"),
]


@pytest.fixture(scope="module", autouse=True)
def stored(world: World) -> None:
    with world.platform.session() as s:
        org = get_or_create_org(s, "acme")
        for provider, service, day, severity, status, kind, expected, actual in EPISODES:
            s.add(
                models.Anomaly(
                    id=str(uuid.uuid4()), org_id=org.id, monitor="provider_service",
                    series_key=f"{provider}|{service}", provider_type=provider, service=service,
                    sub_account_id=None, currency="USD", alert_type=kind, severity=severity,
                    status=status, start_date=date(2025, 1, day), end_date=date(2025, 1, day),
                    detected_date=date(2025, 1, day), expected_cost=expected,
                    actual_cost=actual, deviation_percent=None, contributors=[],
                )
            )  # fmt: skip


def get(world: World, **params: object) -> list[dict]:
    with world.client() as c:
        r = c.get(PATH, params=params, headers=world.headers(["anomalies:read"]))
    assert r.status_code == 200, r.text
    assert r.json()["error"] is None and r.json()["meta"] == {}
    return r.json()["data"]


class TestAnomalies:
    def test_records_are_the_documents_most_recent_first(self, world: World) -> None:
        alerts = get(world)
        assert [a["detected_date"] for a in alerts] == [
            "2025-01-16T00:00:00Z", "2025-01-14T00:00:00Z", "2025-01-10T00:00:00Z",
            "2025-01-03T00:00:00Z",
        ]  # fmt: skip
        first = alerts[0]
        assert set(first) == SEED_ALERT and first["id"].startswith("anom_")
        assert (first["actual_cost"], first["expected_cost"]) == (340.12, 95.0)
        assert first["deviation_percent"] == 258.02
        assert alerts[2]["deviation_percent"] is None  # nothing was expected

    @pytest.mark.parametrize(
        "params, services",
        [
            ({"severity": "critical"}, ["gpt-4o"]),
            ({"status": "new"}, ["gpt-4o", "Amazon S3"]),
            ({"provider_type": "aws"}, ["Amazon EC2", "Amazon S3"]),
            ({"since": "2025-01-10T00:00:00Z"}, ["gpt-4o", "Amazon EC2"]),
            ({"since": "2025-01-09T23:00:00-02:00"}, ["gpt-4o", "Amazon EC2"]),
            ({"limit": 1}, ["gpt-4o"]),
            ({"provider_type": "aws", "status": "new", "limit": 500}, ["Amazon S3"]),
        ],
    )
    def test_filters(self, world: World, params: dict, services: list[str]) -> None:
        assert [a["service"] for a in get(world, **params)] == services

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": 501}, {"severity": "huge"}, {"status": "open"}, {"since": "x"}],
    )
    def test_bad_parameters_are_validation_errors(self, world: World, params: dict) -> None:
        with world.client() as c:
            r = c.get(PATH, params=params, headers=world.headers(["anomalies:read"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"

    def test_another_orgs_anomalies_are_not_seen(self, world: World) -> None:
        with world.client() as c:
            r = c.get(PATH, headers=world.headers(["anomalies:read"], org="globex"))
        assert r.json()["data"] == []


class TestOneEventTwoMonitors:
    def test_an_event_two_monitors_recorded_is_listed_once(self, world: World) -> None:
        """The engine keeps one record per monitor (provider x service, sub account x
        service); StackSpend's record names no monitor, so the listing shows the event once."""
        with world.platform.session() as s:
            org = get_or_create_org(s, "dupes")
            for monitor, account, start, end in (
                ("provider_service", None, 5, 7),
                ("account_service", "111", 6, 7),
                ("account_service", "111", 20, 20),  # another event of the same series
            ):
                s.add(
                    models.Anomaly(
                        id=str(uuid.uuid4()), org_id=org.id, monitor=monitor,
                        series_key=f"{monitor}-{account}", provider_type="aws",
                        service="Amazon EC2", sub_account_id=account, currency="USD",
                        alert_type="spend_spike", severity="high", status="new",
                        start_date=date(2025, 3, start), end_date=date(2025, 3, end),
                        detected_date=date(2025, 3, start), expected_cost="10",
                        actual_cost="90", deviation_percent=800.0, contributors=[],
                    )
                )  # fmt: skip
        with world.client() as c:
            r = c.get(PATH, headers=world.headers(["anomalies:read"], org="dupes"))
        assert [a["detected_date"][:10] for a in r.json()["data"]] == ["2025-03-20", "2025-03-05"]
