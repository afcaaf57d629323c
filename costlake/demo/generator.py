"""Demo FOCUS data: a realistic multi-cloud + SaaS bill of any size, streamed to Parquet.

Every row is a pure function of (seed, row number), never of the batch it is built in, so the
output is the same whatever ``batch_rows`` is, and memory stays bounded: a batch is a handful of
numpy vectors, written as one row group, then dropped. The rows come in three segments:

1. on-demand and spot usage, day by day, and within a day by *cell* (sub account, SKU, region).
   A cell runs resources ``0..n-1`` that persist from day to day: a pre-pass over resource numbers
   draws each one's cell and start day, so fleets grow smoothly and totals are exact;
2. usage covered by commitments (savings plans, reservations, CUDs): one fleet per commitment;
3. a few hundred bill-level rows (unused commitment, monthly commitment fees, taxes, credits,
   corrections) whose amounts come from totals accumulated while streaming 1 and 2.

Sorted rows make the dimension columns long runs, which Parquet stores almost for free. Money is
exact: unit prices are integers of 1e-10 USD, quantities integers of 1e-8 units, and a cost is
their 128-bit product, i.e. a DECIMAL(38, 18) assembled directly from its two 64-bit words.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from costlake.demo import catalog as cat
from costlake.focus.schema import FOCUS_SCHEMA, MONEY, TAGS
from costlake.kit import clock

ANOMALIES_KEY = b"costlake.demo.anomalies"
ROWS_PER_FILE = 5_000_000
SOURCE_ID = "demo"

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_GOLD = 0x9E3779B97F4A7C15
_EPOCH = date(1970, 1, 1)
_DAY_US = 86_400_000_000
_PRICE = 10**10  # unit prices and amounts: integers of 1e-10 USD
_QTY = 10**8  # quantities: integers of 1e-8 units
_ZONES = 3  # id-prefix variants per cell (zonal resource ids)
_APPS = max(len(a) for a in cat.PROFILE_APPS.values())
_TAG_HYGIENE = np.array([53740, 57016, 58655, 62587])  # cumulative thresholds out of 65536

# Line kinds and their columns: ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory,
# CommitmentDiscountStatus.
USAGE, SPOT, COMMITTED, UNUSED, PURCHASE, TAX, CREDIT, REFUND, ADJUSTMENT = range(9)
_LINES = (
    ("Usage", None, "Usage-Based", "Standard", None),
    ("Usage", None, "Usage-Based", "Dynamic", None),
    ("Usage", None, "Usage-Based", "Committed", "Used"),
    ("Usage", None, "Usage-Based", "Committed", "Unused"),
    ("Purchase", None, "Recurring", "Standard", None),
    ("Tax", None, "Recurring", None, None),
    ("Credit", None, "One-Time", None, None),
    ("Credit", "Correction", "One-Time", None, None),
    ("Adjustment", "Correction", "One-Time", None, None),
)
_CREDIT_LINES = {"credit": CREDIT, "refund": REFUND, "adjustment": ADJUSTMENT}


@dataclass(frozen=True)
class DemoAnomaly:
    """An injected, labelled anomaly: one sub account and service over [start, end)."""

    kind: str  # "spike" | "drop" | "new_service"
    start: date
    end: date
    provider: str
    sub_account_id: str
    service_name: str
    factor: float
    description: str


@dataclass(frozen=True)
class DemoSummary:
    rows: int
    start: date
    end: date
    files: tuple[Path, ...]
    anomalies: tuple[DemoAnomaly, ...]
    seconds: float


def anomalies_path(out: Path) -> Path:
    """Where :func:`generate` writes the anomaly labels for ``out``."""
    out = Path(out)
    return Path(f"{out}.anomalies.json") if out.suffix == ".parquet" else out / "anomalies.json"


def generate(
    out: Path,
    *,
    rows: int,
    days: int = 90,
    seed: int = 42,
    end: date | None = None,
    now: datetime | None = None,
    batch_rows: int = 250_000,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Write exactly ``rows`` FOCUS rows covering ``[end - days, end)`` to ``out``.

    ``out`` is a directory (``part-NNNNN.parquet`` files of up to 5 M rows; stale parts of an
    earlier run are removed) or, when it ends in ``.parquet``, a single file. The anomaly labels
    are stored in each file's key-value metadata (``costlake.demo.anomalies``) and in
    :func:`anomalies_path`. ``progress`` gets the number of rows written after each batch.
    """
    started = time.perf_counter()
    if days < 1 or batch_rows < 1:
        raise ValueError("days and batch_rows must be positive")
    end = end or clock.today()
    if now is None:
        now = clock.utcnow()
    elif now.tzinfo:
        now = now.astimezone(UTC).replace(tzinfo=None)
    plan = _Plan(rows, days, seed, end)
    files = _write(Path(out), plan, _Builder(plan, now), batch_rows, progress)
    return DemoSummary(rows, plan.start, end, files, plan.anomalies, time.perf_counter() - started)


