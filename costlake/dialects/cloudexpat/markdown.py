"""The Markdown report: written to read well as a GitHub pull-request comment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

_ENV = Environment(
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
)

_TEMPLATE = _ENV.from_string((Path(__file__).parent / "report.md.j2").read_text(encoding="utf-8"))


def _money(value: float | None, currency: str | None) -> str:
    if value is None:
        return "–"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "", "")
    sign = "-" if value < 0 else ""
    text = f"{sign}{symbol}{abs(value):,.2f}"
    return text if symbol else f"{text} {currency}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}"


def _delta(d: dict[str, Any] | None, currency: str | None, unit: str = "") -> str:
    if not d or d.get("absolute") is None:
        return "–"
    a = d["absolute"]
    arrow = "🔺" if a > 0 else "🔻" if a < 0 else "▪️"
    amount = _money(abs(a), currency) if currency else f"{abs(a):,.2f}{unit}"
    pct = d.get("percentage")
    pct_text = f" ({'+' if pct > 0 else ''}{pct:.1f}%)" if pct is not None else ""
    return f"{arrow} {'+' if a > 0 else '-' if a < 0 else ''}{amount}{pct_text}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _services(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{_cell(s['service'])} {s['percentage']:.0f}%" for s in items) or "–"


def render(report: dict[str, Any], *, estimate: bool) -> str:
    return _TEMPLATE.render(
        costs=report["costs"],
        carbon=report.get("carbon"),
        resources=report.get("resources"),
        data_quality=report["dataQuality"],
        metadata=report["metadata"],
        estimate=estimate,
        fmt_money=_money,
        fmt_num=_num,
        fmt_delta=_delta,
        cell=_cell,
        services=_services,
    )
