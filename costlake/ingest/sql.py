"""SQL expression helpers the ingest adapters use to map raw columns to canonical FOCUS columns.

An adapter never touches rows in Python: it returns, for each canonical column, an ``Expr``
whose SQL runs in DuckDB over the raw relation (CSV columns arrive as VARCHAR; Parquet and JSON
columns keep their types). ``Expr.sql`` must yield NULL when a raw value cannot be converted,
and ``Expr.raw`` is the raw text that was supposed to convert: the pipeline turns
"raw present but sql NULL" into a clear error naming the column and value (or skips and counts
the row when the caller asked for that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from costlake.kit.sql import ident as ident  # adapters quote through this module
from costlake.kit.sql import lit as lit

MONEY_SQL = "DECIMAL(38, 18)"

# Timestamp spellings seen in real exports: ISO with or without T/Z/fractions/offset,
# date-only, and US month/day/year (Azure EA).
ISO_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%MZ",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
US_DATE_FORMATS: tuple[str, ...] = ("%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p")


@dataclass(frozen=True, slots=True)
class Expr:
    """A canonical column's value as DuckDB SQL, with the raw text it was converted from."""

    sql: str
    raw: str | None = None


BLANK_MACRO = "costlake_blank"
DECIMAL_MACRO = "costlake_decimal_text"
ISO_TIMESTAMP_MACRO = "costlake_iso_timestamp"
"""DuckDB macros the adapters' SQL calls for a plain column (``MACROS``, at the end)."""


def nullif_blank(sql: str) -> str:
    """Text with empty/whitespace-only values turned into NULL (spaces trimmed at both ends).

    For a plain column, only a value that is empty or starts or ends with a space goes
    through ``TRIM``: DuckDB's ``TRIM`` copies every string it is given, which for a long
    value (a resource ARN) costs 25 times the test, and a CSV export has some thirty text
    columns (``docs/decisions/0009-lake-without-null-columns.md``). ``prefix`` reads the
    bytes DuckDB keeps inline in every string: 0.5 ms per 1M values against 6 ms for
    ``starts_with``, whose work is the same (0013)."""
    text = f"CAST({sql} AS VARCHAR)"
    if not _IDENT.match(sql):
        return f"NULLIF(TRIM({text}), '')"
    return f"{BLANK_MACRO}({text})"


_IDENT = re.compile(r'^"(?:[^"]|"")+"$')


def text(column: str) -> Expr:
    """A raw column as text; blank becomes NULL."""
    return Expr(nullif_blank(ident(column)))


def text_sql(sql: str) -> Expr:
    return Expr(nullif_blank(sql))


def constant(value: str | None) -> Expr:
    return Expr(lit(value))


def _is_text(type_: str) -> bool:
    return type_.upper() in ("VARCHAR", "TEXT", "STRING", "JSON") or type_.upper().startswith(
        "VARCHAR"
    )


def json_text(sql: str, type_: str) -> str:
    """A value as text; a JSON value (a column mixing numbers and strings is read as JSON)
    without its quotes, so ``"1.25"`` and ``1.25`` both read ``1.25``."""
    return f"json_extract_string({sql}, '$')" if type_.upper() == "JSON" else sql


def money_sql(sql: str, type_: str = "VARCHAR") -> str:
    """Exact decimal from text, a decimal, an integer or a double (via its shortest text form)."""
    t = type_.upper()
    if t.startswith("DECIMAL") or t in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT"):
        return f"CAST({sql} AS {MONEY_SQL})"
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return f"TRY_CAST(CAST({sql} AS VARCHAR) AS {MONEY_SQL})"
    return f"TRY_CAST({decimal_text(json_text(sql, t))} AS {MONEY_SQL})"


