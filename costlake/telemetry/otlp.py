"""OTLP/HTTP JSON payloads (traces and metrics) -> token usage, by the OpenTelemetry GenAI
semantic conventions.

- A span with ``gen_ai.usage.input_tokens`` / ``output_tokens`` is one use; its id is the
  trace and span id, so a re-sent batch is recognised.
- A ``gen_ai.client.token.usage`` histogram point (``gen_ai.token.type`` input or output)
  is one use of its sum of tokens; its id is the series (attributes) and its start time,
  plus its end time for delta points. A cumulative point re-sent later with a larger sum
  replaces the earlier one instead of adding to it.

Everything is read before anything is stored: a malformed payload raises
:class:`InvalidInput` naming what is wrong, and nothing of it is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from costlake.errors import InvalidInput

TOKEN_METRIC = "gen_ai.client.token.usage"
CUMULATIVE = 2
PROVIDER_KEYS = ("gen_ai.provider.name", "gen_ai.system")
CACHED_KEYS = (
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "gen_ai.usage.cached_tokens",
)
PROJECT_KEYS = ("project_id", "project", "gen_ai.openai.project")
USER_KEYS = ("user.email", "user_email", "enduser.email")


@dataclass(frozen=True, slots=True)
class Usage:
    event_id: str
    provider: str
    model: str | None
    start: datetime
    end: datetime
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    project_id: str | None
    user_email: str | None
    app: str | None
    """The resource's ``service.name``: which application spent it."""


def _value(v: Mapping[str, Any]) -> object:
    for kind in ("stringValue", "boolValue", "doubleValue"):
        if kind in v:
            return v[kind]
    if "intValue" in v:
        return int(v["intValue"])
    return None


def attributes(items: object, where: str) -> dict[str, object]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise InvalidInput(f"{where}.attributes must be a list")
    out: dict[str, object] = {}
    for a in items:
        if not isinstance(a, dict) or not isinstance(a.get("key"), str):
            raise InvalidInput(f"{where}.attributes: every attribute needs a key")
        out[a["key"]] = _value(a.get("value") or {})
    return out


