"""People's API tokens in the core: bound to their maker, never beyond its scopes, and
visible to admins (all) or members (their own)."""

from __future__ import annotations

import pytest

from costlake.auth.principals import Principal, PrincipalKind
from costlake.dialects.xplorr.keys import XPLORR
from costlake.errors import NotFound, PermissionDenied
from costlake.keys.styles import register_style
from costlake.platform import Platform
from costlake.users.service import create_user
from costlake.users.tokens import create_token, revoke_token, visible_tokens

PASSWORD = "correct horse battery"
register_style(XPLORR)  # as the server does at start-up


def person(platform: Platform, email: str, role: str, scopes: set[str]) -> Principal:
    with platform.session() as s:
        user = create_user(s, "acme", email, role=role, password=PASSWORD)
        user_id = user.id
    return Principal(
        PrincipalKind.USER_SESSION, "acme", email, frozenset(scopes), (), user_id=user_id,
        role=role,
    )  # fmt: skip


class TestTokens:
    def test_refuses_a_scope_the_maker_does_not_hold(self, platform: Platform) -> None:
        who = person(platform, "a@acme.io", "member", {"costs:read"})
        with platform.session() as s, pytest.raises(PermissionDenied, match="carbon:read"):
            create_token(s, who, "t", ["carbon:read"], XPLORR, None)
        with platform.session() as s, pytest.raises(PermissionDenied, match="\\*"):
            create_token(s, who, "t", ["*"], XPLORR, None)

    def test_a_member_sees_and_revokes_only_its_own(self, platform: Platform) -> None:
        admin = person(platform, "ad@acme.io", "admin", {"*"})
        member = person(platform, "me@acme.io", "member", {"*"})
        with platform.session() as s:
            theirs = create_token(s, admin, "admin's", ["costs:read"], XPLORR, None)[0].id
            mine, secret = create_token(s, member, "mine", ["costs:read"], XPLORR, None)
            mine_id = mine.id
        assert secret.startswith("xplorr_")
        with platform.session() as s:
            assert [k.id for k in visible_tokens(s, member)] == [mine_id]
            assert {k.id for k in visible_tokens(s, admin)} == {theirs, mine_id}
            assert mine.user_id == member.user_id
        with platform.session() as s, pytest.raises(NotFound):
            revoke_token(s, member, theirs)
        with platform.session() as s:
            assert revoke_token(s, admin, mine_id).revoked_at is not None
