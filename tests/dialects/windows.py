"""Rate-limit counters live in fixed windows aligned to the clock (``limits``' fixed-window
strategy): a test that needs its requests counted together starts well inside one."""

from __future__ import annotations

import time


def within_one_window(window: int = 900, needed: int = 45) -> None:
    """Start a test that needs its requests counted together well before a window of
    ``window`` seconds ends, so none rolls over mid-test (``needed``: seconds it may take)."""
    left = window - int(time.time()) % window
    if left < needed:
        time.sleep(left + 0.5)
