"""The three shapes an API key secret can take, one per family of client.

Clients written against a vendor's document check a key's shape before sending it, and
dialects answer a malformed key differently from an unknown one (CloudExpat's
``INVALID_API_KEY_FORMAT`` vs ``INVALID_API_KEY``). So each style is an exact shape:

============  ==============  =====================================  ===========
style         marker          body                                   entropy
============  ==============  =====================================  ===========
cloudexpat    ``ce_live_``    32 characters ``[A-Za-z0-9]``          190 bits
xplorr        ``xplorr_``     40 characters ``[A-Za-z0-9]``          238 bits
plain         ``cl_``         43 characters ``[A-Za-z0-9_-]``        256 bits
============  ==============  =====================================  ===========

CloudExpat's document fixes its shape; Xplorr's only shows the ``xplorr_`` marker, so the
body length is our choice (docs/decisions/0003-api-keys.md); plain is costlake's own.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from enum import StrEnum

from costlake.errors import InvalidInput

ALPHANUMERIC = string.ascii_letters + string.digits
URL_SAFE = ALPHANUMERIC + "-_"

# Body characters shown in listings: enough to tell keys apart, far too few to guess from.
DISPLAYED_BODY_CHARS = 8


class KeyStyle(StrEnum):
    CLOUDEXPAT = "cloudexpat"
    XPLORR = "xplorr"
    PLAIN = "plain"


@dataclass(frozen=True, slots=True)
class StyleSpec:
    """A style's exact shape: a fixed marker, then ``body_length`` characters of ``alphabet``."""

    marker: str
    body_length: int
    alphabet: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(
            re.escape(self.marker) + f"[{re.escape(self.alphabet)}]{{{self.body_length}}}"
        )

    def generate(self) -> str:
        return self.marker + "".join(secrets.choice(self.alphabet) for _ in range(self.body_length))

    def matches(self, secret: str) -> bool:
        return self.pattern.fullmatch(secret) is not None


SPECS: dict[KeyStyle, StyleSpec] = {
    KeyStyle.CLOUDEXPAT: StyleSpec("ce_live_", 32, ALPHANUMERIC),
    KeyStyle.XPLORR: StyleSpec("xplorr_", 40, ALPHANUMERIC),
    KeyStyle.PLAIN: StyleSpec("cl_", 43, URL_SAFE),
}


def parse_style(style: str) -> KeyStyle:
    """``style`` as a :class:`KeyStyle`; :class:`InvalidInput` naming the choices if unknown."""
    try:
        return KeyStyle(style)
    except ValueError:
        choices = ", ".join(s.value for s in KeyStyle)
        raise InvalidInput(f"unknown key style {style!r}: use one of {choices}") from None


def generate_secret(style: str) -> str:
    """A fresh random secret of ``style``'s exact shape."""
    return SPECS[parse_style(style)].generate()


def shape_ok(style: str, secret: str) -> bool:
    """Whether ``secret`` has exactly ``style``'s shape (says nothing about validity)."""
    return SPECS[parse_style(style)].matches(secret)


def style_of(secret: str) -> KeyStyle | None:
    """The style whose shape ``secret`` has, if any."""
    for style, spec in SPECS.items():
        if spec.matches(secret):
            return style
    return None


def display_prefix(secret: str) -> str:
    """What listings show of a key: its marker and first few body characters."""
    style = style_of(secret)
    if style is None:
        raise InvalidInput("not a costlake API key")
    return secret[: len(SPECS[style].marker) + DISPLAYED_BODY_CHARS]
