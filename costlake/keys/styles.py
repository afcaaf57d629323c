"""The shapes an API key secret can take, registered by whoever owns them.

Clients written against a vendor's document check a key's shape before sending it, and
dialects answer a malformed key differently from an unknown one (CloudExpat's
``INVALID_API_KEY_FORMAT`` vs ``INVALID_API_KEY``). So each style is an exact shape: a fixed
marker, then a fixed number of characters from an alphabet.

The core knows one style, ``plain`` (``cl_`` + 43 URL-safe characters, 256 bits). Each
dialect registers its vendor's styles when the dialects are installed
(:func:`costlake.dialects.registry.install`), so a new vendor's key shape needs no core
enum and no database constraint: ``api_keys.style`` is free text, and :func:`get_style`
refuses a style nobody registered. See docs/decisions/0003-api-keys.md.
"""

from __future__ import annotations

import re
import secrets
import string
import threading
from dataclasses import dataclass, field

from costlake.errors import InvalidInput

ALPHANUMERIC = string.ascii_letters + string.digits
URL_SAFE = ALPHANUMERIC + "-_"

# Body characters shown in listings: enough to tell keys apart, far too few to guess from.
DISPLAYED_BODY_CHARS = 8

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass(frozen=True, slots=True)
class StyleSpec:
    """A style's exact shape: a fixed marker, then ``body_length`` characters of ``alphabet``."""

    name: str
    marker: str
    body_length: int
    alphabet: str
    description: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"invalid key style name {self.name!r}")
        if not self.marker or self.body_length < 16 or not self.alphabet:
            raise ValueError(f"key style {self.name!r} is too weak to be a credential")
        regex = re.escape(self.marker) + f"[{re.escape(self.alphabet)}]{{{self.body_length}}}"
        object.__setattr__(self, "pattern", re.compile(regex))

    @property
    def entropy_bits(self) -> int:
        import math

        return int(self.body_length * math.log2(len(set(self.alphabet))))

    def generate(self) -> str:
        return self.marker + "".join(secrets.choice(self.alphabet) for _ in range(self.body_length))

    def matches(self, secret: str) -> bool:
        return self.pattern.fullmatch(secret) is not None


PLAIN = StyleSpec(
    "plain", "cl_", 43, URL_SAFE, "costlake's own keys, accepted by no vendor's shape"
)

_lock = threading.Lock()
_styles: dict[str, StyleSpec] = {PLAIN.name: PLAIN}


def register_style(spec: StyleSpec) -> StyleSpec:
    """Make ``spec`` known. Registering the same spec again is harmless; another spec under a
    taken name, or a marker that makes two styles' secrets ambiguous, is refused."""
    with _lock:
        existing = _styles.get(spec.name)
        if existing is not None:
            if existing != spec:
                raise ValueError(f"key style {spec.name!r} is already registered differently")
            return existing
        for other in _styles.values():
            if other.marker.startswith(spec.marker) or spec.marker.startswith(other.marker):
                raise ValueError(
                    f"key style {spec.name!r} marker {spec.marker!r} overlaps "
                    f"{other.name!r} ({other.marker!r})"
                )
        _styles[spec.name] = spec
        return spec


def styles() -> list[StyleSpec]:
    """Every registered style, ``plain`` first."""
    with _lock:
        return list(_styles.values())


def get_style(name: str) -> StyleSpec:
    """The registered style ``name``; :class:`InvalidInput` naming the choices if unknown."""
    spec = _styles.get(name)
    if spec is None:
        choices = ", ".join(s.name for s in styles())
        raise InvalidInput(f"unknown key style {name!r}: use one of {choices}")
    return spec


def parse_style(style: str | StyleSpec) -> StyleSpec:
    return style if isinstance(style, StyleSpec) else get_style(style)


def generate_secret(style: str | StyleSpec) -> str:
    """A fresh random secret of ``style``'s exact shape."""
    return parse_style(style).generate()


def shape_ok(style: str | StyleSpec, secret: str) -> bool:
    """Whether ``secret`` has exactly ``style``'s shape (says nothing about validity)."""
    return parse_style(style).matches(secret)


def style_of(secret: str) -> StyleSpec | None:
    """The registered style whose shape ``secret`` has, if any."""
    for spec in styles():
        if spec.matches(secret):
            return spec
    return None


def display_prefix(secret: str) -> str:
    """What listings show of a key: its marker and first few body characters."""
    spec = style_of(secret)
    if spec is None:
        raise InvalidInput("not a costlake API key")
    return secret[: len(spec.marker) + DISPLAYED_BODY_CHARS]
