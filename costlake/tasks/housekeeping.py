"""The platform's own upkeep: removing lake files nothing needs any more."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from costlake.tasks.registry import Job, JobRegistry

if TYPE_CHECKING:
    from costlake.platform import Platform


def collect_lake_garbage(platform: Platform) -> None:
    """Delete retired lake versions past their retention and staging left by dead ingests."""
    for org in platform.lake.orgs():
        platform.lake.collect_garbage(org)


def register(registry: JobRegistry) -> None:
    registry.add(
        Job(
            "lake.collect_garbage",
            collect_lake_garbage,
            every=timedelta(hours=1),
            description="Delete retired lake versions and staging left by dead ingests",
        )
    )
