"""``costlake anomalies``: detect cost anomalies in the lake, list them, record feedback."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.table import Table

from costlake.cli.audit import audited
from costlake.cli.context import (
    HELP_OPTIONS,
    check_output,
    db_session,
    handle_errors,
    open_platform,
    out,
)
from costlake.cli.help import Command, Group
from costlake.cli.table import money
from costlake.errors import InvalidInput
from costlake.kit.jsonout import decimal_text

if TYPE_CHECKING:
    from costlake.anomalies.schemas import Anomaly, Monitor
    from costlake.query.model import Filter

app = typer.Typer(
    help="Find and review cost anomalies.",
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    cls=Group,
)


@app.command("detect", cls=Command)
@handle_errors
def detect(
    org: Annotated[str | None, typer.Option(help="Tenant to examine (default: every org)")] = None,
) -> None:
    """Evaluate the last days of usage cost (COSTLAKE_ANOMALY_LOOKBACK_DAYS) and store the
    anomalies found. Running it again over unchanged data changes nothing."""
    from costlake.anomalies.tasks import detect_for_org
    from costlake.query.service import require_data

    with open_platform() as platform:
        if org is not None:
            require_data(platform.lake, org)
        for name in [org] if org else platform.lake.orgs():
            s = detect_for_org(platform, name)
            days = f"{s.first_day} to {s.last_day}" if s.first_day else "no usage charges"
            out.print(
                f"org {name}: {days}; {s.series} series; {s.created} new, {s.updated} updated, "
                f"{s.withdrawn} withdrawn anomalies"
            )


@app.command("list", cls=Command)
@handle_errors
def list_(
    org: Annotated[str, typer.Option(help="Tenant whose anomalies to list")] = "default",
    status: Annotated[
        str | None,
        typer.Option(
            metavar="STATUS",
            help="Only this status: new, acknowledged, resolved, false_positive, dismissed",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only those detected on or after DATE")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many")] = None,
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """List an org's anomalies, the most recently detected first."""
    from costlake.anomalies.records import list_anomalies

    check_output(output)
    day = _date(since, "--since") if since else None
    with db_session() as session:
        found = list_anomalies(session, org, status=status, since=day, limit=limit)
    if output == "json":
        sys.stdout.buffer.write(_json([_record(a) for a in found]) + b"\n")
        return
    table = Table("id", "monitor", "detected", "days", "type", "severity", "status", "provider")
    table.add_column("service")
    table.add_column("account")
    table.add_column("expected", justify="right")
    table.add_column("actual", justify="right")
    table.add_column("change", justify="right")
    for a in found:
        days = (a.end_date - a.start_date).days + 1
        change = f"{a.deviation_percent:+.0f}%" if a.deviation_percent is not None else "new"
        table.add_row(
            a.id[:8],
            a.monitor,
            a.detected_date.isoformat(),
            str(days),
            a.alert_type.value,
            a.severity.value,
            a.status.value,
            a.provider_type,
            a.service or "",
            a.sub_account_id or "",
            f"{money(a.expected_cost)} {a.currency or ''}".strip(),
            f"{money(a.actual_cost)} {a.currency or ''}".strip(),
            change,
        )
    out.print(table)


@app.command("status", cls=Command)
@handle_errors
@audited("anomalies.status", target=lambda kw: f"anomaly {kw['anomaly']}")
def status(
    anomaly: Annotated[str, typer.Argument(help="Anomaly id (as listed in JSON)")],
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="STATUS", help="new, acknowledged, resolved, false_positive or dismissed"
        ),
    ],
    by: Annotated[str, typer.Option(help="Who gives this feedback (name or email)")],
    org: Annotated[str, typer.Option(help="Tenant the anomaly belongs to")] = "default",
) -> None:
    """Record feedback on an anomaly; a dismissed one is never raised again."""
    from costlake.anomalies.records import set_status

    with db_session() as session:
        a = set_status(session, org, anomaly, new_status, by)
    out.print(f"anomaly {a.id}: {a.status.value} (by {a.status_changed_by})")


monitors_app = typer.Typer(
    help="Custom monitors: series over any filter, watched beside the two built in.",
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    cls=Group,
)
app.add_typer(monitors_app, name="monitors")


@monitors_app.callback()
@handle_errors
def monitors() -> None:
    """Custom monitors: series over any filter, watched beside the two built in."""