def decimal_text(sql: str) -> str:
    """Text to cast to the lake's decimal, blank as NULL: ``nullif_blank``, and for a plain
    column, a value with more than 18 decimal places that are all zeros past the 18th
    (``0.09600000000000000000``) cut to 18 places first.

    The cast rounds digits past the scale with 128-bit divisions: about 250 ns a value,
    ten times the cast of the same value without them, and one Azure CSV has five such
    columns. Cutting zeros changes no value; anything else (an exponent, a nonzero digit or a
    space past the 18th place) takes the plain path. Same result for every text (tests).

    Twenty places ending ``00`` (Azure's spelling) are tested first, on the value's end
    alone: 60 ms per 1M values against 110 ms for the general test, which copies the tail.

    A plain column's text goes to the cast as it is: the cast reads spaces around a number
    and makes a blank NULL, which is what trimming first gave (0013)."""
    if not _IDENT.match(sql):
        return nullif_blank(sql)
    return f"{DECIMAL_MACRO}({sql})"


def _decimal_text_inline(sql: str) -> str:
    dot = f"strpos({sql}, '.')"
    no_exponent = f"NOT contains({sql}, 'e') AND NOT contains({sql}, 'E')"
    twenty = f"length({sql}) - {dot} = 20 AND {dot} > 0 AND suffix({sql}, '00') AND {no_exponent}"
    cut = (
        f"{dot} BETWEEN 1 AND length({sql}) - 19 "
        f"AND rtrim(substr({sql}, {dot} + 19), '0') = '' AND {no_exponent}"
    )
    return (
        f"CASE WHEN length({sql}) <= 19 THEN {sql} "
        f"WHEN {twenty} THEN left({sql}, length({sql}) - 2) "
        f"WHEN {cut} THEN left({sql}, {dot} + 18) ELSE {sql} END"
    )


def money(column: str, type_: str = "VARCHAR") -> Expr:
    """A cost, price or quantity column as an exact decimal; text must convert when present."""
    raw = nullif_blank(json_text(ident(column), type_)) if _is_text(type_) else None
    return Expr(money_sql(ident(column), type_), raw)


def money_or_zero(column: str, type_: str = "VARCHAR") -> Expr:
    """Like ``money`` but NULL/blank reads as 0 (for FOCUS cost columns that must not be null)."""
    m = money(column, type_)
    # Only text can be blank; casting every typed value to text to ask would cost more than
    # the rest of the conversion of the column.
    empty = nullif_blank(json_text(ident(column), type_)) if _is_text(type_) else ident(column)
    return Expr(f"COALESCE({m.sql}, CASE WHEN {empty} IS NULL THEN 0 END)", m.raw)


quantity = money


def timestamp_sql(sql: str, formats: Iterable[str] = ISO_FORMATS, type_: str = "VARCHAR") -> str:
    """UTC naive timestamp from text in any of ``formats`` (offsets are converted to UTC).

    Typed input is cast directly: ``TIMESTAMP`` is taken as UTC, ``TIMESTAMPTZ`` converted,
    ``DATE`` becomes midnight UTC.
    """
    t = type_.upper()
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return utc_sql(sql)
    if t.startswith("TIMESTAMP") or t == "DATE":
        return f"CAST({sql} AS TIMESTAMP)"
    if tuple(formats) == ISO_FORMATS and _IDENT.match(sql):
        return f"{ISO_TIMESTAMP_MACRO}({sql})"
    return _timestamp_text_inline(sql, formats)


def _timestamp_text_inline(sql: str, formats: Iterable[str]) -> str:
    text_sql = nullif_blank(sql)
    fmts = ", ".join(lit(f) for f in formats)
    # Every format starts with a digit; DuckDB's TRY_STRPTIME reads the words 'epoch' and
    # 'infinity' whatever the format (as 1900-01-01, DuckDB 2.0).
    listed = (
        f"CASE WHEN left({text_sql}, 1) BETWEEN '0' AND '9' "
        f"THEN {utc_sql(f'TRY_STRPTIME({text_sql}, [{fmts}])::TIMESTAMPTZ')} END"
    )
    if tuple(formats)[: len(ISO_FORMATS)] != ISO_FORMATS:
        return listed
    # DuckDB's own ISO 8601 cast first: TRY_STRPTIME over a list of formats costs several
    # times more per value, and a failed attempt more than a success. The cast reads
    # offsets and ``Z``, ``T`` or a space, zone names, dates alone (no offset: UTC, the
    # ingest connection's time zone) and spaces around; nanoseconds are cut to
    # microseconds. Of words it takes only 'epoch' and 'infinity': ``utc_sql`` makes
    # both NULL, so they go through the formats (which refuse them; a real 1970-01-01
    # is read there). What it refuses goes through the formats as before.
    fast = utc_sql(f"TRY_CAST({sql} AS TIMESTAMPTZ)", epoch=False)
    return f"CASE WHEN ({fast}) IS NOT NULL THEN {fast} ELSE {listed} END"


