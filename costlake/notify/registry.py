"""Channels by name: the platform builds one registry from its settings
(:func:`default_channels`); a new channel (Slack, Teams, webhooks) is one more ``add``."""

from __future__ import annotations

from collections.abc import Iterator

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.notify.base import Channel
from costlake.notify.email import EmailChannel


class ChannelRegistry:
    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}

    def add(self, channel: Channel) -> Channel:
        if channel.name in self._channels:
            raise InvalidInput(f"a channel named {channel.name!r} is already registered")
        self._channels[channel.name] = channel
        return channel

    def get(self, name: str) -> Channel:
        channel = self._channels.get(name)
        if channel is None:
            known = ", ".join(sorted(self._channels)) or "-"
            raise InvalidInput(f"no notification channel {name!r}; known: {known}")
        return channel

    def __iter__(self) -> Iterator[Channel]:
        return iter(sorted(self._channels.values(), key=lambda c: c.name))

    def __len__(self) -> int:
        return len(self._channels)


def default_channels(settings: Settings) -> ChannelRegistry:
    """The channels a platform sends through: e-mail over ``COSTLAKE_SMTP_*``."""
    registry = ChannelRegistry()
    registry.add(EmailChannel.from_settings(settings))
    return registry
