"""Key styles: each is one exact shape, so a malformed key is told apart from an unknown one."""

from __future__ import annotations

import re

import pytest

from costlake.errors import InvalidInput
from costlake.keys.styles import (
    StyleSpec,
    display_prefix,
    generate_secret,
    parse_style,
    register_style,
    shape_ok,
    style_of,
)

EXACT_SHAPES = {
    "cloudexpat": r"ce_live_[A-Za-z0-9]{32}",
    "xplorr": r"xplorr_[A-Za-z0-9]{40}",
    "plain": r"cl_[A-Za-z0-9_-]{43}",
}


class TestParseStyle:
    def test_refuses_an_unknown_style_naming_the_choices(self) -> None:
        with pytest.raises(InvalidInput, match="use one of plain, ") as refused:
            parse_style("stripe")
        assert {"cloudexpat", "xplorr"} <= set(
            refused.value.message.split(": use one of ")[1].split(", ")
        )

    def test_accepts_each_style_by_name(self) -> None:
        assert [parse_style(s).name for s in EXACT_SHAPES] == list(EXACT_SHAPES)


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

    @pytest.mark.parametrize("style", list(EXACT_SHAPES))
    def test_generated_secrets_have_exactly_their_styles_shape(self, style: str) -> None:
        for _ in range(50):
            secret = generate_secret(style)
            assert re.fullmatch(EXACT_SHAPES[style], secret)
            assert shape_ok(style, secret)
            assert style_of(secret) == parse_style(style)

    def test_generated_secrets_do_not_repeat(self) -> None:
        assert len({generate_secret("cloudexpat") for _ in range(1_000)}) == 1_000


class TestStyleOf:
    def test_a_secret_of_no_style_has_none(self) -> None:
        assert style_of("Bearer nonsense") is None

    def test_recognises_each_style(self) -> None:
        assert style_of("xplorr_" + "Z" * 40) == parse_style("xplorr")


class TestDisplayPrefix:
    def test_refuses_a_secret_of_no_style(self) -> None:
        with pytest.raises(InvalidInput):
            display_prefix("password123")

    def test_shows_the_marker_and_eight_body_characters(self) -> None:
        assert display_prefix("ce_live_" + "AbCdEfGh" + "x" * 24) == "ce_live_AbCdEfGh"
        assert display_prefix("cl_" + "-_abcdef" + "y" * 35) == "cl_-_abcdef"


class TestRegisterStyle:
    """A dialect registers its vendor's key shape; the core knows only ``plain``."""

    def test_registering_the_same_style_twice_is_harmless(self) -> None:
        spec = parse_style("cloudexpat")
        assert register_style(spec) is spec

    def test_refuses_another_shape_under_a_taken_name(self) -> None:
        with pytest.raises(ValueError, match="already registered"):
            register_style(StyleSpec("cloudexpat", "ce_test_", 32, "abc"))

    def test_refuses_a_marker_that_makes_secrets_ambiguous(self) -> None:
        with pytest.raises(ValueError, match="overlaps"):
            register_style(StyleSpec("cloudexpat2", "ce_", 32, "abcdef"))

    def test_refuses_a_shape_too_weak_for_a_credential(self) -> None:
        with pytest.raises(ValueError, match="too weak"):
            StyleSpec("tiny", "t_", 8, "abc")

    def test_a_new_vendors_style_needs_no_schema_change(self, db_session) -> None:  # noqa: ANN001
        from costlake.keys import authenticate, create_key

        spec = register_style(StyleSpec("testvendor", "tv_key_", 24, "abcdefgh0123456789"))
        key, secret = create_key(db_session, "acme", "ci", ["costs:read"], spec)
        assert key.style == "testvendor"
        found = authenticate(db_session, secret)
        assert found is not None and found.style == "testvendor"
