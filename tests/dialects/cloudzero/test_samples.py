"""Billing totals against the raw sample files themselves, not the lake costlake wrote: for
every cost type, ``POST /v2/billing/costs`` over all time equals a direct DuckDB sum of the
real FOCUS sample (org ``acme``) and of the legacy AWS CUR sample (org ``legacy``), with the
cost-type table of docs/dialects/cloudzero.md written out here in each file's own columns."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from costlake.dialects.cloudzero.translate import COST_TYPES
from tests.dialects.cloudzero.conftest import CUR_SAMPLE, FOCUS_SAMPLE, World

MONEY = "DECIMAL(38, 18)"


def money(column: str) -> str:
    return f'CAST("{column}" AS {MONEY})'


EFFECTIVE = f"sum({money('EffectiveCost')})"
FOCUS_SUMS = {
    "billed": f"sum({money('BilledCost')})",
    "discounted": f"sum({money('ContractedCost')})",
    "amortized": EFFECTIVE,
    "discounted_amortized": EFFECTIVE,
    "invoiced_amortized": EFFECTIVE,
    "real": f"sum({money('EffectiveCost')}) FILTER (WHERE ChargeCategory <> 'Credit')",
    "on_demand": f"sum({money('ListCost')})",
}
"""The doc's table over FOCUS columns."""

UNBLENDED = f"sum({money('lineItem/UnblendedCost')})"
CUR_SUMS = {
    "billed": UNBLENDED,
    # Without reserved instances or savings plans (checked below), the contracted and
    # amortised costs of a CUR line are its unblended cost, and no line is a credit.
    "discounted": UNBLENDED,
    "amortized": UNBLENDED,
    "discounted_amortized": UNBLENDED,
    "invoiced_amortized": UNBLENDED,
    "real": UNBLENDED,
    # The public on-demand cost of usage; a tax has no list price but its own amount.
    "on_demand": (
        f"sum(CASE WHEN \"lineItem/LineItemType\" = 'Usage' "
        f"THEN {money('pricing/publicOnDemandCost')} ELSE {money('lineItem/UnblendedCost')} END)"
    ),
}


def raw(path: Any, expression: str) -> Any:
    """``expression`` over the file as written, every column text, blank and NULL as null."""
    [(value,)] = duckdb.sql(f"SELECT {expression} FROM {read(path)}").fetchall()
    return value


def read(path: Any) -> str:
    return f"read_csv('{path}', all_varchar = true, nullstr = ['', 'NULL'])"


def answer(cz: World, org: str, cost_type: str) -> float:
    body = {"start": "2000-01-01", "end": "2100-01-01", "granularity": "cumulative",
            "cost_type": cost_type}  # fmt: skip
    with cz.client(org) as c:
        r = c.post("/v2/billing/costs", json=body)
    assert r.status_code == 200, r.text
    [item] = r.json()["data"]
    [point] = item["cost"]
    return point["value"]


def test_the_tables_cover_every_cost_type() -> None:
    assert set(FOCUS_SUMS) == set(CUR_SUMS) == set(COST_TYPES)


def test_the_cur_sample_is_usage_and_tax_only() -> None:
    """What makes CUR_SUMS's short forms exact: no RI, savings plan, credit or discount."""
    kinds = duckdb.sql(
        f'SELECT DISTINCT "lineItem/LineItemType" FROM {read(CUR_SAMPLE)}'
    ).fetchall()
    assert sorted(k for (k,) in kinds) == ["Tax", "Usage"]


@pytest.mark.parametrize("cost_type", sorted(COST_TYPES))
def test_the_focus_sample_total_of_each_cost_type(cz: World, cost_type: str) -> None:
    expected = raw(FOCUS_SAMPLE, FOCUS_SUMS[cost_type])
    assert answer(cz, "acme", cost_type) == float(expected)


@pytest.mark.parametrize("cost_type", sorted(COST_TYPES))
def test_the_cur_sample_total_of_each_cost_type(cz: World, cost_type: str) -> None:
    expected = raw(CUR_SAMPLE, CUR_SUMS[cost_type])
    assert answer(cz, "legacy", cost_type) == float(expected)


def test_the_cost_types_really_differ_on_the_samples() -> None:
    """The samples tell the cost types apart (else the tests above could not fail)."""
    focus = {t: raw(FOCUS_SAMPLE, s) for t, s in FOCUS_SUMS.items()}
    assert len({focus["billed"], focus["discounted"], focus["amortized"], focus["real"],
                focus["on_demand"]}) == 5  # fmt: skip
    assert raw(CUR_SAMPLE, CUR_SUMS["on_demand"]) != raw(CUR_SAMPLE, UNBLENDED)
