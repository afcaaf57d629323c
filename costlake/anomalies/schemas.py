"""Core types of the anomaly engine: what a detected episode says and what people did with it.

An anomaly is one *episode*: consecutive anomalous days of one cost series (a monitor's
dimensions, e.g. provider x service), from ``start_date`` to ``end_date``. Costs are the
episode's sums, exact decimals; ``expected_cost`` is the baseline's estimate, rounded to
the micro-unit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from costlake.query.model import Filter


class AlertType(enum.StrEnum):
    SPEND_SPIKE = "spend_spike"
    SPEND_DROP = "spend_drop"
    NEW_SERVICE = "new_service"

    @property
    def upward(self) -> bool:
        """Spikes and new services raise spend; an episode never mixes the two directions."""
        return self is not AlertType.SPEND_DROP


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Status(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    FALSE_POSITIVE = "false_positive"
    DISMISSED = "dismissed"


SEVERITY_STEPS: tuple[tuple[int, Severity], ...] = (
    (64, Severity.CRITICAL),
    (16, Severity.HIGH),
    (4, Severity.MEDIUM),
)
"""Severity from the episode's impact (``|actual - expected|`` summed over its days) in
multiples of the absolute threshold ``COSTLAKE_ANOMALY_MIN_IMPACT``: at least 64x is
critical, 16x high, 4x medium, less is low. Scaling with the threshold keeps severities
meaningful in any currency."""


def severity_of(impact: Decimal, min_impact: float) -> Severity:
    unit = Decimal(str(min_impact)) if min_impact > 0 else Decimal(1)
    for multiple, severity in SEVERITY_STEPS:
        if abs(impact) >= unit * multiple:
            return severity
    return Severity.LOW


@dataclass(frozen=True, slots=True)
class Contributor:
    """A value of one dimension within the series and how much its cost moved against the
    same days one week earlier (the series' own baseline is not kept per dimension)."""

    dimension: str  # "region" | "resource" | "usage_type"
    value: str | None
    actual_cost: Decimal
    change: Decimal


@dataclass(frozen=True, slots=True)
class Monitor:
    """A monitored family of daily cost series: one series per value of ``dimensions``
    (FOCUS columns or ``tag:<key>``), over the usage charges ``filters`` keep.
    ``ProviderName`` and ``ServiceName`` are always among the dimensions, so every anomaly
    names its provider and service. The two built in watch every usage charge; an org adds
    its own (``costlake.anomalies.monitors``)."""

    name: str
    dimensions: tuple[str, ...]
    filters: tuple[Filter, ...] = ()


DEFAULT_MONITORS = (
    Monitor("provider_service", ("ProviderName", "ServiceName")),
    Monitor("account_service", ("ProviderName", "SubAccountId", "ServiceName")),
)


@dataclass(frozen=True, slots=True)
class Episode:
    """An anomaly as the detector finds it, before it is stored."""

    monitor: str
    series: dict[str, str | None]
    """The series' dimension values (``ProviderName``, ``ServiceName``, ...)."""
    currency: str | None
    alert_type: AlertType
    start_date: date
    end_date: date
    detected_date: date
    """The first anomalous day: the day whose cost is anomalous, never the run's clock."""
    expected_cost: Decimal
    actual_cost: Decimal

    @property
    def series_key(self) -> str:
        """A stable text key of the series, to find its earlier episodes."""
        return "|".join(f"{k}={v if v is not None else ''}" for k, v in sorted(self.series.items()))

    @property
    def impact(self) -> Decimal:
        return self.actual_cost - self.expected_cost

    @property
    def deviation_percent(self) -> float | None:
        return deviation_percent(self.expected_cost, self.actual_cost)


def deviation_percent(expected: Decimal, actual: Decimal) -> float | None:
    """``(actual - expected) / expected`` in percent, rounded to 0.01; None when nothing was
    expected (a new service), since any percentage of zero would be a made-up number."""
    if expected == 0:
        return None
    return round(float((actual - expected) / expected * 100), 2)


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A stored anomaly episode and its feedback."""

    id: str
    org: str
    monitor: str
    alert_type: AlertType
    severity: Severity
    status: Status
    provider_type: str
    """The provider's slug (``aws``, ``azure``, ``gcp``, ``openai``, ...)."""
    service: str | None
    """FOCUS ``ServiceName``."""
    sub_account_id: str | None
    currency: str | None
    start_date: date
    end_date: date
    detected_date: date
    expected_cost: Decimal
    actual_cost: Decimal
    deviation_percent: float | None
    contributors: list[Contributor] = field(default_factory=list)
    status_changed_by: str | None = None
    status_changed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def impact(self) -> Decimal:
        return self.actual_cost - self.expected_cost


@dataclass(frozen=True, slots=True)
class DetectionSummary:
    """What one detection run did to an org's stored anomalies."""

    org: str
    first_day: date | None
    last_day: date | None
    """The days evaluated (None: the org has no usage charges)."""
    series: int
    created: int
    updated: int
    withdrawn: int
    """Stored ``new`` episodes whose days were evaluated again (a restated period) and are
    no longer anomalous: marked resolved by ``costlake``."""
