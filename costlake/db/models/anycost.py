"""AnyCost connections and their billing drops (migration 0010)."""

from __future__ import annotations
