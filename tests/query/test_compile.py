"""Compiled statements that are easy to get wrong at the edges."""

from __future__ import annotations

from datetime import datetime

from costlake.query.model import CostQuery
from costlake.query.service import QueryService


class TestUnorderedTotal:
    def test_a_total_without_groups_or_cost_order_runs(self, queries: QueryService) -> None:
        """Before the fix the statement ended in a bare ``ORDER BY``."""
        q = CostQuery(datetime(2024, 8, 1), datetime(2024, 9, 1), order_by_cost=False)
        ordered = CostQuery(datetime(2024, 8, 1), datetime(2024, 9, 1))
        assert queries.run("acme", q).rows == queries.run("acme", ordered).rows
        assert len(queries.run("acme", q).rows) == 1
