"""Tag keys and dimension values found in an org's data, for the dimension listings of the
vendor APIs (CloudZero's ``GET /v2/billing/dimensions``, and the consoles' filter pickers).

Both read the lake through the query engine with the caller's account grant applied
(:func:`costlake.query.compile.account_predicate`), so a key restricted to some accounts
never learns a tag key or a value that only other accounts' charges carry.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from costlake.allocation.service import stream_names
from costlake.errors import InvalidInput
from costlake.query.compile import TABLE, account_predicate, ident
from costlake.query.model import DIMENSIONS
from costlake.query.service import QueryService

MAX_VALUES = 10_000
"""More distinct values than this are cut: a picker shows the most common ones."""


def _where(account_ids: tuple[str, ...] | None) -> str:
    return f"WHERE {account_predicate(account_ids)} " if account_ids is not None else ""


def tag_keys(
    queries: QueryService, org: str, *, account_ids: tuple[str, ...] | None = None
) -> list[str]:
    """Every tag key some charge of ``org`` carries (within the grant), sorted."""
    files = queries.lake.snapshot(org).files()
    if not files:
        return []
    sql = (
        f"SELECT DISTINCT k FROM (SELECT unnest(json_keys(Tags)) AS k FROM {TABLE} "
        f"{_where(account_ids)}) AS t WHERE k IS NOT NULL AND k <> '' ORDER BY k"
    )
    return [str(r["k"]) for r in queries.engine.rows(sql, files)]


def org_dimensions(
    queries: QueryService,
    session: Session,
    org: str,
    *,
    account_ids: tuple[str, ...] | None = None,
) -> tuple[list[str], list[str]]:
    """What an org's dimension listing adds to the standard ones: the tag keys of its
    charges (within the grant) and the names of its allocation streams, each sorted."""
    return tag_keys(queries, org, account_ids=account_ids), stream_names(session, org)


def dimension_values(
    queries: QueryService,
    org: str,
    column: str,
    *,
    account_ids: tuple[str, ...] | None = None,
    limit: int = MAX_VALUES,
) -> list[str]:
    """The distinct non-null values of FOCUS text column ``column`` in ``org``'s charges
    (within the grant), the most frequent first, at most ``limit``."""
    name = DIMENSIONS.get(column.lower())
    if name is None:
        raise InvalidInput(f"{column!r} is not a text column of the FOCUS schema")
    files = queries.lake.snapshot(org).files()
    if not files:
        return []
    col = ident(name)
    where = f"{col} IS NOT NULL" + (
        f" AND {account_predicate(account_ids)}" if account_ids is not None else ""
    )
    sql = (
        f"SELECT {col} AS v, count(*) AS n FROM {TABLE} WHERE {where} "
        f"GROUP BY 1 ORDER BY n DESC, v LIMIT {int(limit)}"
    )
    return [str(r["v"]) for r in queries.engine.rows(sql, files)]
