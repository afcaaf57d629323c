"""SQL building blocks shared by the provider-native adapters (Azure, OCI, GCP, CloudZero CBF).

The FOCUS adapter copies columns; native adapters translate them: look a column up under any
of its spellings, map a provider's vocabulary onto FOCUS values with a lookup table, derive a
billing month from a usage timestamp, multiply a price by a quantity without losing digits.
Nothing here registers an adapter (this module is imported with the others).
"""

from __future__ import annotations

from collections.abc import Mapping

from costlake.ingest import sql
from costlake.ingest.base import RawColumns
from costlake.ingest.sql import MONEY_SQL, Expr, ident, lit

FOCUS_SIGNATURE = ("BilledCost", "BillingAccountId", "ChargePeriodStart", "ServiceName")
"""The columns whose joint presence makes a file FOCUS: native adapters must then step aside."""

SERVICE_CATEGORIES = frozenset(
    {
        "AI and Machine Learning",
        "Analytics",
        "Business Applications",
        "Compute",
        "Databases",
        "Developer Tools",
        "Multicloud",
        "Identity",
        "Integration",
        "Internet of Things",
        "Management and Governance",
        "Media",
        "Migration",
        "Mobile",
        "Networking",
        "Security",
        "Storage",
        "Web",
        "Other",
    }
)


def is_focus(columns: RawColumns) -> bool:
    """True for a FOCUS export (matched case-insensitively, as the FOCUS adapter reads it)."""
    return all(columns.find(name) is not None for name in FOCUS_SIGNATURE)


def text_of(columns: RawColumns, *names: str) -> Expr | None:
    """The first of ``names`` present, as trimmed text (blank is NULL); None when absent."""
    found = columns.find(*names)
    return None if found is None else sql.text_sql(ident(found))


def money_of(columns: RawColumns, *names: str) -> Expr | None:
    """The first of ``names`` present as an exact decimal (text must convert); None when absent."""
    found = columns.find(*names)
    return None if found is None else sql.money(found, columns.types[found])


def sql_or_null(expr: Expr | None) -> str:
    return "NULL" if expr is None else expr.sql


def lookup(value_sql: str, table: Mapping[str, str], default_sql: str = "NULL") -> str:
    """``table[lower(value)]`` as a SQL CASE; ``default_sql`` when the value is not listed."""
    if not table:
        return default_sql
    whens = " ".join(f"WHEN {lit(k.lower())} THEN {lit(v)}" for k, v in sorted(table.items()))
    return f"(CASE lower({value_sql}) {whens} ELSE {default_sql} END)"


def month_start(timestamp_sql: str) -> str:
    """The first instant of the calendar month (UTC) holding ``timestamp_sql``."""
    return f"CAST(date_trunc('month', {timestamp_sql}) AS TIMESTAMP)"


def next_month(timestamp_sql: str) -> str:
    return f"CAST({timestamp_sql} + INTERVAL 1 MONTH AS TIMESTAMP)"


def columns_with_prefix(columns: RawColumns, prefix: str) -> dict[str, str]:
    """Raw columns named ``<prefix><key>`` (prefix matched case-insensitively) -> ``<key>``."""
    n = len(prefix)
    return {
        name: name[n:]
        for name in columns.types
        if name.lower().startswith(prefix.lower()) and len(name) > n
    }


def product(a_sql: str, b_sql: str) -> str:
    """``a * b`` of two DECIMAL(38, 18) values, exact to 18 decimal places.

    DuckDB multiplies DECIMAL(38, 18) by DECIMAL(38, 18) into DECIMAL(38, 36), which overflows
    past 99. Splitting each factor into its integer and fractional parts keeps every partial
    product in range; only the product of the two fractions is rounded, at the 18th place.
    """
    a = f"CAST({a_sql} AS {MONEY_SQL})"
    b = f"CAST({b_sql} AS {MONEY_SQL})"
    ai, bi = f"CAST(trunc({a}) AS DECIMAL(38, 0))", f"CAST(trunc({b}) AS DECIMAL(38, 0))"
    af = f"CAST({a} - trunc({a}) AS DECIMAL(18, 18))"
    bf = f"CAST({b} - trunc({b}) AS DECIMAL(18, 18))"
    parts = (f"{ai} * {bi}", f"{ai} * {bf}", f"{af} * {bi}", f"{af} * {bf}")
    return "(" + " + ".join(f"CAST({p} AS {MONEY_SQL})" for p in parts) + ")"


def end_or_default(end: Expr | None, start: Expr, interval: str) -> Expr:
    """A period end, or ``start + interval`` where the file has none (column absent or blank).

    A present but unreadable end is still an error; both raws are carried so the message
    shows whichever value failed.
    """
    default = f"CAST({start.sql} + INTERVAL {interval} AS TIMESTAMP)"
    if end is None:
        return Expr(default, start.raw)
    if end.raw is None:
        return Expr(f"coalesce({end.sql}, {default})", start.raw)
    raw = f"coalesce({end.raw}, {start.raw})" if start.raw else end.raw
    return Expr(f"CASE WHEN {end.raw} IS NULL THEN {default} ELSE {end.sql} END", raw)
