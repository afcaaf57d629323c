"""Where a dialect's clients put their credential, and what kind of credential it is.

A dialect lists its schemes in order of preference. :func:`read_credential` finds the one
credential a request presents: a header sent twice is refused (proxies and clients
disagree on which copy wins), and a Bearer token goes to the first scheme that claims its
shape (an ``xplorr_`` key to the key scheme, a JWT to the session scheme).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request

from costlake.errors import Unauthenticated
from costlake.keys.styles import StyleSpec


@dataclass(frozen=True, slots=True)
class ApiKeyScheme:
    """An API key, as ``Authorization: Bearer <key>`` (``bearer``), as the bare value of a
    header (``header``, e.g. ``X-API-Key``), or as the whole Authorization value (``raw``).
    ``styles`` are the key shapes this dialect accepts."""

    where: Literal["bearer", "header", "raw"]
    styles: tuple[StyleSpec, ...]
    header: str = "Authorization"
    kind: Literal["api_key"] = "api_key"

    def claims(self, token: str) -> bool:
        return any(s.matches(token) for s in self.styles)

    def openapi(self) -> tuple[str, dict[str, str]]:
        if self.where == "bearer":
            return "bearerApiKey", {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: " + ", ".join(_shape(s) for s in self.styles),
            }
        return f"apiKey{self.header.replace('-', '')}", {
            "type": "apiKey",
            "in": "header",
            "name": self.header,
            "description": "An API key: " + ", ".join(_shape(s) for s in self.styles),
        }


@dataclass(frozen=True, slots=True)
class SessionScheme:
    """A user's session token (a JWT) as ``Authorization: Bearer <token>``."""

    header: str = "Authorization"
    where: Literal["bearer"] = "bearer"
    kind: Literal["session"] = "session"

    def claims(self, token: str) -> bool:
        return token.count(".") == 2 and token.startswith("ey")

    def openapi(self) -> tuple[str, dict[str, str]]:
        return "bearerSession", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


Scheme = ApiKeyScheme | SessionScheme


@dataclass(frozen=True, slots=True)
class Credential:
    kind: Literal["api_key", "session"]
    value: str


def _shape(spec: StyleSpec) -> str:
    return f"{spec.marker} + {spec.body_length} characters"


def read_credential(request: Request, schemes: Sequence[Scheme]) -> Credential | None:
    """The credential the request presents under ``schemes``, or None if it presents none.

    :class:`Unauthenticated` ("malformed") for a header sent twice, a malformed
    Authorization value, or a token none of the schemes accepts.
    """
    for header in dict.fromkeys(s.header for s in schemes):
        if len(request.headers.getlist(header)) > 1:
            raise Unauthenticated(f"send one {header} header, not several", reason="duplicate")
    presented: dict[str, str] = {}
    for scheme in schemes:
        if scheme.header in presented:
            continue
        value = request.headers.get(scheme.header)
        if value is not None:
            presented[scheme.header] = value.strip()
    if not presented:
        return None
    bearer_error: Unauthenticated | None = None
    for scheme in schemes:
        value = presented.get(scheme.header)
        if value is None:
            continue
        token = value
        if scheme.where == "bearer":
            kind, _, rest = value.partition(" ")
            if kind.lower() != "bearer" or not rest.strip():
                bearer_error = Unauthenticated(
                    f"the {scheme.header} header must be 'Bearer <credential>'", reason="malformed"
                )
                continue
            token = rest.strip()
        if not token:
            continue
        if scheme.claims(token):
            return Credential(scheme.kind, token)
    if bearer_error is not None:
        raise bearer_error
    raise Unauthenticated("the credential does not have the expected format", reason="malformed")
