"""OTLP/HTTP protobuf bodies -> the OTLP JSON shape :mod:`.otlp` reads, with no protobuf
library: a reader of the wire format and of the few OTLP messages that carry GenAI usage
(field numbers from ``opentelemetry-proto``: ``collector/{trace,metrics}/v1``,
``trace/v1/trace.proto``, ``metrics/v1/metrics.proto``, ``common/v1/common.proto``).
Fields it does not need are skipped, as protobuf readers do."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any, Literal

from costlake.errors import InvalidInput

Fields = list[tuple[int, int, Any]]


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise InvalidInput("the protobuf body is cut short or malformed")
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, i


def _take(buf: bytes, i: int, n: int) -> tuple[bytes, int]:
    if i + n > len(buf):
        raise InvalidInput("the protobuf body is cut short or malformed")
    return buf[i : i + n], i + n


def fields(buf: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of each field of one message."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = _take(buf, i, 8)
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = _take(buf, i, n)
        elif wire == 5:
            value, i = _take(buf, i, 4)
        else:
            raise InvalidInput(f"the protobuf body has an unknown wire type {wire}")
        if number == 0:
            raise InvalidInput("the protobuf body is malformed (field number 0)")
        yield number, wire, value


def _u64(v: bytes) -> int:
    return int.from_bytes(v, "little")


def _double(v: bytes) -> float:
    return float(struct.unpack("<d", v)[0])


def _text(v: object) -> str:
    if not isinstance(v, bytes):
        raise InvalidInput("the protobuf body is malformed (a string is not length-delimited)")
    try:
        return v.decode()
    except UnicodeDecodeError:
        raise InvalidInput("the protobuf body has a string that is not UTF-8") from None


def _int64(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def any_value(buf: bytes) -> dict[str, Any]:
    for number, wire, v in fields(buf):
        if number == 1:
            return {"stringValue": _text(v)}
        if number == 2 and wire == 0:
            return {"boolValue": bool(v)}
        if number == 3 and wire == 0:
            return {"intValue": str(_int64(v))}
        if number == 4 and wire == 1:
            return {"doubleValue": _double(v)}
    return {}


def key_values(items: list[bytes]) -> list[dict[str, Any]]:
    out = []
    for buf in items:
        kv: dict[str, Any] = {}
        for number, _, v in fields(buf):
            if number == 1:
                kv["key"] = _text(v)
            elif number == 2:
                kv["value"] = any_value(v)
        out.append(kv)
    return out


def _repeated(buf: bytes, number: int) -> list[bytes]:
    return [v for n, w, v in fields(buf) if n == number and w == 2]


def _resource(buf: bytes) -> dict[str, Any]:
    resource = next(iter(_repeated(buf, 1)), b"")
    return {"attributes": key_values(_repeated(resource, 1))}


def _span(buf: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"attributes": key_values(_repeated(buf, 9))}
    for number, wire, v in fields(buf):
        if number in (1, 2) and wire == 2:
            out["traceId" if number == 1 else "spanId"] = v.hex()
        elif number == 5 and wire == 2:
            out["name"] = _text(v)
        elif number in (7, 8) and wire == 1:
            out["startTimeUnixNano" if number == 7 else "endTimeUnixNano"] = str(_u64(v))
    return out


def _point(buf: bytes, attrs_field: int) -> dict[str, Any]:
    out: dict[str, Any] = {"attributes": key_values(_repeated(buf, attrs_field))}
    for number, wire, v in fields(buf):
        if number in (2, 3) and wire == 1:
            out["startTimeUnixNano" if number == 2 else "timeUnixNano"] = str(_u64(v))
        elif attrs_field == 9 and number == 5 and wire == 1:  # histogram sum
            out["sum"] = _double(v)
        elif attrs_field == 7 and number == 4 and wire == 1:  # number as_double
            out["asDouble"] = _double(v)
        elif attrs_field == 7 and number == 6 and wire == 1:  # number as_int
            out["asInt"] = str(_int64(_u64(v)))
    return out


def _data(buf: bytes, attrs_field: int) -> dict[str, Any]:
    temporality = next((v for n, w, v in fields(buf) if n == 2 and w == 0), 0)
    points = [_point(p, attrs_field) for p in _repeated(buf, 1)]
    return {"dataPoints": points, "aggregationTemporality": temporality}


def _metric(buf: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for number, wire, v in fields(buf):
        if number == 1 and wire == 2:
            out["name"] = _text(v)
        elif number == 7 and wire == 2:
            out["sum"] = _data(v, 7)
        elif number == 9 and wire == 2:
            out["histogram"] = _data(v, 9)
    return out


def _scoped(buf: bytes, key: str, item: Callable[[bytes], dict[str, Any]]) -> dict[str, Any]:
    return {key: [item(x) for x in _repeated(buf, 2)]}


def request_of(body: bytes, kind: Literal["traces", "metrics"]) -> dict[str, Any]:
    """An ``ExportTraceServiceRequest`` or ``ExportMetricsServiceRequest`` as OTLP JSON."""
    if kind == "traces":
        return {
            "resourceSpans": [
                {
                    "resource": _resource(rs),
                    "scopeSpans": [_scoped(ss, "spans", _span) for ss in _repeated(rs, 2)],
                }
                for rs in _repeated(body, 1)
            ]
        }
    return {
        "resourceMetrics": [
            {
                "resource": _resource(rm),
                "scopeMetrics": [_scoped(sm, "metrics", _metric) for sm in _repeated(rm, 2)],
            }
            for rm in _repeated(body, 1)
        ]
    }
