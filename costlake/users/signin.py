"""The sign-in flows, without HTTP: sign up, log in (with its 2FA step), forgot and
reset a password, verify an e-mail, change a password, exchange an API key for a JWT.

:class:`SignIn` holds what the flows need from the platform (token signer, secret box,
mailer, public URL, sign-up mode); each method takes the caller's unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from costlake.audit.service import record_user_event
from costlake.auth.principals import Principal
from costlake.auth.sessions import SessionTokens
from costlake.db.models import User
from costlake.errors import InvalidInput, PermissionDenied, Unauthenticated
from costlake.keys.service import authenticate as authenticate_key
from costlake.kit.clock import now
from costlake.kit.secretbox import SecretBox
from costlake.orgs.service import get_or_create_org
from costlake.users import (
    invitations,
    onetime,
    passwords,
    sessions,
    signup,
    sso,
    totp,
    webauthn,
)
from costlake.users.mail import Mailer
from costlake.users.repository import UserRepository
from costlake.users.schemas import Challenge, Mail, TokenPair
from costlake.users.service import create_user

BAD_LOGIN = "the e-mail address or the password is wrong"


@dataclass
class SignIn:
    tokens: SessionTokens
    box: SecretBox
    mailer: Mailer
    base_url: str
    signup_mode: str | None = None

    # sign up and e-mail verification

    def signup(
        self, session: Session, email: str, password: str, name: str | None,
        organization: str | None,
    ) -> TokenPair:  # fmt: skip
        """A new org with this person as its admin, signed in; a verification mail sent."""
        signup.check_allowed(session, self.signup_mode)
        email = signup.business_email(email)
        passwords.check_rule(password)
        if UserRepository(session).by_email(email):
            raise InvalidInput("an account with this e-mail address exists: sign in instead")
        slug = signup.new_org_slug(session, organization, email)
        get_or_create_org(session, slug, (organization or "").strip()[:200] or None)
        created = create_user(session, slug, email, role="admin", password=password, name=name)
        user = UserRepository(session).get(created.id) or created
        self._send_verification(session, user)
        record_user_event(session, user, "auth.signup", f"org {slug}")
        return sessions.start_session(session, self.tokens, user, "sign-up")

    def _send_verification(self, session: Session, user: User) -> None:
        token = onetime.issue(session, user, onetime.VERIFY_EMAIL)
        link = f"{self.base_url}/verify-email?token={token}"
        body = f"Confirm your e-mail address for costlake:\n\n{link}\n\ntoken: {token}\n"
        self.mailer.send(Mail(user.email, "Confirm your e-mail address", body))

    def verify_email(self, session: Session, token: str) -> User:
        user = onetime.consume(session, onetime.VERIFY_EMAIL, token)
        if user.email_verified_at is None:
            user.email_verified_at = now()
        return user

    def resend_verification(self, session: Session, email: str) -> None:
        """Same outcome whether or not the address has an unverified account."""
        for user in UserRepository(session).by_email(str(email).strip().lower()):
            if user.is_active and user.email_verified_at is None:
                self._send_verification(session, user)

    # log in

    def login(
        self, session: Session, email: str, password: str, organization: str | None = None
    ) -> TokenPair | Challenge:
        """Tokens, or a 2FA challenge for a user with 2FA on; :class:`Unauthenticated`
        (one message) for a wrong e-mail or password, or a deactivated user."""
        email = str(email).strip().lower()
        candidates = [
            u for u in UserRepository(session).by_email(email)
            if organization is None or u.org.slug == organization
        ]  # fmt: skip
        matching = [u for u in candidates if passwords.verify_password(u.password_hash, password)]
        if not candidates:
            passwords.verify_password(None, password)  # as slow as a real check
        matching = [u for u in matching if u.is_active]
        if not matching:
            raise Unauthenticated(BAD_LOGIN, reason="unknown")
        if len(matching) > 1:
            raise InvalidInput(
                "this e-mail address belongs to several organizations: send organization"
            )
        user = matching[0]
        if sso.required_for(session, user):
            raise PermissionDenied("this organization signs in through single sign-on (SAML)")
        if user.password_hash and passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        methods = tuple(
            m for m, on in (("totp", user.totp_enabled_at is not None),
                            ("webauthn", webauthn.has_keys(session, user.id))) if on
        )  # fmt: skip
        if methods:
            token = onetime.issue(session, user, onetime.LOGIN_CHALLENGE)
            ttl = int(onetime.TTL[onetime.LOGIN_CHALLENGE].total_seconds())
            return Challenge(token, ttl, user, methods)
        return sessions.start_session(session, self.tokens, user)

    def second_factor(self, session: Session, challenge: str, code: str) -> TokenPair:
        """Tokens for a live challenge and a correct TOTP or recovery code. Each wrong code
        counts; after :data:`onetime.MAX_ATTEMPTS` the challenge is void. The caller
        commits even on failure (the count must stick)."""
        row = onetime.find(session, onetime.LOGIN_CHALLENGE, challenge)
        user = UserRepository(session).get(row.user_id)
        assert user is not None
        if not user.is_active:
            raise Unauthenticated("the user is deactivated", reason="revoked")
        if not totp.second_factor_ok(self.box, user, code):
            row.attempts += 1
            if row.attempts >= onetime.MAX_ATTEMPTS:
                row.used_at = now()
            raise Unauthenticated("the code is not valid", reason="unknown")
        row.used_at = now()
        return sessions.start_session(session, self.tokens, user, "totp")

    # passwords

    def forgot_password(self, session: Session, email: str) -> None:
        """Mail a reset link to each active account of ``email``; nothing otherwise. The
        caller answers the same in both cases."""
        for user in UserRepository(session).by_email(str(email).strip().lower()):
            if user.is_active and user.password_hash is not None:
                token = onetime.issue(session, user, onetime.RESET_PASSWORD)
                link = f"{self.base_url}/reset-password?token={token}"
                body = (
                    f"Someone asked to reset your costlake password ({user.org.slug}).\n\n"
                    f"{link}\n\ntoken: {token}\n\nThe link works once, within an hour. "
                    "If it was not you, ignore this mail.\n"
                )
                self.mailer.send(Mail(user.email, "Reset your costlake password", body))

    def reset_password(self, session: Session, token: str, password: str) -> None:
        passwords.check_rule(password)
        user = onetime.consume(session, onetime.RESET_PASSWORD, token)
        if not user.is_active:
            raise InvalidInput("the token is invalid or has expired")
        user.password_hash = passwords.hash_password(password)
        sessions.end_other_sessions(session, user, keep=None)
        record_user_event(session, user, "auth.password.reset")

    def change_password(
        self, session: Session, user: User, current: str, new: str, keep_session: str | None
    ) -> None:
        """Change the password and sign out every other session of the user."""
        if not passwords.verify_password(user.password_hash, current):
            raise PermissionDenied("the current password is wrong")
        user.password_hash = passwords.hash_password(new)
        sessions.end_other_sessions(session, user, keep=keep_session)

    # invitations

    def invite(self, session: Session, who: Principal, email: str, role: str) -> User:
        """Invite ``email`` into ``who``'s org (admins only); the link goes by mail."""
        user, token = invitations.invite(session, who, email, role)
        org = who.org
        link = f"{self.base_url}/accept-invitation?token={token}"
        body = (
            f"You are invited to the costlake organization {org} as {user.role}.\n\n"
            f"{link}\n\ntoken: {token}\n\nThe invitation works once, within 7 days.\n"
        )
        self.mailer.send(Mail(user.email, f"You are invited to {org} on costlake", body))
        return user

    def accept_invitation(
        self, session: Session, token: str, password: str, name: str | None
    ) -> TokenPair:
        user = invitations.accept(session, token, password, name)
        record_user_event(session, user, "auth.invitation.accept", f"as {user.role}")
        return sessions.start_session(session, self.tokens, user, "invitation")

    # API keys

    def exchange(self, session: Session, secret: str) -> tuple[str, int]:
        """A JWT standing for a user-bound API key (for the MCP server); it carries the
        key's scopes and dies with the key."""
        key = authenticate_key(session, secret)
        if key is None:
            raise Unauthenticated("the API token is invalid, revoked or expired", reason="unknown")
        if key.user is None:
            raise InvalidInput("only a token that belongs to a user can be exchanged")
        if not key.user.is_active:
            raise Unauthenticated("the API token's user is deactivated", reason="revoked")
        jwt = self.tokens.issue(key.user.id, key.org.slug, key.scopes, key_id=key.key_id)
        return jwt, int(self.tokens.ttl.total_seconds())
