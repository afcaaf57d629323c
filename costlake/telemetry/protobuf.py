"""OTLP/HTTP protobuf bodies -> the OTLP JSON shape :mod:`.otlp` reads, decoded by
``opentelemetry-proto``'s generated messages (``ExportTraceServiceRequest``,
``ExportMetricsServiceRequest``) and protobuf's own JSON mapping.

Protobuf's JSON mapping writes ``bytes`` fields in base64; OTLP/JSON writes trace and span
ids in hex (the one place it departs from that mapping), so the ids are turned into hex
here, and a protobuf span reads exactly as the same span sent as JSON.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from costlake.errors import InvalidInput

TOP_KEY = {"traces": "resourceSpans", "metrics": "resourceMetrics"}


def _message(kind: Literal["traces", "metrics"]) -> Message:
    return ExportTraceServiceRequest() if kind == "traces" else ExportMetricsServiceRequest()


def request_of(body: bytes, kind: Literal["traces", "metrics"]) -> dict[str, Any]:
    """An ``ExportTraceServiceRequest`` or ``ExportMetricsServiceRequest`` as OTLP JSON;
    :class:`InvalidInput` when the bytes are not one."""
    message = _message(kind)
    try:
        message.ParseFromString(body)
    except (DecodeError, ValueError, RuntimeError):
        raise InvalidInput(
            f"the protobuf body is cut short or malformed (not an OTLP {kind} export request)"
        ) from None
    doc: dict[str, Any] = MessageToDict(message)
    doc.setdefault(TOP_KEY[kind], [])  # an empty request is valid, and empty
    if kind == "traces":
        for rs in doc["resourceSpans"]:
            for ss in rs.get("scopeSpans", []):
                for span in ss.get("spans", []):
                    for key in ("traceId", "spanId", "parentSpanId"):
                        if key in span:
                            span[key] = _hex(span[key])
    return doc


def _hex(b64: str) -> str:
    return base64.b64decode(b64).hex()
