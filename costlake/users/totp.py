"""Time-based one-time passwords (RFC 6238, 30-second steps, 6 digits) and recovery codes.

The seed is stored encrypted with the deployment's secret key. A code is accepted for
the current step and one step either side (clock drift), and never twice: the last
accepted step is stored. Recovery codes are ten random codes, stored as argon2id hashes,
each usable once.
"""

from __future__ import annotations

import base64
import io
import secrets

import pyotp
import segno
from sqlalchemy.orm import Session

from costlake.db.models import User
from costlake.errors import InvalidInput
from costlake.keys import hashing
from costlake.kit.clock import now
from costlake.kit.secretbox import SecretBox
from costlake.users.schemas import TotpSetup

ISSUER = "costlake"
RECOVERY_CODES = 10


def begin(session: Session, box: SecretBox, user: User) -> TotpSetup:
    """A fresh seed for ``user`` (not yet in force: :func:`confirm` turns it on)."""
    if user.totp_enabled_at is not None:
        raise InvalidInput("two-factor authentication is already on: disable it first")
    secret = pyotp.random_base32()
    user.totp_secret = box.encrypt(secret)
    session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    png = io.BytesIO()
    segno.make(uri, error="m").save(png, kind="png", scale=5)
    return TotpSetup(secret, uri, png.getvalue())


def qr_data_uri(setup: TotpSetup) -> str:
    return "data:image/png;base64," + base64.b64encode(setup.qr_png).decode("ascii")


def code_ok(box: SecretBox, user: User, code: str) -> bool:
    """Whether ``code`` is a current TOTP code of ``user`` not used before (and remember it)."""
    if user.totp_secret is None:
        return False
    code = str(code).strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(box.decrypt(user.totp_secret))
    step = int(now().timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if candidate <= (user.totp_last_step or -1):
            continue
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            user.totp_last_step = candidate
            return True
    return False


def confirm(session: Session, box: SecretBox, user: User, code: str) -> list[str]:
    """Turn 2FA on after a correct code; returns the recovery codes (shown once)."""
    if user.totp_enabled_at is not None:
        raise InvalidInput("two-factor authentication is already on")
    if user.totp_secret is None:
        raise InvalidInput("start two-factor setup first")
    if not code_ok(box, user, code):
        raise InvalidInput("the code is not valid")
    user.totp_enabled_at = now()
    codes = new_recovery_codes(user)
    session.flush()
    return codes


def new_recovery_codes(user: User) -> list[str]:
    codes = ["-".join(secrets.token_hex(3) for _ in range(2)) for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [hashing.hash_secret(c) for c in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    code = str(code).strip().lower()
    remaining = list(user.recovery_codes or [])
    for stored in remaining:
        if hashing.verify(stored, code):
            remaining.remove(stored)
            user.recovery_codes = remaining
            return True
    return False


def second_factor_ok(box: SecretBox, user: User, code: str) -> bool:
    """A TOTP code, or else an unused recovery code."""
    return code_ok(box, user, code) or ("-" in str(code) and use_recovery_code(user, code))


def disable(session: Session, box: SecretBox, user: User, code: str) -> None:
    if user.totp_enabled_at is None:
        raise InvalidInput("two-factor authentication is not on")
    if not code_ok(box, user, code):
        raise InvalidInput("the code is not valid")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.recovery_codes = None
    session.flush()
