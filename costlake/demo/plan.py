"""The demo's plan: which rows exist, decided before the first row is built.

Calendar, cells (sub account, SKU, region) and their prices, the anomaly windows, the fleets
covered by commitments, the bill-level rows, and the layout of the usage rows (how many
resources each cell runs each day). All of it is a pure function of (rows, days, seed, end), so
any row range can later be built on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from costlake.demo import catalog as cat
from costlake.demo.anomalies import DemoAnomaly
from costlake.demo.hashing import GOLD, MASK64, U64, mix, mix_int, uniform
from costlake.demo.lines import CREDIT, CREDIT_LINES, PURCHASE, TAX, UNUSED
from costlake.demo.money import price_int

_EPOCH = date(1970, 1, 1)


def compound_growth(days: int, monthly: float, cap: float) -> np.ndarray:
    """Compound growth of ``monthly`` per 30 days, at most ``cap`` over the whole window (so a
    ten-year demo does not grow AI usage a million-fold)."""
    total = min(monthly ** (days / 30), cap)
    return total ** (np.arange(days) / days)


@dataclass(frozen=True, slots=True)
class Fleet:
    spec: cat.Commitment
    cells: np.ndarray  # cell of each covered resource
    rates: np.ndarray  # amortised price per hour, 1e-10 USD
    active: np.ndarray  # covered resources running each day (a prefix of the fleet)
    used: np.ndarray  # amortised commitment used each day, 1e-10 USD
    daily: int  # amortised commitment per day, 1e-10 USD
    reserved: int  # reservations bought (usage commitments)


class Plan:
    """Everything decided before the first row, as a pure function of (rows, days, seed, end)."""

    def __init__(self, rows: int, days: int, seed: int, end: date) -> None:
        self.rows, self.days, self.end = rows, days, end
        self.start = end - timedelta(days=days)
        self.key = mix_int(seed & MASK64)
        self._calendar()
        self._cells()
        self.anomalies, self._anomaly_cells = self._anomaly_labels()
        self.fleets = [
            self._fleet(j, c, max(1.0, rows / days)) for j, c in enumerate(cat.COMMITMENTS)
        ]
        self.committed = int(sum(f.active.sum() for f in self.fleets))
        self.special = Special(self)
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
                    price = price_int(
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
        self.cell_key = mix(np.arange(len(cells), dtype=U64) * U64(GOLD) ^ U64(self.key))

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

    def _fleet(self, j: int, spec: cat.Commitment, per_day: float) -> Fleet:
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
        u = uniform(mix(np.arange(size, dtype=U64) ^ U64(mix_int(self.key ^ (j + 1)))))
        cells = eligible[np.minimum(np.searchsorted(cdf / cdf[-1], u), len(eligible) - 1)]
        rates = self.cell_cp[cells] * (1000 - spec.discount_permille) // 1000
        if spec.category == "Spend":
            # An autoscaled fleet, smaller at weekends; the hourly commitment is sized so the
            # busiest day uses 97% of it.
            active = np.where(self.weekend, size - size * 12 // 100, size).astype(np.int64)
            used = 24 * np.concatenate([[0], np.cumsum(rates)])[active]
            hourly = -(-int(used.max()) * 100 // (24 * 97 * 10**6)) * 10**6
            return Fleet(spec, cells, rates, active, used, 24 * hourly, 0)
        # Reservations: a steady fleet of one instance type; one reservation in ten sits idle.
        active = np.full(self.days, size, np.int64)
        reserved = size + max(1, size // 10)
        used = np.full(self.days, 24 * size * int(rates[0]), np.int64)
        return Fleet(spec, cells, rates, active, used, 24 * reserved * int(rates[0]), reserved)

    def _layout(self) -> None:
        """How many resources each cell runs each day, and where each (day, cell) block starts.

        Resource j (0, 1, 2, ...) gets a random cell; day d runs resources j < active[d], a
        non-decreasing count summing to the segment's rows, so a cell's resources persist.
        """
        days, cells = self.days, len(self.cell_sku)
        growth = compound_growth(days, 1.02, 2.0)  # +2% resources a month
        active = np.floor(self.general / growth.sum() * growth).astype(np.int64)
        short = self.general - int(active.sum())
        if short:
            active[days - short :] += 1
        first = np.zeros(cells * days, np.int64)
        cdf = np.cumsum(self.cell_weight)
        salt = U64(mix_int(self.key ^ 0xCE11))
        for lo in range(0, int(active[-1]), 1 << 20):
            j = np.arange(lo, min(int(active[-1]), lo + (1 << 20)), dtype=np.int64)
            cell = np.minimum(
                np.searchsorted(cdf / cdf[-1], uniform(mix(j.view(U64) ^ salt))), cells - 1
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
            [mix_int(self.key ^ (0xF1EE7 + j)) for j in range(len(self.fleets))], dtype=U64
        )


class Special:
    """The bill-level rows: unused commitment (per commitment-day), commitment fees and taxes
    (per month), credits and corrections. Amounts needing usage totals are filled in last."""

    def __init__(self, plan: Plan) -> None:
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
            line, text = CREDIT_LINES[c.line], self._text(c.description)
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
