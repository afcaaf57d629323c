"""CloudExpat response shapes, field names verbatim from the seed (for OpenAPI and checks)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class PeriodInfo(BaseModel):
    start: str
    end: str
    label: str


class Delta(BaseModel):
    absolute: float | None
    percentage: float | None


class Costs(BaseModel):
    current: float
    previous: float | None
    delta: Delta | None
    currency: str
    isEstimate: bool


class ServiceCost(BaseModel):
    service: str
    cost: float
    percentage: float


class AccountCost(BaseModel):
    accountId: str
    accountName: str
    provider: str
    externalId: str
    costs: Costs
    byService: list[ServiceCost]


class CostTotals(BaseModel):
    current: float
    previous: float | None
    delta: Delta | None
    currency: str


class CostSummaryResponse(BaseModel):
    generatedAt: str
    period: PeriodInfo
    comparison: PeriodInfo | None
    accounts: list[AccountCost]
    totals: CostTotals


class Emissions(BaseModel):
    current: float
    previous: float | None
    delta: Delta | None
    unit: Literal["kgCO2e"]
    isEstimate: bool
    dataSource: str


class AccountCarbon(BaseModel):
    accountId: str
    accountName: str
    provider: str
    emissions: Emissions


class CarbonTotals(BaseModel):
    current: float
    previous: float | None
    delta: Delta | None
    unit: Literal["kgCO2e"]


class CarbonSummaryResponse(BaseModel):
    generatedAt: str
    period: PeriodInfo
    accounts: list[AccountCarbon]
    totals: CarbonTotals


class DataQuality(BaseModel):
    status: Literal["actual", "estimated", "no_data"]
    message: str


class ReportMetadata(BaseModel):
    generatedAt: str
    apiVersion: str
    dashboardUrl: str


class ResourceCount(BaseModel):
    name: str
    count: int


class ResourceSummary(BaseModel):
    totalResources: int
    byProvider: list[ResourceCount]
    byType: list[ResourceCount]
    lastSeen: str | None


class ReportResponse(BaseModel):
    costs: CostSummaryResponse
    carbon: CarbonSummaryResponse | None = None
    resources: ResourceSummary | None = None
    dataQuality: DataQuality
    metadata: ReportMetadata


class ErrorResponse(BaseModel):
    error: str
    message: str
    code: str
