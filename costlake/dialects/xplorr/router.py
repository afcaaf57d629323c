"""Xplorr's sign-in and token endpoints, paths verbatim from the document.

Public routes carry :func:`limited` (a rate limit per client address, or address and
e-mail) instead of :func:`needs`; both render failures in Xplorr's body.
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.pagination import NumberedPages
from costlake.dialects.framework.routing import (
    address_and,
    dialect_route_class,
    limited,
    needs,
)
from costlake.dialects.runner import run_blocking
from costlake.dialects.xplorr import schemas as s
from costlake.dialects.xplorr import translate
from costlake.dialects.xplorr.keys import XPLORR
from costlake.errors import CostlakeError, NotFound, Unauthenticated
from costlake.kit.pagination import page_of
from costlake.platform import Platform
from costlake.users import invitations, people, policy, sessions, tokens, totp
from costlake.users.service import get_user, list_users

T = TypeVar("T")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": s.ErrorResponse, "description": "INVALID_REQUEST"},
    401: {"model": s.ErrorResponse, "description": "UNAUTHORIZED"},
    403: {"model": s.ErrorResponse, "description": "FORBIDDEN"},
    429: {"model": s.ErrorResponse, "description": "RATE_LIMITED, with Retry-After"},
    500: {"model": s.ErrorResponse, "description": "INTERNAL_ERROR"},
}
PAGES = NumberedPages(default_limit=25, max_limit=100)
SAME_ANSWER = "If an account exists for this e-mail address, a message has been sent to it."


def unit_of_work(platform: Platform, fn: Callable[[Session], T]) -> T:
    """``fn`` in one transaction that commits even when ``fn`` refuses with a costlake
    error: a refusal may have recorded something that must stick (a reused refresh
    token's revoked family, a wrong 2FA code's count)."""
    with platform.sessions() as session:
        try:
            result = fn(session)
        except CostlakeError:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result


def _person(session: Session, who: Principal) -> Any:
    if who.user_id is None:
        raise NotFound("this credential belongs to the org, not to a person")
    return get_user(session, who.user_id)


def build_router(dialect: Dialect) -> APIRouter:  # noqa: C901, PLR0915 - one route per block
    router = APIRouter(route_class=dialect_route_class(dialect), tags=["Xplorr"], responses=ERRORS)

    async def work(request: Request, fn: Callable[[Session], T]) -> T:
        platform: Platform = request.app.state.platform
        return await run_blocking(request, lambda: unit_of_work(platform, fn))

    def signin(request: Request) -> Any:
        return request.app.state.platform.signin

    @router.post(
        "/api/v1/auth/signup", status_code=201, response_model=s.TokensOut,
        dependencies=[limited(dialect, "auth")],
    )  # fmt: skip
    async def signup(request: Request, body: s.SignupBody) -> Response:
        """Register a new account with business email."""
        flows = signin(request)
        pair = await work(
            request,
            lambda x: translate.tokens(
                flows.signup(x, body.email, body.password, body.name, body.organization_name)
            ),
        )
        return dialect.success(pair, status=201)

    @router.post(
        "/api/v1/auth/login", response_model=s.TokensOut | s.ChallengeOut,
        dependencies=[
            limited(dialect, "login", address_and("email")),
            limited(dialect, "login_address"),  # many e-mails from one address: argon2 costs
        ],
    )  # fmt: skip
    async def login(request: Request, body: s.LoginBody) -> Response:
        """Log in with email + password. Returns access + refresh tokens (or a 2FA challenge)."""
        flows = signin(request)
        result = await work(
            request,
            lambda x: translate.login(flows.login(x, body.email, body.password, body.organization)),
        )
        return dialect.success(result)

    @router.post(
        "/api/v1/auth/refresh", response_model=s.TokensOut,
        dependencies=[limited(dialect, "session")],
    )  # fmt: skip
    async def refresh(request: Request, body: s.RefreshBody) -> Response:
        """Exchange refresh token for new access token (the refresh token rotates)."""
        tokens_ = request.app.state.platform.session_tokens
        pair = await work(
            request, lambda x: translate.tokens(sessions.refresh(x, tokens_, body.refresh_token))
        )
        return dialect.success(pair)

    @router.post(
        "/api/v1/auth/logout", response_model=s.MessageOut,
        dependencies=[limited(dialect, "session")],
    )  # fmt: skip
    async def logout(request: Request, body: s.RefreshBody) -> Response:
        """Revoke the current refresh token (and the access tokens of its sign-in)."""
        await work(request, lambda x: sessions.end_session(x, body.refresh_token))
        return dialect.success({"message": "Logged out"})

    @router.get("/api/v1/auth/me", response_model=s.UserOut)
    async def me(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")]
    ) -> Response:
        """Get current user profile."""
        return dialect.success(await work(request, lambda x: translate.user(_person(x, who))))

    @router.post(
        "/api/v1/auth/forgot-password", response_model=s.MessageOut,
        dependencies=[limited(dialect, "auth", address_and("email"))],
    )  # fmt: skip
    async def forgot_password(request: Request, body: s.EmailBody) -> Response:
        """Send password reset email (the same answer whether the address has an account)."""
        flows = signin(request)
        await work(request, lambda x: flows.forgot_password(x, body.email))
        return dialect.success({"message": SAME_ANSWER})

    @router.post(
        "/api/v1/auth/reset-password", response_model=s.MessageOut,
        dependencies=[limited(dialect, "reset")],
    )  # fmt: skip
    async def reset_password(request: Request, body: s.ResetBody) -> Response:
        """Reset password with token (single use; every session of the user ends)."""
        flows = signin(request)
        await work(request, lambda x: flows.reset_password(x, body.token, body.password))
        return dialect.success({"message": "Password reset: sign in with the new password"})

    @router.post("/api/v1/auth/change-password", response_model=s.MessageOut)
    async def change_password(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        body: s.ChangePasswordBody,
    ) -> Response:
        """Change password (authenticated); every other session of the user ends."""
        flows = signin(request)
        await work(
            request,
            lambda x: flows.change_password(
                x, _person(x, who), body.current_password, body.new_password, who.session_id
            ),
        )
        return dialect.success({"message": "Password changed; other sessions were signed out"})

    @router.post(
        "/api/v1/auth/verify-email", response_model=s.MessageOut,
        dependencies=[limited(dialect, "auth")],
    )  # fmt: skip
    async def verify_email(request: Request, body: s.TokenBody) -> Response:
        """Verify email address with token."""
        flows = signin(request)
        await work(request, lambda x: flows.verify_email(x, body.token))
        return dialect.success({"message": "E-mail address verified"})

    @router.post(
        "/api/v1/auth/resend-verification", response_model=s.MessageOut,
        dependencies=[limited(dialect, "auth", address_and("email"))],
    )  # fmt: skip
    async def resend_verification(request: Request, body: s.EmailBody) -> Response:
        """Resend verification email (the same answer whether the address has an account)."""
        flows = signin(request)
        await work(request, lambda x: flows.resend_verification(x, body.email))
        return dialect.success({"message": SAME_ANSWER})

    @router.post("/api/v1/auth/invite", status_code=201, response_model=s.InvitationOut)
    async def invite(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        body: s.InviteBody,
    ) -> Response:
        """Invite user to org (admin only); the invitation goes by e-mail."""
        flows = signin(request)
        user = await work(request, lambda x: flows.invite(x, who, body.email, body.role))
        invited = {"email": user.email, "organization": who.org, "role": user.role}
        return dialect.success({**invited, "status": "pending"}, status=201)

    @router.get(
        "/api/v1/auth/invitation/{token}", response_model=s.InvitationOut,
        dependencies=[limited(dialect, "auth")],
    )  # fmt: skip
    async def invitation(request: Request, token: str) -> Response:
        """Check invitation status."""
        found = await work(request, lambda x: invitations.status(x, token))
        return dialect.success(translate.invitation(found))

    @router.post(
        "/api/v1/auth/accept-invitation", status_code=201, response_model=s.TokensOut,
        dependencies=[limited(dialect, "auth")],
    )  # fmt: skip
    async def accept_invitation(request: Request, body: s.AcceptInvitationBody) -> Response:
        """Accept invite and create account (signed in at once)."""
        flows = signin(request)
        pair = await work(
            request,
            lambda x: translate.tokens(
                flows.accept_invitation(x, body.token, body.password, body.name)
            ),
        )
        return dialect.success(pair, status=201)

    @router.post("/api/v1/auth/2fa/setup", response_model=s.TwoFactorSetupOut)
    async def twofa_setup(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
    ) -> Response:
        """Start TOTP 2FA setup. Returns QR code."""
        box = signin(request).box
        setup = await work(request, lambda x: totp.begin(x, box, _person(x, who)))
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
        codes = await work(request, lambda x: totp.confirm(x, box, _person(x, who), body.code))
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
        await work(request, lambda x: totp.disable(x, box, _person(x, who), body.code))
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

    @router.get("/api/v1/users", response_model=s.UserPage)
    async def list_people(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:read")],
        page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
        limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    ) -> Response:
        """List org users (admin: all, member: self)."""
        wanted = PAGES.request(page, limit)

        def run(x: Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            found = page_of(list(people.visible(x, who)), wanted)
            return [translate.user(u) for u in found.items], PAGES.meta(found)

        data, meta = await work(request, run)
        return dialect.success(data, meta=meta)

    @router.get("/api/v1/users/{user_id}", response_model=s.UserOut)
    async def get_person(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")], user_id: int
    ) -> Response:
        """Get user details."""
        found = await work(request, lambda x: translate.user(people.get_person(x, who, user_id)))
        return dialect.success(found)

    @router.patch("/api/v1/users/{user_id}", response_model=s.UserOut)
    async def update_person(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        user_id: int,
        body: s.UpdateUserBody,
    ) -> Response:
        """Update user profile or role."""
        changed = await work(
            request,
            lambda x: translate.user(
                people.update_person(x, who, user_id, name=body.name, role=body.role)
            ),
        )
        return dialect.success(changed)

    @router.delete("/api/v1/users/{user_id}", response_model=s.UserOut)
    async def deactivate_person(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        user_id: int,
    ) -> Response:
        """Deactivate user (admin): its sessions, tokens and keys stop."""
        gone = await work(
            request, lambda x: translate.user(people.deactivate_person(x, who, user_id))
        )
        return dialect.success(gone)

    @router.get("/api/v1/tokens", response_model=s.ApiTokenPage)
    async def list_tokens(
        request: Request,
        who: Annotated[Principal, needs(dialect, "keys:read")],
        page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
        limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    ) -> Response:
        """List API tokens (an admin: the org's; a member: its own)."""
        wanted = PAGES.request(page, limit)

        def run(x: Session) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            emails = {u.id: u.email for u in list_users(x, who.org)}
            found = page_of(list(tokens.visible_tokens(x, who)), wanted)
            return [translate.api_token(k, emails) for k in found.items], PAGES.meta(found)

        data, meta = await work(request, run)
        return dialect.success(data, meta=meta)

    @router.post("/api/v1/tokens", status_code=201, response_model=s.ApiTokenCreated)
    async def create_token(
        request: Request,
        who: Annotated[Principal, needs(dialect, "keys:write", rate_class="write")],
        body: s.CreateTokenBody,
    ) -> Response:
        """Create API token (an xplorr_ token, shown once)."""

        def run(x: Session) -> dict[str, Any]:
            key, secret = tokens.create_token(
                x, who, body.name, body.scopes, XPLORR, body.expires_at
            )
            emails = {u.id: u.email for u in list_users(x, who.org)}
            return {**translate.api_token(key, emails), "token": secret}

        return dialect.success(await work(request, run), status=201)

    @router.delete("/api/v1/tokens/{token_id}", status_code=204)
    async def revoke_token(
        request: Request,
        who: Annotated[Principal, needs(dialect, "keys:write", rate_class="write")],
        token_id: int,
    ) -> Response:
        """Revoke API token."""
        await work(request, lambda x: tokens.revoke_token(x, who, token_id))
        return Response(status_code=204)

    @router.post(
        "/api/v1/tokens/exchange", response_model=s.ExchangeOut,
        dependencies=[limited(dialect, "exchange")],
    )  # fmt: skip
    async def exchange(request: Request) -> Response:
        """Exchange xplorr_ token (Authorization: Bearer) for JWT (used by MCP server)."""
        kind, _, secret = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() != "bearer" or not XPLORR.matches(secret.strip()):
            raise Unauthenticated("send the xplorr_ token as 'Authorization: Bearer <token>'",
                                  reason="missing")  # fmt: skip
        flows = signin(request)
        jwt, ttl = await work(request, lambda x: flows.exchange(x, secret.strip()))
        return dialect.success({"access_token": jwt, "token_type": "Bearer", "expires_in": ttl})

    return router
