"""The demo's API key: one key named "demo", the same on every run of ``costlake demo``.

Keys are stored only as hashes, so the demo cannot show an existing key again from the
database. It keeps the secret itself, encrypted under the home's secret key (Fernet, see
:mod:`costlake.kit.secretbox`), in ``<home>/demo-key`` with mode 0600. When that file is
missing or its key no longer works (revoked, or the database was reset), the org's active
"demo" keys are revoked and a new one replaces them, so exactly one demo key works.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from costlake.config import Settings
from costlake.errors import NotFound
from costlake.keys.service import authenticate, create_key, list_keys, revoke_key
from costlake.kit.secretbox import SecretBox, UndecryptableSecret

DEMO_KEY_NAME = "demo"


def demo_key_file(settings: Settings, style: str = "cloudexpat") -> Path:
    return settings.home / ("demo-key" if style == "cloudexpat" else f"demo-key-{style}")


def demo_key(session: Session, settings: Settings, org: str, style: str = "cloudexpat") -> str:
    """The working demo key of ``org`` in ``style`` (one per dialect's key shape): the stored
    one, or a new one that replaces it."""
    box = SecretBox.from_settings(settings)
    path = demo_key_file(settings, style)
    name = DEMO_KEY_NAME if style == "cloudexpat" else f"{DEMO_KEY_NAME}-{style}"
    stored = _read(box, path)
    if stored is not None:
        key = authenticate(session, stored)
        if key is not None and key.org.slug == org and key.name == name:
            return stored
    try:
        active = list_keys(session, org, include_revoked=False)
    except NotFound:
        active = []
    for old in active:
        if old.name == name:
            revoke_key(session, org, old.id)
    _, secret = create_key(session, org, name, ["*"], style)
    _write_private(path, box.encrypt(secret))
    return secret


def _read(box: SecretBox, path: Path) -> str | None:
    try:
        return box.decrypt(path.read_text().strip())
    except (FileNotFoundError, UndecryptableSecret):
        return None


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, replacing it in one step."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".demo-key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text + "\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


DEMO_EMAIL = "demo@costlake.example"


def demo_login(session: Session, settings: Settings, org: str) -> tuple[str, str]:
    """(e-mail, password) of the demo org's admin, the same on every run: the password is
    kept encrypted in ``<home>/demo-login`` like the demo key, and set again when the
    stored one no longer signs in (a reset database, a changed password)."""
    from costlake.users import service
    from costlake.users.passwords import verify_password

    box = SecretBox.from_settings(settings)
    path = settings.home / "demo-login"
    stored = _read(box, path)
    try:
        user = service.find_user(session, org, DEMO_EMAIL)
    except NotFound:
        user = None
    if (
        stored is not None
        and user is not None
        and user.is_active
        and verify_password(user.password_hash, stored)
    ):
        return DEMO_EMAIL, stored
    password = "demo-" + secrets.token_urlsafe(12)
    if user is None:
        service.create_user(
            session, org, DEMO_EMAIL, role="admin", password=password, verified=True
        )
    else:
        service.set_password(session, user, password)
        user.is_active, user.role = True, "admin"
    _write_private(path, box.encrypt(password))
    return DEMO_EMAIL, password
