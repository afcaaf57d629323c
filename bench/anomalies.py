"""Anomaly detection scored on labelled generated bills: precision and recall, ours against a
simple baseline (mean + 3 sigma over the previous 7 days).

    uv run python -m bench.anomalies [--series 240] [--seed 7]

The bill is FOCUS line items of many (sub account, service) series over 150 days, written
to Parquet and ingested into a real lake, so both detectors read the same daily usage
series through the core query engine (usage charges only, as detection does).

Labelled anomalies, each on a series of its own: spikes (1-3 days, 2.5-5x), drops (2-5
days, to 0-35%), level shifts that last (x1.8-3 or x0.2-0.45) and new services, on series
of 100-3,000 a day (so each passes the default thresholds; plain series go down to 30). Traps that
must *not* be reported: month-start support fees (billed as Recurring, or with no
ChargeFrequency at all, on the 1st of every month), credits, taxes and refunds on random
days, and tiny series (under a dollar a day) that jump fivefold. Every other series is
plain: weekly pattern, trend and noise of 2-10%.

A detected episode is a true positive when it overlaps a labelled anomaly of its series
(give or take a day; a level shift or new service within its first week); precision is
true episodes over all episodes, recall labelled anomalies found over all of them.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from costlake.anomalies.detector import Flag, Run, Thresholds, runs
from costlake.anomalies.schemas import AlertType, Monitor
from costlake.anomalies.service import daily_series, find_episodes
from costlake.focus.schema import FOCUS_SCHEMA
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.query.service import QueryService

START = date(2025, 5, 1)
DAYS = 150
ORG = "bench"
MONITOR = Monitor("account_service", ("ProviderName", "SubAccountId", "ServiceName"))
KINDS = ("spike", "drop", "shift", "new")
TRAPS = ("fee_recurring", "fee_untagged", "credits", "tiny")


@dataclass(frozen=True)
class Label:
    account: str
    kind: str
    start: int
    end: int  # inclusive; the days a detection must touch


@dataclass
class Case:
    account: str
    kind: str  # a KIND, a TRAP, or "plain"
    usage: np.ndarray
    label: Label | None = None


def generate(n: int, seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    weekday = (np.arange(DAYS) + START.weekday()) % 7
    for i in range(n):
        kind = KINDS[i % 8] if i % 8 < 4 else (TRAPS[(i // 8) % 4] if i % 8 == 4 else "plain")
        # Labelled anomalies are sized to pass the default absolute threshold (25 a day):
        # their series cost at least 100 a day. Other series start at 30.
        low = 100 if kind in KINDS else 30
        level = float(np.exp(rng.uniform(np.log(low), np.log(3000))))
        dip = rng.uniform(0.0, 0.5)
        trend = rng.uniform(-0.002, 0.004)
        noise = rng.uniform(0.02, 0.10)
        days = np.arange(DAYS)
        y = level * np.where(weekday >= 5, 1 - dip, 1.0) * (1 + trend * days)
        y = np.maximum(y * (1 + noise * rng.standard_normal(DAYS)), 0.0)
        account = f"{100000000000 + i}"
        at = int(rng.integers(40, DAYS - 10))
        label = None
        if kind == "spike":
            length = int(rng.integers(1, 4))
            y[at : at + length] *= rng.uniform(2.5, 5)
            label = Label(account, kind, at, at + length - 1)
        elif kind == "drop":
            length = int(rng.integers(2, 6))
            y[at : at + length] *= rng.uniform(0, 0.35)
            label = Label(account, kind, at, at + length - 1)
        elif kind == "shift":
            up = rng.random() < 0.5
            y[at:] *= rng.uniform(1.8, 3) if up else rng.uniform(0.2, 0.45)
            label = Label(account, kind, at, at + 6)
        elif kind == "new":
            y[:at] = 0
            label = Label(account, kind, at, at + 6)
        elif kind == "tiny":
            y = y / level * rng.uniform(0.2, 0.9)
            y[at] *= 5
        cases.append(Case(account, kind, y, label))
    return cases


def bill(cases: list[Case], seed: int) -> pa.Table:
    """FOCUS rows: each series' daily usage split over two resources, plus the traps."""
    rnd = random.Random(seed)
    cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}

    def add(day: int, cost: float, account: str, **kw: object) -> None:
        start = datetime.combine(START + timedelta(days=day), datetime.min.time())
        bp = start.replace(day=1)
        money = Decimal(str(round(cost, 6)))
        row = {
            "BilledCost": money,
            "EffectiveCost": money,
            "ListCost": money,
            "ContractedCost": money,
            "BillingAccountId": "999999999999",
            "BillingCurrency": "USD",
            "BillingPeriodStart": bp,
            "BillingPeriodEnd": (bp + timedelta(days=32)).replace(day=1),
            "ChargeCategory": "Usage",
            "ChargeFrequency": "Usage-Based",
            "ChargePeriodStart": start,
            "ChargePeriodEnd": start + timedelta(days=1),
            "InvoiceIssuerName": "AWS",
            "ProviderName": "AWS",
            "PublisherName": "AWS",
            "ServiceCategory": "Compute",
            "ServiceName": "Amazon EC2",
            "SubAccountId": account,
            "RegionId": "us-east-1",
            "ResourceId": f"i-{account}-{day % 2}",
            "x_SourceId": "bench",
            "x_SourceFormat": "focus",
            "x_IngestedAt": datetime(2025, 10, 1),
            **kw,
        }
        for name, values in cols.items():
            values.append(row.get(name))

    for case in cases:
        for day, cost in enumerate(case.usage):
            if cost > 0:
                add(day, cost * 0.7, case.account)
                add(day, cost * 0.3, case.account, ResourceId=f"vol-{case.account}")
        level = float(np.median(case.usage[case.usage > 0])) if np.any(case.usage > 0) else 1
        if case.kind.startswith("fee"):
            frequency = "Recurring" if case.kind == "fee_recurring" else None
            fee = level * rnd.uniform(3, 8)
            for day in range(DAYS):
                if (START + timedelta(days=day)).day == 1:
                    add(day, fee, case.account, ChargeFrequency=frequency)
        if case.kind == "credits":
            for _ in range(3):
                day = rnd.randrange(20, DAYS)
                add(day, -level * rnd.uniform(2, 6), case.account, ChargeCategory="Credit")
            add(rnd.randrange(20, DAYS), level * 3, case.account, ChargeCategory="Tax")
            add(rnd.randrange(20, DAYS), -level * 2, case.account, ChargeCategory="Adjustment")
            add(
                rnd.randrange(20, DAYS),
                level * 30,
                case.account,
                ChargeCategory="Purchase",
                ChargeFrequency="One-Time",
            )
    return pa.table(cols, schema=FOCUS_SCHEMA)


