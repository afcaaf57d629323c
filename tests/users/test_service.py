"""The users core without HTTP: accounts, passwords, sessions with rotating refresh
tokens, single-use tokens by mail, TOTP."""

from __future__ import annotations

import pyotp
import pytest

from costlake.auth.service import principal_for_key, principal_for_session
from costlake.errors import InvalidInput, PermissionDenied, Unauthenticated
from costlake.keys.service import create_key
from costlake.platform import Platform
from costlake.users import sessions, totp
from costlake.users.schemas import Challenge, TokenPair
from costlake.users.service import create_user, deactivate, find_user, list_users
from costlake.users.signup import business_email
from tests.users.conftest import Inbox

PASSWORD = "correct horse battery"


def make_user(platform: Platform, email: str = "ana@acme.io", role: str = "admin") -> int:
    with platform.session() as s:
        return create_user(s, "acme", email, role=role, password=PASSWORD).id


class TestUsers:
    def test_refuses_an_unknown_role_and_a_short_password(self, platform: Platform) -> None:
        with platform.session() as s, pytest.raises(InvalidInput, match="admin or member"):
            create_user(s, "acme", "a@acme.io", role="owner", password=PASSWORD)
        with platform.session() as s, pytest.raises(InvalidInput, match="10 to 256"):
            create_user(s, "acme", "a@acme.io", password="short")

    def test_refuses_the_same_email_twice_in_an_org(self, platform: Platform) -> None:
        make_user(platform)
        with platform.session() as s, pytest.raises(InvalidInput, match="already has"):
            create_user(s, "acme", "ANA@acme.io", password=PASSWORD)

    def test_stores_an_argon2id_hash_never_the_password(self, platform: Platform) -> None:
        make_user(platform)
        with platform.session() as s:
            (user,) = list_users(s, "acme")
            assert user.password_hash is not None
            assert user.password_hash.startswith("$argon2id$")
            assert PASSWORD not in user.password_hash

    def test_business_email_refuses_free_mail(self) -> None:
        with pytest.raises(InvalidInput, match="business e-mail"):
            business_email("someone@gmail.com")
        with pytest.raises(InvalidInput, match="business e-mail"):
            business_email("someone@mail.yahoo.com")
        assert business_email(" Ana@Acme.io ") == "ana@acme.io"


class TestLogin:
    def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal(
        self, platform: Platform
    ) -> None:
        make_user(platform)
        messages = []
        for email, password in (("ana@acme.io", "wrong password!"), ("who@acme.io", PASSWORD)):
            with platform.session() as s, pytest.raises(Unauthenticated) as e:
                platform.signin.login(s, email, password)
            messages.append(e.value.message)
        assert messages[0] == messages[1]

    def test_a_deactivated_user_cannot_log_in_and_its_sessions_and_keys_stop(
        self, platform: Platform
    ) -> None:
        user_id = make_user(platform, role="member")
        with platform.session() as s:
            pair = platform.signin.login(s, "ana@acme.io", PASSWORD)
            user = find_user(s, "acme", user_id)
            secret = create_key(s, "acme", "k", ["*"], user=user)[1]
        assert isinstance(pair, TokenPair)
        with platform.session() as s:
            deactivate(s, find_user(s, "acme", "ana@acme.io"))
        with platform.session() as s, pytest.raises(Unauthenticated):
            platform.signin.login(s, "ana@acme.io", PASSWORD)
        with platform.session() as s, pytest.raises(Unauthenticated, match="deactivated"):
            principal_for_session(s, platform.session_tokens, pair.access_token)
        with platform.session() as s, pytest.raises(Unauthenticated, match="deactivated"):
            principal_for_key(s, secret)

    def test_a_session_carries_the_users_role(self, platform: Platform) -> None:
        make_user(platform, role="member")
        with platform.session() as s:
            pair = platform.signin.login(s, "ana@acme.io", PASSWORD)
            assert isinstance(pair, TokenPair)
            who = principal_for_session(s, platform.session_tokens, pair.access_token)
        assert (who.role, who.is_admin, who.account_ids) == ("member", False, ())


