"""Fuzzing a dialect with schemathesis against the live server: one runner for every dialect."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from costlake.kit.ratelimit import RateLimitDecision


class Unlimited:
    """Lets every request through, so the fuzzer reaches the handlers, not just the 429."""

    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        return RateLimitDecision(True, limit, limit, 0)


def schemathesis(
    document: str,
    *,
    headers: dict[str, str],
    checks: str,
    url: str | None = None,
    max_examples: int = 60,
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    summary: str = "No issues found",
) -> str:
    """Run ``schemathesis run`` on ``document`` (a URL or a file, then with ``url``) with
    deterministic generation; fail with its report unless it found no issue. Returns its
    output for further checks. ``before`` go before ``run`` (e.g. ``--config-file``);
    ``summary`` is a line the report must contain."""
    command = [str(Path(sys.executable).parent / "schemathesis"), *before, "--no-color", "run"]
    command += [document, *(["--url", url] if url else []), "--checks", checks]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += ["--max-examples", str(max_examples), "--generation-deterministic", *after]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert summary in result.stdout, report
    return result.stdout
