"""Billing exports shaped as the providers write them, for the ingest benchmark.

Independent of costlake's own writer (nothing here imports ``costlake``): each file has its
provider's column set, names and types, never the lake's schema.

- ``aws-focus``: AWS Data Exports FOCUS 1.2 as Parquet (zstd): 36 FOCUS columns and two
  ``x_`` ones, costs and quantities ``DECIMAL(20, 10)``, ``Tags`` a ``MAP``, timestamps.
- ``azure-focus``: Azure cost-management FOCUS export as CSV (ISO timestamps with ``Z``,
  tags as JSON text, Azure's ``x_`` columns).
- ``aws-cur``: the legacy Cost and Usage Report as CSV (``lineItem/UnblendedCost``, one
  ``resourceTags/user:*`` column per tag key).
- ``gcp``: the BigQuery billing export as JSON lines (nested ``service``, ``sku``,
  ``project``, ``labels``, ``usage``, ``credits``).

Usage is hourly: ``resources`` resources (default 2,300) with fixed attributes (service,
region, account, SKU, unit price, tags), one row each per hour, in time order, so ``rows``
rows cover ``rows / resources`` hours. With ``random_keys`` every row draws its resource and
tags at random instead, so there is little to pre-aggregate (rollups nearly as large as the
line items): the adversarial case for rollups. DuckDB writes every file from
``generate_series``; a million rows take a few seconds.

    python -m bench.provider_exports --kind aws-focus --rows 1000000 --out /tmp/x.parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

KINDS = ("aws-focus", "azure-focus", "aws-cur", "gcp")
SUFFIX = {"aws-focus": ".parquet", "azure-focus": ".csv", "aws-cur": ".csv", "gcp": ".jsonl"}
START = "2025-01-01"

# (service name, category, service code, unit, usage type, resource kind, price per unit)
_SERVICES = [
    (
        "Amazon Elastic Compute Cloud",
        "Compute",
        "AmazonEC2",
        "Hrs",
        "BoxUsage:m5.large",
        "i",
        "0.096",
    ),
    (
        "Amazon Elastic Compute Cloud",
        "Compute",
        "AmazonEC2",
        "Hrs",
        "BoxUsage:c5.xlarge",
        "i",
        "0.17",
    ),
    (
        "Amazon Elastic Compute Cloud",
        "Compute",
        "AmazonEC2",
        "Hrs",
        "BoxUsage:r6g.2xlarge",
        "i",
        "0.4032",
    ),
    (
        "Amazon Elastic Block Store",
        "Storage",
        "AmazonEC2",
        "GB-Mo",
        "EBS:VolumeUsage.gp3",
        "vol",
        "0.00010959",
    ),
    (
        "Amazon Simple Storage Service",
        "Storage",
        "AmazonS3",
        "GB-Mo",
        "TimedStorage-ByteHrs",
        "bucket",
        "0.0000315",
    ),
    (
        "Amazon Relational Database Service",
        "Databases",
        "AmazonRDS",
        "Hrs",
        "InstanceUsage:db.m5.large",
        "db",
        "0.171",
    ),
    (
        "AWS Lambda",
        "Compute",
        "AWSLambda",
        "Lambda-GB-Second",
        "Lambda-GB-Second",
        "function",
        "0.0000166667",
    ),
    (
        "Amazon DynamoDB",
        "Databases",
        "AmazonDynamoDB",
        "ReadRequestUnits",
        "ReadRequestUnits",
        "table",
        "0.00000025",
    ),
    (
        "Amazon CloudFront",
        "Networking",
        "AmazonCloudFront",
        "GB",
        "DataTransfer-Out-Bytes",
        "distribution",
        "0.085",
    ),
    (
        "Amazon Elastic Kubernetes Service",
        "Compute",
        "AmazonEKS",
        "Hrs",
        "AmazonEKS-Hours:perCluster",
        "cluster",
        "0.10",
    ),
]
_REGIONS = [
    ("us-east-1", "US East (N. Virginia)"),
    ("us-west-2", "US West (Oregon)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
]
_TEAMS = ["platform", "data", "web", "ml", "payments", "search", "mobile"]
_ENVS = ["prod", "staging", "dev"]


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _resources_sql(resources: int) -> str:
    """One row per resource: its fixed attributes, keyed by ``r``."""
    svc = {k: _list([s[j] for s in _SERVICES]) for j, k in enumerate(
        ["svc", "cat", "code", "unit", "usage", "kind", "price"])}  # fmt: skip
    n = len(_SERVICES)
    return f"""
    SELECT
      r,
      {svc["svc"]}[1 + r % {n}] AS svc,
      {svc["cat"]}[1 + r % {n}] AS cat,
      {svc["code"]}[1 + r % {n}] AS code,
      {svc["unit"]}[1 + r % {n}] AS unit,
      {svc["usage"]}[1 + r % {n}] AS usage,
      {svc["kind"]}[1 + r % {n}] AS kind,
      CAST({svc["price"]}[1 + r % {n}] AS DECIMAL(20, 10)) AS price,
      {_list([x[0] for x in _REGIONS])}[1 + (r // 7) % {len(_REGIONS)}] AS region,
      {_list([x[1] for x in _REGIONS])}[1 + (r // 7) % {len(_REGIONS)}] AS region_name,
      {_list([x[0] + "a" for x in _REGIONS])}[1 + (r // 7) % {len(_REGIONS)}] AS zone,
      lpad(CAST(100000000000 + (r % 40) * 7919 AS VARCHAR), 12, '0') AS account,
      'team-account-' || (r % 40) AS account_name,
      {_list(_TEAMS)}[1 + (r // 3) % {len(_TEAMS)}] AS team,
      {_list(_ENVS)}[1 + (r // 11) % {len(_ENVS)}] AS env,
      'app-' || (r % 37) AS app,
      r % 5 = 0 AS untagged,
      substr(md5(CAST(r AS VARCHAR)), 1, 17) AS hex,
      upper(substr(md5('sku' || (r % {n * 5})), 1, 16)) AS sku,
      1 + (r % 13) / 4.0 AS scale
    FROM range({resources}) t(r)
    """


def _rows_sql(rows: int, resources: int, random_keys: bool) -> str:
    """Every line item: a resource (fixed attributes) and an hour, in time order."""
    pick = f"CAST(floor(random() * {resources}) AS BIGINT)" if random_keys else f"i % {resources}"
    return f"""
    WITH res AS ({_resources_sql(resources)}),
    attrs AS (SELECT list(res ORDER BY r) AS a FROM res),
    line AS (
      SELECT i, TIMESTAMP '{START}' + INTERVAL 1 HOUR * (i // {resources}) AS hour,
             (SELECT a FROM attrs)[1 + {pick}] AS x,
             CAST(1 + (hash(i) % 1000) / 1000.0 AS DECIMAL(20, 10)) AS jitter
      FROM range({rows}) t(i)
    )
    SELECT i, hour, x.*, jitter,
           CAST(CASE WHEN x.unit = 'Hrs' THEN 1 ELSE x.scale * jitter * 100 END
                AS DECIMAL(20, 10)) AS qty
    FROM line
    """


def _tags_map(random_keys: bool) -> str:
    if random_keys:
        return (
            "MAP {'team': team, 'env': env, 'app': app, 'build': CAST(hash(i) % 100000 AS VARCHAR)}"
        )
    return "CASE WHEN untagged THEN NULL ELSE MAP {'team': team, 'env': env, 'app': app} END"


def aws_focus_sql(rows: int, resources: int, random_keys: bool) -> str:
    d = "DECIMAL(20, 10)"
    return f"""
    SELECT
      zone AS AvailabilityZone,
      CAST(price * qty AS {d}) AS BilledCost,
      '123456789012' AS BillingAccountId,
      'Example Corp payer' AS BillingAccountName,
      'USD' AS BillingCurrency,
      date_trunc('month', hour) + INTERVAL 1 MONTH AS BillingPeriodEnd,
      date_trunc('month', hour) AS BillingPeriodStart,
      'Usage' AS ChargeCategory,
      CAST(NULL AS VARCHAR) AS ChargeClass,
      '$' || CAST(price AS VARCHAR) || ' per ' || unit || ' for ' || usage AS ChargeDescription,
      'Usage-Based' AS ChargeFrequency,
      hour + INTERVAL 1 HOUR AS ChargePeriodEnd,
      hour AS ChargePeriodStart,
      CAST(NULL AS VARCHAR) AS CommitmentDiscountId,
      qty AS ConsumedQuantity,
      unit AS ConsumedUnit,
      CAST(price * qty AS {d}) AS ContractedCost,
      price AS ContractedUnitPrice,
      CAST(CASE WHEN code = 'AmazonEC2' AND r % 4 = 0 THEN price * qty * 0.72
                ELSE price * qty END AS {d}) AS EffectiveCost,
      'Amazon Web Services, Inc.' AS InvoiceIssuerName,
      CAST(price * qty * 1.1 AS {d}) AS ListCost,
      CAST(price * 1.1 AS {d}) AS ListUnitPrice,
      CASE WHEN code = 'AmazonEC2' AND r % 4 = 0 THEN 'Committed' ELSE 'Standard' END
        AS PricingCategory,
      qty AS PricingQuantity,
      unit AS PricingUnit,
      'AWS' AS ProviderName,
      'Amazon Web Services, Inc.' AS PublisherName,
      region AS RegionId,
      region_name AS RegionName,
      'arn:aws:' || lower(code) || ':' || region || ':' || account || ':' || kind || '/'
        || hex AS ResourceId,
      kind || '-' || hex AS ResourceName,
      cat AS ServiceCategory,
      svc AS ServiceName,
      sku AS SkuId,
      account AS SubAccountId,
      {_tags_map(random_keys)} AS Tags,
      code AS x_ServiceCode,
      usage AS x_UsageType
    FROM ({_rows_sql(rows, resources, random_keys)})
    """


def azure_focus_sql(rows: int, resources: int, random_keys: bool) -> str:
    iso = "'%Y-%m-%dT%H:%M:%SZ'"
    tags = _tags_map(random_keys)
    return f"""
    SELECT
      CAST(price * qty AS VARCHAR) AS BilledCost,
      '/providers/Microsoft.Billing/billingAccounts/12345678' AS BillingAccountId,
      'Contoso' AS BillingAccountName,
      'Billing Profile' AS BillingAccountType,
      'USD' AS BillingCurrency,
      strftime(date_trunc('month', hour) + INTERVAL 1 MONTH, {iso}) AS BillingPeriodEnd,
      strftime(date_trunc('month', hour), {iso}) AS BillingPeriodStart,
      'Usage' AS ChargeCategory,
      '' AS ChargeClass,
      usage AS ChargeDescription,
      'Usage-Based' AS ChargeFrequency,
      strftime(hour + INTERVAL 1 HOUR, {iso}) AS ChargePeriodEnd,
      strftime(hour, {iso}) AS ChargePeriodStart,
      '' AS CommitmentDiscountCategory,
      '' AS CommitmentDiscountId,
      CAST(qty AS VARCHAR) AS ConsumedQuantity,
      unit AS ConsumedUnit,
      CAST(price * qty AS VARCHAR) AS ContractedCost,
      CAST(price AS VARCHAR) AS ContractedUnitPrice,
      CAST(price * qty AS VARCHAR) AS EffectiveCost,
      'Microsoft' AS InvoiceIssuerName,
      CAST(price * qty AS VARCHAR) AS ListCost,
      CAST(price AS VARCHAR) AS ListUnitPrice,
      'Standard' AS PricingCategory,
      CAST(qty AS VARCHAR) AS PricingQuantity,
      unit AS PricingUnit,
      'Microsoft' AS ProviderName,
      'Microsoft' AS PublisherName,
      replace(region, '-', '') AS RegionId,
      region_name AS RegionName,
      '/subscriptions/' || account || '/resourcegroups/rg-' || team || '/providers/'
        || 'microsoft.compute/virtualmachines/vm-' || hex AS ResourceId,
      'vm-' || hex AS ResourceName,
      'microsoft.compute/virtualmachines' AS ResourceType,
      cat AS ServiceCategory,
      replace(svc, 'Amazon ', 'Azure ') AS ServiceName,
      sku AS SkuId,
      sku || '-' || unit AS SkuPriceId,
      account AS SubAccountId,
      account_name AS SubAccountName,
      coalesce(CAST(to_json({tags}) AS VARCHAR), '{{}}') AS Tags,
      'rg-' || team AS x_ResourceGroupName,
      cat AS x_SkuMeterCategory,
      CAST(price * qty AS VARCHAR) AS x_BilledCostInUsd
    FROM ({_rows_sql(rows, resources, random_keys)})
    """


def aws_cur_sql(rows: int, resources: int, random_keys: bool) -> str:
    iso = "'%Y-%m-%dT%H:%M:%SZ'"
    return f"""
    SELECT
      substr(md5(CAST(i AS VARCHAR)), 1, 26) AS "identity/LineItemId",
      strftime(hour, {iso}) || '/' || strftime(hour + INTERVAL 1 HOUR, {iso})
        AS "identity/TimeInterval",
      'AWS' AS "bill/BillingEntity",
      'Anniversary' AS "bill/BillType",
      '123456789012' AS "bill/PayerAccountId",
      strftime(date_trunc('month', hour), {iso}) AS "bill/BillingPeriodStartDate",
      strftime(date_trunc('month', hour) + INTERVAL 1 MONTH, {iso})
        AS "bill/BillingPeriodEndDate",
      account AS "lineItem/UsageAccountId",
      'Usage' AS "lineItem/LineItemType",
      strftime(hour, {iso}) AS "lineItem/UsageStartDate",
      strftime(hour + INTERVAL 1 HOUR, {iso}) AS "lineItem/UsageEndDate",
      code AS "lineItem/ProductCode",
      usage AS "lineItem/UsageType",
      'RunInstances' AS "lineItem/Operation",
      zone AS "lineItem/AvailabilityZone",
      'arn:aws:' || lower(code) || ':' || region || ':' || account || ':' || kind || '/'
        || hex AS "lineItem/ResourceId",
      CAST(qty AS VARCHAR) AS "lineItem/UsageAmount",
      'USD' AS "lineItem/CurrencyCode",
      CAST(price AS VARCHAR) AS "lineItem/UnblendedRate",
      CAST(price * qty AS VARCHAR) AS "lineItem/UnblendedCost",
      CAST(price AS VARCHAR) AS "lineItem/BlendedRate",
      CAST(price * qty AS VARCHAR) AS "lineItem/BlendedCost",
      '$' || CAST(price AS VARCHAR) || ' per ' || unit AS "lineItem/LineItemDescription",
      svc AS "product/ProductName",
      CASE WHEN code = 'AmazonEC2' THEN split_part(usage, ':', 2) ELSE '' END
        AS "product/instanceType",
      region AS "product/region",
      region_name AS "product/location",
      cat AS "product/productFamily",
      sku AS "product/sku",
      CAST(price * qty * 1.1 AS VARCHAR) AS "pricing/publicOnDemandCost",
      CAST(price * 1.1 AS VARCHAR) AS "pricing/publicOnDemandRate",
      'OnDemand' AS "pricing/term",
      unit AS "pricing/unit",
      CASE WHEN untagged THEN '' ELSE team END AS "resourceTags/user:team",
      CASE WHEN untagged THEN '' ELSE env END AS "resourceTags/user:env",
      CASE WHEN untagged THEN '' ELSE app END AS "resourceTags/user:app"
    FROM ({_rows_sql(rows, resources, random_keys)})
    """


def gcp_sql(rows: int, resources: int, random_keys: bool) -> str:
    ts = "'%Y-%m-%d %H:%M:%S UTC'"
    return f"""
    SELECT
      '01A2B3-C4D5E6-F7A8B9' AS billing_account_id,
      {{'id': code, 'description': replace(svc, 'Amazon ', 'Cloud ')}} AS service,
      {{'id': sku, 'description': usage}} AS sku,
      strftime(hour, {ts}) AS usage_start_time,
      strftime(hour + INTERVAL 1 HOUR, {ts}) AS usage_end_time,
      {{'id': 'project-' || (r % 40), 'number': CAST(100000 + r % 40 AS VARCHAR),
        'name': account_name, 'labels': [], 'ancestry_numbers': '/123/'}} AS project,
      CASE WHEN untagged THEN []
           ELSE [{{'key': 'team', 'value': team}}, {{'key': 'env', 'value': env}},
                 {{'key': 'app', 'value': app}}] END AS labels,
      [] AS system_labels,
      {{'location': region, 'country': 'US', 'region': region, 'zone': zone}} AS location,
      {{'name': kind || '-' || hex,
        'global_name': '//compute.googleapis.com/projects/p/zones/' || zone || '/' || hex}}
        AS resource,
      strftime(hour + INTERVAL 5 HOUR, {ts}) AS export_time,
      CAST(price * qty AS DOUBLE) AS cost,
      'USD' AS currency,
      1.0 AS currency_conversion_rate,
      {{'amount': CAST(qty AS DOUBLE), 'unit': unit,
        'amount_in_pricing_units': CAST(qty AS DOUBLE), 'pricing_unit': unit}} AS usage,
      CASE WHEN r % 6 = 0
           THEN [{{'name': 'Sustained use discount', 'amount': -CAST(price * qty * 0.2 AS DOUBLE),
                   'full_name': NULL, 'id': 'sud', 'type': 'SUSTAINED_USAGE_DISCOUNT'}}]
           ELSE [] END AS credits,
      {{'month': strftime(hour, '%Y%m')}} AS invoice,
      'regular' AS cost_type
    FROM ({_rows_sql(rows, resources, random_keys)})
    """


_SQL = {
    "aws-focus": aws_focus_sql,
    "azure-focus": azure_focus_sql,
    "aws-cur": aws_cur_sql,
    "gcp": gcp_sql,
}


def write(
    kind: str,
    out: Path,
    rows: int,
    *,
    resources: int = 2300,
    random_keys: bool = False,
    threads: int | None = None,
) -> Path:
    """Write ``rows`` rows of ``kind`` to ``out`` (a file); returns ``out``."""
    if kind not in _SQL:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        if threads:
            con.execute(f"SET threads = {threads}")
        con.execute("SELECT setseed(0.7)")
        options = {
            "aws-focus": "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880",
            "azure-focus": "FORMAT csv, HEADER",
            "aws-cur": "FORMAT csv, HEADER",
            "gcp": "FORMAT json",
        }[kind]
        sql = _SQL[kind](rows, resources, random_keys)
        tmp = out.with_name(out.name + ".tmp")
        con.execute(f"COPY ({sql}) TO {_q(str(tmp))} ({options})")
        tmp.rename(out)
    finally:
        con.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--resources", type=int, default=2300)
    parser.add_argument("--random-keys", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write(args.kind, args.out, args.rows, resources=args.resources, random_keys=args.random_keys)


if __name__ == "__main__":
    main()