def _time(value: object, where: str) -> datetime:
    try:
        nanos = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: a time in Unix nanoseconds is required") from None
    try:
        if nanos <= 0:
            raise ValueError(nanos)
        return datetime.fromtimestamp(nanos / 1e9, UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise InvalidInput(f"{where}: a time in Unix nanoseconds is required") from None


def _tokens(value: object, where: str) -> int:
    if value is None:
        return 0
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: token counts must be whole numbers") from None
    if n < 0:
        raise InvalidInput(f"{where}: token counts cannot be negative")
    return n


def _first(attrs: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        if attrs.get(k) not in (None, ""):
            return str(attrs[k])
    return None


def _list(doc: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise InvalidInput(f"{where}.{key} must be a list")
    return value


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def spans(doc: Mapping[str, Any]) -> Iterator[Usage]:
    for i, rs in enumerate(_list(doc, "resourceSpans", "payload")):
        where = f"resourceSpans[{i}]"
        resource = attributes((rs.get("resource") or {}).get("attributes"), where)
        for j, ss in enumerate(_list(rs, "scopeSpans", where)):
            for k, span in enumerate(_list(ss, "spans", f"{where}.scopeSpans[{j}]")):
                at = f"{where}.scopeSpans[{j}].spans[{k}]"
                attrs = {**resource, **attributes(span.get("attributes"), at)}
                provider = _first(attrs, PROVIDER_KEYS)
                if provider is None or not any(
                    key in attrs
                    for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")
                ):
                    continue  # not a GenAI call with usage: other spans are ignored
                if not span.get("traceId") or not span.get("spanId"):
                    raise InvalidInput(f"{at}: traceId and spanId are required")
                start = _time(span.get("startTimeUnixNano"), at)
                yield Usage(
                    event_id=f"span:{span['traceId']}:{span['spanId']}",
                    provider=provider,
                    model=_first(attrs, ("gen_ai.response.model", "gen_ai.request.model")),
                    start=start,
                    end=max(
                        start,
                        _time(span.get("endTimeUnixNano") or span.get("startTimeUnixNano"), at),
                    ),
                    input_tokens=_tokens(attrs.get("gen_ai.usage.input_tokens"), at),
                    output_tokens=_tokens(attrs.get("gen_ai.usage.output_tokens"), at),
                    cached_tokens=_tokens(
                        next((attrs[c] for c in CACHED_KEYS if c in attrs), None), at
                    ),
                    project_id=_first(attrs, PROJECT_KEYS),
                    user_email=_first(attrs, USER_KEYS),
                    app=_first(resource, ("service.name",)),
                )


def metrics(doc: Mapping[str, Any]) -> Iterator[Usage]:
    for i, rm in enumerate(_list(doc, "resourceMetrics", "payload")):
        where = f"resourceMetrics[{i}]"
        resource = attributes((rm.get("resource") or {}).get("attributes"), where)
        for j, sm in enumerate(_list(rm, "scopeMetrics", where)):
            for k, metric in enumerate(_list(sm, "metrics", f"{where}.scopeMetrics[{j}]")):
                if metric.get("name") != TOKEN_METRIC:
                    continue
                at = f"{where}.scopeMetrics[{j}].metrics[{k}]"
                data = metric.get("histogram") or metric.get("sum")
                if not isinstance(data, dict):
                    raise InvalidInput(f"{at}: {TOKEN_METRIC} must be a histogram or a sum")
                cumulative = data.get("aggregationTemporality") in (
                    CUMULATIVE,
                    "AGGREGATION_TEMPORALITY_CUMULATIVE",
                )
                for n, point in enumerate(_list(data, "dataPoints", at)):
                    here = f"{at}.dataPoints[{n}]"
                    own = attributes(point.get("attributes"), here)
                    attrs = {**resource, **own}
                    provider = _first(attrs, PROVIDER_KEYS)
                    kind = attrs.get("gen_ai.token.type")
                    if provider is None or kind not in ("input", "output"):
                        raise InvalidInput(
                            f"{here}: needs gen_ai.provider.name (or gen_ai.system) and "
                            "gen_ai.token.type input or output"
                        )
                    start = _time(point.get("startTimeUnixNano") or point.get("timeUnixNano"), here)
                    end = max(start, _time(point.get("timeUnixNano"), here))
                    raw = point.get("sum", point.get("asInt", point.get("asDouble")))
                    tokens = _tokens(round(float(raw)) if isinstance(raw, float) else raw, here)
                    series = sorted((k2, str(v)) for k2, v in attrs.items())
                    ident = _digest(series, start) if cumulative else _digest(series, start, end)
                    yield Usage(
                        event_id=f"metric:{ident}",
                        provider=provider,
                        model=_first(attrs, ("gen_ai.response.model", "gen_ai.request.model")),
                        start=start,
                        end=end,
                        input_tokens=tokens if kind == "input" else 0,
                        output_tokens=tokens if kind == "output" else 0,
                        cached_tokens=0,
                        project_id=_first(attrs, PROJECT_KEYS),
                        user_email=_first(attrs, USER_KEYS),
                        app=_first(resource, ("service.name",)),
                    )


def usage_of(doc: object) -> list[Usage]:
    """Every GenAI use in an OTLP JSON export request (traces or metrics)."""
    if not isinstance(doc, dict):
        raise InvalidInput("the payload must be an OTLP JSON object")
    if "resourceSpans" not in doc and "resourceMetrics" not in doc:
        raise InvalidInput("the payload has neither resourceSpans nor resourceMetrics")
    try:
        return [*spans(doc), *metrics(doc)]
    except (AttributeError, TypeError, ValueError, OverflowError) as e:
        raise InvalidInput(f"the payload is not OTLP JSON: {e}") from None
