"""The carbon enricher: CCF estimates of energy and emissions on every usage line, at ingest.

``prepare`` puts four small lookup tables on the ingest's DuckDB connection (provider
constants by FOCUS ProviderName, regions, usage units, instance types); ``wrap`` turns the
ingest's SELECT into one that joins them and fills

- ``x_EnergyKwh``: IT energy of the usage (compute, memory, storage with replication,
  network, GPU) x the region's PUE;
- ``x_EmbodiedKgCO2e``: the usage's share of its servers' manufacturing emissions (compute
  only, as in CCF; 0 for other estimated rows);
- ``x_CarbonKgCO2e``: energy x the region's grid factor + embodied;
- ``x_CarbonSource``: ``costlake_ccf_estimate``.

Rows that already carry ``x_CarbonSource`` (provider-reported data from the ``aws-ccft`` and
``gcp-carbon`` formats) pass through untouched. Rows that cannot be estimated (not usage, no
quantity, a provider CCF does not cover, a usage kind CCF calls unknown) keep NULLs.

The arithmetic runs in DOUBLE (DuckDB divides decimals as doubles anyway, and the
coefficients have at most ten significant digits) and is stored as ``DECIMAL(38, 18)``.
Everything stays one streaming statement: hash joins against tables of a few thousand rows.
The method and every coefficient's source are in ``docs/carbon.md``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from costlake.carbon import rates
from costlake.carbon.classify import GB_PER_TB, GB_PER_TB_OF_UNIT, UNITS, Classifier
from costlake.carbon.coefficients import Coefficients, azure_region_aliases, load
from costlake.focus import scan
from costlake.kit.sql import ident, lit

ESTIMATE = "costlake_ccf_estimate"
PENDING = "chr(1) || 'costlake-pending'"
"""SQL of the ``x_CarbonSource`` a source read once gets on the lines whose description its
sample's lookup lacks (``wrap``), until ``finish`` classifies them on their own. It sorts
below every real value, so a written file's statistics skip it where it is absent."""

# FOCUS ProviderName (lower-cased) -> CCF provider.
PROVIDER_NAMES: dict[str, str] = {
    "aws": "AWS",
    "amazon web services": "AWS",
    "amazon": "AWS",
    "microsoft": "Azure",
    "azure": "Azure",
    "microsoft azure": "Azure",
    "google cloud": "GCP",
    "google": "GCP",
    "gcp": "GCP",
    "google cloud platform": "GCP",
}

_T_PROVIDER, _T_REGION = "__carbon_provider", "__carbon_region"
_T_UNIT, _T_INSTANCE = "__carbon_unit", "__carbon_instance"
_T_SERVICE = "__carbon_aws_service"
_DEC = "DECIMAL(38, 18)"
_AWS_TYPE = (
    r"([A-Za-z][A-Za-z0-9-]*\.[0-9]*"
    r"(?:xlarge|large|medium|small|micro|nano|metal|xlplus|xl))\b"
)
_USAGE = "coalesce(SkuMeter, ChargeDescription)"
_KEYS: tuple[tuple[str, str], ...] = (
    ("__k_provider", "ProviderName"),
    ("__k_unit", "ConsumedUnit"),
    ("ServiceName", "ServiceName"),
    ("__c_usage", _USAGE),
    ("SkuPriceDetails", "SkuPriceDetails"),
    ("RegionId", "RegionId"),
)
"""(name in the lookup, SQL over a canonical line): what a usage line's estimate depends on,
besides its quantity and (for GB-months) the days of its month."""
_MEMO_OUT = ("__c_kit", "__c_pue", "__c_days", "__c_kemb", "__c_grid")
"""The lookup's columns each line gets (``per_unit``; the statement drops them again)."""


def candidate(alias: str = "") -> str:
    """A line the enricher estimates: usage with a quantity, no figures of the provider's
    own; ``alias`` qualifies the columns."""
    a = f"{alias}." if alias else ""
    return (
        f"{a}ChargeCategory = 'Usage' AND {a}x_CarbonSource IS NULL "
        f"AND {a}ConsumedQuantity IS NOT NULL"
    )


def _distinct(rows: str) -> str:
    """The distinct descriptions (``_KEYS``) of the candidate lines of ``rows`` (a relation
    name or a SELECT)."""
    source = rows if rows.isidentifier() else f"({rows}) AS __c_sample"
    keys = ", ".join(f"{sql} AS {name}" for name, sql in _KEYS)
    return f"SELECT DISTINCT {keys} FROM {source} WHERE {candidate()}"


