"""Helpers shared by the format adapter tests: where the real samples live, small file writers,
and readers of what an ingest left in the lake.

The lake readers all read org ``acme`` unless told otherwise, the org every test ingests into.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from costlake.focus.scan import scan
from costlake.lake.store import Lake

# Headers of a CloudZero CBF drop and of a GCP billing export, for "is not this format" tests.
CBF_AND_GCP_HEADERS = [
    "time/usage_start,cost/cost,resource/service,resource/account,lineitem/type",
    "billing_account_id,service.description,sku.id,usage_start_time,cost,currency",
]

# One real export of each provider format (Azure EA twice: actual and anonymised), for
# "is not this format" tests of the adapters that have none of them.
PROVIDER_EXPORT_NAMES = [
    "EA_ActualCost_Small.csv",
    "sample-anonymous-ea-export-dataset.csv",
    "reports_cost-csv_0000000030000269.csv",
    "sample-anonymous-aws-export-dataset.csv",
]


# -- samples and files ------------------------------------------------------------------------


def focus_sample(shared_data: Path) -> Path:
    """The FinOps Foundation's FOCUS sample."""
    return shared_data / "focus-samples" / "focus_sample.csv"


def provider_export(shared_data: Path, name: str) -> Path:
    """One of the real (anonymised) provider exports, by file name."""
    return shared_data / "provider-exports" / name


def write_header_and_ones(path: Path, header: str) -> Path:
    """A CSV with the comma-separated ``header`` and one data row of ``1`` in every column."""
    path.write_text(header + "\n" + ",".join("1" for _ in header.split(",")) + "\n")
    return path


def write_dict_csv(
    path: Path,
    header: list[str],
    rows: Iterable[Mapping[str, str]],
    *,
    encoding: str | None = None,
) -> Path:
    """A CSV with ``header`` and one line per row; a row's keys not in ``header`` are dropped and
    columns missing from a row are left blank."""
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


# -- what the lake holds after an ingest ------------------------------------------------------


TAGS_MAP = """CAST(json_transform(Tags, '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR))"""
"""Tags (JSON object text in the lake) read back as a map, which DuckDB gives Python as a
dict: tests compare the tags an export carried, not how their text is spaced."""


def lake_rows(
    lake: Lake, select: str, where: str = "true", group: str = ""
) -> list[tuple[Any, ...]]:
    """``SELECT {select} ... WHERE {where} [GROUP BY {group}]`` over org ``acme``'s lake files."""
    files = lake.snapshot("acme").files()
    group_by = f" GROUP BY {group}" if group else ""
    return duckdb.sql(f"SELECT {select} FROM {scan(files)} WHERE {where}{group_by}").fetchall()


def lake_rows_by_description(lake: Lake, org: str = "acme") -> dict[str, dict[str, Any]]:
    """Every lake row of ``org`` as a column -> value dict, keyed by its ChargeDescription (the
    labels of hand-made rows)."""
    rel = duckdb.sql(f"SELECT * FROM {scan(lake.snapshot(org).files())}")
    rows = (dict(zip(rel.columns, t, strict=True)) for t in rel.fetchall())
    return {r["ChargeDescription"]: r for r in rows}


def lake_records(lake: Lake) -> list[dict[str, Any]]:
    """Every lake row of org ``acme`` as a column -> value dict, read through Arrow with the
    files unioned by column name."""
    files = lake.snapshot("acme").files()
    return duckdb.connect().sql(f"SELECT * FROM {scan(files)}").to_arrow_table().to_pylist()
