"""What a dialect declares, and the base class that turns the declarations into behaviour.

A dialect is a set of facts from its vendor's document: the path prefixes it owns, where
clients put credentials (:mod:`.schemes`) and the key shapes it accepts, its rate-limit
classes and headers, its envelope (:mod:`.envelopes`) and the codes it gives each kind of
failure. :class:`DialectBase` renders any failure from those facts, so a vendor's dialect
writes no error handling of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from fastapi import APIRouter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from costlake.dialects.framework.envelopes import Envelope
from costlake.dialects.framework.errors import STATUS, kind_of, public_message
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass, RateLimitHeaders
from costlake.dialects.framework.schemes import ApiKeyScheme, Scheme
from costlake.dialects.responses import OrjsonResponse
from costlake.errors import RateLimited
from costlake.keys.styles import StyleSpec


class Dialect(Protocol):
    name: str
    title: str
    version: str
    path_prefixes: tuple[str, ...]
    schemes: tuple[Scheme, ...]
    anonymous_allowed: bool
    rate_limits: Mapping[str, RateLimitClass]
    rate_limit_headers: RateLimitHeaders
    envelope: Envelope

    @property
    def key_styles(self) -> tuple[StyleSpec, ...]: ...

    def status_for(self, error: Exception) -> int: ...

    def render_error(self, error: Exception) -> Response: ...

    def success(
        self, data: Any, *, status: int = 200, meta: dict[str, Any] | None = None
    ) -> Response: ...

    def routes(self) -> APIRouter: ...


class DialectBase:
    """Defaults for every declaration but the vendor's own facts."""

    name: ClassVar[str]
    title: ClassVar[str]
    version: ClassVar[str]
    path_prefixes: ClassVar[tuple[str, ...]]
    schemes: ClassVar[tuple[Scheme, ...]]
    envelope: ClassVar[Envelope]
    anonymous_allowed: ClassVar[bool] = False
    rate_limits: ClassVar[Mapping[str, RateLimitClass]] = {DEFAULT: RateLimitClass(100, 3600)}
    rate_limit_headers: ClassVar[RateLimitHeaders] = RateLimitHeaders()
    codes: ClassVar[Mapping[str, str]] = {
        "invalid": "INVALID_REQUEST",
        "unauthenticated": "UNAUTHORIZED",
        "forbidden": "FORBIDDEN",
        "not_found": "NOT_FOUND",
        "method_not_allowed": "METHOD_NOT_ALLOWED",
        "conflict": "CONFLICT",
        "too_large": "PAYLOAD_TOO_LARGE",
        "rate_limited": "RATE_LIMITED",
        "cancelled": "REQUEST_CANCELLED",
        "internal": "INTERNAL_ERROR",
        "not_implemented": "NOT_IMPLEMENTED",
        "unavailable": "SERVICE_UNAVAILABLE",
    }
    """The vendor's code for each kind of failure (:data:`.errors.STATUS`)."""
    statuses: ClassVar[Mapping[str, int]] = {}
    """Where the vendor's status for a kind differs from the common one."""
    example: ClassVar[tuple[str, str, str | None] | None] = None
    """(method, path with query, JSON body or None): a request worth showing a new user."""

    def curl_example(self, base_url: str, key: str) -> str | None:
        """A ready-to-run ``curl`` of :attr:`example` with ``key`` where this vendor's
        clients put it."""
        if self.example is None:
            return None
        method, path, body = self.example
        scheme = next(s for s in self.schemes if isinstance(s, ApiKeyScheme))
        value = f"Bearer {key}" if scheme.where == "bearer" else key
        parts = ["curl", "-s"]
        if method != "GET":
            parts += ["-X", method]
        parts += ["-H", f"'{scheme.header}: {value}'"]
        if body is not None:
            parts += ["-H", "'Content-Type: application/json'", "-d", f"'{body}'"]
        parts.append(f"'{base_url.rstrip('/')}{path}'")
        return " ".join(parts)

    @property
    def key_styles(self) -> tuple[StyleSpec, ...]:
        seen: dict[str, StyleSpec] = {}
        for scheme in self.schemes:
            if isinstance(scheme, ApiKeyScheme):
                for spec in scheme.styles:
                    seen.setdefault(spec.name, spec)
        return tuple(seen.values())

    def status_for(self, error: Exception) -> int:
        if isinstance(error, StarletteHTTPException):
            return error.status_code
        kind = kind_of(error)
        return self.statuses.get(kind, STATUS[kind])

    def error_code(self, kind: str, error: Exception) -> str:
        return self.codes.get(kind, self.codes["internal"])

    def error_message(self, kind: str, error: Exception) -> str:
        return public_message(error)

    def render_error(self, error: Exception) -> Response:
        kind = kind_of(error)
        status = self.status_for(error)
        body = self.envelope.error(
            self.error_code(kind, error), self.error_message(kind, error), status
        )
        headers: dict[str, str] = {}
        if isinstance(error, StarletteHTTPException) and error.headers:
            headers.update(error.headers)
        if kind == "unauthenticated":
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, RateLimited):
            headers["Retry-After"] = str(error.retry_after_seconds)
        return OrjsonResponse(body, status_code=status, headers=headers)

    def success(
        self, data: Any, *, status: int = 200, meta: dict[str, Any] | None = None
    ) -> Response:
        return OrjsonResponse(self.envelope.success(data, meta=meta), status_code=status)

    def routes(self) -> APIRouter:
        raise NotImplementedError
