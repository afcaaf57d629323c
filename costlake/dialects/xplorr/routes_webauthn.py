"""Xplorr WebAuthn endpoints: register a security key or passkey, sign in with one (as a
passkey, or as the second step of a 2FA log-in), list and remove keys."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import limited, needs
from costlake.dialects.xplorr import schemas as s
from costlake.dialects.xplorr import schemas_identity as si
from costlake.dialects.xplorr import translate
from costlake.dialects.xplorr.router import Work, person
from costlake.users import webauthn
from costlake.users.webauthn import RelyingParty

OPTIONS = {"type": "object", "description": "PublicKeyCredential options, as JSON for the browser"}


def relying_party(request: Request) -> RelyingParty:
    return RelyingParty.from_url(request.app.state.platform.settings.base_url)


def key_out(key: Any) -> dict[str, Any]:
    return {
        "id": key.id, "name": key.name, "transports": key.transports,
        "backed_up": key.backed_up, "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
    }  # fmt: skip


def add_webauthn_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:  # noqa: C901
    @router.get(
        "/api/v1/auth/webauthn/register/options", response_model=dict[str, Any],
        responses={200: {"content": {"application/json": {"schema": OPTIONS}}}},
    )  # fmt: skip
    async def register_options(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
    ) -> Response:
        """Get registration challenge."""
        rp = relying_party(request)
        options = await work(
            request, lambda x: webauthn.registration_options(x, rp, person(x, who))
        )
        return dialect.success(options)

    @router.post(
        "/api/v1/auth/webauthn/register/verify", status_code=201,
        response_model=si.WebauthnCredentialOut,
    )  # fmt: skip
    async def register_verify(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        body: si.RegistrationBody,
    ) -> Response:
        """Verify and register credential."""
        rp = relying_party(request)
        key = await work(
            request,
            lambda x: key_out(webauthn.register(x, rp, person(x, who), body.credential, body.name)),
        )
        return dialect.success(key, status=201)

    @router.get(
        "/api/v1/auth/webauthn/authenticate/options", response_model=dict[str, Any],
        responses={200: {"content": {"application/json": {"schema": OPTIONS}}}},
        dependencies=[limited(dialect, "sso")],
    )  # fmt: skip
    async def authenticate_options(
        request: Request,
        challenge_token: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        """Get authentication challenge (a passkey; or, with the log-in's challenge_token,
        the person's keys as the second factor)."""
        rp = relying_party(request)
        options = await work(
            request, lambda x: webauthn.authentication_options(x, rp, challenge_token)
        )
        return dialect.success(options)

    @router.post(
        "/api/v1/auth/webauthn/authenticate/verify", response_model=s.TokensOut,
        dependencies=[limited(dialect, "sso")],
    )  # fmt: skip
    async def authenticate_verify(request: Request, body: si.AssertionBody) -> Response:
        """Authenticate with passkey."""
        rp, signer = relying_party(request), request.app.state.platform.session_tokens
        pair = await work(
            request,
            lambda x: translate.tokens(webauthn.authenticate(x, signer, rp, body.credential)),
        )
        return dialect.success(pair)

    @router.get("/api/v1/auth/webauthn/credentials", response_model=si.WebauthnCredentialPage)
    async def list_keys(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")]
    ) -> Response:
        """List registered security keys."""
        keys = await work(
            request,
            lambda x: [key_out(k) for k in webauthn.credentials_of(x, person(x, who).id)],
        )
        meta = {"total": len(keys), "page": 1, "limit": webauthn.MAX_KEYS}
        return dialect.success(keys, meta=meta)

    @router.delete("/api/v1/auth/webauthn/credentials/{key_id}", response_model=s.MessageOut)
    async def remove_key(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        key_id: Annotated[int, Path(ge=1, le=2**62)],
    ) -> Response:
        """Remove a security key."""
        await work(request, lambda x: webauthn.remove(x, person(x, who), key_id))
        return dialect.success({"message": "Security key removed"})