# --- counter-based randomness and exact decimals ---------------------------------------------


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, vectorised: a well-mixed 64-bit hash of each element."""
    z = x + _U64(_GOLD)
    z = (z ^ (z >> 30)) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> 27)) * _U64(0x94D049BB133111EB)
    return z ^ (z >> 31)


def _mix_int(x: int) -> int:
    z = (x + _GOLD) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _uniform(h: np.ndarray) -> np.ndarray:
    return (h >> 11).astype(np.float64) * (1.0 / (1 << 53))


def _bits(h: np.ndarray, shift: int, width: int) -> np.ndarray:
    return ((h >> shift) & _U64((1 << width) - 1)).astype(np.int64)


def _decimal(a: np.ndarray | int, b: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """``a * b`` as DECIMAL(38, 18), ``a`` in 1e-10 and ``b`` in 1e-8 units, signed.

    The 128-bit product is computed from 32-bit halves, in cache-sized chunks, straight into
    the little-endian two-word layout Arrow uses for decimal128.
    """
    n, m, step = len(b), _U64(0xFFFFFFFF), 16384
    a = np.broadcast_to(np.asarray(a, np.int64), (n,))
    words = np.empty((n, 2), _U64)
    for s in range(0, n, step):
        x, y = a[s : s + step], b[s : s + step]
        ux, uy = np.abs(x).view(_U64), np.abs(y).view(_U64)
        x0, x1, y0, y1 = ux & m, ux >> 32, uy & m, uy >> 32
        p00, p01, p10, p11 = x0 * y0, x0 * y1, x1 * y0, x1 * y1
        mid = p00 >> 32
        mid += p01 & m
        mid += p10 & m
        lo = (p00 & m) | (mid << 32)
        hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
        negative = (x < 0) ^ (y < 0)
        if negative.any():  # two's complement of the 128-bit magnitude
            nlo = ~lo + _U64(1)
            hi = np.where(negative, ~hi + (nlo == 0).astype(_U64), hi)
            lo = np.where(negative, nlo, lo)
        words[s : s + step, 0], words[s : s + step, 1] = lo, hi
    validity = None
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(MONEY, n, [validity, pa.py_buffer(words)])


def _price_int(text: str, permille: int = 1000) -> int:
    return int(Decimal(text) * _PRICE) * permille // 1000


def _growth(days: int, monthly: float, cap: float) -> np.ndarray:
    """Compound growth of ``monthly`` per 30 days, at most ``cap`` over the whole window (so a
    ten-year demo does not grow AI usage a million-fold)."""
    total = min(monthly ** (days / 30), cap)
    return total ** (np.arange(days) / days)


# --- the plan: calendar, cells, commitments, bill-level rows, layout -------------------------


@dataclass(frozen=True, slots=True)
class _Fleet:
    spec: cat.Commitment
    cells: np.ndarray  # cell of each covered resource
    rates: np.ndarray  # amortised price per hour, 1e-10 USD
    active: np.ndarray  # covered resources running each day (a prefix of the fleet)
    used: np.ndarray  # amortised commitment used each day, 1e-10 USD
    daily: int  # amortised commitment per day, 1e-10 USD
    reserved: int  # reservations bought (usage commitments)


class _Plan:
    """Everything decided before the first row, as a pure function of (rows, days, seed, end)."""

    def __init__(self, rows: int, days: int, seed: int, end: date) -> None:
        self.rows, self.days, self.end = rows, days, end
        self.start = end - timedelta(days=days)
        self.key = _mix_int(seed & _MASK64)
        self._calendar()
        self._cells()
        self.anomalies, self._anomaly_cells = self._anomaly_labels()
        self.fleets = [
            self._fleet(j, c, max(1.0, rows / days)) for j, c in enumerate(cat.COMMITMENTS)
        ]
        self.committed = int(sum(f.active.sum() for f in self.fleets))
        self.special = _Special(self)
        self.general = rows - self.committed - self.special.count
        if self.general < days:
            need = rows - self.general + days
            raise ValueError(f"rows={rows} is too small for {days} days (need at least {need})")
        self._layout()

    def segments(self) -> tuple[int, int]:
        """First row of the committed segment and of the bill-level segment."""
        return self.general, self.general + self.committed

    def _calendar(self) -> None:
        d = np.arange(self.days)
        self.epoch = (self.start - _EPOCH).days
        self.weekend = ((self.start.weekday() + d) % 7) >= 5
        self.months: list[date] = []
        first = self.start.replace(day=1)
        while first < self.end:
            self.months.append(first)
            first = (first + timedelta(days=32)).replace(day=1)
        self.month_epoch = np.array([(m - _EPOCH).days for m in [*self.months, first]], np.int64)
        rel = self.month_epoch - self.epoch
        self.month_of_day = (np.searchsorted(rel, d, side="right") - 1).astype(np.int64)
        self.month_clip = [
            (max(0, int(rel[m])), min(self.days, int(rel[m + 1]))) for m in range(len(self.months))
        ]
        length = np.diff(self.month_epoch)[self.month_of_day]
        self.days_in_month = length.astype(np.float64)
        self.month_end = d - rel[self.month_of_day] >= length - 2  # the last two days

    def _cells(self) -> None:
        """Cells (sub account, SKU, region), weighted by sub size, SKU weight and affinity."""
        self.sku_index = {s.key: i for i, s in enumerate(cat.SKUS)}
        self.region_ids = list(cat.REGIONS)
        accounts = {b.id: b for b in cat.BILLING_ACCOUNTS}
        total = sum(s.weight for s in cat.SUB_ACCOUNTS)
        cells: list[tuple[int, int, int, float, int, int]] = []
        for si, s in enumerate(cat.SUB_ACCOUNTS):
            account = accounts[s.billing_account]
            skus = [
                (k, x)
                for k, x in enumerate(cat.SKUS)
                if x.provider == account.provider
                and x.weight > 0
                and (not x.only or s.profile in x.only)
            ]
            w = np.array(
                [x.weight * cat.AFFINITY.get(s.profile, {}).get(x.category, 1.0) for _, x in skus]
            )
            for (k, x), wk in zip(skus, w / w.sum() * s.weight / total, strict=True):
                for rid, rw in s.regions if x.regional and s.regions else ((None, 1.0),):
                    price = _price_int(
                        x.list_price, cat.REGIONS[rid].price_permille if rid else 1000
                    )
                    cells.append(
                        (
                            k,
                            si,
                            self.region_ids.index(rid) if rid else -1,
                            wk * rw,
                            price,
                            price * (1000 - account.discount_permille) // 1000,
                        )
                    )
        sku, sub, region, weight, lp, cp = zip(*cells, strict=True)
        self.cell_sku, self.cell_sub = np.array(sku, np.int64), np.array(sub, np.int64)
        self.cell_region = np.array(region, np.int64)
        self.cell_weight = np.array(weight) / sum(weight)
        self.cell_lp, self.cell_cp = np.array(lp, np.int64), np.array(cp, np.int64)
        self.cell_spot = self.cell_lp * 300 // 1000  # spot: ~70% off list
        self.cell_key = _mix(np.arange(len(cells), dtype=_U64) * _U64(_GOLD) ^ _U64(self.key))

    def _anomaly_labels(self) -> tuple[tuple[DemoAnomaly, ...], list[np.ndarray]]:
        if self.days < 2:
            return (), []
        labels, cells = [], []
        subs = [s.id for s in cat.SUB_ACCOUNTS]
        services = np.array([cat.SKUS[k].service for k in self.cell_sku])
        for a in cat.ANOMALIES:
            start = min(max(1, round(a.start * self.days)), self.days - 1)
            stop = self.days if a.days == 0 else min(self.days, start + a.days)
            match = (self.cell_sub == subs.index(a.sub_account_id)) & (services == a.service_name)
            cells.append(np.flatnonzero(match))
            labels.append(
                DemoAnomaly(
                    a.kind,
                    self.start + timedelta(days=start),
                    self.start + timedelta(days=stop),
                    a.provider,
                    a.sub_account_id,
                    a.service_name,
                    a.factor,
                    a.description,
                )
            )
        return tuple(labels), cells

    def _fleet(self, j: int, spec: cat.Commitment, per_day: float) -> _Fleet:
        """The resources a commitment covers, and how much of it they use each day."""
        subs = [i for i, s in enumerate(cat.SUB_ACCOUNTS) if s.id in spec.subs]
        ok = np.isin(self.cell_sku, [self.sku_index[k] for k in spec.skus]) & np.isin(
            self.cell_sub, subs
        )
        if spec.region:
            ok &= self.cell_region == self.region_ids.index(spec.region)
        eligible = np.flatnonzero(ok)
        size = max(1, round(spec.share * per_day))
        cdf = np.cumsum(self.cell_weight[eligible])
        u = _uniform(_mix(np.arange(size, dtype=_U64) ^ _U64(_mix_int(self.key ^ (j + 1)))))
        cells = eligible[np.minimum(np.searchsorted(cdf / cdf[-1], u), len(eligible) - 1)]
        rates = self.cell_cp[cells] * (1000 - spec.discount_permille) // 1000
        if spec.category == "Spend":
            # An autoscaled fleet, smaller at weekends; the hourly commitment is sized so the
            # busiest day uses 97% of it.
            active = np.where(self.weekend, size - size * 12 // 100, size).astype(np.int64)
            used = 24 * np.concatenate([[0], np.cumsum(rates)])[active]
            hourly = -(-int(used.max()) * 100 // (24 * 97 * 10**6)) * 10**6
            return _Fleet(spec, cells, rates, active, used, 24 * hourly, 0)
        # Reservations: a steady fleet of one instance type; one reservation in ten sits idle.
        active = np.full(self.days, size, np.int64)
        reserved = size + max(1, size // 10)
        used = np.full(self.days, 24 * size * int(rates[0]), np.int64)
        return _Fleet(spec, cells, rates, active, used, 24 * reserved * int(rates[0]), reserved)

    def _layout(self) -> None:
        """How many resources each cell runs each day, and where each (day, cell) block starts.

        Resource j (0, 1, 2, ...) gets a random cell; day d runs resources j < active[d], a
        non-decreasing count summing to the segment's rows, so a cell's resources persist.
        """
        days, cells = self.days, len(self.cell_sku)
        growth = _growth(days, 1.02, 2.0)  # +2% resources a month
        active = np.floor(self.general / growth.sum() * growth).astype(np.int64)
        short = self.general - int(active.sum())
        if short:
            active[days - short :] += 1
        first = np.zeros(cells * days, np.int64)
        cdf = np.cumsum(self.cell_weight)
        salt = _U64(_mix_int(self.key ^ 0xCE11))
        for lo in range(0, int(active[-1]), 1 << 20):
            j = np.arange(lo, min(int(active[-1]), lo + (1 << 20)), dtype=np.int64)
            cell = np.minimum(
                np.searchsorted(cdf / cdf[-1], _uniform(_mix(j.view(_U64) ^ salt))), cells - 1
            )
            first += np.bincount(
                cell * days + np.searchsorted(active, j, side="right"), minlength=cells * days
            )
        count = first.reshape(cells, days).cumsum(axis=1)
        factor = np.ones((len(self.anomalies) + 1, days))
        self.cell_anomaly = np.zeros(cells, np.int64)
        for a, (label, group) in enumerate(zip(self.anomalies, self._anomaly_cells, strict=True)):
            begin, stop = (label.start - self.start).days, (label.end - self.start).days
            self.cell_anomaly[group] = a + 1
            factor[a + 1, begin:stop] = label.factor
            if label.kind == "new_service" and len(group):
                # Before it starts, the new service's resources run the sub's biggest SKU.
                peers = np.setdiff1d(
                    np.flatnonzero(self.cell_sub == self.cell_sub[group[0]]), group
                )
                fallback = peers[np.argmax(self.cell_weight[peers])]
                count[fallback, :begin] += count[group, :begin].sum(axis=0)
                count[group, :begin] = 0
        self.anomaly_factor = factor
        self.general_starts = np.concatenate([[0], np.cumsum(count.T.ravel())[:-1]])
        fleets = np.stack([f.active for f in self.fleets], axis=1).ravel()
        self.committed_starts = np.concatenate([[0], np.cumsum(fleets)[:-1]])
        self.fleet_offset = np.cumsum([0] + [len(f.cells) for f in self.fleets])[:-1]
        self.fleet_cells = np.concatenate([f.cells for f in self.fleets])
        self.fleet_rates = np.concatenate([f.rates for f in self.fleets])
        self.fleet_key = np.array(
            [_mix_int(self.key ^ (0xF1EE7 + j)) for j in range(len(self.fleets))], dtype=_U64
        )


class _Special:
    """The bill-level rows: unused commitment (per commitment-day), commitment fees and taxes
    (per month), credits and corrections. Amounts needing usage totals are filled in last."""

    def __init__(self, plan: _Plan) -> None:
        subs = {s.id: i for i, s in enumerate(cat.SUB_ACCOUNTS)}
        accounts = {b.id: b for b in cat.BILLING_ACCOUNTS}
        # (first day, end day, billing month, line, sub, sku, commitment, description, argument)
        rows: list[tuple] = []
        self.descriptions: list[str] = []
        for j, f in enumerate(plan.fleets):
            owner, sku = subs[f.spec.owner], plan.sku_index[f.spec.service_sku]
            unused = self._text(f"Unused {f.spec.type} commitment: {f.spec.name}")
            fee = self._text(f"{f.spec.name}: monthly recurring fee")
            rows += [
                (d, d + 1, int(plan.month_of_day[d]), UNUSED, owner, sku, j, unused, d)
                for d in range(plan.days)
            ]
            rows += [
                (a, b, m, PURCHASE, owner, sku, j, fee, b - a)
                for m, (a, b) in enumerate(plan.month_clip)
            ]
        for si, s in enumerate(cat.SUB_ACCOUNTS):
            account = accounts[s.billing_account]
            if account.tax_bp:
                text = self._text(f"Sales tax ({account.tax_bp / 100:g}%)")
                tax = plan.sku_index[f"tax-{account.provider}"]
                rows += [
                    (a, b, m, TAX, si, tax, -1, text, (m, account.tax_bp))
                    for m, (a, b) in enumerate(plan.month_clip)
                ]
        for c in cat.CREDITS:
            line, text = _CREDIT_LINES[c.line], self._text(c.description)
            for m, (a, b) in enumerate(plan.month_clip):
                base = m
                if line != CREDIT:  # a correction fixes last month's charges, billed this month
                    if m == 0:
                        continue
                    base = m - 1
                    a, b = plan.month_clip[base]
                rows.append(
                    (
                        a,
                        b,
                        m,
                        line,
                        subs[c.sub],
                        plan.sku_index[c.sku],
                        -1,
                        text,
                        (base, c.permille),
                    )
                )
        self.rows = sorted(rows, key=lambda r: (r[0], r[3], r[4], r[6]))
        self.count = len(self.rows)

    def _text(self, text: str) -> int:
        """The description's key: it follows the three per-SKU usage descriptions."""
        self.descriptions.append(text)
        return 3 * len(cat.SKUS) + len(self.descriptions) - 1