class TestRefreshTokens:
    def test_a_refresh_token_rotates_and_a_reused_one_revokes_its_family(
        self, platform: Platform
    ) -> None:
        make_user(platform)
        with platform.session() as s:
            first = platform.signin.login(s, "ana@acme.io", PASSWORD)
        assert isinstance(first, TokenPair)
        with platform.session() as s:
            second = sessions.refresh(s, platform.session_tokens, first.refresh_token)
        assert second.session_id == first.session_id
        assert second.refresh_token != first.refresh_token
        with platform.session() as s, pytest.raises(Unauthenticated, match="already used"):
            sessions.refresh(s, platform.session_tokens, first.refresh_token)
            s.commit()  # the handler commits the revocation even though it refuses
        with platform.session() as s, pytest.raises(Unauthenticated, match="revoked"):
            sessions.refresh(s, platform.session_tokens, second.refresh_token)
        with platform.session() as s, pytest.raises(Unauthenticated, match="signed out"):
            principal_for_session(s, platform.session_tokens, second.access_token)

    def test_change_password_ends_the_other_sessions_only(self, platform: Platform) -> None:
        make_user(platform)
        with platform.session() as s:
            here = platform.signin.login(s, "ana@acme.io", PASSWORD)
            there = platform.signin.login(s, "ana@acme.io", PASSWORD)
        assert isinstance(here, TokenPair) and isinstance(there, TokenPair)
        with platform.session() as s, pytest.raises(PermissionDenied, match="current password"):
            user = find_user(s, "acme", "ana@acme.io")
            platform.signin.change_password(s, user, "wrong one!!", "a new password 1", None)
        with platform.session() as s:
            user = find_user(s, "acme", "ana@acme.io")
            platform.signin.change_password(s, user, PASSWORD, "a new password 1", here.session_id)
        with platform.session() as s:
            principal_for_session(s, platform.session_tokens, here.access_token)
            with pytest.raises(Unauthenticated):
                principal_for_session(s, platform.session_tokens, there.access_token)


class TestPasswordReset:
    def test_a_reset_token_arrives_by_mail_and_works_once(
        self, platform: Platform, inbox: Inbox
    ) -> None:
        make_user(platform)
        with platform.session() as s:
            platform.signin.forgot_password(s, "ana@acme.io")
        to, token = inbox.token()
        assert to == "ana@acme.io"
        with platform.session() as s:
            platform.signin.reset_password(s, token, "brand new password")
        with platform.session() as s, pytest.raises(InvalidInput, match="invalid or has expired"):
            platform.signin.reset_password(s, token, "another new password")
        with platform.session() as s:
            assert isinstance(
                platform.signin.login(s, "ana@acme.io", "brand new password"), TokenPair
            )

    def test_an_unknown_email_sends_nothing(self, platform: Platform, inbox: Inbox) -> None:
        with platform.session() as s:
            platform.signin.forgot_password(s, "nobody@acme.io")
        make_user(platform)
        with platform.session() as s:
            platform.signin.forgot_password(s, "ana@acme.io")
        assert inbox.token()[0] == "ana@acme.io"  # the first mail is the known address's


class TestTotp:
    def test_login_of_a_2fa_user_is_a_challenge_then_tokens(self, platform: Platform) -> None:
        make_user(platform)
        with platform.session() as s:
            user = find_user(s, "acme", "ana@acme.io")
            setup = totp.begin(s, platform.signin.box, user)
            assert setup.qr_png.startswith(b"\x89PNG")
            assert setup.otpauth_uri.startswith("otpauth://totp/")
            codes = totp.confirm(s, platform.signin.box, user, pyotp.TOTP(setup.secret).now())
        assert len(codes) == 10
        with platform.session() as s:
            challenge = platform.signin.login(s, "ana@acme.io", PASSWORD)
        assert isinstance(challenge, Challenge)
        with platform.session() as s, pytest.raises(Unauthenticated, match="not valid"):
            platform.signin.second_factor(s, challenge.challenge_token, "000000")
        with platform.session() as s:
            pair = platform.signin.second_factor(s, challenge.challenge_token, codes[0])
        assert isinstance(pair, TokenPair)
        with platform.session() as s, pytest.raises(InvalidInput, match="invalid or has expired"):
            platform.signin.second_factor(s, challenge.challenge_token, codes[1])
        with platform.session() as s:  # a used recovery code is spent
            again = platform.signin.login(s, "ana@acme.io", PASSWORD)
            assert isinstance(again, Challenge)
            with pytest.raises(Unauthenticated):
                platform.signin.second_factor(s, again.challenge_token, codes[0])

    def test_a_challenge_dies_after_five_wrong_codes(self, platform: Platform) -> None:
        make_user(platform)
        with platform.session() as s:
            user = find_user(s, "acme", "ana@acme.io")
            setup = totp.begin(s, platform.signin.box, user)
            totp.confirm(s, platform.signin.box, user, pyotp.TOTP(setup.secret).now())
            challenge = platform.signin.login(s, "ana@acme.io", PASSWORD)
        assert isinstance(challenge, Challenge)
        for _ in range(5):
            with platform.session() as s, pytest.raises(Unauthenticated):
                try:
                    platform.signin.second_factor(s, challenge.challenge_token, "123456")
                finally:
                    s.commit()
        with platform.session() as s, pytest.raises(InvalidInput, match="invalid or has expired"):
            code = pyotp.TOTP(setup.secret).now()
            platform.signin.second_factor(s, challenge.challenge_token, code)
