"""Run cost queries against an org's lake: snapshot -> files -> compiled SQL -> engine."""

from __future__ import annotations

import pyarrow as pa

from costlake.lake.store import Lake, LakeSnapshot
from costlake.query.compile import compile_query, result_columns
from costlake.query.engines import Engine, get_engine
from costlake.query.model import CostQuery, QueryResult


class QueryService:
    """Answers ``CostQuery`` objects for any org of one lake, on one engine."""

    def __init__(self, lake: Lake, engine: Engine | None = None) -> None:
        self.lake = lake
        self.engine = engine or get_engine("duckdb")

    def run(
        self, org: str, query: CostQuery, *, snapshot: LakeSnapshot | None = None
    ) -> QueryResult:
        snap = snapshot or self.lake.snapshot(org)
        files = snap.files(query.scan_start, query.end, query.sources)
        cols = result_columns(query)
        if not files:
            return QueryResult(query, cols, [], self.engine.name, 0)
        rows = self.engine.rows(compile_query(query), files)
        return QueryResult(query, cols, rows, self.engine.name, len(files))

    def sql(self, org: str, sql: str) -> pa.Table:
        """Run raw portable SQL over the org's whole lake (for tools and tests)."""
        files = self.lake.snapshot(org).files()
        return self.engine.execute(sql, files)
