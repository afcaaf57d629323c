"""Scheduled jobs of the sources domain: syncing each stored SaaS source when it is due."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from costlake.sources.stored import sync_due
from costlake.tasks.registry import Job, JobRegistry

if TYPE_CHECKING:
    from costlake.platform import Platform


def sync_due_sources(platform: Platform) -> None:
    """Sync the sources that are due; each failure is recorded in that source's status
    (``costlake sources list``), so one vendor's outage does not fail the job."""
    sync_due(platform)


def register(registry: JobRegistry) -> None:
    registry.add(
        Job(
            "sources.sync",
            sync_due_sources,
            every=timedelta(minutes=15),
            description="Sync every stored SaaS cost source whose turn has come",
            lease=timedelta(hours=1),
        )
    )
