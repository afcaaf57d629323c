"""Sending the users domain's mails (verification, password reset) through the e-mail
channel (:mod:`costlake.notify.email`, the one home of SMTP).

Mails leave on a background thread: a request whose answer must not say whether an
e-mail address has an account (forgot-password) then takes as long either way. Without
``COSTLAKE_SMTP_HOST`` nothing is sent and a warning names the mail that was not.
"""

from __future__ import annotations

import logging
import threading

from costlake.config import Settings
from costlake.notify.base import DeliveryFailed, Notice
from costlake.notify.email import EmailChannel
from costlake.users.schemas import Mail

log = logging.getLogger("costlake.users.mail")


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.channel = EmailChannel.from_settings(settings)

    def send(self, mail: Mail) -> threading.Thread | None:
        """Send ``mail`` in the background; the thread, or None when SMTP is off."""
        if not self.channel.enabled:
            log.warning("COSTLAKE_SMTP_HOST is not set: not sending %r", mail.subject)
            return None
        thread = threading.Thread(target=self._deliver, args=(mail,), daemon=True)
        thread.start()
        return thread

    def _deliver(self, mail: Mail) -> None:
        try:
            self.channel.send(Notice((mail.to,), mail.subject, mail.body))
        except DeliveryFailed as e:
            log.error("%s", e.message)
