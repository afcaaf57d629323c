"""The Kubecost / OpenCost filter language v2, for custom cost fields.

    filter     ::= element (('+' | '|') element)*     one operator per parenthesised scope
    element    ::= '(' filter ')' | comparison
    comparison ::= field op value (',' value)*
    op         ::= ':' | '!:' | '~:' | '!~:' | '<~:' | '!<~:' | '~>:' | '!~>:'
    value      ::= '"' text '"'

``:`` is equality, ``~:`` contains, ``<~:`` starts with, ``~>:`` ends with; ``!`` negates.
Several values after a positive operator match any of them; after a negated one, none of
them (OpenCost's ``namespace!:"a","b"``). ``+`` is and, ``|`` is or; mixing them in one
scope needs parentheses. The value ``"__unallocated__"`` means empty. Matching is
case-sensitive on the value a response shows.

Beyond OpenCost: a value may also be a bare word (``chargeCategory:usage,billing``, the
document's own example, in the v1 style), since that cannot mean anything else.

Any error names its position (0-based, in characters), so a filter is never half-applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from costlake.customcosts.schemas import Condition, Group, Op, Predicate, Prop
from costlake.errors import InvalidInput

UNALLOCATED = "__unallocated__"
FIELDS: dict[str, Prop] = {p.value: p for p in Prop}
_OPS: dict[str, tuple[Op, bool]] = {
    ":": (Op.EQUALS, False),
    "!:": (Op.EQUALS, True),
    "~:": (Op.CONTAINS, False),
    "!~:": (Op.CONTAINS, True),
    "<~:": (Op.PREFIX, False),
    "!<~:": (Op.PREFIX, True),
    "~>:": (Op.SUFFIX, False),
    "!~>:": (Op.SUFFIX, True),
}
_OP_TEXTS = sorted(_OPS, key=len, reverse=True)
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class InvalidFilter(InvalidInput):
    """A filter that does not parse; the message names the position."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # op, str, word, "+", "|", ",", "(", ")", end
    text: str
    at: int


def _fail(at: int, message: str) -> InvalidFilter:
    return InvalidFilter(f"invalid filter at position {at}: {message}")


def lex(source: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        c = source[i]
        if c in " \t\r\n":
            i += 1
        elif c in "+|,()":
            tokens.append(Token(c, c, i))
            i += 1
        elif c == '"':
            close = source.find('"', i + 1)
            if close < 0:
                raise _fail(i, "unterminated string")
            tokens.append(Token("str", source[i + 1 : close], i))
            i = close + 1
        elif c in _WORD:
            j = i
            while j < len(source) and source[j] in _WORD:
                j += 1
            tokens.append(Token("word", source[i:j], i))
            i = j
        else:
            op = next((o for o in _OP_TEXTS if source.startswith(o, i)), None)
            if op is None:
                raise _fail(i, f"unexpected character {c!r}")
            tokens.append(Token("op", op, i))
            i += len(op)
    tokens.append(Token("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def filter(self, depth: int) -> Predicate:
        items = [self.element(depth)]
        mode: str | None = None
        while self.peek().kind in ("+", "|"):
            joiner = self.take()
            if mode is not None and joiner.kind != mode:
                raise _fail(
                    joiner.at,
                    f"found '{joiner.kind}' in a scope joined by '{mode}'; "
                    "use parentheses to mix '+' and '|'",
                )
            mode = joiner.kind
            items.append(self.element(depth))
        token = self.peek()
        if token.kind == ")" and depth == 0:
            raise _fail(token.at, "found ')' without a matching '('")
        if token.kind not in (")", "end"):
            raise _fail(token.at, f"expected '+', '|' or the end, found {_show(token)}")
        if mode is None:
            return items[0]
        return Group("all" if mode == "+" else "any", tuple(items))

    def element(self, depth: int) -> Predicate:
        token = self.peek()
        if token.kind == "(":
            self.take()
            inner = self.filter(depth + 1)
            close = self.take()
            if close.kind != ")":
                raise _fail(token.at, "found '(' without a matching ')'")
            return inner
        return self.comparison()

    def comparison(self) -> Condition:
        field = self.take()
        if field.kind != "word" or field.text not in FIELDS:
            raise _fail(
                field.at,
                f"expected a filter field ({', '.join(FIELDS)}), found {_show(field)}",
            )
        op = self.take()
        if op.kind != "op":
            raise _fail(op.at, f"expected an operator like ':', '!:', '~:', found {_show(op)}")
        values = [self.value()]
        while self.peek().kind == ",":
            self.take()
            values.append(self.value())
        kind, negate = _OPS[op.text]
        return Condition(FIELDS[field.text], kind, tuple(values), negate)

    def value(self) -> str:
        token = self.take()
        if token.kind not in ("str", "word"):
            raise _fail(token.at, f'expected a value like "datadog", found {_show(token)}')
        return "" if token.text == UNALLOCATED else token.text


def _show(token: Token) -> str:
    if token.kind == "end":
        return "the end"
    if token.kind == "str":
        return f'"{token.text}"'
    return f"'{token.text}'"


def parse_filter(source: str | None) -> Predicate | None:
    """The predicate ``source`` says, None for an empty filter; :class:`InvalidFilter`."""
    if source is None:
        return None
    tokens = lex(source)
    if tokens[0].kind == "end":
        return None
    parser = _Parser(tokens)
    result = parser.filter(0)
    end = parser.peek()
    if end.kind != "end":  # pragma: no cover - filter(0) stops only at the end or fails
        raise _fail(end.at, f"unexpected {_show(end)}")
    return result
