"""Scheduled jobs of the anomalies domain: detection over every org's lake."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from costlake.anomalies.schemas import DetectionSummary
from costlake.anomalies.service import detect_and_store, thresholds
from costlake.tasks.registry import Job, JobRegistry

if TYPE_CHECKING:
    from costlake.platform import Platform


def detect_for_org(platform: Platform, org: str) -> DetectionSummary:
    """Detect the org's anomalies and store them, in one unit of work. Ingest of a new
    export and the scheduler both end here; a second run over unchanged data changes
    nothing."""
    settings = platform.settings
    with platform.session() as session:
        return detect_and_store(
            session,
            platform.queries,
            org,
            thresholds(settings),
            lookback_days=settings.anomaly_lookback_days,
        )


def detect_all_orgs(platform: Platform) -> None:
    for org in platform.lake.orgs():
        detect_for_org(platform, org)


def register(registry: JobRegistry) -> None:
    registry.add(
        Job(
            "anomalies.detect",
            detect_all_orgs,
            every=timedelta(hours=1),
            description="Find cost anomalies in every org's daily usage and store them",
        )
    )
