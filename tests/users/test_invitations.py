"""Invitations and the sign-up mode in the core, without HTTP."""

from __future__ import annotations

import pytest

from costlake.auth.principals import Principal, PrincipalKind
from costlake.errors import InvalidInput, PermissionDenied
from costlake.platform import Platform
from costlake.users import invitations
from costlake.users.service import create_user
from costlake.users.signup import check_allowed, effective_mode

PASSWORD = "correct horse battery"
ADMIN = Principal(
    PrincipalKind.USER_SESSION, "acme", "a", frozenset({"*"}), None, user_id=1, role="admin"
)


class TestSignupMode:
    def test_open_until_an_admin_exists_then_invite_only(self, platform: Platform) -> None:
        with platform.session() as s:
            assert effective_mode(s, None) == "open"
            create_user(s, "acme", "ann@acme.io", role="admin", password=PASSWORD)
        with platform.session() as s:
            assert effective_mode(s, None) == "invite-only"
            assert effective_mode(s, "open") == "open"
            with pytest.raises(PermissionDenied, match="by invitation"):
                check_allowed(s, None)


class TestInvitations:
    def test_an_invitation_is_accepted_once_and_activates_the_user(
        self, platform: Platform
    ) -> None:
        with platform.session() as s:
            create_user(s, "acme", "ann@acme.io", role="admin", password=PASSWORD)
            user, token = invitations.invite(s, ADMIN, "bob@acme.io", "admin")
            assert (user.is_active, user.role) == (False, "admin")
        with platform.session() as s:
            assert invitations.status(s, token).status == "pending"
            accepted = invitations.accept(s, token, PASSWORD, "Bob")
            assert accepted.is_active and accepted.email_verified_at is not None
        with platform.session() as s:
            assert invitations.status(s, token).status == "accepted"
            with pytest.raises(InvalidInput):
                invitations.accept(s, token, PASSWORD, None)

    def test_refuses_an_unknown_role(self, platform: Platform) -> None:
        with platform.session() as s, pytest.raises(InvalidInput, match="admin or member"):
            invitations.invite(s, ADMIN, "bob@acme.io", "owner")
