"""Scheduled jobs of the budgets domain: evaluate every budget and mail what is due."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from costlake.budgets.evaluate import evaluate_and_notify
from costlake.budgets.schemas import Sent
from costlake.kit.clock import today
from costlake.tasks.registry import Job, JobRegistry

if TYPE_CHECKING:
    from costlake.platform import Platform


def evaluate_budgets(platform: Platform) -> list[Sent]:
    """Every org's budgets against today's spend (``COSTLAKE_NOW`` pins the day), mailed
    through the platform's e-mail channel."""
    channel = platform.channels.get("email")
    return evaluate_and_notify(platform.session, platform.queries, channel, today())


def register(registry: JobRegistry) -> None:
    registry.add(
        Job(
            "budgets.evaluate",
            evaluate_budgets,
            every=timedelta(hours=1),
            description="Evaluate every budget against spend; mail each threshold once a period",
        )
    )
