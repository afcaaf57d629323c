"""Running a dialect's handlers: authentication, scopes, rate limits, and failures rendered
in the dialect's own body.

A handler declares what it needs with one dependency, ``principal: Annotated[Principal,
needs(dialect, "costs:read")]``; this module does the rest, so the handler only parses,
calls one core service and renders.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from costlake.audit.context import client_address as request_address
from costlake.auth.principals import Principal
from costlake.auth.scopes import registered
from costlake.auth.service import anonymous_principal, principal_for_key, principal_for_session
from costlake.dialects.framework.audit import record_write, route_action
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.ratelimit import DEFAULT, effective_limit
from costlake.dialects.framework.schemes import Credential, read_credential
from costlake.errors import (
    ApiAccessOff,
    CostlakeError,
    InvalidInput,
    MissingScope,
    RateLimited,
    Unauthenticated,
)
from costlake.platform import Platform

log = logging.getLogger("costlake.dialects")


def dialect_route_class(dialect: Dialect) -> type[APIRoute]:
    """An APIRoute whose handler renders every failure in ``dialect``'s body, adds its
    rate-limit headers to every response."""

    class DialectRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()
            action = route_action(dialect.name, self)  # None: not a write, not audited

            async def run(request: Request) -> Response:
                request.state.dialect = dialect
                address = request_address.set(request.client.host if request.client else None)
                try:
                    response = await handler(request)
                except RequestValidationError as e:
                    response = dialect.render_error(InvalidInput(validation_message(e)))
                except (CostlakeError, StarletteHTTPException) as e:
                    response = dialect.render_error(e)
                except Exception as e:  # noqa: BLE001 - never a stack trace to the client
                    log.exception("unexpected error in %s %s", request.method, request.url.path)
                    response = dialect.render_error(e)
                finally:
                    request_address.reset(address)
                if action is not None and response.status_code < 400:
                    await record_write(request, response, action)
                decision = getattr(request.state, "rate_limit", None)
                if decision is not None:
                    response.headers.update(dialect.rate_limit_headers.headers(decision))
                return response

            return run

    return DialectRoute


def validation_message(error: RequestValidationError) -> str:
    parts = []
    for e in error.errors():
        raw = tuple(e.get("loc", ()))
        if e.get("type") == "json_invalid":
            parts.append("body: not valid JSON")
            continue
        loc = [str(x) for x in raw if x not in ("query", "body", "path", "header")]
        where = ".".join(loc) or ("body" if raw[:1] == ("body",) else "request")
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "invalid parameter " + "; ".join(parts)


def needs(dialect: Dialect, scope: str, *, rate_class: str = DEFAULT) -> Any:
    """The dependency of a route that needs ``scope``: yields the caller's :class:`Principal`
    after authentication, the scope check and the rate limit of ``rate_class``."""
    if scope not in {s.name for s in registered()}:
        raise ValueError(f"{dialect.name}: unknown scope {scope!r}")
    if rate_class not in dialect.rate_limits:
        raise ValueError(f"{dialect.name}: unknown rate-limit class {rate_class!r}")

    async def principal(request: Request) -> Principal:
        platform: Platform = request.app.state.platform
        who = await authenticate(dialect, platform, request)
        count(dialect, platform, request, who, rate_class)
        if not who.api_access or who.org in platform.settings.api_access_off:
            raise ApiAccessOff(f"API access is switched off for the org {who.org!r}")
        if not who.allows(scope):
            raise MissingScope(scope)
        request.state.principal = who  # the audit log names it (framework.audit)
        return who

    principal.required_scope = scope  # type: ignore[attr-defined]
    principal.rate_class = rate_class  # type: ignore[attr-defined]
    return Depends(principal)


async def authenticate(dialect: Dialect, platform: Platform, request: Request) -> Principal:
    credential = read_credential(request, dialect.schemes)
    if credential is None:
        org = platform.settings.anonymous_orgs.get(dialect.name)
        if org is not None and dialect.anonymous_allowed:
            return await run_in_threadpool(_anonymous, platform, org)
        raise Unauthenticated("a credential is required", reason="missing")
    who = await run_in_threadpool(_resolve, platform, credential)
    if who is None:
        raise Unauthenticated("the API key is invalid, revoked or expired", reason="unknown")
    return who


def _resolve(platform: Platform, credential: Credential) -> Principal | None:
    """The cached principal while the credentials epoch stands still, else a fresh one (the
    epoch is read first, so an answer is never filed under a newer epoch than it saw)."""
    cache = platform.principals
    epoch = platform.credentials_epoch() if cache.ttl > 0 else 0
    who = cache.get(credential.kind, credential.value, epoch)
    if who is not None:
        return who
    with platform.session() as session:
        if credential.kind == "api_key":
            who = principal_for_key(session, credential.value)
        else:
            who = principal_for_session(session, platform.session_tokens, credential.value)
    if who is not None:
        cache.put(credential.kind, credential.value, epoch, who)
    return who


def _anonymous(platform: Platform, org: str) -> Principal:
    with platform.session() as session:
        return anonymous_principal(session, org)


def count(
    dialect: Dialect, platform: Platform, request: Request, who: Principal, rate_class: str
) -> None:
    hit(dialect, platform, request, rate_class, who.bucket)


def hit(
    dialect: Dialect, platform: Platform, request: Request, rate_class: str, bucket: str
) -> None:
    """Count one request of ``bucket`` in ``rate_class``; :class:`RateLimited` past it."""
    s = platform.settings
    limit, window = effective_limit(
        dialect.name,
        rate_class,
        dialect.rate_limits[rate_class],
        s.rate_limits,
        s.rate_limit_per_hour,
    )
    decision = platform.rate_limits.hit(
        f"{dialect.name}:{rate_class}:{bucket}", limit=limit, window_seconds=window
    )
    request.state.rate_limit = decision
    if not decision.allowed:
        raise RateLimited(
            f"too many requests: {limit} per {window} seconds; retry after "
            f"{decision.retry_after} seconds",
            retry_after_seconds=decision.retry_after,
        )


KeyFn = Callable[[Request], Coroutine[Any, Any, str]]


def limited(dialect: Dialect, rate_class: str, key: KeyFn | None = None) -> Any:
    """The dependency of a public route (sign-up, log-in, a password reset): no
    credential, but the rate limit of ``rate_class`` counted per ``key(request)``
    (default: the client's address), and failures in the dialect's body like any route."""
    if rate_class not in dialect.rate_limits:
        raise ValueError(f"{dialect.name}: unknown rate-limit class {rate_class!r}")
    keyer = key or client_address

    async def gate(request: Request) -> None:
        bucket = await keyer(request)
        hit(dialect, request.app.state.platform, request, rate_class, bucket)

    gate.public_rate_class = rate_class  # type: ignore[attr-defined]
    return Depends(gate)


async def client_address(request: Request) -> str:
    """The address the request came from: the socket's peer, which uvicorn replaces by
    ``X-Forwarded-For`` only for a proxy it trusts (``--forwarded-allow-ips``, loopback by
    default)."""
    return f"ip:{request.client.host if request.client else 'unknown'}"


def address_and(field: str) -> KeyFn:
    """A key of the client's address and the JSON body's ``field`` (lower-cased), so
    failures against one account from one address never block that account elsewhere."""

    async def key(request: Request) -> str:
        try:
            body = await request.json()
        except ValueError:
            body = None
        value = body.get(field) if isinstance(body, dict) else None
        who = value.strip().lower() if isinstance(value, str) else ""
        digest = hashlib.sha256(who.encode()).hexdigest()[:32]  # short, and no e-mail in the store
        return f"{await client_address(request)}:{field}:{digest}"

    return key


def route_public_rate_class(route: APIRoute) -> str | None:
    """The rate-limit class of a public route (:func:`limited`), if it is one."""
    for dep in route.dependant.dependencies:
        if hasattr(dep.call, "public_rate_class"):
            return dep.call.public_rate_class  # type: ignore[union-attr]
    return None


def route_needs(route: APIRoute) -> tuple[str, str] | None:
    """(scope, rate-limit class) a route declares through :func:`needs`, if any."""
    for dep in route.dependant.dependencies:
        call = dep.call
        if hasattr(call, "required_scope"):
            return call.required_scope, call.rate_class  # type: ignore[union-attr]
    return None
