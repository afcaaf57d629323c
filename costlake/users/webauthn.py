"""WebAuthn security keys and passkeys (py_webauthn), without HTTP.

A signed-in person registers a key: :func:`registration_options` hands out a challenge
(stored server-side, single use, 5 minutes) and :func:`register` verifies the
authenticator's answer to it. A key then signs a person in two ways:

- **passkey** (no password): :func:`authentication_options` without a login challenge
  asks any discoverable credential of this site, with user verification required (the
  authenticator's PIN or biometric is the second factor);
- **second factor**: after a correct password of a 2FA user, the login challenge names
  the person, the options list their keys, and a key answers instead of a TOTP code.

The challenge is found again from the signed client data, so the client sends back only
the credential. Signature counters that stop growing (a cloned key) are refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import webauthn
from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from costlake.auth.sessions import SessionTokens
from costlake.db.models import User, UserToken
from costlake.db.models.identity import WebauthnCredential
from costlake.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from costlake.kit.clock import now
from costlake.users import challenges, onetime, sessions, sso
from costlake.users.repository import UserRepository
from costlake.users.schemas import TokenPair

TIMEOUT_MS = 5 * 60 * 1000
MAX_KEYS = 20


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """This server as WebAuthn sees it: the RP id (a host name) and the origin pages that
    call the browser's WebAuthn API are served from."""

    rp_id: str
    origin: str
    name: str = "costlake"

    @classmethod
    def from_url(cls, base_url: str) -> RelyingParty:
        parts = urlsplit(base_url)
        return cls(rp_id=parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}")


def user_handle(user: User) -> bytes:
    """The opaque WebAuthn user id of ``user`` (no e-mail or name in it)."""
    return hashlib.sha256(f"costlake-webauthn-user:{user.id}".encode()).digest()


def credentials_of(session: Session, user_id: int) -> Sequence[WebauthnCredential]:
    return session.scalars(
        select(WebauthnCredential)
        .where(WebauthnCredential.user_id == user_id)
        .order_by(WebauthnCredential.id)
    ).all()


def has_keys(session: Session, user_id: int) -> bool:
    """Whether the person has a security key: then a key is their second factor."""
    found = session.scalar(
        select(WebauthnCredential.id).where(WebauthnCredential.user_id == user_id).limit(1)
    )
    return found is not None


def _descriptors(keys: Sequence[WebauthnCredential]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(k.credential_id)) for k in keys
    ]


def _json(options: Any) -> dict[str, Any]:
    return dict(json.loads(webauthn.options_to_json(options)))


def _challenge_of(client_data_json: bytes) -> bytes:
    try:
        return parse_client_data_json(client_data_json).challenge
    except (WebAuthnException, ValueError, KeyError) as error:
        raise InvalidInput(f"the credential's clientDataJSON is not valid: {error}") from None


# registration


def registration_options(session: Session, rp: RelyingParty, user: User) -> dict[str, Any]:
    """Creation options for a new key of ``user`` (its existing keys excluded)."""
    keys = credentials_of(session, user.id)
    if len(keys) >= MAX_KEYS:
        raise InvalidInput(f"at most {MAX_KEYS} security keys per person: remove one first")
    options = webauthn.generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_id=user_handle(user),
        user_name=user.email,
        user_display_name=user.name or user.email,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(keys),
    )
    challenges.store(
        session, challenges.WEBAUTHN_REGISTER, options.challenge,
        org_id=user.org_id, user_id=user.id,
    )  # fmt: skip
    return _json(options)


def register(
    session: Session, rp: RelyingParty, user: User, credential: dict[str, Any], name: str | None
) -> WebauthnCredential:
    """Verify the authenticator's answer to a registration challenge of ``user``."""
    try:
        parsed = parse_registration_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError) as error:
        raise InvalidInput(f"the credential is not a WebAuthn registration: {error}") from None
    expected = _challenge_of(parsed.response.client_data_json)
    row = challenges.take(session, (challenges.WEBAUTHN_REGISTER,), expected)
    if row.user_id != user.id:
        raise InvalidInput("the challenge is unknown, used or expired: ask for a new one")
    try:
        verified = webauthn.verify_registration_response(
            credential=parsed, expected_challenge=expected,
            expected_rp_id=rp.rp_id, expected_origin=rp.origin,
        )  # fmt: skip
    except WebAuthnException as error:
        raise InvalidInput(f"the security key's answer is not valid: {error}") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    taken = session.scalar(
        select(WebauthnCredential.id).where(WebauthnCredential.credential_id == credential_id)
    )
    if taken is not None:
        raise InvalidInput("this security key is registered already")
    key = WebauthnCredential(
        org_id=user.org_id,
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name or "").strip()[:200] or "Security key",
        transports=[str(t.value) for t in (parsed.response.transports or [])],
        aaguid=verified.aaguid,
        backed_up=verified.credential_backed_up,
        created_at=now(),
    )
    session.add(key)
    session.flush()
    return key


