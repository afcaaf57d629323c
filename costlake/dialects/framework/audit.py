"""Recording every write of every dialect in the audit log, once, here.

A route is a write when it changes something: a method other than GET, HEAD and OPTIONS,
on a route whose :func:`~costlake.dialects.framework.routing.needs` asks for a scope other
than ``<area>:read`` (a POST that only asks a question, such as CloudZero's
``POST /v2/billing/costs``, is a read). When such a route succeeds (a status below 400),
the route class calls :func:`record_write`, which adds an entry naming the caller, the
action (from the route, :func:`action_name`), the path, the client's address and the
status. Public routes (sign-up, log-in) have no caller to name here: the core sign-in flows
record them (``auth.sign_in``, ``auth.signup``, ...) with the address this module's route
class puts in :data:`costlake.audit.context.client_address`.

The entry is written after the change is committed, in its own transaction: a failure to
record is logged and never turns a done write into an error.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from costlake.audit.schemas import Actor, Event
from costlake.audit.service import record
from costlake.auth.principals import Principal

log = logging.getLogger("costlake.audit")

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
VERBS = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
ACTION_KEY = "x-audit-action"
"""A route may name its action itself: ``openapi_extra={"x-audit-action": "..."}``
(the dialect's name is put in front)."""
_NOISE = re.compile(r"^(api|v\d+|public)$")


def action_name(dialect: str, path: str, method: str) -> str:
    """``<dialect>.<resource...>[.<verb>]`` from a route's path and method.

    Path parameters, ``api``, ``public`` and version segments are left out. PUT and PATCH
    add ``update``, DELETE ``delete``. A POST to a collection (the first resource, or one
    named after a parameter: ``/users/{id}/accounts``) adds ``create``; a POST to a named
    action (``/auth/2fa/setup``, ``/tokens/exchange``) is that action.
    """
    segments = [s for s in path.strip("/").split("/") if s and not _NOISE.match(s)]
    literals = [s for s in segments if not s.startswith("{")]
    verb = VERBS.get(method.upper(), method.lower())
    if method.upper() == "POST" and segments:
        last = len(segments) - 1
        named_action = not segments[last].startswith("{") and last > 0
        named_action = named_action and not segments[last - 1].startswith("{")
        if named_action:
            return ".".join([dialect, *literals])
    return ".".join([dialect, *literals, verb])


def route_action(dialect: str, route: APIRoute) -> str | None:
    """The action a route's successful calls are recorded as; None for a route that is
    not a write (see the module's docstring)."""
    from costlake.dialects.framework.routing import route_needs

    needs = route_needs(route)
    methods = set(route.methods or ()) - SAFE
    if needs is None or needs[0].endswith(":read") or not methods:
        return None
    named = (route.openapi_extra or {}).get(ACTION_KEY)
    if named:
        return f"{dialect}.{named}"
    return action_name(dialect, route.path_format, sorted(methods)[0])


async def record_write(request: Request, response: Response, action: str) -> None:
    """Record a write that succeeded (the route's caller, set by ``needs``)."""
    who: Principal | None = getattr(request.state, "principal", None)
    if who is None or request.method in SAFE or response.status_code >= 400:
        return
    event = Event(
        action=action,
        target=_target(request, response),
        method=request.method,
        address=request.client.host if request.client else None,
        status=response.status_code,
    )
    platform = request.app.state.platform

    def write() -> None:
        with platform.session() as session:
            if record(session, who.org, Actor.of(who), event) is None:
                log.info("audit: %s by %s in %s (org closed)", action, who.name, who.org)

    try:
        await run_in_threadpool(write)
    except Exception:  # noqa: BLE001 - the write is done; never answer it with an error
        log.exception("audit: could not record %s by %s in %s", action, who.name, who.org)


def _target(request: Request, response: Response) -> str:
    """The path written to, with the new object's id when a create answers with one."""
    path = request.url.path
    if request.method != "POST" or not isinstance(getattr(response, "body", None), bytes):
        return path
    try:
        body: Any = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        return path
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        body = body["data"]
    found = body.get("id") if isinstance(body, dict) else None
    return f"{path} -> {found}" if isinstance(found, (int, str)) and found != "" else path
