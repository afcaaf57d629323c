"""Recording the command line's writes in the audit log.

A write command wears ``@audited("keys.create")`` (under ``@handle_errors``); when it
returns without an error, one entry is added to the log of the org it named (``--org``):
action ``cli.<name>``, the actor ``cli:<OS user>``, the target the command's subject.
A command that failed records nothing. An org the command did not create (a typo) has no
log, and nothing is recorded.
"""

from __future__ import annotations

import functools
import getpass
import logging
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from costlake.audit.schemas import Actor, Event

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("costlake.audit")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid {os.getuid()}"


def audited(
    action: str, *, target: Callable[[dict[str, object]], str] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record ``cli.<action>`` after the command succeeds. ``target(kwargs)`` names what
    it wrote (default: the org)."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            result = fn(*args, **kwargs)
            org = str(kwargs.get("org") or "default")
            what = target(kwargs) if target is not None else f"org {org}"
            record_cli_write(org, f"cli.{action}", what)
            return result

        run.audited_action = f"cli.{action}"  # type: ignore[attr-defined]
        return run

    return wrap


def record_cli_write(org: str, action: str, target: str) -> None:
    from costlake.audit.service import record
    from costlake.cli.context import db_session

    with db_session() as session:
        if record(session, org, Actor.cli(os_user()), Event(action, target)) is None:
            log.info("audit: %s in %s not recorded (no such org)", action, org)
