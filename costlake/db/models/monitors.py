"""Custom anomaly monitors (migration 0012)."""

from __future__ import annotations
