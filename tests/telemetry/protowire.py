"""OTLP protobuf bodies for tests, as an OTLP/HTTP protobuf exporter sends them: the OTLP
JSON of :mod:`tests.telemetry.payloads` parsed into ``opentelemetry-proto``'s generated
messages by protobuf's JSON mapping (which wants ids in base64 where OTLP/JSON has hex)."""

from __future__ import annotations

import base64
import copy
from typing import Any

from google.protobuf.json_format import ParseDict
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


def traces(doc: dict[str, Any]) -> bytes:
    doc = copy.deepcopy(doc)
    for rs in doc["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                for key in ("traceId", "spanId"):
                    s[key] = base64.b64encode(bytes.fromhex(s[key])).decode()
    return ParseDict(doc, ExportTraceServiceRequest()).SerializeToString()


def metrics(doc: dict[str, Any]) -> bytes:
    return ParseDict(doc, ExportMetricsServiceRequest()).SerializeToString()
