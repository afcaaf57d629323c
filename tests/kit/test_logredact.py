"""Query values never reach the logs."""

from __future__ import annotations

import logging

import pytest

from costlake.kit.logredact import QueryRedactingFilter, redact_target, with_redaction


class TestRedactTarget:
    @pytest.mark.parametrize(
        ("target", "logged"),
        [
            ("/v1/costs/summary", "/v1/costs/summary"),
            ("/v1/x?api_key=s3cret", "/v1/x?api_key=REDACTED"),
            ("/v1/x?a=1&b=&c", "/v1/x?a=REDACTED&b=REDACTED&c"),
            ("/v1/x?ce_live_0123456789abcdef0123456789abcdef", "/v1/x?REDACTED"),
            ("/v1/x?api%5Fkey=s3cret", "/v1/x?REDACTED"),
            ("/v1/x?", "/v1/x?"),
        ],
    )
    def test_every_value_goes_names_stay(self, target: str, logged: str) -> None:
        assert redact_target(target) == logged


def test_filter_rewrites_uvicorns_access_record() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/v1/x?api_key=s3cret", "1.1", 401), None,
    )  # fmt: skip
    assert QueryRedactingFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /v1/x?api_key=REDACTED HTTP/1.1" 401'


def test_config_puts_the_filter_on_the_named_loggers_only() -> None:
    base = {"version": 1, "loggers": {"uvicorn.access": {"level": "INFO"}, "other": {}}}
    config = with_redaction(base, ("uvicorn.access",))
    assert config["loggers"]["uvicorn.access"]["filters"] == ["costlake_redact"]
    assert (
        "filters" not in config["loggers"]["other"]
        and "filters" not in base["loggers"]["uvicorn.access"]
    )
