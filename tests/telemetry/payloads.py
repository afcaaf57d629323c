"""OTLP JSON export requests as the OpenTelemetry SDK's JSON encoding writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def nanos(moment: datetime) -> str:
    return str(int(moment.replace(tzinfo=UTC).timestamp() * 1e9))


def attr(key: str, value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": str(value)}}


def span(
    span_id: str, at: datetime, model: str, tokens_in: int, tokens_out: int, **extra: object
) -> dict[str, Any]:
    attrs = {
        "gen_ai.system": "openai", "gen_ai.request.model": model,
        "gen_ai.response.model": model, "gen_ai.usage.input_tokens": tokens_in,
        "gen_ai.usage.output_tokens": tokens_out, **extra,
    }  # fmt: skip
    return {
        "traceId": "5b8efff798038103d269b633813fc60c", "spanId": span_id, "name": f"chat {model}",
        "startTimeUnixNano": nanos(at), "endTimeUnixNano": nanos(at),
        "attributes": [attr(k, v) for k, v in attrs.items()],
    }  # fmt: skip


def traces(*spans: dict[str, Any], app: str = "chatbot") -> dict[str, Any]:
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": [attr("service.name", app)]},
                "scopeSpans": [{"scope": {"name": "openai"}, "spans": list(spans)}],
            }
        ]
    }


def token_metric(
    start: datetime,
    end: datetime,
    tokens: dict[str, int],
    *,
    model: str = "gpt-4o-mini",
    cumulative: bool = True,
) -> dict[str, Any]:
    points = [
        {
            "attributes": [
                attr("gen_ai.provider.name", "openai"), attr("gen_ai.request.model", model),
                attr("gen_ai.token.type", kind),
            ],
            "startTimeUnixNano": nanos(start), "timeUnixNano": nanos(end),
            "count": "3", "sum": float(n),
        }
        for kind, n in tokens.items()
    ]  # fmt: skip
    return {
        "resourceMetrics": [
            {
                "resource": {"attributes": [attr("service.name", "batch")]},
                "scopeMetrics": [
                    {
                        "metrics": [
                            {
                                "name": "gen_ai.client.token.usage", "unit": "{token}",
                                "histogram": {
                                    "dataPoints": points,
                                    "aggregationTemporality": 2 if cumulative else 1,
                                },
                            }
                        ]
                    }
                ],
            }
        ]
    }  # fmt: skip
