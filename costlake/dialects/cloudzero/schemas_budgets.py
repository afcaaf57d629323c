"""CloudZero's budget shapes, field names verbatim from the seed's ``Budget`` and
``BudgetInput``; and costlake's own view shapes (``/v2/views``, not in the seed). Numbers are
strict (``"5"`` or ``true`` for an amount is a 400); ``null`` where the document says string,
number or array is refused."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from costlake.dialects.cloudzero.schemas import Pagination

Number = Annotated[float, Field(strict=True)]
BudgetPeriod = Literal["monthly", "quarterly", "annual"]


class NotificationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    threshold: Number = Field(description="Percent of the amount that triggers the mail.")
    recipients: list[StrictStr] = Field(description="E-mail addresses mailed once a period.")


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(description="Display name for the budget.")
    amount: Number = Field(description="Budget amount, in the billing currency.")
    period: BudgetPeriod = Field(description="Budget period (calendar, UTC).")
    view_id: str = Field(  # type: ignore[assignment]
        None, description="A view (POST /v2/views); left out, the whole org's spend."
    )
    notifications: list[NotificationIn] = Field(
        default_factory=list, description="Notification rules for the budget."
    )


class NotificationOut(BaseModel):
    threshold: float
    recipients: list[str]


class Budget(BaseModel):
    id: str
    name: str
    amount: float
    period: BudgetPeriod
    view_id: str | None = Field(None, description="Left out when the budget has no view.")
    notifications: list[NotificationOut]
    created_at: str
    updated_at: str


class BudgetOut(BaseModel):
    data: Budget


class BudgetsResponse(BaseModel):
    data: list[Budget]
    pagination: Pagination


class ViewIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(description="Display name for the view.")
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description='Dimension -> values to keep, or {"exclude": [values]} to leave out.',
    )


class View(BaseModel):
    id: str
    name: str
    filters: dict[str, Any]
    created_at: str
    updated_at: str


class ViewOut(BaseModel):
    data: View


class ViewsResponse(BaseModel):
    data: list[View]
    pagination: Pagination