# --- rows: frames of per-row keys ------------------------------------------------------------


@dataclass(slots=True)
class _Frame:
    """A row range as integer keys into the vocabularies, plus integer money and quantities."""

    line: np.ndarray
    cell: np.ndarray  # -1 on bill-level rows
    sku: np.ndarray
    sub: np.ndarray
    region: np.ndarray
    day0: np.ndarray
    day1: np.ndarray
    month: np.ndarray
    commit: np.ndarray
    desc: np.ndarray
    lp: np.ndarray  # list, contracted, effective, billed: prices (or amounts), 1e-10 USD
    cp: np.ndarray
    ep: np.ndarray
    bp: np.ndarray
    pq: np.ndarray  # pricing and consumed quantities, 1e-8 units
    cq: np.ndarray
    qa: np.ndarray  # CommitmentDiscountQuantity = qa (1e-10) * qb (1e-8)
    qb: np.ndarray
    resource: np.ndarray | None = None  # resource hash (usage rows only, like the fields below)
    zone: np.ndarray | None = None
    app: np.ndarray | None = None  # app slot: (sub account, app)
    tagset: np.ndarray | None = None
    prefix: np.ndarray | None = None  # resource id prefix: (cell, zone slot, app)


def _slice(f: _Frame, lo: int, hi: int) -> _Frame:
    return _Frame(*(None if (v := getattr(f, x.name)) is None else v[lo:hi] for x in fields(f)))