def utc_sql(tstz_sql: str, *, epoch: bool = True) -> str:
    """A TIMESTAMPTZ as the lake's naive UTC timestamp: its microseconds since the epoch,
    which is what DuckDB stores (half the cost of ``timezone('UTC', ...)``, which goes
    through ICU's calendar: 30 ms a column per 1M values). Infinities become NULL, and
    without ``epoch`` so does the epoch itself."""
    us = f"epoch_us({tstz_sql})"
    return f"make_timestamp({us if epoch else f'NULLIF({us}, 0)'})"


def timestamp(column: str, formats: Iterable[str] = ISO_FORMATS, type_: str = "VARCHAR") -> Expr:
    raw = nullif_blank(ident(column)) if _is_text(type_) else None
    return Expr(timestamp_sql(ident(column), formats, type_), raw)


def coalesce(*exprs: Expr) -> Expr:
    return Expr(f"COALESCE({', '.join(e.sql for e in exprs)})")


def tags_json(map_sql: str) -> str:
    """A tag map as the lake stores tags: JSON object text, NULL when the map is empty (so
    'no tags' reads the same in every format). The one place a map becomes tag text."""
    return f"(CASE WHEN cardinality({map_sql}) > 0 THEN CAST(to_json({map_sql}) AS VARCHAR) END)"


def json_tags(column: str, type_: str = "VARCHAR") -> Expr:
    """A JSON object of tags (values of any JSON type) as the lake stores it: the object's
    text without spaces, once it is known to be a JSON object (parsing it into a map and
    writing that cost 0.6 CPU-s more per 1M rows of an Azure CSV; 0011).

    Azure writes tags without the outer braces (``"a": "1","b": "2"``); both forms are read.
    A column that is already a MAP becomes its JSON text. No tags, however spelled, is NULL.
    """
    if type_.upper().startswith("MAP"):
        return Expr(tags_json(f"CAST({ident(column)} AS MAP(VARCHAR, VARCHAR))"))
    raw, braced = _tag_text(column)
    # json() writes the object without spaces, as to_json writes a map: tags stored the same
    # whatever the export's spacing (0.07 s for 1M rows).
    return Expr(f"CASE WHEN json_valid({braced}) THEN CAST(json({braced}) AS VARCHAR) END", raw)


def json_tags_map(column: str, type_: str = "VARCHAR") -> Expr:
    """``json_tags`` as a MAP(VARCHAR, VARCHAR), for an adapter that changes the entries
    before they are stored (``tags_json``)."""
    if type_.upper().startswith("MAP"):
        tags = f"CAST({ident(column)} AS MAP(VARCHAR, VARCHAR))"
        return Expr(f"(CASE WHEN cardinality({tags}) > 0 THEN {tags} END)")
    raw, braced = _tag_text(column)
    parsed = (
        f"TRY_CAST(json_transform(TRY_CAST({braced} AS JSON), '\"MAP(VARCHAR, VARCHAR)\"')"
        " AS MAP(VARCHAR, VARCHAR))"
    )
    return Expr(f"CASE WHEN {raw} IS NULL THEN NULL ELSE {parsed} END", raw)


