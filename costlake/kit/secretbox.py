"""Encrypting secrets at rest (cloud credentials) with Fernet: AES-128-CBC + HMAC-SHA256.

The key is ``COSTLAKE_SECRET_KEY`` when set (a deployment keeps it in its secret store),
otherwise ``<home>/secret.key``, generated on first use. That file is created with mode
0600 in one atomic step, and a key file that others can read is refused: a readable key
would make the encryption pointless.

Tokens are authenticated: a token altered, truncated or made under another key fails to
decrypt with :class:`UndecryptableSecret` instead of yielding garbage.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from costlake.config import Settings
from costlake.errors import CostlakeError, InvalidInput


class UndecryptableSecret(CostlakeError):
    """A stored token does not decrypt under the configured key (altered, or other key)."""

    code = "undecryptable_secret"


class SecretBox:
    """Encrypts and decrypts short secrets under one Fernet key."""

    def __init__(self, key: bytes | str) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise InvalidInput(
                "invalid secret key: expected the urlsafe base64 encoding of 32 bytes "
                "(generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from None

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The box for ``COSTLAKE_SECRET_KEY``, else for the key file under home."""
        if settings.secret_key is not None:
            return cls(settings.secret_key.get_secret_value().strip())
        return cls(load_or_create_key_file(settings.secret_key_file))

    @staticmethod
    def key_bytes(settings: Settings) -> bytes:
        """The raw key material in force (for deriving other keys, e.g. session signing)."""
        if settings.secret_key is not None:
            return settings.secret_key.get_secret_value().strip().encode()
        return load_or_create_key_file(settings.secret_key_file)

    def encrypt(self, plaintext: str) -> str:
        """An opaque ASCII token holding ``plaintext``; differs on every call."""
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The plaintext inside ``token``; :class:`UndecryptableSecret` if it is not ours."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            raise UndecryptableSecret(
                "stored secret cannot be decrypted: it was altered or encrypted under "
                "another COSTLAKE_SECRET_KEY"
            ) from None


def load_or_create_key_file(path: Path) -> bytes:
    """The key in ``path``, generating it (mode 0600) if the file does not exist yet.

    The new key is written to a private temporary file that is then hard-linked into
    place, which fails if ``path`` exists: when two processes start together, exactly
    one key wins and nobody ever reads a half-written file.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        return _read_key_file(path)
    key = Fernet.generate_key()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return _read_key_file(path)
    finally:
        os.unlink(temporary)
    return key


def _read_key_file(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(
            f"{path} is accessible to other users (mode {mode:04o}): run `chmod 600 {path}`"
        )
    key = path.read_bytes().strip()
    if not key:
        raise InvalidInput(f"{path} is empty: delete it to generate a new key")
    return key
