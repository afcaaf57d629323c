"""Keep credentials and query-string values out of the server's logs.

Clients sometimes put an API key in the URL (``?api_key=...``); the dialects refuse it, but
the access log would still write the request line, key included, into files that are kept
for months and read by more people than the keys were meant for. Every query value is
replaced, not only names that look like credentials: a log that needs to tell requests
apart can use the path, and no list of "secret" parameter names is ever complete.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "REDACTED"

_PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]{0,31}")
"""A query parameter name kept in the log; anything else (a bare key pasted into the URL,
percent-encoded text) is replaced whole."""


def redact_target(target: str) -> str:
    """``/v1/x?api_key=s3cret&period=month`` -> ``/v1/x?api_key=REDACTED&period=REDACTED``."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    items: list[str] = []
    for item in query.split("&"):
        name, eq, _ = item.partition("=")
        if not item:
            items.append(item)
        elif _PARAMETER_NAME.fullmatch(name):
            items.append(f"{name}={REDACTED}" if eq else name)
        else:
            items.append(REDACTED)
    return f"{path}?{'&'.join(items)}"


class QueryRedactingFilter(logging.Filter):
    """Rewrites every argument of a log record that carries a query string.

    uvicorn formats its access line from ``record.args`` (client, method, path with query,
    HTTP version, status); the filter works on the arguments, so every formatter and
    handler downstream sees the redacted target, and on the message itself for loggers
    that format before logging.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_target(a) if isinstance(a, str) and "?" in a else a for a in record.args
            )
        if isinstance(record.msg, str) and "?" in record.msg and not record.args:
            record.msg = " ".join(redact_target(word) for word in record.msg.split(" "))
        return True


def with_redaction(log_config: dict[str, Any], loggers: tuple[str, ...]) -> dict[str, Any]:
    """``log_config`` (a :func:`logging.config.dictConfig` dict) with the filter on ``loggers``."""
    config = {**log_config, "filters": {**log_config.get("filters", {})}}
    config["filters"]["costlake_redact"] = {"()": QueryRedactingFilter}
    config["loggers"] = {name: dict(spec) for name, spec in log_config["loggers"].items()}
    for name in loggers:
        spec = config["loggers"].setdefault(name, {})
        spec["filters"] = [*spec.get("filters", []), "costlake_redact"]
    return config
