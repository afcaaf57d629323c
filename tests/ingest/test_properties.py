"""Ingest properties over generated deliveries: idempotent re-ingest, restatement replaces."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from tests.lake.helpers import focus_file, total

cost = st.decimals(
    min_value=Decimal("-1000"),
    max_value=Decimal("100000"),
    places=10,
    allow_nan=False,
    allow_infinity=False,
)
delivery = st.tuples(st.integers(1, 12), st.integers(1, 50), cost)


@settings(max_examples=15, deadline=None)
@given(deliveries=st.lists(delivery, min_size=1, max_size=5), repeats=st.integers(1, 3))
def test_reingest_is_idempotent_and_last_delivery_of_a_period_wins(
    deliveries: list[tuple[int, int, Decimal]], repeats: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lake = Lake(root / "lake")
        ingestor = Ingestor(lake)
        latest: dict[int, tuple[int, Decimal]] = {}
        for i, (month, rows, c) in enumerate(deliveries):
            f = focus_file(root / f"d{i}.parquet", month=month, rows=rows, cost=str(c))
            for _ in range(repeats):
                ingestor.ingest([f], org="acme", source="s")
            latest[month] = (rows, c)
        want_rows = sum(r for r, _ in latest.values())
        want_sum = sum((r * c for r, c in latest.values()), Decimal(0))
        got_rows, got_sum = total(lake)
        assert got_rows == want_rows
        assert got_sum == want_sum
