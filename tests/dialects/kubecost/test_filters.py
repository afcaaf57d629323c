"""The filter language v2 for custom cost fields: what parses into what, and where a
filter that does not parse goes wrong."""

from __future__ import annotations

import pytest

from costlake.customcosts.schemas import Condition, Group, Op, Prop
from costlake.dialects.kubecost.filters import InvalidFilter, parse_filter


def eq(prop: Prop, *values: str, negate: bool = False) -> Condition:
    return Condition(prop, Op.EQUALS, values, negate)


class TestInvalid:
    @pytest.mark.parametrize(
        "text, position, why",
        [
            ("domain", 6, "expected an operator"),
            ("domain:", 7, 'expected a value like "datadog", found the end'),
            ('domain:"datadog', 7, "unterminated string"),
            ('bogus:"x"', 0, "expected a filter field"),
            ('Domain:"x"', 0, "expected a filter field"),
            ('domain="x"', 6, "unexpected character '='"),
            ('domain!"x"', 6, "unexpected character '!'"),
            ('domain<:"x"', 6, "unexpected character '<'"),
            ('domain:"a" zone:"b"', 11, "expected '+', '|' or the end, found 'zone'"),
            ('domain:"a"+zone:"b"|zone:"c"', 19, "use parentheses to mix"),
            ('(domain:"a"', 0, "'(' without a matching ')'"),
            ('domain:"a")', 10, "')' without a matching '('"),
            ('domain:"a"+', 11, "expected a filter field"),
            ('+domain:"a"', 0, "expected a filter field"),
            ('domain:"a",', 11, "expected a value"),
            ("()", 1, "expected a filter field"),
            ('domain:"é"+zone:"a"', 8, None),
        ],
    )
    def test_a_filter_that_does_not_parse_names_the_position(
        self, text: str, position: int, why: str | None
    ) -> None:
        if why is None:  # a non-ASCII value inside quotes is fine
            assert parse_filter(text) is not None
            return
        with pytest.raises(InvalidFilter) as error:
            parse_filter(text)
        assert f"invalid filter at position {position}: " in str(error.value)
        assert why in str(error.value)


class TestValid:
    def test_an_empty_filter_is_no_filter(self) -> None:
        assert parse_filter(None) is None
        assert parse_filter("") is None
        assert parse_filter("   ") is None

    @pytest.mark.parametrize(
        "op, kind, negate",
        [
            (":", Op.EQUALS, False),
            ("!:", Op.EQUALS, True),
            ("~:", Op.CONTAINS, False),
            ("!~:", Op.CONTAINS, True),
            ("<~:", Op.PREFIX, False),
            ("!<~:", Op.PREFIX, True),
            ("~>:", Op.SUFFIX, False),
            ("!~>:", Op.SUFFIX, True),
        ],
    )
    def test_every_operator(self, op: str, kind: Op, negate: bool) -> None:
        assert parse_filter(f'resourceName{op}"prod"') == Condition(
            Prop.RESOURCE_NAME, kind, ("prod",), negate
        )

    def test_every_field(self) -> None:
        for prop in Prop:
            assert parse_filter(f'{prop.value}:"x"') == eq(prop, "x")

    def test_several_values_are_any_of_them_or_none_of_them(self) -> None:
        assert parse_filter('domain:"datadog","openai"') == eq(Prop.DOMAIN, "datadog", "openai")
        assert parse_filter('domain!:"datadog","openai"') == eq(
            Prop.DOMAIN, "datadog", "openai", negate=True
        )

    def test_plus_is_and_bar_is_or_and_parentheses_nest(self) -> None:
        got = parse_filter('(domain:"openai" | costSource:"database") + chargeCategory:"usage"')
        assert got == Group(
            "all",
            (
                Group("any", (eq(Prop.DOMAIN, "openai"), eq(Prop.COST_SOURCE, "database"))),
                eq(Prop.CHARGE_CATEGORY, "usage"),
            ),
        )
        assert parse_filter('((zone:"us1"))') == eq(Prop.ZONE, "us1")

    def test_unallocated_means_empty(self) -> None:
        assert parse_filter('zone:"__unallocated__"') == eq(Prop.ZONE, "")

    def test_the_documents_v1_style_example_reads_as_bare_words(self) -> None:
        assert parse_filter("chargeCategory:usage,billing") == eq(
            Prop.CHARGE_CATEGORY, "usage", "billing"
        )

    def test_quoted_values_keep_spaces_and_punctuation(self) -> None:
        assert parse_filter('description:"gpt-4o input tokens"') == eq(
            Prop.DESCRIPTION, "gpt-4o input tokens"
        )
