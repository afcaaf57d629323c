"""Billing drops: a connection's bill pushed over an API as line items of the Common Bill
Format (CBF), stored as FOCUS rows of one source per connection.

A drop is one billing month of one connection. Storing drops writes their line items as one
CBF file and ingests it with the CBF adapter into the connection's source, so each month a
drop names replaces that month of the source in the lake's one atomic commit: re-sending a
drop changes nothing, a reader sees a month before or after, never half, and the drops of
one call are stored together or not at all (a bad value anywhere stores nothing).

Line items arrive as CBF columns (``time/usage_start``, ``cost/cost``, ``resource/tag:<key>``,
...) with text values; the caller (a dialect) has checked their shapes and numbers and
turned times into UTC. This module keeps the rules that make a drop a month: every line
item starts within it, and drops of one call for the same month make that month together.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from costlake.errors import InvalidInput, MalformedFile, PermissionDenied
from costlake.sources.service import IngestDeps, ingest_files

FORMAT = "cbf"
START = "time/usage_start"
COST = "cost/cost"
SOURCE_PREFIX = "cbf-drop-"
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_-]{1,54}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class Drop:
    month: str
    """``YYYY-MM``: the billing month this drop replaces."""
    items: tuple[Mapping[str, str], ...]
    """Line items: CBF column -> text value (UTC times as ``YYYY-MM-DD HH:MM:SS[.ffffff]``)."""


@dataclass(frozen=True, slots=True)
class Stored:
    source: str
    months: tuple[str, ...]
    """The months replaced, sorted."""
    line_items: int
    """Rows the source now holds in those months."""
    replaced_line_items: int
    """Rows those months held before (0 for a first drop)."""


def source_for(connection_id: str) -> str:
    """The lake source of a connection: ``cbf-drop-<id>`` for a short plain id, else
    ``cbf-drop-`` and a digest of the id (the same source for the same id, always)."""
    if not connection_id:
        raise InvalidInput("connection_id: must not be empty")
    if _PLAIN_ID.match(connection_id):
        return SOURCE_PREFIX + connection_id
    return SOURCE_PREFIX + hashlib.sha256(connection_id.encode()).hexdigest()[:16]


def month_of(moment: date) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def check(drops: Sequence[Drop]) -> dict[str, list[Mapping[str, str]]]:
    """The line items of each month, in order; :class:`InvalidInput` for a drop without
    line items, a bad month, or a line item that starts outside its drop's month."""
    if not drops:
        raise InvalidInput("no billing drops: send at least one")
    months: dict[str, list[Mapping[str, str]]] = {}
    for i, drop in enumerate(drops):
        if not _MONTH.match(drop.month):
            raise InvalidInput(f"drop {i}: month {drop.month!r} is not YYYY-MM")
        if not drop.items:
            raise InvalidInput(f"drop {i}: a drop needs at least one line item")
        for j, item in enumerate(drop.items):
            start = item.get(START)
            try:
                at = datetime.fromisoformat(start) if start else None
            except ValueError:
                at = None
            if at is None or item.get(COST) in (None, ""):
                raise InvalidInput(f"drop {i}, line item {j}: needs {START} and {COST}")
            if month_of(at) != drop.month:
                raise InvalidInput(
                    f"drop {i}, line item {j}: {START} {start} is outside the drop's month "
                    f"{drop.month}"
                )
        months.setdefault(drop.month, []).extend(drop.items)
    return months


def write_cbf(items: Sequence[Mapping[str, str]], path: Path) -> None:
    """One CBF CSV file of ``items``: the union of their columns, a blank where a line item
    has none (the adapter reads a blank as not given)."""
    columns = list(dict.fromkeys(c for item in items for c in item))
    folded: dict[str, str] = {}
    for c in columns:
        other = folded.setdefault(c.lower(), c)
        if other != c:  # the file's reader matches column names without case
            raise InvalidInput(f"columns {other!r} and {c!r} differ only in case")
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(items)


def store_drops(
    deps: IngestDeps,
    org: str,
    connection_id: str,
    drops: Sequence[Drop],
    work: Path,
    *,
    account_ids: tuple[str, ...] | None = None,
) -> Stored:
    """Store ``drops`` as ``org``'s rows of the connection's source, each month replacing
    what that month held (see the module). A caller limited to some accounts
    (``account_ids`` not None) may not: a drop replaces charges of any account."""
    if account_ids is not None:
        raise PermissionDenied(
            "sending billing data needs a credential of the whole org, not one limited "
            "to some accounts"
        )
    source = source_for(connection_id)
    months = check(drops)
    items = [item for month in sorted(months) for item in months[month]]
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        path = Path(tmp) / "drop.csv"
        write_cbf(items, path)
        try:
            result = ingest_files(deps, [path], org=org, source=source, format=FORMAT)
        except MalformedFile as e:
            raise _in_drop_terms(e, drops, items) from None
    return Stored(
        source=source,
        months=tuple(sorted(months)),
        line_items=result.rows_written,
        replaced_line_items=sum(r.rows for r in result.replaced),
    )


def _in_drop_terms(
    error: MalformedFile, drops: Sequence[Drop], items: Sequence[Mapping[str, str]]
) -> InvalidInput:
    """A value the CBF adapter could not read, named by drop and line item instead of the
    temporary file's path and row (the caller's checks make this rare)."""
    where = "a line item"
    if error.row is not None and 1 <= error.row <= len(items):
        item = items[error.row - 1]
        for i, drop in enumerate(drops):
            j = next((j for j, it in enumerate(drop.items) if it is item), None)
            if j is not None:
                where = f"drop {i}, line item {j}"
                break
    column = f"{error.column} " if error.column else ""
    return InvalidInput(f"{where}: the value for {column}cannot be read")
