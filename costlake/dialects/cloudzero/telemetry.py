"""CloudZero's unit-metric and allocation telemetry bodies (field names verbatim from the
seed) and their pure translation to the core's records (:mod:`costlake.telemetry.records`)
and allocation targets (:mod:`costlake.allocation`).

An allocation record may carry ``filter`` (CloudZero's own field for the cost an allocation
stream splits, in the billing filter's format); the document's object allows it. Every
record of one request that carries a filter must carry the same one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from costlake.allocation.schemas import TargetRule
from costlake.dialects.cloudzero.translate import value_rules
from costlake.errors import InvalidInput
from costlake.telemetry import records as records_
from costlake.telemetry.records import Granularity, Record, records

GranularityName = Literal["HOURLY", "DAILY", "MONTHLY"]
Number = Annotated[float, Field(strict=True)]


class MetricTelemetryRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timestamp: str = Field(description="Timestamp for the telemetry record (ISO 8601, UTC).")
    value: Number = Field(description="Numeric value for the metric.")
    granularity: GranularityName = Field(description="Time granularity of the record.")
    filter: dict[str, StrictStr] = Field(
        default_factory=dict, description="Key-value pairs for filtering and grouping."
    )


class MetricRecordsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    records: list[MetricTelemetryRecord]


class AllocationTelemetryRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timestamp: str = Field(description="Timestamp for the telemetry record (ISO 8601, UTC).")
    value: Number = Field(description="Numeric value for the allocation (not negative).")
    granularity: GranularityName = Field(description="Time granularity of the record.")
    element: dict[str, StrictStr] = Field(
        default_factory=dict,
        description="Key-value pairs identifying the element being allocated (required).",
    )
    filter: dict[str, Any] | None = Field(
        None,
        description="costlake: the cost the stream splits, as a billing filter "
        '(e.g. {"Service": ["AmazonEC2"]}); the latest sent applies to every period.',
    )


class AllocationRecordsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    records: list[AllocationTelemetryRecord]


class DeleteMetricIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timestamp: str = Field(description="Timestamp of the records to delete.")
    granularity: GranularityName | None = Field(
        None, description="Granularity of the records to delete (default: any)."
    )

    @field_validator("granularity", mode="before")
    @classmethod
    def not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must be one of HOURLY, DAILY, MONTHLY when given")
        return value

    filter: dict[str, StrictStr] | None = Field(
        None, description="costlake: only the records with exactly this filter."
    )


class DeleteAllocationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timestamp: str = Field(description="Timestamp of the records to delete.")
    granularity: GranularityName = Field(description="Granularity of the records to delete.")
    element: dict[str, StrictStr] | None = Field(
        None, description="costlake: only this element's values."
    )


class Accepted(BaseModel):
    message: str
    records: int


class Deleted(BaseModel):
    message: str
    deleted: int


def metric_records(body: MetricRecordsIn) -> list[Record]:
    return records(body.model_dump()["records"], label_field="filter")


def allocation_records(body: AllocationRecordsIn) -> list[Record]:
    return records(body.model_dump()["records"], label_field="element", allocation=True)


def allocation_target(body: AllocationRecordsIn) -> dict[str, TargetRule] | None:
    """The cost the records say the stream splits (FOCUS columns and ``tag:<key>``), or
    None when no record names one."""
    target: dict[str, TargetRule] | None = None
    first = None
    for i, r in enumerate(body.records):
        if r.filter is None:
            continue
        where = f"records[{i}].filter"
        rules: dict[str, TargetRule] = {}
        for dim, include, exclude in value_rules(r.filter, where):
            if dim.stream is not None:
                raise InvalidInput(f"{where}.{dim.id}: an allocation cannot target another")
            rules[dim.column] = TargetRule(include, exclude)
        if target is not None and rules != target:
            raise InvalidInput(f"{where}: differs from records[{first}].filter; send one target")
        target, first = rules, i
    return target


def deletion(timestamp: str, granularity: str | None) -> tuple[datetime, Granularity | None]:
    """The moment and granularity of a delete body, checked like a record's."""
    when = records_.moment(timestamp, "timestamp")
    return when, records_.granularity(granularity, "granularity") if granularity else None


def accepted(n: int) -> dict[str, Any]:
    return {"message": "Telemetry records accepted for processing.", "records": n}


def deleted(n: int) -> dict[str, Any]:
    return {"message": "Records deleted successfully.", "deleted": n}
