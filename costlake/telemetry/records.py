"""What a telemetry record is, for unit-metric and allocation streams alike: a value for
one period (HOURLY, DAILY or MONTHLY, its start aligned to that granularity) and one label
map, checked once here so every surface refuses the same input with the same message.

Values are exact decimals kept to 12 decimal places, below 10^18 in size; labels are up
to 32 string pairs. Refusals name the field as ``records[i].<field>``.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation, localcontext

from costlake.errors import InvalidInput

PLACES = Decimal("1e-12")
LIMIT = Decimal("1e18")
MAX_LABELS = 32
MAX_TEXT = 255
MAX_RECORDS = 10_000
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
"""Years 1-9998: any date-time a client can write, with room to end a month."""


class Granularity(enum.StrEnum):
    HOURLY = "HOURLY"
    DAILY = "DAILY"
    MONTHLY = "MONTHLY"

    def align(self, moment: datetime) -> datetime:
        """The start of the period ``moment`` falls in (UTC)."""
        moment = moment.astimezone(UTC)
        if self is Granularity.HOURLY:
            return moment.replace(minute=0, second=0, microsecond=0)
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return day if self is Granularity.DAILY else day.replace(day=1)

    def end(self, start: datetime) -> datetime:
        """The end (exclusive) of the period starting at ``start``."""
        if self is Granularity.HOURLY:
            return start + timedelta(hours=1)
        if self is Granularity.DAILY:
            return start + timedelta(days=1)
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True, slots=True)
class Record:
    """One checked record: ``period_start`` aligned to ``granularity``, UTC."""

    period_start: datetime
    granularity: Granularity
    value: Decimal
    labels: Mapping[str, str]

    @property
    def labels_key(self) -> str:
        return labels_key(self.labels)

    @property
    def period_end(self) -> datetime:
        return self.granularity.end(self.period_start)


def labels_key(labels: Mapping[str, str]) -> str:
    """The SHA-256 of the labels' canonical JSON: equal maps, equal keys."""
    text = json.dumps(dict(labels), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def stream_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TEXT:
        raise InvalidInput(f"stream_name: give 1-{MAX_TEXT} characters")
    if any(ord(c) < 32 for c in name):
        raise InvalidInput("stream_name: control characters are not allowed")
    return name


def granularity(value: object, where: str) -> Granularity:
    try:
        return Granularity(str(value))
    except ValueError:
        choices = ", ".join(g.value for g in Granularity)
        raise InvalidInput(f"{where}: use one of {choices}") from None


def moment(value: object, where: str) -> datetime:
    """An ISO 8601 date-time (UTC without an offset) or a date, in years 1-9998."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        except ValueError:
            raise InvalidInput(f"{where}: {value[:40]!r} is not an ISO 8601 date-time") from None
    else:
        raise InvalidInput(f"{where}: must be an ISO 8601 date-time")
    try:
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{where}: out of range") from None
    if not EARLIEST <= parsed < LATEST:
        raise InvalidInput(f"{where}: must be in the years 1-9998")
    return parsed


def value(raw: object, where: str, *, negative: bool = True) -> Decimal:
    """An exact decimal of a JSON number (a float's shortest text, so 0.1 is 0.1)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise InvalidInput(f"{where}: must be a number")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidInput(f"{where}: must be a finite number")
    try:
        number = Decimal(repr(raw) if isinstance(raw, float) else str(raw))
    except InvalidOperation:
        raise InvalidInput(f"{where}: must be a number") from None
    if not number.is_finite() or abs(number) >= LIMIT:
        raise InvalidInput(f"{where}: must be a finite number below 1e18 in size")
    if not negative and number < 0:
        raise InvalidInput(f"{where}: must not be negative")
    return exact(number)


def exact(number: Decimal) -> Decimal:
    """``number`` at the stored scale (12 decimal places), without exponent notation."""
    with localcontext() as ctx:
        ctx.prec = 60
        return number.quantize(PLACES)


def labels(raw: object, where: str, *, required: bool = False) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: must be an object of strings")
    if required and not raw:
        raise InvalidInput(f"{where}: give at least one key")
    if len(raw) > MAX_LABELS:
        raise InvalidInput(f"{where}: at most {MAX_LABELS} keys")
    out: dict[str, str] = {}
    for k, v in raw.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise InvalidInput(f"{where}: keys and values must be strings")
        if not k or len(k) > MAX_TEXT or len(v) > MAX_TEXT:
            raise InvalidInput(
                f"{where}.{k[:40]}: keys 1-{MAX_TEXT} characters, values up to {MAX_TEXT}"
            )
        out[k] = v
    return out


def record(raw: Mapping[str, object], where: str, *, label_field: str, allocation: bool) -> Record:
    """One record of a request body, ``{timestamp, value, granularity, <label_field>}``; an
    allocation record needs labels (its element) and a value not below zero."""
    grain = granularity(raw.get("granularity"), f"{where}.granularity")
    return Record(
        grain.align(moment(raw.get("timestamp"), f"{where}.timestamp")),
        grain,
        value(raw.get("value"), f"{where}.value", negative=not allocation),
        labels(raw.get(label_field), f"{where}.{label_field}", required=allocation),
    )


def records(raw: object, *, label_field: str, allocation: bool = False) -> list[Record]:
    """Every record of ``records`` checked, at most :data:`MAX_RECORDS` (none is allowed:
    the document sets no minimum, and an empty request changes nothing)."""
    if not isinstance(raw, list):
        raise InvalidInput("records: give a list of records")
    if len(raw) > MAX_RECORDS:
        raise InvalidInput(f"records: at most {MAX_RECORDS} records per request")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"records[{i}]: must be an object")
        out.append(record(item, f"records[{i}]", label_field=label_field, allocation=allocation))
    return out
