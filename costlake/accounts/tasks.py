"""Scheduled jobs of the accounts domain."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from costlake.accounts.discovery import sync_accounts
from costlake.tasks.registry import Job, JobRegistry

if TYPE_CHECKING:
    from costlake.platform import Platform


def sync_all_orgs(platform: Platform) -> None:
    """Record the cloud accounts each org's lake holds. Ingest records them itself; this
    catches up after an ingest whose recording failed, or a lake restored from a backup."""
    for org in platform.lake.orgs():
        with platform.session() as session:
            sync_accounts(session, platform.lake, org)


def register(registry: JobRegistry) -> None:
    registry.add(
        Job(
            "accounts.sync",
            sync_all_orgs,
            every=timedelta(hours=1),
            description="Record the cloud accounts each org's lake holds",
        )
    )
