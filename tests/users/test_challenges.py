"""Sign-in challenges (WebAuthn, SAML requests): single use, expiring, one purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from costlake.db.models.identity import AuthChallenge
from costlake.errors import InvalidInput
from costlake.kit.clock import now
from costlake.platform import Platform
from costlake.users import challenges


def at(monkeypatch: pytest.MonkeyPatch, moment: object) -> None:
    monkeypatch.setenv("COSTLAKE_NOW", str(moment).replace(" ", "T"))


def test_a_challenge_is_taken_once_for_its_purpose_until_it_expires(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = now()
    at(monkeypatch, start)
    with platform.session() as s:
        challenges.store(s, challenges.WEBAUTHN_SIGNIN, b"one")
        challenges.store(s, challenges.WEBAUTHN_SIGNIN, b"two")
        challenges.store(s, challenges.SAML_REQUEST, b"three", data={"request_id": "id-1"})
        with pytest.raises(InvalidInput, match="used or expired"):
            challenges.take(s, (challenges.WEBAUTHN_REGISTER,), b"one")  # another purpose
        assert challenges.take(s, (challenges.WEBAUTHN_SIGNIN,), b"one").used_at is not None
        with pytest.raises(InvalidInput, match="used or expired"):
            challenges.take(s, (challenges.WEBAUTHN_SIGNIN,), b"one")
        with pytest.raises(InvalidInput):
            challenges.take(s, (challenges.WEBAUTHN_SIGNIN,), b"never stored")
        at(monkeypatch, start + timedelta(minutes=5, seconds=1))
        with pytest.raises(InvalidInput, match="used or expired"):
            challenges.take(s, (challenges.WEBAUTHN_SIGNIN,), b"two")  # 5 minutes
        row = challenges.take(s, (challenges.SAML_REQUEST,), b"three")  # 10 minutes
        assert row.data == {"request_id": "id-1"}
        stored = s.scalar(select(AuthChallenge.challenge_hash).where(AuthChallenge.id == row.id))
        assert stored == challenges.digest(b"three") and b"three".hex() not in str(stored)


def test_dead_challenges_are_forgotten(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    start = now()
    at(monkeypatch, start)
    with platform.session() as s:
        for n in range(3):
            challenges.store(s, challenges.WEBAUTHN_SIGNIN, bytes([n]))
        at(monkeypatch, start + timedelta(days=1, minutes=6))
        challenges.store(s, challenges.WEBAUTHN_SIGNIN, b"fresh")
        assert s.scalar(select(func.count()).select_from(AuthChallenge)) == 1