class _Rows:
    """Builds the frame of any row range lying within one segment."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        skus, profiles = cat.SKUS, [s.profile for s in cat.SUB_ACCOUNTS]
        self.sku_pattern = np.array([cat.PATTERNS.index(s.pattern) for s in skus])
        self.sku_qty = np.array([s.quantity for s in skus])
        self.sku_spread = np.array([s.spread for s in skus]) * 0.6  # logistic ~ normal
        self.sku_block = np.array([s.block for s in skus], np.int64)
        self.sku_integer = np.array([s.integer for s in skus])
        self.sku_zonal = np.array([s.zonal for s in skus])
        self.sku_spot = np.array([s.spot for s in skus])
        self.sku_zone_prefix = np.array(["{zone}" in cat.KINDS[s.resource].prefix for s in skus])
        self.sub_nonprod = np.array([p in cat.NON_PROD for p in profiles], np.int64)
        self.sub_spot = np.array([p in ("staging", "dev", "data", "ml") for p in profiles])
        self.sub_saas = np.array([p == "saas" for p in profiles])  # untagged vendors
        napps = [len(cat.PROFILE_APPS[p]) for p in profiles]
        self.sub_napps = np.array(napps, np.int64)
        self.sub_app0 = np.concatenate([[0], np.cumsum(napps)[:-1]]).astype(np.int64)
        zones = [len(cat.REGIONS[r].zones) for r in plan.region_ids]
        self.region_zones = np.array([*zones, 1], np.int64)  # index -1: no region
        self.zone0 = np.array([*np.cumsum([0, *zones[:-1]]), -1], np.int64)
        self.fleet_spend = np.array([f.spec.category == "Spend" for f in plan.fleets])
        self.factors = self._daily_factors()
        self.micro = np.zeros((len(cat.SUB_ACCOUNTS), len(plan.months)), np.int64)
        self.special: _Frame | None = None

    def _daily_factors(self) -> np.ndarray:
        """Seasonality x growth per (pattern, prod/non-prod, day)."""
        p, weekend, at = self.plan, self.plan.weekend, cat.PATTERNS.index
        f = np.ones((len(cat.PATTERNS), 2, p.days))
        storage = _growth(p.days, 1.035, 2.5)  # stored data only grows
        f[at(cat.STORAGE_MONTH)] = storage / p.days_in_month
        f[at(cat.STORAGE_HOUR)] = storage * 24
        f[at(cat.STEADY)] = 24.0
        traffic = _growth(p.days, 1.025, 2.0)
        f[at(cat.TRAFFIC), 0] = traffic * np.where(weekend, 0.78, 1.0)
        f[at(cat.TRAFFIC), 1] = traffic * np.where(weekend, 0.45, 1.0)
        f[at(cat.BATCH)] = (
            _growth(p.days, 1.03, 2.0) * np.where(weekend, 0.4, 1.0) * (1 + 0.3 * p.month_end)
        )
        ai = _growth(p.days, 1.12, 4.0)
        f[at(cat.AI), 0] = ai * np.where(weekend, 0.5, 1.0)
        f[at(cat.AI), 1] = ai * np.where(weekend, 0.2, 1.0)
        return f

    def frame(self, lo: int, hi: int) -> _Frame:
        general, special = self.plan.segments()
        if lo >= special:
            if self.special is None:
                self.special = self._special()
            return _slice(self.special, lo - special, hi - special)
        frame = (
            self._committed(lo - general, hi - general) if lo >= general else self._general(lo, hi)
        )
        self._accumulate(frame)
        return frame

    def _general(self, lo: int, hi: int) -> _Frame:
        """On-demand and spot usage: resource ``i`` of ``cell`` on ``day``."""
        p = self.plan
        r = np.arange(lo, hi, dtype=np.int64)
        k = np.searchsorted(p.general_starts, r, side="right") - 1
        day, cell = np.divmod(k, len(p.cell_sku))
        h = _mix(p.cell_key[cell] ^ ((r - p.general_starts[k]).view(_U64) * _U64(_GOLD)))
        sku, sub = p.cell_sku[cell], p.cell_sub[cell]
        pattern, nonprod = self.sku_pattern[sku], self.sub_nonprod[sub]
        # Resource size: log-logistic around the SKU's median; then today's seasonality.
        u = np.clip(_uniform(_mix(h ^ _U64(0x51E))), 1e-9, 1 - 1e-9)
        median = self.sku_qty[sku]
        size = np.clip(
            median * np.exp(self.sku_spread[sku] * np.log(u / (1 - u))), median / 40, median * 40
        )
        size = np.where(
            pattern == cat.PATTERNS.index(cat.STEADY), np.maximum(1, np.rint(size)), size
        )
        today = _uniform(_mix(h + (day.view(_U64) + _U64(1)) * _U64(0xD1B54A32D192ED03)))
        noise = np.where(pattern >= cat.PATTERNS.index(cat.TRAFFIC), 0.8 + 0.4 * today, 1.0)
        qty = size * self.factors[pattern, nonprod, day] * noise
        # Instances: prod runs around the clock (15% autoscaled), non-prod in office hours.
        autoscaled = _bits(h, 32, 8) < 38
        activity = np.where(
            nonprod,
            np.where(p.weekend[day], 0.03 + 0.2 * today, 0.55 + 0.45 * today),
            np.where(autoscaled, 0.35 + 0.65 * today, 1.0),
        )
        qty = np.where(pattern == 0, 24.0 * activity, qty)
        qty *= p.anomaly_factor[p.cell_anomaly[cell], day]
        block = self.sku_block[sku]
        pq = np.where(
            self.sku_integer[sku],
            np.maximum(1.0, np.rint(qty)).astype(np.int64) * (_QTY // block),
            np.rint(qty * _QTY / block).astype(np.int64),
        )
        spot = self.sku_spot[sku] & self.sub_spot[sub] & (_bits(h, 56, 8) < 64)
        ep = np.where(spot, p.cell_spot[cell], p.cell_cp[cell])
        f = _Frame(
            np.where(spot, SPOT, USAGE).astype(np.int64),
            cell,
            sku,
            sub,
            p.cell_region[cell],
            day,
            day + 1,
            p.month_of_day[day],
            np.full(len(r), -1, np.int64),
            sku * 3 + spot,
            p.cell_lp[cell],
            p.cell_cp[cell],
            ep,
            ep,
            pq,
            pq * block,
            ep,
            pq,
        )
        return self._attributes(f, h)

    def _committed(self, lo: int, hi: int) -> _Frame:
        """Usage covered by a commitment: billed 0, amortised at the commitment's rate."""
        p = self.plan
        r = np.arange(lo, hi, dtype=np.int64)
        k = np.searchsorted(p.committed_starts, r, side="right") - 1
        day, j = np.divmod(k, len(p.fleets))
        i = r - p.committed_starts[k]
        slot = p.fleet_offset[j] + i
        cell = p.fleet_cells[slot]
        h = _mix(p.fleet_key[j] ^ (i.view(_U64) * _U64(_GOLD)))
        sku, n = p.cell_sku[cell], len(r)
        pq = np.full(n, 24 * _QTY, np.int64)
        ep = p.fleet_rates[slot]
        f = _Frame(
            np.full(n, COMMITTED, np.int64),
            cell,
            sku,
            p.cell_sub[cell],
            p.cell_region[cell],
            day,
            day + 1,
            p.month_of_day[day],
            j,
            sku * 3 + 2,
            p.cell_lp[cell],
            p.cell_cp[cell],
            ep,
            np.zeros(n, np.int64),
            pq,
            pq,
            np.where(self.fleet_spend[j], ep, _PRICE),
            pq,
        )
        return self._attributes(f, h)

    def _attributes(self, f: _Frame, h: np.ndarray) -> _Frame:
        """Zone, app, tags and id prefix of each resource, all drawn from its hash."""
        place = _bits(h, 16, 8) % self.region_zones[f.region]
        f.zone = np.where(self.sku_zonal[f.sku] & (f.region >= 0), self.zone0[f.region] + place, -1)
        local = _bits(h, 24, 12) % self.sub_napps[f.sub]
        f.app = self.sub_app0[f.sub] + local
        f.prefix = (
            f.cell * _ZONES + np.where(self.sku_zone_prefix[f.sku], place, 0)
        ) * _APPS + local
        # Tag hygiene: 82% fully tagged, 5% without cost-center, 2.5% app only, 6% untagged,
        # 4.5% with a non-standard env value. SaaS line items carry no tags (Snowflake's do).
        hygiene = np.searchsorted(_TAG_HYGIENE, _bits(h, 40, 16), side="right")
        f.tagset = np.where((hygiene == 3) | self.sub_saas[f.sub], -1, f.app * 5 + hygiene)
        f.resource = h
        return f

    def _accumulate(self, f: _Frame) -> None:
        """Billed micro-dollars per (sub account, month): the base of taxes and credits.

        Rows are rounded one by one and the float sums stay below 2**53, so the totals are
        exact integers whatever the batching.
        """
        micro = np.rint(f.bp.astype(np.float64) * f.pq.astype(np.float64) / 1e12)
        key = f.sub * len(self.plan.months) + f.month
        self.micro += (
            np.bincount(key, micro, self.micro.size).astype(np.int64).reshape(self.micro.shape)
        )

    def _special(self) -> _Frame:
        p, spec = self.plan, self.plan.special
        base = self.micro.copy()
        for _, _, m, line, sub, _, j, _, days in spec.rows:
            if line == PURCHASE:  # commitment fees are taxed and credited too
                base[sub, m] += p.fleets[j].daily * days // 10**4
        values = np.zeros((spec.count, 18), np.int64)  # the required fields
        for n, (d0, d1, m, line, sub, sku, j, desc, arg) in enumerate(spec.rows):
            amount = effective = qa = qb = 0
            region = -1
            if line in (UNUSED, PURCHASE):
                f = p.fleets[j]
                spend = f.spec.category == "Spend"
                region = p.region_ids.index(f.spec.region) if f.spec.region else -1
                if line == UNUSED:
                    effective = f.daily - int(f.used[arg])
                    hours = 24 * (f.reserved - int(f.active[arg]))
                    qa, qb = (effective, _QTY) if spend else (_PRICE, hours * _QTY)
                else:
                    amount = f.daily * arg
                    qa, qb = (amount, _QTY) if spend else (_PRICE, 24 * f.reserved * arg * _QTY)
            else:
                month, rate = arg
                total = int(base[sub, month])
                cents = (
                    (total * rate + 5 * 10**7) // 10**8
                    if line == TAX
                    else (total * rate + 5 * 10**6) // 10**7
                )
                amount = effective = (-1 if line in (CREDIT, REFUND) else 1) * cents * 10**8
            values[n] = (
                line,
                -1,
                sku,
                sub,
                region,
                d0,
                d1,
                m,
                j,
                desc,
                amount,
                amount,
                effective,
                amount if line != UNUSED else 0,
                _QTY,
                0,
                qa,
                qb,
            )
        return _Frame(*(values[:, c].copy() for c in range(values.shape[1])))


