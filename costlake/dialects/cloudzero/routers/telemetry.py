"""Unit-metric and allocation telemetry: ``/v1/telemetry/{stream_name}/records``,
``/v1/telemetry/{stream_name}`` and ``/v1/telemetry/allocation/{stream_name}/sum``,
``/replace`` and ``/delete`` (core: :mod:`costlake.telemetry.streams`,
:mod:`costlake.allocation.service`). Records are stored before the 202 is sent."""

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from costlake.allocation import service as allocation
from costlake.auth.principals import Principal
from costlake.dialects.cloudzero import telemetry as translate
from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.cloudzero.telemetry import (
    Accepted,
    AllocationRecordsIn,
    DeleteAllocationIn,
    Deleted,
    DeleteMetricIn,
    MetricRecordsIn,
)
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.platform import Platform
from costlake.telemetry import streams

BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Bad request."}
}
MISSING: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Stream not found."}
}
METRIC: list[str | Enum] = ["Unit Metric Telemetry"]
ALLOCATION: list[str | Enum] = ["Allocation Telemetry"]


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    writer = Annotated[Principal, needs(dialect, "telemetry:write")]

    def run(request: Request, fn: Any) -> Any:
        platform: Platform = request.app.state.platform

        def work() -> Any:
            with platform.session() as s:
                return fn(s)

        return run_blocking(request, work)

    @router.post("/v1/telemetry/{stream_name}/records", status_code=202, response_model=Accepted,
                 tags=METRIC, responses=BAD)  # fmt: skip
    async def post_metric_telemetry(
        request: Request, who: writer, stream_name: str, body: MetricRecordsIn
    ) -> Response:
        """Sends unit metric telemetry data related to your system operations."""
        records = translate.metric_records(body)
        n = await run(request, lambda s: streams.post_records(s, who.org, stream_name, records))
        return dialect.success(translate.accepted(n), status=202)

    @router.delete("/v1/telemetry/{stream_name}/records", response_model=Deleted, tags=METRIC,
                   responses=BAD)  # fmt: skip
    async def delete_metric_telemetry(
        request: Request, who: writer, stream_name: str, body: DeleteMetricIn
    ) -> Response:
        """Deletes the stream's records of one timestamp (and granularity, and filter)."""
        when, grain = translate.deletion(body.timestamp, body.granularity)
        n = await run(
            request,
            lambda s: streams.delete_records(s, who.org, stream_name, when, grain, body.filter),
        )
        return dialect.success(translate.deleted(n))

    @router.delete("/v1/telemetry/{stream_name}", status_code=204, tags=METRIC,
                   responses=MISSING)  # fmt: skip
    async def delete_metric_telemetry_stream(
        request: Request, who: writer, stream_name: str
    ) -> Response:
        """Deletes an entire telemetry stream and all associated data."""
        await run(request, lambda s: streams.delete_stream(s, who.org, stream_name))
        return Response(status_code=204)

    @router.post("/v1/telemetry/allocation/{stream_name}/sum", status_code=202,
                 response_model=Accepted, tags=ALLOCATION, responses=BAD)  # fmt: skip
    async def post_allocation_telemetry_sum(
        request: Request, who: writer, stream_name: str, body: AllocationRecordsIn
    ) -> Response:
        """Adds allocation values to those stored for the same period and element."""
        records, target = translate.allocation_records(body), translate.allocation_target(body)
        n = await run(
            request,
            lambda s: allocation.sum_records(s, who.org, stream_name, records, target),
        )
        return dialect.success(translate.accepted(n), status=202)

    @router.post("/v1/telemetry/allocation/{stream_name}/replace", status_code=202,
                 response_model=Accepted, tags=ALLOCATION, responses=BAD)  # fmt: skip
    async def post_allocation_telemetry_replace(
        request: Request, who: writer, stream_name: str, body: AllocationRecordsIn
    ) -> Response:
        """Replaces every allocation value of the periods the records name."""
        records, target = translate.allocation_records(body), translate.allocation_target(body)
        n = await run(
            request,
            lambda s: allocation.replace_records(s, who.org, stream_name, records, target),
        )
        return dialect.success(translate.accepted(n), status=202)

    @router.post("/v1/telemetry/allocation/{stream_name}/delete", response_model=Deleted,
                 tags=ALLOCATION, responses=BAD)  # fmt: skip
    async def delete_allocation_telemetry(
        request: Request, who: writer, stream_name: str, body: DeleteAllocationIn
    ) -> Response:
        """Deletes the allocation values of one period (and element)."""
        when, grain = translate.deletion(body.timestamp, body.granularity)
        assert grain is not None  # the body requires it
        n = await run(
            request,
            lambda s: allocation.delete_records(s, who.org, stream_name, when, grain, body.element),
        )
        return dialect.success(translate.deleted(n))