@monitors_app.command("add", cls=Command)
@handle_errors
@audited("anomalies.monitors.add", target=lambda kw: f"monitor {kw['name']}")
def monitors_add(
    name: Annotated[str, typer.Argument(help="Monitor name (lower-case, unique in the org)")],
    org: Annotated[str, typer.Option(help="Tenant to watch")] = "default",
    dimension: Annotated[
        list[str] | None,
        typer.Option(
            "--dimension",
            metavar="KEY",
            help="A series per value of this FOCUS column or tag:<key>, besides provider "
            "and service; repeatable",
        ),
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            metavar="FILTER",
            help="KEY=VALUE, KEY=A|B, KEY!=A|B or KEY~TEXT; repeatable",
        ),
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who adds it (name or email)")] = None,
) -> None:
    """Add a monitor; the next detection (after an ingest, hourly, or `detect`) runs it."""
    from costlake.anomalies.monitors import add_monitor
    from costlake.cli.query import parse_filter

    filters = [parse_filter(f) for f in filter_ or []]
    with db_session() as session:
        m = add_monitor(session, org, name, dimensions=dimension or [], filters=filters, by=by)
    out.print(f"monitor {m.name}: {_describe(m)}")


@monitors_app.command("list", cls=Command)
@handle_errors
def monitors_list(
    org: Annotated[str, typer.Option(help="Tenant whose monitors to list")] = "default",
) -> None:
    """List the org's monitors: the two built in, then its own."""
    from costlake.anomalies.monitors import list_monitors
    from costlake.anomalies.schemas import DEFAULT_MONITORS

    with db_session() as session:
        custom = list_monitors(session, org)
    table = Table("monitor", "series per", "over", "kind")
    for m in DEFAULT_MONITORS:
        table.add_row(m.name, ", ".join(m.dimensions), "every usage charge", "built in")
    for m in custom:
        over = "; ".join(_filter_text(f) for f in m.filters) or "every usage charge"
        table.add_row(m.name, ", ".join(m.dimensions), over, "custom")
    out.print(table)


@monitors_app.command("remove", cls=Command)
@handle_errors
@audited("anomalies.monitors.remove", target=lambda kw: f"monitor {kw['name']}")
def monitors_remove(
    name: Annotated[str, typer.Argument(help="Monitor name")],
    org: Annotated[str, typer.Option(help="Tenant the monitor belongs to")] = "default",
) -> None:
    """Remove a custom monitor; the anomalies it found are kept."""
    from costlake.anomalies.monitors import remove_monitor

    with db_session() as session:
        remove_monitor(session, org, name)
    out.print(f"monitor {name} removed (its anomalies are kept)")


def _filter_text(f: Filter) -> str:
    sign = {"eq": "=", "in": "=", "not_in": "!=", "contains": "~"}.get(
        f.op.value, f" {f.op.value} "
    )
    return f"{f.key}{sign}{'|'.join(f.values)}"


def _describe(m: Monitor) -> str:
    over = "; ".join(_filter_text(f) for f in m.filters) or "every usage charge"
    return f"a series per {', '.join(m.dimensions)}, over {over}"


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} must be a date such as 2024-09-01, not {value!r}") from None


def _record(a: Anomaly) -> dict[str, Any]:
    return {
        "id": a.id,
        "org": a.org,
        "monitor": a.monitor,
        "alert_type": a.alert_type.value,
        "severity": a.severity.value,
        "status": a.status.value,
        "provider_type": a.provider_type,
        "service": a.service,
        "sub_account_id": a.sub_account_id,
        "currency": a.currency,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "detected_date": a.detected_date,
        "expected_cost": a.expected_cost,
        "actual_cost": a.actual_cost,
        "deviation_percent": a.deviation_percent,
        "top_contributors": [
            {
                "dimension": c.dimension,
                "value": c.value,
                "actual_cost": c.actual_cost,
                "change": c.change,
            }
            for c in a.contributors
        ],
        "status_changed_by": a.status_changed_by,
        "status_changed_at": a.status_changed_at,
    }


def _json(value: object) -> bytes:
    """JSON with decimals as exact numbers (never through a float)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return decimal_text(value).encode()
    if isinstance(value, dict):
        return b"{" + b",".join(orjson.dumps(k) + b":" + _json(v) for k, v in value.items()) + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(_json(v) for v in value) + b"]"
    if isinstance(value, date):  # datetimes too
        return orjson.dumps(value.isoformat())
    return orjson.dumps(value)
