"""The carbon statement that classifies every line on its own: every line goes through the
lookup joins and the classifier itself.

The enricher otherwise works from a lookup of each distinct usage description: for Parquet
from a second, narrow scan; for a source read once (CSV, JSON lines) from its first rows,
and the files holding lines that lookup lacked are then rewritten through this statement
(``CarbonEnricher.finish``). A CSV or JSON source read twice in one statement is buffered
whole by DuckDB (0008, 0012). Every path gives the same estimates to the last bit
(``tests/carbon/test_enricher.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from costlake.carbon.enricher import (
    _T_INSTANCE,
    _T_PROVIDER,
    _T_REGION,
    _T_SERVICE,
    _T_UNIT,
    _USAGE,
    _region_key,
    candidate,
    estimated,
    filled_sql,
    per_unit,
)

if TYPE_CHECKING:
    from costlake.carbon.enricher import CarbonEnricher

_HELPERS = [
    "__c_usage",
    "__c_service",
    "__c_scode",
    "__c_code",
    "__c_ssd_service",
    "__c_provider",
    "__c_pue_avg",
    "__c_grid_unknown",
    "__c_fallback_kw",
    "__c_arm_kw",
    "__c_gb_per_tb",
    "__c_arm",
    "__c_memory_kwh",
    "__c_ssd_kwh",
    "__c_hdd_kwh",
    "__c_network_kwh",
    "__c_dim",
    "__c_factor",
    "__c_pue",
    "__c_grid",
    "__c_cpu_kw",
    "__c_kwh_per_hour",
    "__c_emb_vcpu",
    "__c_emb_hour",
    "__c_itype",
    "__c_kind",
    "__c_vcpu_time",
    "__c_form",
    "__c_a",
    "__c_b",
    "__c_emb_rate",
    "__c_kit",
    "__c_days",
    "__c_kemb",
    "__c_qd",
    "__c_energy_d",
    "__c_embodied_d",
    "__c_carbon_d",
]


def statement(e: CarbonEnricher, select_sql: str, quantity: str | None = None) -> str:
    """``select_sql`` with carbon filled in, every line classified on its own; ``quantity``
    as in ``CarbonEnricher.wrap``."""

    # The layers are separated by the lookup joins on purpose: DuckDB merges stacked
    # projections, and an expression referenced twice in a merged projection is computed
    # twice. Classification (the regular expressions) happens once, below the instance
    # join; the usage's shape (``CarbonEnricher.shape``) once, below the region join; the
    # arithmetic above is cheap.
    def q(alias: str) -> str:
        return f"{alias}.{quantity}" if quantity else f"CAST({alias}.ConsumedQuantity AS DOUBLE)"

    wanted = candidate("b")
    own = "true"
    helpers = list(_HELPERS)
    # Keys are computed in the join conditions, not in a projection over ``select_sql``:
    # that projection would be merged with the adapter's and recompute its conversions.
    joined = (
        "SELECT b.*, p.provider AS __c_provider, p.pue AS __c_pue_avg, "
        "p.grid AS __c_grid_unknown, p.fallback_kw AS __c_fallback_kw, "
        "p.arm_kw AS __c_arm_kw, u.gb_per_tb AS __c_gb_per_tb, "
        "p.memory_kwh AS __c_memory_kwh, p.ssd_kwh AS __c_ssd_kwh, "
        "p.hdd_kwh AS __c_hdd_kwh, p.network_kwh AS __c_network_kwh, "
        "u.dim AS __c_dim, u.factor AS __c_factor, "
        "s.code AS __c_scode, s.ssd AS __c_ssd_service "
        f"FROM ({select_sql}) AS b "
        f"LEFT JOIN {_T_PROVIDER} AS p ON p.name = "
        f"CASE WHEN {wanted} THEN lower(b.ProviderName) END "
        f"LEFT JOIN {_T_UNIT} AS u ON u.unit = "
        f"CASE WHEN {own} THEN lower(trim(b.ConsumedUnit)) END "
        f"LEFT JOIN {_T_SERVICE} AS s ON s.name = CASE WHEN {own} THEN lower(b.ServiceName) END"
    )
    joined = (
        f"SELECT *, {_USAGE} AS __c_usage, lower(ServiceName) AS __c_service, "
        "coalesce(__c_scode, lower(ServiceName)) AS __c_code "
        f"FROM ({joined}) AS jj"
    )
    kind = e.classify.kind(
        "__c_provider", "ServiceName", "__c_code", "__c_ssd_service", "__c_usage", "__c_dim"
    )
    time_dims = "('hours', 'vcpu_hours', 'seconds', 'gb_seconds')"
    vcpu = e.classify.vcpu_time("__c_provider", "__c_usage", "__c_dim")
    itype = e._instance_key("__c_provider", "__c_usage")
    arm = e.classify.arm("__c_provider", "__c_usage", itype)
    classified = (
        "SELECT j.*, CASE WHEN __c_provider IS NOT NULL AND __c_dim IS NOT NULL "
        f"THEN {kind} END AS __c_kind, "
        f"CASE WHEN __c_dim IN {time_dims} THEN {vcpu} END AS __c_vcpu_time, "
        f"CASE WHEN __c_dim IN {time_dims} THEN {itype} END AS __c_itype, "
        f"CASE WHEN __c_dim IN {time_dims} THEN {arm} END AS __c_arm "
        f"FROM ({joined}) AS j"
    )
    with_instance = (
        "SELECT k.*, i.cpu_kw AS __c_cpu_kw, i.kwh_per_hour AS __c_kwh_per_hour, "
        "i.embodied_per_vcpu_hour AS __c_emb_vcpu, i.embodied_per_hour AS __c_emb_hour "
        f"FROM ({classified}) AS k LEFT JOIN {_T_INSTANCE} AS i "
        "ON i.provider = k.__c_provider AND i.key = k.__c_itype"
    )
    # The usage's shape and its figures per unit of quantity, below the region join: the
    # estimates above refer to them several times, and would recompute them otherwise.
    shaped = (
        f"SELECT * EXCLUDE (__c_factor, __c_gb_per_tb), {e.shape()} FROM ({with_instance}) AS w"
    )
    unit = f"SELECT *, {per_unit()}, {q('v')} AS __c_qd FROM ({shaped}) AS v"
    with_region = (
        "SELECT x.*, coalesce(r.pue, x.__c_pue_avg) AS __c_pue, "
        "coalesce(r.grid, x.__c_grid_unknown) AS __c_grid "
        f"FROM ({unit}) AS x LEFT JOIN {_T_REGION} AS r "
        f"ON r.provider = x.__c_provider "
        f"AND r.region = CASE WHEN {own.replace('b.', 'x.')} THEN {_region_key('x.RegionId')} END"
    )
    return filled_sql(
        estimated(with_region, "__c_qd"), [*helpers, *([quantity] if quantity else [])]
    )