def memo_on(m: str) -> str:
    """The join of a line (aliased ``b``) to its description in the lookup aliased ``m``.
    Lines that are no candidates get a NULL provider key, which matches nothing."""
    return " AND ".join(
        [f"{m}.__k_provider = CASE WHEN {candidate('b')} THEN b.ProviderName END"]
        + [f"{m}.{name} IS NOT DISTINCT FROM {_on_b(sql)}" for name, sql in _KEYS[1:]]
    )


def per_unit() -> str:
    """A usage's figures per unit of ``ConsumedQuantity``, as a select list over its
    ``shape`` columns (``CarbonEnricher.shape``): ``__c_kit``, kWh of IT energy before PUE
    (per day of the charge's month where ``__c_days``: storage billed in GB-months);
    ``__c_kemb``, embodied kg (0 for usage other than compute). NULL where the usage cannot
    be estimated. The lookup computes them once per description, ``per_line`` once per
    line, with this same SQL: the same doubles either way (``estimated``)."""
    it = (
        "CASE __c_form WHEN 'a' THEN __c_factor * __c_a "
        "WHEN 'ab' THEN __c_factor * __c_a * __c_b WHEN 'tb' THEN (CASE __c_dim "
        "WHEN 'gb_months' THEN __c_factor * 24 / 1000 ELSE __c_factor / __c_gb_per_tb END) "
        "* __c_a * __c_b END"
    )
    return (
        f"CASE WHEN __c_kind IS NOT NULL THEN {it} END AS __c_kit, "
        "__c_kind IN ('ssd', 'hdd') AND __c_dim = 'gb_months' AS __c_days, "
        "CASE WHEN __c_kind IS NULL THEN NULL WHEN __c_kind <> 'compute' THEN 0 "
        "ELSE __c_factor * __c_emb_rate END AS __c_kemb"
    )


def estimated(rows: str, q: str, p: str = "__c_") -> str:
    """``rows`` with each line's estimates as ``__c_energy_d``, ``__c_embodied_d`` and
    ``__c_carbon_d`` (``filled_sql``), from its quantity ``q`` (a DOUBLE column), the
    ``per_unit`` columns and the region's PUE and grid factor (``_MEMO_OUT``, prefix
    ``p``): a few multiplications a line (0015). The one ending of both the lookup
    statement and the per-line one."""
    ke = f"({p}kit * {p}pue)"
    energy = (
        f"CASE WHEN {p}days THEN {q} * {ke} * day(last_day(ChargePeriodStart)) ELSE {q} * {ke} END"
    )
    embodied = f"{q} * {p}kemb"
    carbon = f"({energy}) * {p}grid + {embodied}"
    return (
        f"SELECT *, {_exact(energy)} AS __c_energy_d, {_exact(embodied)} AS __c_embodied_d, "
        f"{_exact(carbon)} AS __c_carbon_d FROM ({rows}) AS __c_e"
    )


def _on_b(sql: str) -> str:
    """A key's SQL over the line items aliased ``b``."""
    return "coalesce(b.SkuMeter, b.ChargeDescription)" if sql == _USAGE else f"b.{sql}"


ARM_PROCESSORS = {"AWS": ("AWS Graviton2",)}
"""The Arm coefficient per provider: CCF publishes Graviton (1) and Graviton2 figures for
AWS only, and lists no Graviton 3/4; Graviton2 is the closest. Providers without one keep
their average for Arm rows (see docs/carbon.md, Limits)."""


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _word(token: str) -> str:
    return r"\b" + token + r"\b"


def _region_key(sql: str) -> str:
    return f"lower(replace({sql}, ' ', ''))"


