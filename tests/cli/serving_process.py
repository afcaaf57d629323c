"""Run ``costlake`` as a user does, in its own process, and read what it prints."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

COSTLAKE = str(Path(sys.executable).parent / "costlake")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "COSTLAKE_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    for name in ("COSTLAKE_DATABASE_URL", "COSTLAKE_NOW", "COSTLAKE_PORT", "COSTLAKE_HOST"):
        env.pop(name, None)
    return {**env, **extra}


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [COSTLAKE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def read_until(proc: subprocess.Popen[str], pattern: str, seconds: float = 240) -> tuple[str, str]:
    """Lines up to the first matching ``pattern``; returns (the match's group 1, all lines)."""
    deadline = time.monotonic() + seconds
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        lines.append(line)
        if m := re.search(pattern, line):
            return m.group(1), "".join(lines)
    raise AssertionError(f"{pattern!r} never printed:\n{''.join(lines)}")


def stop(proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    """Send ``sig``; the exit code and the rest of the output."""
    proc.send_signal(sig)
    try:
        rest, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, _ = proc.communicate()
        raise AssertionError(f"still running 30 s after signal {sig}:\n{rest}") from None
    return proc.returncode, rest
