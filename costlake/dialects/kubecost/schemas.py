"""Kubecost's response shapes, field names verbatim: the document's (``totalBilledCost``,
``billedCost``, ...) and those current OpenCost code writes (``totalCost``, ``cost``,
``cost_type``), both, so clients of either read what they expect."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KubecostWindow(BaseModel):
    start: str = Field(examples=["2024-04-07T00:00:00Z"])
    end: str = Field(examples=["2024-04-09T00:00:00Z"])


class CustomCost(BaseModel):
    id: str
    zone: str
    account_name: str
    charge_category: str
    description: str
    resource_name: str
    resource_type: str
    provider_id: str
    billedCost: float  # noqa: N815
    listCost: float  # noqa: N815
    cost: float
    cost_type: str
    list_unit_price: float
    usage_quantity: float
    usage_unit: str
    domain: str = Field(examples=["datadog"])
    cost_source: str = Field(examples=["observability"])
    aggregate: str


class CostTotal(BaseModel):
    window: KubecostWindow
    totalBilledCost: float  # noqa: N815
    totalListCost: float  # noqa: N815
    totalCost: float  # noqa: N815
    totalCostType: str  # noqa: N815
    customCosts: list[CustomCost]  # noqa: N815


class CostTimeseries(BaseModel):
    window: KubecostWindow
    timeseries: list[CostTotal]


class TotalResponse(BaseModel):
    code: int = 200
    data: CostTotal


class TimeseriesResponse(BaseModel):
    code: int = 200
    data: CostTimeseries


class ErrorResponse(BaseModel):
    code: int = Field(examples=[400])
    data: None = None
    message: str
