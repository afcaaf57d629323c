"""Run cost queries against an org's lake: snapshot -> files -> compiled SQL -> engine."""

from __future__ import annotations

import pyarrow as pa

from costlake.lake.store import Lake, LakeSnapshot
from costlake.query.compile import compile_query, result_columns
from costlake.query.engines import Engine, get_engine
from costlake.query.model import CostQuery, QueryResult
from costlake.query.planner import choose_rollup


class QueryService:
    """Answers ``CostQuery`` objects for any org of one lake, on one engine."""

    def __init__(
        self, lake: Lake, engine: Engine | None = None, *, use_rollups: bool = True
    ) -> None:
        self.lake = lake
        self.engine = engine or get_engine("duckdb")
        self.use_rollups = use_rollups
        """Read a partition's rollups instead of its line items when they give the same
        answer (see ``costlake.query.planner``)."""

    def run(
        self, org: str, query: CostQuery, *, snapshot: LakeSnapshot | None = None
    ) -> QueryResult:
        snap = snapshot or self.lake.snapshot(org)
        cols = result_columns(query)
        rollup = choose_rollup(query) if self.use_rollups else None
        files = (
            snap.rollup_files(rollup.name, query.scan_start, query.end, query.sources)
            if rollup is not None
            else None
        )
        if files is None:
            rollup, files = None, snap.files(query.scan_start, query.end, query.sources)
        if not files:
            return QueryResult(query, cols, [], self.engine.name, 0)
        rows = self.engine.rows(compile_query(query), files)
        return QueryResult(
            query, cols, rows, self.engine.name, len(files), rollup.name if rollup else None
        )

    def sql(self, org: str, sql: str) -> pa.Table:
        """Run raw portable SQL over the org's whole lake (for tools and tests)."""
        files = self.lake.snapshot(org).files()
        return self.engine.execute(sql, files)
