"""Xplorr two-factor endpoints, and the org-wide 2FA requirement."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import address_and, limited, needs
from costlake.dialects.xplorr import schemas as s
from costlake.dialects.xplorr import translate
from costlake.dialects.xplorr.router import Work, person, signin
from costlake.users import policy, totp


def add_two_factor_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:
    @router.post("/api/v1/auth/2fa/setup", response_model=s.TwoFactorSetupOut)
    async def twofa_setup(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
    ) -> Response:
        """Start TOTP 2FA setup. Returns QR code."""
        box = signin(request).box
        setup = await work(request, lambda x: totp.begin(x, box, person(x, who)))
        return dialect.success(
            {"secret": setup.secret, "otpauth_url": setup.otpauth_uri,
             "qr_code": totp.qr_data_uri(setup)}
        )  # fmt: skip

    @router.post("/api/v1/auth/2fa/confirm", response_model=s.TwoFactorConfirmOut)
    async def twofa_confirm(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="2fa_disable")],
        body: s.CodeBody,
    ) -> Response:
        """Confirm TOTP code to enable 2FA; returns the recovery codes, shown once."""
        box = signin(request).box
        codes = await work(request, lambda x: totp.confirm(x, box, person(x, who), body.code))
        return dialect.success({"enabled": True, "recovery_codes": codes})

    @router.post(
        "/api/v1/auth/2fa/authenticate", response_model=s.TokensOut,
        dependencies=[limited(dialect, "2fa", address_and("challenge_token"))],
    )  # fmt: skip
    async def twofa_authenticate(request: Request, body: s.TwoFactorBody) -> Response:
        """Verify TOTP code (or a recovery code) during login."""
        flows = signin(request)
        pair = await work(
            request,
            lambda x: translate.tokens(flows.second_factor(x, body.challenge_token, body.code)),
        )
        return dialect.success(pair)

    @router.post("/api/v1/auth/2fa/disable", response_model=s.TwoFactorConfirmOut)
    async def twofa_disable(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="2fa_disable")],
        body: s.CodeBody,
    ) -> Response:
        """Disable 2FA (needs a current code)."""
        box = signin(request).box
        await work(request, lambda x: totp.disable(x, box, person(x, who), body.code))
        return dialect.success({"enabled": False, "recovery_codes": []})

    @router.patch("/api/v1/organizations/require-2fa", response_model=s.Require2faOut)
    async def require_2fa(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        body: s.Require2faBody,
    ) -> Response:
        """Enforce mandatory 2FA (admin)."""
        on = await work(request, lambda x: policy.require_2fa(x, who, body.enabled))
        return dialect.success({"require_2fa": on})
