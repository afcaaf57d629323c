"""The Markdown report: written to read well as a GitHub pull-request comment."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined

_ENV = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   autoescape=False)

_TEMPLATE = _ENV.from_string("""\
## ☁️ Cloud cost report: {{ costs.period.label }}

**{{ costs.period.start }} → {{ costs.period.end }}** (UTC, end exclusive){% if costs.comparison %} · compared with {{ costs.comparison.start }} → {{ costs.comparison.end }}{% endif %}


| | {{ costs.period.label }} |{% if costs.comparison %} {{ costs.comparison.label }} | Change |{% endif %}

|---|---:|{% if costs.comparison %}---:|---:|{% endif %}

| **Total cost** | **{{ fmt_money(costs.totals.current, costs.totals.currency) }}** |{% if costs.comparison %} {{ fmt_money(costs.totals.previous, costs.totals.currency) }} | {{ fmt_delta(costs.totals.delta, costs.totals.currency) }} |{% endif %}

{% if carbon %}
| **Emissions** | **{{ fmt_num(carbon.totals.current) }} kgCO2e** |{% if carbon.comparison %} {{ fmt_num(carbon.totals.previous) }} kgCO2e | {{ fmt_delta(carbon.totals.delta, None, " kgCO2e") }} |{% endif %}

{% endif %}

{% if costs.accounts %}
### Top accounts

| Account | Provider | Cost |{% if costs.comparison %} Change |{% endif %} Top services |
|---|---|---:|{% if costs.comparison %}---:|{% endif %}---|
{% for a in costs.accounts %}
| {{ cell(a.accountName) }} (`{{ a.externalId }}`) | {{ a.provider }} | {{ fmt_money(a.costs.current, a.costs.currency) }} |{% if costs.comparison %} {{ fmt_delta(a.costs.delta, a.costs.currency) }} |{% endif %} {{ services(a.byService) }} |
{% endfor %}
{% else %}
_No account has cost data in this period._
{% endif %}
{% if carbon and carbon.accounts %}

### Carbon

| Account | Emissions |{% if carbon.comparison %} Change |{% endif %} Source |
|---|---:|{% if carbon.comparison %}---:|{% endif %}---|
{% for a in carbon.accounts %}
| {{ cell(a.accountName) }} | {{ fmt_num(a.emissions.current) }} kgCO2e |{% if carbon.comparison %} {{ fmt_delta(a.emissions.delta, None, " kgCO2e") }} |{% endif %} {{ a.emissions.dataSource }}{% if a.emissions.isEstimate %} (estimate){% endif %} |
{% endfor %}
{% endif %}
{% if resources %}

### Resources detected
{{ resources.totalResources }} resources{% for p in resources.byProvider %}{% if loop.first %}: {% else %}, {% endif %}{{ p.count }} on {{ p.name }}{% endfor %}.
{% endif %}

> **Data quality: {{ data_quality.status }}**. {{ data_quality.message }}{% if estimate %} Figures marked as estimates cover a billing month that is not closed yet.{% endif %}


<sub>Generated {{ metadata.generatedAt }} by costlake · [dashboard]({{ metadata.dashboardUrl }})</sub>
""")


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
        costs=report["costs"], carbon=report.get("carbon"), resources=report.get("resources"),
        data_quality=report["dataQuality"], metadata=report["metadata"], estimate=estimate,
        fmt_money=_money, fmt_num=_num, fmt_delta=_delta, cell=_cell, services=_services,
    )
