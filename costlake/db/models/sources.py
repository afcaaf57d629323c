"""SaaS cost sources: encrypted credentials, schedule, sync status (migration 0011)."""

from __future__ import annotations
