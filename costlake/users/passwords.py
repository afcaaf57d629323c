"""Password hashing (argon2id) and the password rule.

The profile is argon2-cffi's RFC 9106 low-memory default (64 MiB, 3 passes): people choose
passwords, so unlike API keys the hash is the main protection of a leaked database. A
sign-in for an unknown e-mail still verifies against a fixed hash, so the answer takes as
long whether or not the account exists.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from costlake.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 256

_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("costlake: no such user")


def check_rule(password: str) -> str:
    """``password`` if acceptable; :class:`InvalidInput` naming the rule otherwise."""
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(f"the password must have {MIN_LENGTH} to {MAX_LENGTH} characters")
    if password.strip() == "" or len(set(password)) < 4:
        raise InvalidInput("the password is too simple: use at least 4 different characters")
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(check_rule(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash costs the same time and fails."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
