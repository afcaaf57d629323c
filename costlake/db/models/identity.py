"""WebAuthn credentials and SAML single sign-on configuration (migration 0013)."""

from __future__ import annotations
