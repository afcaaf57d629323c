"""E-mail over SMTP: the one place costlake sends mail from (sign-in mails, budget alerts).

Plain SMTP to ``COSTLAKE_SMTP_HOST:COSTLAKE_SMTP_PORT`` from ``COSTLAKE_SMTP_FROM``; for
TLS and credentials, put a local relay in front. One notice is one message with every
recipient in ``To``. :meth:`EmailChannel.send` raises :class:`DeliveryFailed` when the
server was unreachable or refused every recipient, so a caller knows nothing left.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from costlake.config import Settings
from costlake.notify.base import ChannelOff, DeliveryFailed, Notice

log = logging.getLogger("costlake.notify.email")


class EmailChannel:
    name = "email"

    def __init__(
        self, host: str | None, port: int = 25, sender: str = "costlake@localhost",
        *, timeout: float = 30,
    ) -> None:  # fmt: skip
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailChannel:
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_from)

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def message(self, notice: Notice) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(notice.recipients)
        message["Subject"] = notice.subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(notice.body)
        return message

    def send(self, notice: Notice) -> None:
        if not notice.recipients:
            raise DeliveryFailed(f"{notice.subject!r}: no recipients")
        if not self.host:
            raise ChannelOff(f"COSTLAKE_SMTP_HOST is not set: not sending {notice.subject!r}")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                refused = smtp.send_message(self.message(notice))
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryFailed(
                f"could not send {notice.subject!r} through the SMTP server "
                f"{self.host}:{self.port}: {e}"
            ) from None
        if refused:
            log.warning("the SMTP server refused %s for %r", ", ".join(refused), notice.subject)
