"""The dialect framework: what each vendor API declares, and what the platform enforces.

A dialect declares how its key is read (Bearer, a raw Authorization value, X-API-Key), what
shape a key must have, its error body, its rate-limit policy and headers, and its routes. The
platform authenticates, rate-limits, runs handlers so that any error (bad parameters, core
errors, unexpected ones) comes back in the dialect's own body and status, and serves each
dialect's OpenAPI document at ``/openapi/<dialect>.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from costlake.errors import CostlakeError, InvalidInput, RateLimited, Unauthenticated
from costlake.kit.ratelimit import RateLimitDecision
from costlake.platform import Platform

log = logging.getLogger("costlake.dialects")


@dataclass(frozen=True, slots=True)
class KeyScheme:
    """Where a dialect's clients put their API key."""

    kind: Literal["bearer", "raw", "header"]
    header: str = "Authorization"

    def read(self, request: Request) -> str | None:
        value = request.headers.get(self.header)
        if value is None:
            return None
        value = value.strip()
        if self.kind == "bearer":
            scheme, _, token = value.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated(
                    "the Authorization header must be 'Bearer <API key>'", reason="malformed"
                )
            return token.strip()
        return value or None


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    limit: int | None  # None: the server's COSTLAKE_RATE_LIMIT_PER_HOUR
    window_seconds: int = 3600


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: their org and, when the key is bound to a user, the accounts granted."""

    org: str
    key_id: int
    key_name: str
    account_ids: tuple[str, ...] | None
    scopes: frozenset[str]


class Dialect(Protocol):
    name: str
    title: str
    version: str
    key_scheme: KeyScheme
    rate_limit: RateLimitPolicy
    path_prefixes: tuple[str, ...]
    """Paths the dialect owns: unknown paths under them get the dialect's error body."""

    def key_shape_ok(self, secret: str) -> bool: ...

    def error_response(self, error: Exception, status: int) -> Response:
        """The dialect's own error body for ``error``."""
        ...

    def status_for(self, error: Exception) -> int: ...

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]: ...

    def routes(self) -> APIRouter: ...


def dialect_route_class(dialect: Dialect) -> type[APIRoute]:
    """An APIRoute whose handler renders every failure in ``dialect``'s format and adds the
    rate-limit headers to every response."""

    class DialectRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def run(request: Request) -> Response:
                request.state.dialect = dialect
                try:
                    response = await handler(request)
                except RequestValidationError as e:
                    response = _render(dialect, InvalidInput(_validation_message(e)))
                except (CostlakeError, StarletteHTTPException) as e:
                    response = _render(dialect, e)
                except Exception as e:  # noqa: BLE001 - never a stack trace to the client
                    log.exception("unexpected error in %s %s", request.method, request.url.path)
                    response = dialect.error_response(e, 500)
                decision = getattr(request.state, "rate_limit", None)
                if decision is not None:
                    response.headers.update(dialect.rate_limit_headers(decision))
                return response

            return run

    return DialectRoute


def _render(dialect: Dialect, error: Exception) -> Response:
    return dialect.error_response(error, dialect.status_for(error))


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for e in error.errors():
        loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path", "header")]
        parts.append(f"{'.'.join(loc) or 'request'}: {e.get('msg', 'invalid')}")
    return "invalid parameter " + "; ".join(parts)


def authenticator(dialect: Dialect) -> Callable[[Request], Coroutine[Any, Any, Caller]]:
    """A FastAPI dependency: read, check and look up the key, then count it against the
    dialect's rate limit."""
    from starlette.concurrency import run_in_threadpool

    async def authenticate(request: Request) -> Caller:
        platform: Platform = request.app.state.platform
        secret = dialect.key_scheme.read(request)
        if secret is None:
            raise Unauthenticated("an API key is required", reason="missing")
        if not dialect.key_shape_ok(secret):
            raise Unauthenticated(
                "the API key does not have the expected format", reason="malformed"
            )
        caller = await run_in_threadpool(_lookup, platform, secret)
        if caller is None:
            raise Unauthenticated("the API key is invalid, revoked or expired", reason="unknown")
        policy = dialect.rate_limit
        decision = platform.rate_limits.hit(
            f"{dialect.name}:{caller.key_id}",
            limit=policy.limit or platform.settings.rate_limit_per_hour,
            window_seconds=policy.window_seconds,
        )
        request.state.rate_limit = decision
        if not decision.allowed:
            raise RateLimited(
                "too many requests for this API key; retry after the reset time",
                retry_after_seconds=decision.retry_after,
            )
        return caller

    return authenticate


def _lookup(platform: Platform, secret: str) -> Caller | None:
    from costlake.accounts.service import list_accounts
    from costlake.keys.service import authenticate

    with platform.session() as session:
        key = authenticate(session, secret)
        if key is None:
            return None
        granted = None
        if key.user is not None:
            granted = tuple(a.account_id for a in list_accounts(session, key.org, key.user))
        return Caller(key.org.slug, key.key_id, key.name, granted, key.scopes)


def openapi_document(
    dialect: Dialect, router: APIRouter, servers: Sequence[str] = ()
) -> dict[str, Any]:
    from fastapi.openapi.utils import get_openapi

    return get_openapi(
        title=dialect.title,
        version=dialect.version,
        routes=router.routes,
        servers=[{"url": s} for s in servers] or None,
    )
