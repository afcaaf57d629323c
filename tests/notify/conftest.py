"""A real SMTP server on loopback (aiosmtpd) that keeps every mail it receives."""

from tests.users.conftest import smtp  # noqa: F401
