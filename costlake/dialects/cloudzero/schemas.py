"""CloudZero request and response shapes, field names verbatim from the seed (for the OpenAPI
document and validation). Request bodies ignore properties they do not know, as the
document's objects allow them; ``null`` where the document says array or object is refused."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Granularity = Literal["daily", "monthly", "cumulative"]
CostType = Literal[
    "billed",
    "discounted",
    "discounted_amortized",
    "amortized",
    "invoiced_amortized",
    "real",
    "on_demand",
]


class CostsRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start: str = Field(description="Start of the range: ISO 8601 date-time or date (inclusive).")
    end: str = Field(description="End of the range: ISO 8601 date-time or date (exclusive).")
    group_by: list[str] = Field(
        default_factory=list, description="Dimensions to group costs by (e.g., Account, Service)."
    )
    filter: dict[str, Any] = Field(
        default_factory=dict,
        description='Dimension -> values to keep, or {"exclude": [values]} to leave out.',
    )
    granularity: Granularity = "daily"
    cost_type: CostType = "real"


class Pagination(BaseModel):
    next: str | None = Field(None, description="URL for the next page of results.")
    previous: str | None = Field(None, description="URL for the previous page of results.")
    total: int = Field(description="Total number of results.")


class CostPoint(BaseModel):
    timestamp: str
    value: float


class CostGroup(BaseModel):
    group: dict[str, str]
    cost: list[CostPoint]


class CostsResponse(BaseModel):
    data: list[CostGroup]
    pagination: Pagination


class DimensionOut(BaseModel):
    id: str
    name: str
    type: str


class DimensionsResponse(BaseModel):
    data: list[DimensionOut]


class InsightIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(description="Display name for the insight.")
    description: str = Field("", description="Description of what the insight tracks.")
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description='Dimension -> values to keep, or {"exclude": [values]} to leave out.',
    )
    group_by: list[str] = Field(default_factory=list, description="Dimensions to group by.")


class Insight(BaseModel):
    id: str
    name: str
    description: str
    created_at: str
    updated_at: str
    filters: dict[str, Any]
    group_by: list[str]


class InsightOut(BaseModel):
    data: Insight


class InsightsResponse(BaseModel):
    data: list[Insight]
    pagination: Pagination
