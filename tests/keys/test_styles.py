"""Key styles: each is one exact shape, so a malformed key is told apart from an unknown one."""

from __future__ import annotations

import re

import pytest

from costlake.errors import InvalidInput
from costlake.keys.styles import (
    KeyStyle,
    display_prefix,
    generate_secret,
    parse_style,
    shape_ok,
    style_of,
)

EXACT_SHAPES = {
    KeyStyle.CLOUDEXPAT: r"ce_live_[A-Za-z0-9]{32}",
    KeyStyle.XPLORR: r"xplorr_[A-Za-z0-9]{40}",
    KeyStyle.PLAIN: r"cl_[A-Za-z0-9_-]{43}",
}


class TestParseStyle:
    def test_refuses_an_unknown_style_naming_the_choices(self) -> None:
        with pytest.raises(InvalidInput, match="use one of cloudexpat, xplorr, plain"):
            parse_style("stripe")

    def test_accepts_each_style_by_name(self) -> None:
        assert [parse_style(s.value) for s in KeyStyle] == list(KeyStyle)


class TestShapeOk:
    @pytest.mark.parametrize(
        "style, secret",
        [
            ("cloudexpat", "ce_live_" + "a" * 31),  # one character short
            ("cloudexpat", "ce_live_" + "a" * 33),  # one character long
            ("cloudexpat", "ce_test_" + "a" * 32),  # another marker
            ("cloudexpat", "ce_live_" + "a" * 31 + "-"),  # outside the alphabet
            ("cloudexpat", " ce_live_" + "a" * 32),  # surrounding space
            ("xplorr", "xplorr_" + "a" * 39),
            ("xplorr", "xplorr_your_token"),
            ("plain", "cl_" + "a" * 42 + "="),
            ("plain", "ce_live_" + "a" * 32),  # another style's key
        ],
    )
    def test_refuses_a_secret_of_the_wrong_shape(self, style: str, secret: str) -> None:
        assert not shape_ok(style, secret)

    def test_refuses_to_judge_an_unknown_style(self) -> None:
        with pytest.raises(InvalidInput):
            shape_ok("stripe", "sk_live_x")

    @pytest.mark.parametrize("style", list(KeyStyle))
    def test_generated_secrets_have_exactly_their_styles_shape(self, style: KeyStyle) -> None:
        for _ in range(50):
            secret = generate_secret(style)
            assert re.fullmatch(EXACT_SHAPES[style], secret)
            assert shape_ok(style, secret)
            assert style_of(secret) is style

    def test_generated_secrets_do_not_repeat(self) -> None:
        assert len({generate_secret(KeyStyle.CLOUDEXPAT) for _ in range(1_000)}) == 1_000


class TestStyleOf:
    def test_a_secret_of_no_style_has_none(self) -> None:
        assert style_of("Bearer nonsense") is None

    def test_recognises_each_style(self) -> None:
        assert style_of("xplorr_" + "Z" * 40) is KeyStyle.XPLORR


class TestDisplayPrefix:
    def test_refuses_a_secret_of_no_style(self) -> None:
        with pytest.raises(InvalidInput):
            display_prefix("password123")

    def test_shows_the_marker_and_eight_body_characters(self) -> None:
        assert display_prefix("ce_live_" + "AbCdEfGh" + "x" * 24) == "ce_live_AbCdEfGh"
        assert display_prefix("cl_" + "-_abcdef" + "y" * 35) == "cl_-_abcdef"
