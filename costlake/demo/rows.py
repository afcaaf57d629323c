"""Rows as numbers: the frame of any row range, built with a few vectorised numpy steps.

A frame holds, per row, integer keys into the column vocabularies plus integer prices and
quantities; turning it into strings and decimals is the columns' job. Each row is drawn from
the hash of its own counter, so a frame does not depend on where the batch starts or ends.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from costlake.demo import catalog as cat
from costlake.demo.hashing import GOLD, U64, bits, mix, uniform
from costlake.demo.lines import COMMITTED, CREDIT, PURCHASE, REFUND, SPOT, TAX, UNUSED, USAGE
from costlake.demo.money import PRICE, QTY
from costlake.demo.plan import Plan, compound_growth

ZONE_SLOTS = 3  # id-prefix variants per cell (zonal resource ids)
APP_SLOTS = max(len(a) for a in cat.PROFILE_APPS.values())
_TAG_HYGIENE = np.array([53740, 57016, 58655, 62587])  # cumulative thresholds out of 65536


@dataclass(slots=True)
class Frame:
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


def _slice(f: Frame, lo: int, hi: int) -> Frame:
    return Frame(*(None if (v := getattr(f, x.name)) is None else v[lo:hi] for x in fields(f)))


class Rows:
    """Builds the frame of any row range lying within one segment."""

    def __init__(self, plan: Plan) -> None:
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
        self.special: Frame | None = None

    def _daily_factors(self) -> np.ndarray:
        """Seasonality x growth per (pattern, prod/non-prod, day)."""
        p, weekend, at = self.plan, self.plan.weekend, cat.PATTERNS.index
        f = np.ones((len(cat.PATTERNS), 2, p.days))
        storage = compound_growth(p.days, 1.035, 2.5)  # stored data only grows
        f[at(cat.STORAGE_MONTH)] = storage / p.days_in_month
        f[at(cat.STORAGE_HOUR)] = storage * 24
        f[at(cat.STEADY)] = 24.0
        traffic = compound_growth(p.days, 1.025, 2.0)
        f[at(cat.TRAFFIC), 0] = traffic * np.where(weekend, 0.78, 1.0)
        f[at(cat.TRAFFIC), 1] = traffic * np.where(weekend, 0.45, 1.0)
        f[at(cat.BATCH)] = (
            compound_growth(p.days, 1.03, 2.0)
            * np.where(weekend, 0.4, 1.0)
            * (1 + 0.3 * p.month_end)
        )
        ai = compound_growth(p.days, 1.12, 4.0)
        f[at(cat.AI), 0] = ai * np.where(weekend, 0.5, 1.0)
        f[at(cat.AI), 1] = ai * np.where(weekend, 0.2, 1.0)
        return f

    def frame(self, lo: int, hi: int) -> Frame:
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

    def _general(self, lo: int, hi: int) -> Frame:
        """On-demand and spot usage: resource ``i`` of ``cell`` on ``day``."""
        p = self.plan
        r = np.arange(lo, hi, dtype=np.int64)
        k = np.searchsorted(p.general_starts, r, side="right") - 1
        day, cell = np.divmod(k, len(p.cell_sku))
        h = mix(p.cell_key[cell] ^ ((r - p.general_starts[k]).view(U64) * U64(GOLD)))
        sku, sub = p.cell_sku[cell], p.cell_sub[cell]
        pattern, nonprod = self.sku_pattern[sku], self.sub_nonprod[sub]
        # Resource size: log-logistic around the SKU's median; then today's seasonality.
        u = np.clip(uniform(mix(h ^ U64(0x51E))), 1e-9, 1 - 1e-9)
        median = self.sku_qty[sku]
        size = np.clip(
            median * np.exp(self.sku_spread[sku] * np.log(u / (1 - u))), median / 40, median * 40
        )
        size = np.where(
            pattern == cat.PATTERNS.index(cat.STEADY), np.maximum(1, np.rint(size)), size
        )
        today = uniform(mix(h + (day.view(U64) + U64(1)) * U64(0xD1B54A32D192ED03)))
        noise = np.where(pattern >= cat.PATTERNS.index(cat.TRAFFIC), 0.8 + 0.4 * today, 1.0)
        qty = size * self.factors[pattern, nonprod, day] * noise
        # Instances: prod runs around the clock (15% autoscaled), non-prod in office hours.
        autoscaled = bits(h, 32, 8) < 38
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
            np.maximum(1.0, np.rint(qty)).astype(np.int64) * (QTY // block),
            np.rint(qty * QTY / block).astype(np.int64),
        )
        spot = self.sku_spot[sku] & self.sub_spot[sub] & (bits(h, 56, 8) < 64)
        ep = np.where(spot, p.cell_spot[cell], p.cell_cp[cell])
        f = Frame(
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

    def _committed(self, lo: int, hi: int) -> Frame:
        """Usage covered by a commitment: billed 0, amortised at the commitment's rate."""
        p = self.plan
        r = np.arange(lo, hi, dtype=np.int64)
        k = np.searchsorted(p.committed_starts, r, side="right") - 1
        day, j = np.divmod(k, len(p.fleets))
        i = r - p.committed_starts[k]
        slot = p.fleet_offset[j] + i
        cell = p.fleet_cells[slot]
        h = mix(p.fleet_key[j] ^ (i.view(U64) * U64(GOLD)))
        sku, n = p.cell_sku[cell], len(r)
        pq = np.full(n, 24 * QTY, np.int64)
        ep = p.fleet_rates[slot]
        f = Frame(
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
            np.where(self.fleet_spend[j], ep, PRICE),
            pq,
        )
        return self._attributes(f, h)

    def _attributes(self, f: Frame, h: np.ndarray) -> Frame:
        """Zone, app, tags and id prefix of each resource, all drawn from its hash."""
        place = bits(h, 16, 8) % self.region_zones[f.region]
        f.zone = np.where(self.sku_zonal[f.sku] & (f.region >= 0), self.zone0[f.region] + place, -1)
        local = bits(h, 24, 12) % self.sub_napps[f.sub]
        f.app = self.sub_app0[f.sub] + local
        f.prefix = (
            f.cell * ZONE_SLOTS + np.where(self.sku_zone_prefix[f.sku], place, 0)
        ) * APP_SLOTS + local
        # Tag hygiene: 82% fully tagged, 5% without cost-center, 2.5% app only, 6% untagged,
        # 4.5% with a non-standard env value. SaaS line items carry no tags (Snowflake's do).
        hygiene = np.searchsorted(_TAG_HYGIENE, bits(h, 40, 16), side="right")
        f.tagset = np.where((hygiene == 3) | self.sub_saas[f.sub], -1, f.app * 5 + hygiene)
        f.resource = h
        return f

    def _accumulate(self, f: Frame) -> None:
        """Billed micro-dollars per (sub account, month): the base of taxes and credits.

        Rows are rounded one by one and the float sums stay below 2**53, so the totals are
        exact integers whatever the batching.
        """
        micro = np.rint(f.bp.astype(np.float64) * f.pq.astype(np.float64) / 1e12)
        key = f.sub * len(self.plan.months) + f.month
        self.micro += (
            np.bincount(key, micro, self.micro.size).astype(np.int64).reshape(self.micro.shape)
        )

    def _special(self) -> Frame:
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
                    qa, qb = (effective, QTY) if spend else (PRICE, hours * QTY)
                else:
                    amount = f.daily * arg
                    qa, qb = (amount, QTY) if spend else (PRICE, 24 * f.reserved * arg * QTY)
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
                QTY,
                0,
                qa,
                qb,
            )
        return Frame(*(values[:, c].copy() for c in range(values.shape[1])))