def mean_3_sigma(values: np.ndarray, t: Thresholds | None) -> list[Flag]:
    """The simple baseline: a day is anomalous when it is more than 3 standard deviations
    from the mean of the previous 7 days (optionally also passing our thresholds)."""
    flags = []
    for day in range(7, len(values)):
        window = values[day - 7 : day]
        mean, sd = float(window.mean()), float(window.std())
        actual = float(values[day])
        dev = actual - mean
        if abs(dev) <= 3 * sd or dev == 0:
            continue
        if t is not None and (
            abs(dev) < t.min_impact
            or max(actual, mean) < t.min_daily_cost
            or (mean > 0 and abs(dev) * 100 < t.min_percent * mean)
        ):
            continue
        kind = AlertType.SPEND_SPIKE if dev > 0 else AlertType.SPEND_DROP
        if mean == 0:
            kind = AlertType.NEW_SERVICE
        flags.append(Flag(day, kind, mean, actual))
    return flags


@dataclass(frozen=True)
class Score:
    name: str
    episodes: int
    true: int
    found: int
    labels: int
    false_by_kind: dict[str, int]
    missed_by_kind: dict[str, int]

    @property
    def precision(self) -> float:
        return self.true / self.episodes if self.episodes else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0


def score(name: str, cases: list[Case], detected: dict[str, list[Run]]) -> Score:
    by_account = {c.account: c for c in cases}
    labels = [c.label for c in cases if c.label is not None]
    true = 0
    false: Counter[str] = Counter()
    hit: set[str] = set()
    for account, episodes in detected.items():
        case = by_account[account]
        for e in episodes:
            lab = case.label
            if lab is not None and e.start <= lab.end + 1 and e.end >= lab.start - 1:
                true += 1
                hit.add(account)
            else:
                false[case.kind] += 1
    missed = Counter(lab.kind for lab in labels if lab.account not in hit)
    return Score(
        name, true + sum(false.values()), true, len(hit), len(labels), dict(false), dict(missed)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    t = Thresholds()
    cases = generate(args.series, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bill.parquet"
        table = bill(cases, args.seed)
        pq.write_table(table, path)
        lake = Lake(Path(tmp) / "lake")
        Ingestor(lake).ingest([path], org=ORG, source="bench")
        queries = QueryService(lake)
        started = time.perf_counter()
        found = find_episodes(queries, ORG, t, lookback_days=DAYS, monitors=(MONITOR,))
        seconds = time.perf_counter() - started
        ours: dict[str, list[Run]] = {}
        for e in found.episodes:
            day = (e.start_date - START).days
            run = Run(e.alert_type, day, (e.end_date - START).days, 0.0, 0.0)
            ours.setdefault(str(e.series["SubAccountId"]), []).append(run)
        series = daily_series(queries, ORG, START, START + timedelta(days=DAYS - 1), (MONITOR,))
        plain: dict[str, list[Run]] = {}
        gated: dict[str, list[Run]] = {}
        for key, values in series[MONITOR].items():
            y = np.array([float(v) for v in values])
            plain[str(key[1])] = runs(mean_3_sigma(y, None))
            gated[str(key[1])] = runs(mean_3_sigma(y, t))
    print(
        f"{len(cases)} series x {DAYS} days ({table.num_rows:,} FOCUS rows), "
        f"{sum(c.label is not None for c in cases)} labelled anomalies; "
        f"detection took {seconds:.2f} s"
    )
    print(f"{'detector':<44} {'precision':>9} {'recall':>6}  false alarms / misses by kind")
    for s in (
        score("costlake (robust seasonal baseline)", cases, ours),
        score("mean + 3 sigma over 7 days", cases, plain),
        score("mean + 3 sigma over 7 days, our thresholds", cases, gated),
    ):
        print(
            f"{s.name:<44} {s.precision:>9.3f} {s.recall:>6.3f}  "
            f"{s.episodes - s.true} false {s.false_by_kind} / {s.labels - s.found} missed "
            f"{s.missed_by_kind}"
        )


if __name__ == "__main__":
    main()
