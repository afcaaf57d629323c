"""How ``costlake query`` shows costs to a person: cents, the currency, a total, and
"(untagged)" where a tag is missing. CSV and JSON keep exact values and nulls for programs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from rich.table import Table

from costlake.query.model import Granularity, QueryResult

CENT = Decimal("0.01")
UNTAGGED = "(untagged)"
NONE = "(none)"


def money(value: object) -> str:
    """``1234.565`` -> ``1,234.57`` (half up, as invoices round)."""
    if value is None:
        return ""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


def dimension(name: str, value: object, granularity: Granularity) -> str:
    """A group-by or period cell; a missing tag is ``(untagged)``, another missing value
    ``(none)``."""
    if value is None:
        return UNTAGGED if name.startswith("tag:") else NONE
    if isinstance(value, datetime):
        if granularity is Granularity.HOUR:
            return value.isoformat(sep=" ", timespec="minutes")
        return value.date().isoformat()
    return str(value)


def cost_table(result: QueryResult, totals: Mapping[str, Mapping[str, Decimal]]) -> Table:
    """The result as a table, with one total row per currency.

    ``totals`` maps each billing currency to its sum of every metric column (from the same
    query grouped by ``BillingCurrency``), so the total is exact even when rows are folded
    or rounded. With one currency the cost columns are headed ``cost (USD)``.
    """
    dims: Sequence[str] = [n for n in result.columns.all if n not in result.columns.metrics]
    metrics: Sequence[str] = list(result.columns.metrics)
    currencies = sorted(totals) or ["USD"]
    suffix = f" ({currencies[0]})" if len(currencies) == 1 else ""
    labels = list(dims) or [""]  # a total alone still needs a column for its label
    table = Table(*labels)
    for m in metrics:
        table.add_column(f"{m}{suffix}", justify="right")
    granularity = result.query.granularity
    for row in result.rows if dims else ():
        table.add_row(
            *(dimension(d, row.get(d), granularity) for d in dims),
            *(money(row.get(m)) for m in metrics),
        )
    table.add_section()
    for currency in currencies:
        label = "total" if len(currencies) == 1 else f"total {currency}"
        sums = totals.get(currency, {})
        first = [label, *[""] * (len(labels) - 1)]
        table.add_row(*first, *(money(sums.get(m, Decimal(0))) for m in metrics), style="bold")
    return table
