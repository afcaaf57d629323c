"""Sending the users domain's mails (verification, password reset) over SMTP.

Mails leave on a background thread: a request whose answer must not say whether an
e-mail address has an account (forgot-password) then takes as long either way. Without
``COSTLAKE_SMTP_HOST`` nothing is sent and a warning names the mail that was not.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from costlake.config import Settings
from costlake.users.schemas import Mail

log = logging.getLogger("costlake.users.mail")


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.sender = settings.smtp_from

    def send(self, mail: Mail) -> threading.Thread | None:
        """Send ``mail`` in the background; the thread, or None when SMTP is off."""
        if not self.host:
            log.warning("COSTLAKE_SMTP_HOST is not set: not sending %r", mail.subject)
            return None
        thread = threading.Thread(target=self._deliver, args=(mail,), daemon=True)
        thread.start()
        return thread

    def _deliver(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        try:
            assert self.host is not None
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as e:
            log.error("could not send %r to the SMTP server %s:%s: %s", mail.subject,
                      self.host, self.port, e)  # fmt: skip