def _tag_text(column: str) -> tuple[str, str]:
    """(the tag text, NULL for no tags; the same with its outer braces)."""
    text = nullif_blank(ident(column))
    # "No tags" is written as {}, { }, [] or null by real exports: it is NULL, not a bad value
    # (the raw text is NULL too, so the pipeline does not report it as unreadable).
    # A tag set has a colon, which no spelling of "no tags" has: the pattern is only tried
    # on text without one.
    raw = (
        f"(CASE WHEN contains({text}, ':') THEN {text} "
        f"WHEN regexp_full_match({text}, {lit(_NO_TAGS)}) THEN NULL ELSE {text} END)"
    )
    braced = f"CASE WHEN left({raw}, 1) = '{{' THEN {raw} ELSE '{{' || {raw} || '}}' END"
    return raw, braced


_NO_TAGS = r"\{\s*\}|\[\s*\]|(?i:null)"
"""Spellings of an empty tag set (RE2, matched against the whole trimmed value)."""


def tags_from_columns(columns: dict[str, str]) -> Expr:
    """Tags spread over many columns (``resource_tags_user_team``, ``tags/Dept.Team``) as one
    map (``tags_json`` makes it the stored text).

    ``columns`` maps each raw column to the tag key it carries; blank values are left out.
    """
    if not columns:
        return Expr("NULL")
    keys = ", ".join(lit(k) for k in columns.values())
    vals = ", ".join(nullif_blank(ident(c)) for c in columns)
    return Expr(
        f"map_from_entries(list_filter(list_transform(list_zip([{keys}], [{vals}]), "
        "lambda e: struct_pack(k := e[1], v := e[2])), lambda e: e.v IS NOT NULL))"
    )


def tags_json_from_columns(columns: dict[str, str]) -> Expr:
    """Tags spread over many columns (``tags_from_columns``) as the stored JSON text,
    written directly: the same text ``tags_json`` makes of the map (tests), at a third of
    the cost (building the map and writing it: 0.48 s per 1M rows of three tag columns).
    Keys that two columns share keep the map's way (which refuses them when both hold a
    value)."""
    if not columns:
        return Expr("NULL")
    if len(set(columns.values())) < len(columns):
        return Expr(tags_json(tags_from_columns(columns).sql))
    parts = []
    for column, key in columns.items():
        value = nullif_blank(ident(column))
        parts.append(
            f"CASE WHEN {value} IS NOT NULL THEN CAST(to_json({lit(key)}) AS VARCHAR) || ':' "
            f"|| CAST(to_json({value}) AS VARCHAR) END"
        )
    return Expr(f"('{{' || NULLIF(concat_ws(',', {', '.join(parts)}), '') || '}}')")


def enum_value(expr: Expr, allowed: Iterable[str]) -> Expr:
    """Canonical spelling of an enumerated value, matched case-insensitively.

    ``Usage-based`` becomes ``Usage-Based``; values outside ``allowed`` are kept as they are
    (FOCUS lets providers extend some enumerations).
    """
    cases = " ".join(f"WHEN {lit(v.lower())} THEN {lit(v)}" for v in sorted(allowed))
    return Expr(f"CASE lower({expr.sql}) {cases} ELSE {expr.sql} END", expr.raw)


def _macro(name: str, body: Callable[[str], str]) -> str:
    """``body`` written for a placeholder column, as a macro of one argument ``x``."""
    return f"CREATE OR REPLACE TEMP MACRO {name}(x) AS " + body('"__x"').replace('"__x"', "x")


MACROS: tuple[str, ...] = (
    f"CREATE OR REPLACE TEMP MACRO {BLANK_MACRO}(x) AS "
    "CASE WHEN x = '' OR prefix(x, ' ') OR suffix(x, ' ') THEN NULLIF(TRIM(x), '') ELSE x END",
    _macro(DECIMAL_MACRO, _decimal_text_inline),
    _macro(ISO_TIMESTAMP_MACRO, lambda x: _timestamp_text_inline(x, ISO_FORMATS)),
)
"""Macros the adapters' SQL calls, created on every ingest connection and cursor
(``connection.configured``); each is what the function of the same purpose writes out for
a plain column. An ingest statement is long (153,000 characters for an Azure CSV with
carbon, before these) and DuckDB parses such SQL at about 1 MB/s; a macro is expanded when
the statement is bound, so the plan is the same (0013)."""
