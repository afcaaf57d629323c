"""The audit log and per-user notification preferences (migration 0014)."""

from __future__ import annotations
