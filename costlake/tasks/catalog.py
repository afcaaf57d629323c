"""Every periodic job costlake runs, gathered from the domains that own them.

Explicit on purpose (no import-time self-registration): a new domain's jobs appear when
its ``register`` is added here, and this list is the one place to read them all.
"""

from __future__ import annotations

from costlake.accounts import tasks as accounts_tasks
from costlake.anomalies import tasks as anomalies_tasks
from costlake.budgets import tasks as budgets_tasks
from costlake.sources import tasks as sources_tasks
from costlake.tasks import housekeeping
from costlake.tasks.registry import JobRegistry

REGISTRARS = (
    accounts_tasks.register,
    housekeeping.register,
    anomalies_tasks.register,
    budgets_tasks.register,
    sources_tasks.register,
)


def default_jobs() -> JobRegistry:
    """A fresh registry holding every domain's jobs."""
    registry = JobRegistry()
    for register in REGISTRARS:
        register(registry)
    return registry
