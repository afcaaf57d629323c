"""What a notification is and what a channel does with one.

A channel delivers a :class:`Notice` now, on the calling thread, and raises
:class:`DeliveryFailed` when it knows the notice did not leave; callers that need "at most
once" (budget alerts) rely on that: a notice that raised was not sent and may be sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from costlake.errors import CostlakeError


class DeliveryFailed(CostlakeError):
    """The channel could not hand the notice over (the server refused or was unreachable);
    nothing was delivered."""

    code = "delivery_failed"


class ChannelOff(DeliveryFailed):
    """The channel is not configured (no SMTP host): nothing was sent."""

    code = "channel_off"


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to some recipients: one e-mail with every recipient in ``To``."""

    recipients: tuple[str, ...]
    subject: str
    body: str


@runtime_checkable
class Channel(Protocol):
    name: str
    """How budgets and settings refer to it: ``email``."""

    def send(self, notice: Notice) -> None:
        """Deliver ``notice``; :class:`DeliveryFailed` if it certainly did not leave."""
        ...
