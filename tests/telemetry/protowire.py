"""An OTLP protobuf writer for tests, written from opentelemetry-proto's field numbers
(``ExportTraceServiceRequest``, ``ExportMetricsServiceRequest`` and the messages inside),
to produce the bytes an OTLP/HTTP protobuf exporter sends."""

from __future__ import annotations

import struct
from typing import Any


def varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, wire: int, payload: bytes) -> bytes:
    key = varint(number << 3 | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def msg(number: int, payload: bytes) -> bytes:
    return field(number, 2, payload)


def text(number: int, value: str) -> bytes:
    return msg(number, value.encode())


def fixed64(number: int, value: int) -> bytes:
    return field(number, 1, struct.pack("<Q", value))


def double(number: int, value: float) -> bytes:
    return field(number, 1, struct.pack("<d", value))


def any_value(v: dict[str, Any]) -> bytes:
    if "stringValue" in v:
        return text(1, v["stringValue"])
    if "boolValue" in v:
        return field(2, 0, varint(int(v["boolValue"])))
    if "intValue" in v:
        return field(3, 0, varint(int(v["intValue"])))
    return double(4, v["doubleValue"])


def attrs(number: int, items: list[dict[str, Any]]) -> bytes:
    return b"".join(msg(number, text(1, a["key"]) + msg(2, any_value(a["value"]))) for a in items)


def resource(r: dict[str, Any]) -> bytes:
    return msg(1, attrs(1, r["resource"]["attributes"]))


def span(s: dict[str, Any]) -> bytes:
    return (
        msg(1, bytes.fromhex(s["traceId"])) + msg(2, bytes.fromhex(s["spanId"]))
        + text(5, s["name"]) + field(6, 0, varint(3))
        + fixed64(7, int(s["startTimeUnixNano"])) + fixed64(8, int(s["endTimeUnixNano"]))
        + attrs(9, s["attributes"])
    )  # fmt: skip


def traces(doc: dict[str, Any]) -> bytes:
    return b"".join(
        msg(1, resource(rs) + b"".join(
            msg(2, msg(1, text(1, "scope")) + b"".join(msg(2, span(s)) for s in ss["spans"]))
            for ss in rs["scopeSpans"]
        ))
        for rs in doc["resourceSpans"]
    )  # fmt: skip


def histogram_point(p: dict[str, Any]) -> bytes:
    return (
        fixed64(2, int(p["startTimeUnixNano"])) + fixed64(3, int(p["timeUnixNano"]))
        + fixed64(4, int(p["count"])) + double(5, p["sum"]) + attrs(9, p["attributes"])
    )  # fmt: skip


def metrics(doc: dict[str, Any]) -> bytes:
    def metric(m: dict[str, Any]) -> bytes:
        h = m["histogram"]
        data = b"".join(msg(1, histogram_point(p)) for p in h["dataPoints"])
        data += field(2, 0, varint(h["aggregationTemporality"]))
        return text(1, m["name"]) + text(3, m["unit"]) + msg(9, data)

    return b"".join(
        msg(1, resource(rm) + b"".join(
            msg(2, b"".join(msg(2, metric(m)) for m in sm["metrics"])) for sm in rm["scopeMetrics"]
        ))
        for rm in doc["resourceMetrics"]
    )  # fmt: skip
