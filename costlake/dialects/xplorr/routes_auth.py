"""Xplorr sign-in endpoints: sign-up, log-in, sessions, passwords, e-mail, invitations."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import address_and, limited, needs
from costlake.dialects.xplorr import schemas as s
from costlake.dialects.xplorr import translate
from costlake.dialects.xplorr.router import SAME_ANSWER, Work, person, signin
from costlake.users import invitations, sessions


def add_auth_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:  # noqa: C901, PLR0915
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
        return dialect.success(await work(request, lambda x: translate.user(person(x, who))))

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
                x, person(x, who), body.current_password, body.new_password, who.session_id
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
