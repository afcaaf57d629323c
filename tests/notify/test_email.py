"""The e-mail channel against a real SMTP server on loopback, and the channel registry."""

from __future__ import annotations

import pytest

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.notify.base import Channel, ChannelOff, DeliveryFailed, Notice
from costlake.notify.email import EmailChannel
from costlake.notify.registry import ChannelRegistry, default_channels
from tests.users.conftest import Inbox, free_port

NOTICE = Notice(("ops@acme.io", "cfo@acme.io"), "Budget reached", "80% of 1,000.00 spent")


class TestEmailChannel:
    def test_without_an_smtp_host_nothing_is_sent(self) -> None:
        with pytest.raises(ChannelOff, match="COSTLAKE_SMTP_HOST is not set"):
            EmailChannel(None).send(NOTICE)

    def test_an_unreachable_server_is_a_delivery_failure(self) -> None:
        with pytest.raises(DeliveryFailed, match=r"could not send 'Budget reached'"):
            EmailChannel("127.0.0.1", free_port(), timeout=5).send(NOTICE)

    def test_no_recipients_is_refused(self, smtp: tuple[Inbox, int]) -> None:
        with pytest.raises(DeliveryFailed, match="no recipients"):
            EmailChannel("127.0.0.1", smtp[1]).send(Notice((), "x", "y"))

    def test_one_message_reaches_every_recipient(self, smtp: tuple[Inbox, int]) -> None:
        inbox, port = smtp
        EmailChannel("127.0.0.1", port, "costs@acme.io").send(NOTICE)
        mail = inbox.next()
        assert (mail["From"], mail["To"], mail["Subject"]) == (
            "costs@acme.io", "ops@acme.io, cfo@acme.io", "Budget reached",
        )  # fmt: skip
        assert mail.get_payload().strip() == NOTICE.body  # type: ignore[union-attr]
        assert mail["Message-ID"] and mail["Date"]
        assert inbox.empty()


class TestRegistry:
    def test_the_platform_has_the_email_channel_from_its_settings(self) -> None:
        settings = Settings(smtp_host="mail.example.com", smtp_port=2525, smtp_from="c@x.io")
        email = default_channels(settings).get("email")
        assert isinstance(email, EmailChannel) and isinstance(email, Channel)
        assert (email.host, email.port, email.sender) == ("mail.example.com", 2525, "c@x.io")

    def test_unknown_and_duplicate_names_are_refused(self) -> None:
        registry = ChannelRegistry()
        registry.add(EmailChannel(None))
        with pytest.raises(InvalidInput, match="already registered"):
            registry.add(EmailChannel(None))
        with pytest.raises(InvalidInput, match="no notification channel 'slack'; known: email"):
            registry.get("slack")
        assert [c.name for c in registry] == ["email"] and len(registry) == 1
