"""StackSpend's response shapes, field names verbatim from the document, for the OpenAPI
document (``/openapi/stackspend.json``) and its schemathesis check."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LineItem(BaseModel):
    id: str = Field(examples=["li_3f9c2a7b1d0e4c5a6b7e"])
    usage_date: str = Field(examples=["2025-01-15"])
    provider_type: str = Field(examples=["openai"])
    provider_service: str | None = Field(examples=["gpt-4o"])
    net_amount_usd: float
    currency_original: str | None = Field(examples=["USD"])
    project_id: str | None = Field(examples=["proj_abc123"])
    user_email: str | None = Field(examples=["alice@example.com"])


class CursorMeta(BaseModel):
    next_cursor: str | None
    has_more: bool


class LineItemsResponse(BaseModel):
    data: list[LineItem]
    error: None = None
    meta: CursorMeta


class DailyRollup(BaseModel):
    date: str = Field(examples=["2025-01-15"])
    cost_usd: float
    provider_type: str | None
    service: str | None
    category: str | None


class RollupsResponse(BaseModel):
    data: list[DailyRollup]
    error: None = None
    meta: dict[str, object]


class AnomalyAlert(BaseModel):
    id: str = Field(examples=["anom_09abc"])
    provider_type: str = Field(examples=["openai"])
    service: str | None = Field(examples=["gpt-4o"])
    detected_date: str = Field(examples=["2025-01-16T00:00:00Z"])
    actual_cost: float
    expected_cost: float
    deviation_percent: float | None
    severity: Literal["low", "medium", "high", "critical"]
    alert_type: Literal["spend_spike", "spend_drop", "new_service"]
    status: Literal["new", "acknowledged", "resolved", "false_positive", "dismissed"]


class AnomaliesResponse(BaseModel):
    data: list[AnomalyAlert]
    error: None = None
    meta: dict[str, object]


class Ingested(BaseModel):
    accepted: int = Field(description="GenAI uses read from the payload")
    unpriced: int = Field(description="uses of a model the price table does not list (cost 0)")


class IngestResponse(BaseModel):
    data: Ingested
    error: None = None
    meta: dict[str, object]


class Problem(BaseModel):
    code: Literal[
        "UNAUTHORIZED",
        "FORBIDDEN",
        "INVALID_SCOPE",
        "PLAN_RESTRICTED",
        "VALIDATION_ERROR",
        "RATE_LIMITED",
        "NOT_FOUND",
        "METHOD_NOT_ALLOWED",
        "REQUEST_CANCELLED",
        "INTERNAL_ERROR",
        "NOT_IMPLEMENTED",
        "SERVICE_UNAVAILABLE",
    ]
    message: str


class ErrorResponse(BaseModel):
    data: None = None
    error: Problem
    meta: dict[str, object]
