"""Budgets, saved views and the record of budget notifications sent (migration 0008)."""

from __future__ import annotations
