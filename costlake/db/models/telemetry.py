"""Unit-metric telemetry streams and allocation streams (migration 0009)."""

from __future__ import annotations