def remove(session: Session, user: User, key_id: int) -> None:
    """Delete one key of ``user`` (another person's key is :class:`NotFound`)."""
    key = session.get(WebauthnCredential, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound(f"no security key {key_id}")
    session.delete(key)
    session.flush()


# authentication


def authentication_options(
    session: Session, rp: RelyingParty, login_challenge: str | None
) -> dict[str, Any]:
    """Request options: for a 2FA login challenge, the person's keys; without one, any
    passkey of this site, with user verification required."""
    if login_challenge is None:
        options = webauthn.generate_authentication_options(
            rp_id=rp.rp_id, timeout=TIMEOUT_MS,
            user_verification=UserVerificationRequirement.REQUIRED,
        )  # fmt: skip
        challenges.store(session, challenges.WEBAUTHN_SIGNIN, options.challenge)
        return _json(options)
    login = onetime.find(session, onetime.LOGIN_CHALLENGE, login_challenge)
    keys = credentials_of(session, login.user_id)
    if not keys:
        raise InvalidInput("this person has no security key: use a TOTP or recovery code")
    options = webauthn.generate_authentication_options(
        rp_id=rp.rp_id, timeout=TIMEOUT_MS, allow_credentials=_descriptors(keys),
        user_verification=UserVerificationRequirement.PREFERRED,
    )  # fmt: skip
    challenges.store(
        session, challenges.WEBAUTHN_2FA, options.challenge, user_id=login.user_id,
        data={"login_challenge_id": login.id},
    )  # fmt: skip
    return _json(options)


def authenticate(
    session: Session, tokens: SessionTokens, rp: RelyingParty, credential: dict[str, Any]
) -> TokenPair:
    """Sign in with a key's answer to a challenge of :func:`authentication_options`."""
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError) as error:
        raise InvalidInput(f"the credential is not a WebAuthn assertion: {error}") from None
    expected = _challenge_of(parsed.response.client_data_json)
    row = challenges.take(session, (challenges.WEBAUTHN_SIGNIN, challenges.WEBAUTHN_2FA), expected)
    refused = Unauthenticated("the security key is not recognised", reason="unknown")
    key = session.scalar(
        select(WebauthnCredential).where(
            WebauthnCredential.credential_id == bytes_to_base64url(parsed.raw_id)
        )
    )
    if key is None or (row.user_id is not None and key.user_id != row.user_id):
        raise refused
    handle = parsed.response.user_handle
    user = UserRepository(session).get(key.user_id)
    assert user is not None, "a key's user cascades with it"
    if handle is not None and handle != user_handle(user):
        raise refused
    passkey = row.purpose == challenges.WEBAUTHN_SIGNIN
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed, expected_challenge=expected, expected_rp_id=rp.rp_id,
            expected_origin=rp.origin, credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count, require_user_verification=passkey,
        )  # fmt: skip
    except WebAuthnException as error:
        raise Unauthenticated(f"the security key's answer is not valid: {error}") from None
    if not user.is_active:
        raise Unauthenticated("the user is deactivated", reason="revoked")
    if passkey and sso.required_for(session, user):
        raise PermissionDenied("this organization signs in through single sign-on (SAML)")
    if not passkey:
        login = session.get(UserToken, row.data.get("login_challenge_id"))
        if login is None or login.used_at is not None or login.expires_at <= now():
            raise Unauthenticated("the login challenge is used or expired: log in again")
        login.used_at = now()
    key.sign_count = verified.new_sign_count
    key.last_used_at = now()
    return sessions.start_session(session, tokens, user, "webauthn")