# --- columns ---------------------------------------------------------------------------------


def _invoice_id(account: cat.BillingAccount, month: date) -> str:
    number = _mix_int(zlib.crc32(account.id.encode()) << 20 ^ month.year * 12 + month.month)
    return f"{cat.PROVIDERS[account.provider].invoice_prefix}{number % 10**10:010d}"


def _vocab(values: list[str | None]) -> tuple[pa.Array, np.ndarray]:
    """The distinct non-null values, and each key's index into them (-1 = null)."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    at = {v: i for i, v in enumerate(distinct)}
    return pa.array(distinct, pa.string()), np.array([at.get(v, -1) for v in values], np.int32)


_HEX = (
    np.array([[ord(a), ord(b)] for a in "0123456789abcdef" for b in "0123456789abcdef"], np.uint8)
    .view(np.uint16)
    .ravel()
)
_UPPER = np.frombuffer(bytes(range(256)).upper(), np.uint8)
_DICT_STRING = pa.dictionary(pa.int32(), pa.string())
_DICT_MONEY = pa.dictionary(pa.int32(), MONEY)
_UNIT_PRICES = ("ListUnitPrice", "ContractedUnitPrice")
_PLAIN = ("ResourceId", "ResourceName")  # nearly unique per row: built as plain strings


def _digits(h: np.ndarray) -> np.ndarray:
    """The 16 hex digits of each hash, as an (n, 16) byte matrix."""
    return _HEX[np.ascontiguousarray(h).view(np.uint8)].view(np.uint8).reshape(-1, 16)


def _tokens(digits: np.ndarray, width: int, valid: np.ndarray, upper: bool = False) -> pa.Array:
    """The first ``width`` digits of each row as strings, null where not ``valid``."""
    data = np.ascontiguousarray(digits[:, :width])
    if upper:
        rows = np.flatnonzero(valid)
        data[rows] = _UPPER[data[rows]]
    offsets = np.arange(0, width * len(data) + 1, width, dtype=np.int32)
    validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        len(data), pa.py_buffer(offsets), pa.py_buffer(data), validity
    )


def _indices(index: np.ndarray) -> pa.Array:
    null = index < 0
    if null.any():
        return pa.array(np.where(null, 0, index).astype(np.int32), mask=null)
    return pa.array(index.astype(np.int32, copy=False))


class _Builder:
    """Turns frames into Arrow tables: dictionary-encoded strings, exact decimals, timestamps.

    String columns are written as dictionaries over small vocabularies (keyed by sub account,
    SKU, line kind, ...), so Parquet gets its dictionary pages without hashing a single value.
    """

    def __init__(self, plan: _Plan, now: datetime) -> None:
        self.plan = plan
        delta = now - datetime(1970, 1, 1)
        self.now_us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        self.schema = pa.schema(
            [
                pa.field(f.name, _DICT_MONEY, f.nullable)
                if f.name in _UNIT_PRICES
                else pa.field(f.name, _DICT_STRING, f.nullable)
                if pa.types.is_string(f.type) and f.name not in _PLAIN
                else f
                for f in FOCUS_SCHEMA
            ]
        )
        self.groups: dict[str, tuple[list[tuple[str, pa.Array, bool]], np.ndarray]] = {}
        self._by_sub()
        self._by_sku()
        self._by_other()
        self._resources()
        self.unit_prices = (
            _decimal(plan.cell_lp, np.full(len(plan.cell_lp), _QTY)),
            _decimal(plan.cell_cp, np.full(len(plan.cell_cp), _QTY)),
        )
        self._nulls: dict[tuple[int, pa.DataType], pa.Array] = {}
        self._zero = np.zeros(0, np.int64)

    def _group(self, key: str, columns: dict[str, list[str | None]]) -> None:
        """Columns that are functions of one frame key: their vocabularies and one index
        table, so a batch needs a single gather per key."""
        vocabs = [(name, *_vocab(values)) for name, values in columns.items()]
        self.groups[key] = (
            [(name, vocab, bool((table < 0).any())) for name, vocab, table in vocabs],
            np.stack([table for _, _, table in vocabs]),
        )

    def _by_sub(self) -> None:
        accounts = {b.id: b for b in cat.BILLING_ACCOUNTS}
        subs = cat.SUB_ACCOUNTS
        ba = [accounts[s.billing_account] for s in subs]
        pv = [cat.PROVIDERS[b.provider] for b in ba]
        self._group(
            "sub",
            {
                "SubAccountId": [s.id for s in subs],
                "SubAccountName": [s.name for s in subs],
                "SubAccountType": [p.sub_account_type for p in pv],
                "BillingAccountId": [b.id for b in ba],
                "BillingAccountName": [b.name for b in ba],
                "BillingAccountType": [p.billing_account_type for p in pv],
                "ProviderName": [p.name for p in pv],
                "PublisherName": [p.publisher for p in pv],
                "ServiceProviderName": [p.name for p in pv],
                "InvoiceIssuerName": [p.invoice_issuer for p in pv],
                "HostProviderName": [
                    s.host_provider or (None if s.profile == "saas" else p.name)
                    for s, p in zip(subs, pv, strict=True)
                ],
            },
        )
        self.sub_account = np.array([cat.BILLING_ACCOUNTS.index(b) for b in ba], np.int64)
        self._group(
            "invoice",
            {
                "InvoiceId": [
                    _invoice_id(b, m) for b in cat.BILLING_ACCOUNTS for m in self.plan.months
                ]
            },
        )

    def _by_sku(self) -> None:
        skus = cat.SKUS
        self._group(
            "sku",
            {
                "ServiceName": [s.service for s in skus],
                "ServiceCategory": [s.category for s in skus],
                "ServiceSubcategory": [s.subcategory for s in skus],
            },
        )
        self._group(
            "usage_sku",
            {
                "SkuId": [s.sku_id or None for s in skus],
                "SkuMeter": [s.meter or None for s in skus],
                "SkuPriceDetails": [s.details for s in skus],
                "PricingUnit": [s.pricing_unit or None for s in skus],
                "ConsumedUnit": [s.consumed_unit or None for s in skus],
                "ResourceType": [cat.KINDS[s.resource].type for s in skus],
            },
        )
        self._group(
            "usage_desc",
            {
                "SkuPriceId": [
                    f"{s.sku_id}.{offer}" if s.sku_id else None
                    for s in skus
                    for offer in ("JRTCKXETXF", "SPOT", "COMMITTED")
                ]
            },
        )
        self._group(
            "desc",
            {
                "ChargeDescription": [
                    text
                    for s in skus
                    for text in (
                        s.description,
                        f"Spot {s.description.removeprefix('On Demand ')}",
                        f"{s.description.removeprefix('On Demand ')}, covered by a commitment",
                    )
                ]
                + self.plan.special.descriptions
            },
        )

    def _by_other(self) -> None:
        names = (
            "ChargeCategory",
            "ChargeClass",
            "ChargeFrequency",
            "PricingCategory",
            "CommitmentDiscountStatus",
        )
        self._group("line", {n: [line[c] for line in _LINES] for c, n in enumerate(names)})
        cs = cat.COMMITMENTS
        self._group(
            "commit",
            {
                "CommitmentDiscountId": [c.id for c in cs],
                "CommitmentDiscountName": [c.name for c in cs],
                "CommitmentDiscountCategory": [c.category for c in cs],
                "CommitmentDiscountType": [c.type for c in cs],
                "CommitmentDiscountUnit": [c.unit for c in cs],
            },
        )
        self._group(
            "commit_resource",
            {
                "ResourceId": [c.id for c in cs],
                "ResourceName": [c.name for c in cs],
                "ResourceType": [c.resource_type for c in cs],
            },
        )
        regions = [cat.REGIONS[r] for r in self.plan.region_ids]
        self._group(
            "region", {"RegionId": [r.id for r in regions], "RegionName": [r.name for r in regions]}
        )
        self._group("zone", {"AvailabilityZone": [z for r in regions for z in r.zones]})
        self._group(
            "const",
            {"BillingCurrency": ["USD"], "x_SourceId": [SOURCE_ID], "x_SourceFormat": ["focus"]},
        )

    def _resources(self) -> None:
        """Id prefixes per (cell, zone slot, app); name stems per (kind, app slot); tag sets
        per (app slot, hygiene)."""
        p = self.plan
        kinds = list(cat.KINDS.values())
        self.sku_kind = np.array([list(cat.KINDS).index(s.resource) for s in cat.SKUS])
        self.id_width = np.array(
            [{"long": 16, "short": 5, "upper": 13, "none": 0}[k.token] for k in kinds]
        )
        self.name_token = np.array([k.name_token for k in kinds])
        slots = [
            (app, cat.PROFILE_ENV[s.profile])
            for s in cat.SUB_ACCOUNTS
            for app in cat.PROFILE_APPS[s.profile]
        ]
        values = [
            dict(app=a, env=e, app_=a.replace("-", "_"), APP=a.replace("-", "_").upper())
            for a, e in slots
        ]
        prefixes = [""] * (len(p.cell_sku) * _ZONES * _APPS)
        for c, (sku, sub, region) in enumerate(
            zip(p.cell_sku, p.cell_sub, p.cell_region, strict=True)
        ):
            s, kind = cat.SUB_ACCOUNTS[sub], kinds[self.sku_kind[sku]]
            r = cat.REGIONS[p.region_ids[region]] if region >= 0 else None
            first = sum(len(cat.PROFILE_APPS[x.profile]) for x in cat.SUB_ACCOUNTS[:sub])
            for z in range(_ZONES if "{zone}" in kind.prefix else 1):
                head = kind.prefix.format(
                    region=r.id if r else "",
                    account=s.id,
                    zone=r.zones[z % len(r.zones)] if r else "",
                    account_name=s.name,
                )
                for a in range(len(cat.PROFILE_APPS[s.profile])):
                    prefixes[(c * _ZONES + z) * _APPS + a] = head + kind.middle.format(
                        **values[first + a]
                    )
        self.prefixes = pa.array(prefixes)
        self.slots = len(slots)
        self.names = pa.array([k.name.format(**v) for k in kinds for v in values])
        tags = []
        for app, env in slots:
            a = cat.APPS[app]
            full = [("team", a.team), ("env", env), ("app", app), ("cost-center", a.cost_center)]
            tags += [
                full,
                full[:3],
                [("app", app)],
                [],
                [*full[:1], ("env", cat.ENV_VARIANT[env]), *full[2:]],
            ]
        self.tags = pa.array(tags, TAGS)

    def _null(self, n: int, type_: pa.DataType) -> pa.Array:
        if (n, type_) not in self._nulls:
            self._nulls = {k: v for k, v in self._nulls.items() if k[0] == n}
            self._nulls[n, type_] = pa.nulls(n, type_)
        return self._nulls[n, type_]

    def _dictionaries(self, keys: dict[str, np.ndarray | None], n: int) -> dict[str, pa.Array]:
        """Every dictionary column: one gather per key, then zero-copy index arrays."""
        cols: dict[str, pa.Array] = {}
        for key, (columns, table) in self.groups.items():
            frame_key = self._zeros(n) if key == "const" else keys.get(key)
            if frame_key is None:
                continue
            absent = frame_key < 0
            if absent.any():
                frame_key = np.where(absent, 0, frame_key)
            else:
                absent = None
            index = table[:, frame_key]
            for (name, vocab, nullable), idx in zip(columns, index, strict=True):
                null = absent
                if nullable:
                    null = idx < 0 if null is None else null | (idx < 0)
                if null is None or not null.any():
                    indices = pa.array(idx)
                elif null.all():
                    continue
                else:
                    indices = pa.array(np.where(null, 0, idx), mask=null)
                cols[name] = pa.DictionaryArray.from_arrays(indices, vocab, safe=False)
        return cols

    def _zeros(self, n: int) -> np.ndarray:
        if len(self._zero) != n:
            self._zero = np.zeros(n, np.int64)
        return self._zero

    def table(self, f: _Frame) -> pa.Table:
        p, n = self.plan, len(f.line)
        usage = f.resource is not None
        commit = f.commit if (f.commit >= 0).any() else None
        keys = {
            "sub": f.sub,
            "sku": f.sku,
            "line": f.line,
            "desc": f.desc,
            "region": f.region,
            "invoice": self.sub_account[f.sub] * len(p.months) + f.month,
            "commit": commit,
        }
        if usage:
            keys.update(usage_sku=f.sku, usage_desc=f.desc, zone=f.zone)
        else:  # bill-level rows: no SKU detail; commitment rows name their commitment
            keys["commit_resource"] = np.where(
                (f.line == UNUSED) | (f.line == PURCHASE), f.commit, -1
            )
        cols = self._dictionaries(keys, n)
        if usage:
            self._resource_columns(f, cols)
        else:
            cols.update((c, cols[c].dictionary_decode()) for c in _PLAIN if c in cols)
        list_cost, effective = _decimal(f.lp, f.pq), _decimal(f.ep, f.pq)
        cols["ListCost"], cols["EffectiveCost"] = list_cost, effective
        cols["ContractedCost"] = effective if np.array_equal(f.cp, f.ep) else _decimal(f.cp, f.pq)
        cols["BilledCost"] = effective if np.array_equal(f.bp, f.ep) else _decimal(f.bp, f.pq)
        if commit is not None:
            cols["CommitmentDiscountQuantity"] = _decimal(f.qa, f.qb, commit >= 0)
        days = (p.epoch + np.stack([f.day0, f.day1])) * _DAY_US
        months = p.month_epoch[np.stack([f.month, f.month + 1])] * _DAY_US
        for name, values in (
            ("ChargePeriodStart", days[0]),
            ("ChargePeriodEnd", days[1]),
            ("BillingPeriodStart", months[0]),
            ("BillingPeriodEnd", months[1]),
            ("x_IngestedAt", np.full(n, self.now_us, np.int64)),
        ):
            cols[name] = pa.array(np.ascontiguousarray(values).view("datetime64[us]"))
        return pa.Table.from_arrays(
            [cols[x.name] if x.name in cols else self._null(n, x.type) for x in self.schema],
            schema=self.schema,
        )

    def _resource_columns(self, f: _Frame, cols: dict[str, pa.Array]) -> None:
        """Ids are prefix + random token (16 hex, 13 upper-case hex or 5 hex: the tokens are
        fixed-width arrays, null where a row's kind uses another width); names stem + 5 hex."""
        kind = self.sku_kind[f.sku]
        width, digits = self.id_width[kind], _digits(f.resource)
        tokens = [
            _tokens(digits, w, width == w, upper=w == 13) for w in (16, 13, 5) if (width == w).any()
        ]
        cols["ResourceId"] = pc.binary_join_element_wise(
            self.prefixes.take(pa.array(f.prefix)), *tokens, "", null_handling="skip"
        )
        cols["ResourceName"] = pc.binary_join_element_wise(
            self.names.take(pa.array(kind * self.slots + f.app)),
            _tokens(digits, 5, self.name_token[kind]),
            "",
            null_handling="skip",
        )
        cols["Tags"] = self.tags.take(_indices(f.tagset))
        cell = pa.array(f.cell.astype(np.int32))
        for name, prices in zip(_UNIT_PRICES, self.unit_prices, strict=True):
            cols[name] = pa.DictionaryArray.from_arrays(cell, prices, safe=False)
        cols["PricingQuantity"] = quantity = _decimal(_PRICE, f.pq)
        cols["ConsumedQuantity"] = (
            quantity if np.array_equal(f.pq, f.cq) else _decimal(_PRICE, f.cq)
        )


# --- writing ---------------------------------------------------------------------------------


def _write(
    out: Path,
    plan: _Plan,
    builder: _Builder,
    batch_rows: int,
    progress: Callable[[int], None] | None,
) -> tuple[Path, ...]:
    """Stream batches to Parquet: one row group per batch, a new file every 5 M rows.

    Building batch k+1 overlaps writing batch k (Arrow and numpy release the GIL); at most two
    batches are alive at any time. Files appear under their final name only once complete.
    """
    single = out.suffix == ".parquet"
    (out.parent if single else out).mkdir(parents=True, exist_ok=True)
    if not single:
        for stale in out.glob("part-*.parquet"):
            if re.fullmatch(r"part-\d{5}\.parquet", stale.name):
                stale.unlink()
    per_file = plan.rows if single else ROWS_PER_FILE
    labels = json.dumps(
        [
            {**asdict(a), "start": a.start.isoformat(), "end": a.end.isoformat()}
            for a in plan.anomalies
        ],
        indent=2,
    )
    anomalies_path(out).write_text(labels + "\n")
    rows = _Rows(plan)
    stops = sorted({*plan.segments(), *range(per_file, plan.rows, per_file), plan.rows})
    options = {
        "compression": "zstd",
        "store_schema": False,
        "use_dictionary": [
            x.name
            for x in builder.schema
            if x.name in _PLAIN or pa.types.is_dictionary(x.type) or pa.types.is_timestamp(x.type)
        ],
        "write_statistics": [
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "BillingPeriodStart",
            "BillingPeriodEnd",
            "x_IngestedAt",
        ],
    }
    files: list[Path] = []
    writer: pq.ParquetWriter | None = None
    pending: tuple[Future, int] | None = None

    def settle() -> None:
        nonlocal pending
        if pending is not None:
            future, done = pending
            pending = None
            future.result()
            if progress:
                progress(done)

    def close() -> None:
        settle()
        if writer is not None:
            writer.add_key_value_metadata({ANOMALIES_KEY: labels.encode()})
            writer.close()
            _tmp(files[-1]).replace(files[-1])

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as pool:
        try:
            position = 0
            while position < plan.rows:
                if writer is None or position % per_file == 0:
                    close()
                    files.append(out if single else out / f"part-{len(files):05d}.parquet")
                    writer = pq.ParquetWriter(_tmp(files[-1]), builder.schema, **options)
                stop = min(position + batch_rows, next(s for s in stops if s > position))
                table = builder.table(rows.frame(position, stop))
                settle()
                pending = (pool.submit(writer.write_table, table), stop)
                position = stop
            close()
        except BaseException:
            if pending is not None:  # let the write in flight finish before closing its file
                wait([pending[0]])
            if writer is not None:
                writer.close()
                _tmp(files[-1]).unlink(missing_ok=True)
            raise
    return tuple(files)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")