def _param(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True, slots=True)
class Table:
    """A small lookup table, created on the ingest connection from Python lists."""

    columns: dict[str, str]
    rows: list[tuple[object, ...]]

    def create(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        # One list parameter per column, unnested side by side: no SQL text per row.
        cols = ", ".join(
            f"unnest(${i + 1}::{t}[]) AS {c}" for i, (c, t) in enumerate(self.columns.items())
        )
        params = [[_param(row[i]) for row in self.rows] for i in range(len(self.columns))]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {cols}", params)


def filled_sql(estimated: str, helpers: Sequence[str], pending: str | None = None) -> str:
    """The carbon columns from ``estimated``'s ``__c_energy_d``, ``__c_carbon_d`` and
    ``__c_embodied_d``, where the line has no reported figures (``x_CarbonSource`` set by the
    adapter) and both estimates exist; the ``helpers`` columns dropped. The one ending of
    both the lookup statement and the per-line one (``per_line``)."""
    ok = "__c_energy_d IS NOT NULL AND __c_carbon_d IS NOT NULL"
    return (
        f"SELECT * EXCLUDE ({', '.join(helpers)}) REPLACE ("
        "CASE WHEN x_CarbonSource IS NOT NULL THEN x_EnergyKwh "
        f"WHEN {ok} THEN __c_energy_d END AS x_EnergyKwh, "
        "CASE WHEN x_CarbonSource IS NOT NULL THEN x_CarbonKgCO2e "
        f"WHEN {ok} THEN __c_carbon_d END AS x_CarbonKgCO2e, "
        "CASE WHEN x_CarbonSource IS NOT NULL THEN x_EmbodiedKgCO2e "
        f"WHEN {ok} THEN __c_embodied_d END AS x_EmbodiedKgCO2e, "
        "CASE WHEN x_CarbonSource IS NOT NULL THEN x_CarbonSource "
        + (f"WHEN {pending} THEN {PENDING} " if pending else "")
        + f"WHEN {ok} THEN {lit(ESTIMATE)} END AS x_CarbonSource"
        f") FROM ({estimated}) AS __c_out"
    )


def _exact(double_sql: str) -> str:
    """A DOUBLE estimate as a decimal rounded to 12 places (nanograms, nano-kWh): the
    coefficients have at most ten significant digits, so the digits past that are float
    noise, not information."""
    return f"CAST(TRY_CAST({double_sql} AS DECIMAL(38, 12)) AS {_DEC})"


def _from_lookup(lines: str, quantity: str | None, lookup: str, on: str, miss: str = "") -> str:
    """``lines`` (a relation) joined to a lookup of descriptions (``lookup``, aliased ``m``,
    ``on`` the join's condition; ``b`` the line) for its per-unit figures, then its
    estimates (``estimated``) and carbon columns (``filled_sql``). The quantity becomes a
    DOUBLE below the join unless ``quantity`` names one: above it, each estimate would cast
    the decimal again (0.4 µs a value; ``quantity_double``). With ``miss`` (SQL over ``b``
    and ``m``), a line it holds true for is marked ``PENDING``."""
    q = quantity
    if q is None:
        q, lines = "__c_qd", f"(SELECT *, CAST(ConsumedQuantity AS DOUBLE) AS __c_qd FROM {lines})"
    coeffs = ", ".join(f"m.{c}" for c in _MEMO_OUT)
    flag = f", {miss} AS __c_miss" if miss else ""
    joined = f"SELECT b.*, {coeffs}{flag} FROM {lines} AS b LEFT JOIN {lookup} AS m ON {on}"
    helpers = [*_MEMO_OUT, "__c_energy_d", "__c_embodied_d", "__c_carbon_d", q]
    if miss:
        helpers.append("__c_miss")
    return filled_sql(estimated(joined, q), helpers, pending="__c_miss" if miss else None)


class CarbonEnricher:
    """Implements ``costlake.ingest.pipeline.Enricher`` for carbon."""

    name = "carbon"
    columns: tuple[str, ...] = (
        "x_EnergyKwh",
        "x_CarbonKgCO2e",
        "x_EmbodiedKgCO2e",
        "x_CarbonSource",
    )
    sample_columns: tuple[str, ...] = (
        "ProviderName",
        "ConsumedUnit",
        "ServiceName",
        "SkuMeter",
        "ChargeDescription",
        "SkuPriceDetails",
        "RegionId",
        "ChargeCategory",
        "x_CarbonSource",
        "ConsumedQuantity",
    )
    """What ``_distinct`` reads: the lookup's keys (``_KEYS``) and ``candidate``'s columns."""

    def __init__(self, coefficients: Coefficients | None = None) -> None:
        self.c = coefficients or load()
        self.classify = Classifier(self.c)
        self._tables: dict[str, Table] | None = None

    # -- lookup tables -----------------------------------------------------------------------

    def tables(self) -> dict[str, Table]:
        """The lookup tables ``prepare`` creates, by name (also handy for inspection)."""
        c = self.c
        provider = Table(
            {
                "name": "VARCHAR",
                "provider": "VARCHAR",
                "pue": "DOUBLE",
                "grid": "DOUBLE",
                "fallback_kw": "DOUBLE",
                "arm_kw": "DOUBLE",
                "memory_kwh": "DOUBLE",
                "ssd_kwh": "DOUBLE",
                "hdd_kwh": "DOUBLE",
                "network_kwh": "DOUBLE",
            },
            [
                (
                    name,
                    p,
                    k.pue,
                    k.grid_kg_per_kwh,
                    rates.average_watts(c, p, ()) / 1000,
                    rates.average_watts(c, p, ARM_PROCESSORS[p]) / 1000
                    if p in ARM_PROCESSORS
                    else None,
                    k.memory_kwh_per_gb_hour,
                    k.ssd_wh_per_tb_hour / 1000,
                    k.hdd_wh_per_tb_hour / 1000,
                    k.network_kwh_per_gb,
                )
                for name, p in PROVIDER_NAMES.items()
                for k in (c.providers[p],)
            ],
        )
        regions = {(r.provider, r.region.lower()): r for r in c.regions}
        by_name = {r.region: r for r in c.regions if r.provider == "Azure"}
        for alias, canonical in azure_region_aliases().items():
            found = by_name.get(canonical)
            key = ("Azure", alias.lower().replace(" ", ""))
            if found is not None and key not in regions:
                regions[key] = found
        region = Table(
            {"provider": "VARCHAR", "region": "VARCHAR", "pue": "DOUBLE", "grid": "DOUBLE"},
            [(p, key, r.pue, r.grid_kg_per_kwh) for (p, key), r in regions.items()],
        )
        unit = Table(
            {"unit": "VARCHAR", "dim": "VARCHAR", "factor": "DOUBLE", "gb_per_tb": "DOUBLE"},
            [
                (u, dim, factor, GB_PER_TB_OF_UNIT.get(u, GB_PER_TB))
                for u, (dim, factor) in UNITS.items()
            ],
        )
        instance = Table(
            {
                "provider": "VARCHAR",
                "key": "VARCHAR",
                "cpu_kw": "DOUBLE",
                "kwh_per_hour": "DOUBLE",
                "embodied_per_vcpu_hour": "DOUBLE",
                "embodied_per_hour": "DOUBLE",
            },
            [
                (
                    r.provider,
                    r.key,
                    r.cpu_kw_per_vcpu,
                    r.kwh_per_hour,
                    r.embodied_kg_per_vcpu_hour,
                    r.embodied_kg_per_hour,
                )
                for r in rates.all_instance_rates(c)
            ],
        )
        service = Table(
            {"name": "VARCHAR", "code": "VARCHAR", "ssd": "BOOLEAN"},
            [(n, code, ssd) for n, (code, ssd) in self.classify.aws_services().items()],
        )
        return {
            _T_PROVIDER: provider,
            _T_REGION: region,
            _T_UNIT: unit,
            _T_INSTANCE: instance,
            _T_SERVICE: service,
        }

    def prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        if self._tables is None:
            self._tables = self.tables()
        for name, table in self._tables.items():
            table.create(con, name)

    # -- the statement -----------------------------------------------------------------------

    def wrap(
        self,
        select_sql: str,
        *,
        rescan: bool = False,
        quantity: str | None = None,
        sample: str | None = None,
    ) -> str:
        """The SELECT with carbon filled in, as one streaming statement.

        Everything that depends only on a usage line's description (provider, unit, service, usage
        type, SKU details, region) is worked out once per distinct description, in a small
        lookup built by a second, narrow scan of the source: the classification (the regular
        expressions), the coefficients, and from them the estimates per unit of quantity
        (``per_unit``). Each line then makes one join to that lookup and a few
        multiplications (``estimated``); ``per_line`` works out the same per-unit figures
        with the same SQL, so the estimates are the same to the last bit. That needs ``rescan`` (a
        source cheap enough to read twice: Parquet); otherwise every line is
        classified on its own (``per_line``). ``quantity`` names a column of ``select_sql``
        holding ``ConsumedQuantity`` as a DOUBLE (cheaper than casting the decimal here); it
        is dropped from the result.

        With ``sample`` (the same SELECT over the first rows of a source read only once: CSV,
        JSON lines), the lookup is built from the sample's descriptions and every line joins
        it alone (``_sampled``); the lines whose description it lacks are marked, and
        ``finish`` classifies them on their own (``per_line``) in the files written: the same
        estimates, the regular expressions run once per description seen in the sample.
        """
        if not rescan:
            from costlake.carbon import per_line

            if sample is None:
                return per_line.statement(self, select_sql, quantity)
            return self._sampled(select_sql, sample, quantity)
        memo = self.memo_sql(_distinct("__c_rows"))
        return (
            f"WITH __c_rows AS NOT MATERIALIZED ({select_sql}), "
            f"__c_memo AS MATERIALIZED ({memo}) "
            + _from_lookup("__c_rows", quantity, "__c_memo", memo_on("m"))
        )

    def _sampled(self, select_sql: str, sample: str, quantity: str | None) -> str:
        """``wrap`` for a source read once: every line joins the lookup of its sample's
        descriptions (all of them, ``every``); a candidate line whose description the
        sample lacks gets ``PENDING`` and no figures, for ``finish`` to classify on its
        own after the write. The join's keys match NULLs, and a line's candidacy is a key
        of its own, so every line the sample saw finds its description."""
        memo = self.memo_sql(_distinct(sample), every=True)
        on = " AND ".join(
            [f"m.__c_in = ({candidate('b')})"]
            + [f"m.{name} IS NOT DISTINCT FROM {_on_b(sql)}" for name, sql in _KEYS]
        )
        return f"WITH __c_memo AS MATERIALIZED ({memo}) " + _from_lookup(
            f"({select_sql})",
            quantity,
            "(SELECT *, true AS __c_in FROM __c_memo)",
            on,
            miss=f"({candidate('b')}) AND m.__c_in IS NULL",
        )

    def finish(self, con: duckdb.DuckDBPyConnection, files: Sequence[str], options: str) -> None:
        """Classify, each on its own line (``per_line``), the lines ``wrap`` left
        ``PENDING`` in the Parquet ``files`` it wrote from a source read once: each file
        holding any is written again (``options`` are its COPY options). A file without
        one is only looked at through its statistics."""
        if not files:
            return
        from costlake.carbon import per_line

        listing = "[" + ", ".join(lit(f) for f in files) + "]"
        marked = con.execute(
            f"SELECT DISTINCT filename FROM read_parquet({listing}, filename = true, "
            "hive_partitioning = false) "
            f"WHERE x_CarbonSource = {PENDING} ORDER BY 1"
        ).fetchall()
        if not marked:
            return
        # Every file of one write has the same columns.
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({lit(marked[0][0])}, hive_partitioning = false)"
        ).fetchall()
        columns = ", ".join(ident(r[0]) for r in described)
        for (path,) in marked:
            lines = (
                f"SELECT * REPLACE (CASE WHEN x_CarbonSource = {PENDING} THEN NULL "
                f"ELSE x_CarbonSource END AS x_CarbonSource) "
                f"FROM {scan.scan([path])}"
            )
            again = per_line.statement(self, lines)
            tmp = f"{path}.carbon"
            con.execute(f"COPY (SELECT {columns} FROM ({again}) AS __a) TO {lit(tmp)} ({options})")
            os.replace(tmp, path)

    def memo_sql(self, distinct: str, *, every: bool = False) -> str:
        """Per distinct usage description (the rows of ``distinct``, keyed as ``_KEYS``
        names them): its kind and the coefficients its lines need (``_MEMO_OUT``).
        Descriptions of an unknown provider or unit are left out (kept, without
        coefficients, with ``every``); those of a kind CCF does not estimate are kept,
        without coefficients: either way their lines keep NULLs."""
        inner = "LEFT JOIN" if every else "JOIN"
        joined = (
            "SELECT d.*, p.provider AS __c_provider, p.pue AS __c_pue_avg, "
            "p.grid AS __c_grid_unknown, p.fallback_kw AS __c_fallback_kw, "
            "p.arm_kw AS __c_arm_kw, u.gb_per_tb AS __c_gb_per_tb, "
            "p.memory_kwh AS __c_memory_kwh, p.ssd_kwh AS __c_ssd_kwh, "
            "p.hdd_kwh AS __c_hdd_kwh, p.network_kwh AS __c_network_kwh, "
            "u.dim AS __c_dim, u.factor AS __c_factor, s.ssd AS __c_ssd_service, "
            "lower(d.ServiceName) AS __c_service, "
            "coalesce(s.code, lower(d.ServiceName)) AS __c_code "
            f"FROM ({distinct}) AS d "
            f"{inner} {_T_PROVIDER} AS p ON p.name = lower(d.__k_provider) "
            f"{inner} {_T_UNIT} AS u ON u.unit = lower(trim(d.__k_unit)) "
            f"LEFT JOIN {_T_SERVICE} AS s ON s.name = lower(d.ServiceName)"
        )
        kind = self.classify.kind(
            "__c_provider", "ServiceName", "__c_code", "__c_ssd_service", "__c_usage", "__c_dim"
        )
        time_dims = "('hours', 'vcpu_hours', 'seconds', 'gb_seconds')"
        vcpu = self.classify.vcpu_time("__c_provider", "__c_usage", "__c_dim")
        itype = self._instance_key("__c_provider", "__c_usage")
        arm = self.classify.arm("__c_provider", "__c_usage", itype)
        classified = (
            f"SELECT *, {kind} AS __c_kind, "
            f"CASE WHEN __c_dim IN {time_dims} THEN {vcpu} END AS __c_vcpu_time, "
            f"CASE WHEN __c_dim IN {time_dims} THEN {itype} END AS __c_itype, "
            f"CASE WHEN __c_dim IN {time_dims} THEN {arm} END AS __c_arm "
            f"FROM ({joined}) AS j"
        )
        located = (
            "SELECT k.*, i.cpu_kw AS __c_cpu_kw, i.kwh_per_hour AS __c_kwh_per_hour, "
            "i.embodied_per_vcpu_hour AS __c_emb_vcpu, i.embodied_per_hour AS __c_emb_hour, "
            "coalesce(r.pue, k.__c_pue_avg) AS __c_pue, "
            "coalesce(r.grid, k.__c_grid_unknown) AS __c_grid "
            f"FROM ({classified}) AS k LEFT JOIN {_T_INSTANCE} AS i "
            "ON i.provider = k.__c_provider AND i.key = k.__c_itype "
            f"LEFT JOIN {_T_REGION} AS r "
            f"ON r.provider = k.__c_provider AND r.region = {_region_key('k.RegionId')}"
        )
        keys = ", ".join(name for name, _ in _KEYS)
        shaped = (
            f"SELECT {keys}, __c_kind, __c_dim, __c_pue, __c_grid, {self.shape()} "
            f"FROM ({located}) AS l"
        )
        unit = f"SELECT {keys}, __c_pue, __c_grid, {per_unit()} FROM ({shaped}) AS s"
        return f"SELECT {keys}, {', '.join(_MEMO_OUT)} FROM ({unit}) AS u"

    def shape(self) -> str:
        """The form of a usage's IT energy and its coefficients, as a select list over its
        classified and located columns (per description in ``memo_sql``, per line in
        ``per_line``): IT energy before PUE is q * a (``__c_form`` 'a'), q * a * b ('ab'),
        or TB-hours * a * b ('tb'); compute by vCPU-time, by instance-hour, or vCPUs
        guessed from the type's name x watts; memory, network and GPU per unit; storage
        per TB-hour x replication. ``__c_factor`` and ``__c_gb_per_tb`` as DOUBLEs."""
        # Arm rows without a listed type (Lambda, Fargate, Graviton 3/4) get the provider's
        # Arm watts instead of its x86 average.
        fallback = (
            "CASE WHEN __c_arm THEN coalesce(__c_arm_kw, __c_fallback_kw) ELSE __c_fallback_kw END"
        )
        rf = self.classify.replication(
            "__c_provider", "__c_service", "__c_code", "__c_usage", self.c.replication
        )
        form = (
            "CASE WHEN __c_kind IN ('ssd', 'hdd') THEN 'tb' "
            "WHEN __c_kind = 'compute' AND NOT coalesce(__c_vcpu_time, false) "
            "AND __c_kwh_per_hour IS NULL THEN 'ab' ELSE 'a' END"
        )
        a = (
            f"CASE __c_kind WHEN 'compute' THEN CASE WHEN __c_vcpu_time THEN "
            f"coalesce(__c_cpu_kw, {fallback}) WHEN __c_kwh_per_hour IS NOT NULL THEN "
            f"__c_kwh_per_hour ELSE {self._vcpus_guess()} END "
            "WHEN 'memory' THEN __c_memory_kwh WHEN 'ssd' THEN __c_ssd_kwh "
            "WHEN 'hdd' THEN __c_hdd_kwh WHEN 'network' THEN __c_network_kwh "
            f"WHEN 'gpu' THEN {self._gpu_kw()} END"
        )
        b = f"CASE WHEN __c_kind IN ('ssd', 'hdd') THEN {rf} ELSE {fallback} END"
        emb_rate = (
            "CASE WHEN __c_vcpu_time THEN coalesce(__c_emb_vcpu, 0) "
            "ELSE coalesce(__c_emb_hour, 0) END"
        )
        return (
            "CAST(__c_factor AS DOUBLE) AS __c_factor, "
            "CAST(__c_gb_per_tb AS DOUBLE) AS __c_gb_per_tb, "
            f"{form} AS __c_form, CAST({a} AS DOUBLE) AS __c_a, "
            f"CAST({b} AS DOUBLE) AS __c_b, CAST({emb_rate} AS DOUBLE) AS __c_emb_rate"
        )

    @staticmethod
    def _instance_key(provider: str, usage: str = _USAGE) -> str:
        """The row's instance type, spelled as the lookup table's key for its provider."""
        given = (
            "coalesce(try(json_extract_string(SkuPriceDetails, '$.InstanceType')), "
            "try(json_extract_string(SkuPriceDetails, '$.instanceType')))"
        )
        # AWS: the JSON's type, else the type inside the usage type or description
        # ("USE1-BoxUsage:m5.xlarge", "InstanceUsage:db.r6g.large", "... Linux g5.4xlarge
        # Instance Hour"); RDS/ElastiCache prefixes are CCF's EC2 type of the same name.
        aws = (
            f"regexp_replace(regexp_replace(lower(coalesce({given}, "
            f"regexp_extract({usage}, {lit(_AWS_TYPE)}, 1))), "
            r"'^(db|cache|dax|dms|ml|mq|kafka)\.', ''), 'xl$', 'xlarge')"
        )
        azure = (
            f"trim(regexp_replace(regexp_replace(regexp_replace(lower("
            f"coalesce({given}, {usage})), '^(standard|basic)_', ''), '_', ' ', 'g'), "
            "'( low priority| spot| linux| windows)+$', ''))"
        )
        gcp = f"lower(coalesce({given}, split_part({usage}, ' ', 1)))"
        return (
            f"CASE {provider} WHEN 'AWS' THEN {aws} WHEN 'Azure' THEN {azure} "
            f"WHEN 'GCP' THEN {gcp} END"
        )

    @staticmethod
    def _vcpus_guess() -> str:
        """vCPUs of a type CCF does not list, read from its name (then the provider's
        average watts, no extra memory, no embodied): m7i.2xlarge = 8, D8s v6 = 8,
        n4-standard-16 = 16."""
        aws = (
            r"CASE WHEN regexp_matches(__c_itype, '\.\d*xlarge$') THEN 4 * coalesce("
            r"TRY_CAST(regexp_extract(__c_itype, '\.(\d+)xlarge$', 1) AS DOUBLE), 1) "
            r"WHEN ends_with(__c_itype, '.large') THEN 2 "
            r"WHEN ends_with(__c_itype, '.medium') THEN 1 END"
        )
        azure = r"TRY_CAST(regexp_extract(__c_itype, '^[a-z]+(\d+)', 1) AS DOUBLE)"
        gcp = (
            r"TRY_CAST(CASE WHEN contains(__c_itype, 'custom-') THEN "
            r"regexp_extract(__c_itype, 'custom-(\d+)', 1) "
            r"ELSE regexp_extract(__c_itype, '^[a-z0-9]+-[a-z0-9]+-(\d+)$', 1) END AS DOUBLE)"
        )
        return (
            f"CASE __c_provider WHEN 'AWS' THEN {aws} WHEN 'Azure' THEN {azure} "
            f"WHEN 'GCP' THEN {gcp} END"
        )

    def _gpu_kw(self) -> str:
        models = rates.gpu_models(self.c, "GCP")
        mean = rates.gpu_watts(self.c, "GCP", ()) / 1000
        whens = " ".join(
            f"WHEN regexp_matches(__c_usage, {lit(_word(m))}) THEN {_f(kw)}"
            for m, kw in sorted(models.items(), key=lambda x: -len(x[0]))
        )
        return f"CASE {whens} ELSE {_f(mean)} END"
