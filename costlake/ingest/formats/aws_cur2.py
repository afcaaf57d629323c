"""AWS Cost and Usage Report 2.0 (Data Exports): snake_case ``line_item_unblended_cost`` columns.

Delivered as Parquet (costs DOUBLE, dates TIMESTAMP, ``resource_tags`` and ``product`` as
MAP<string, string>) or as gzipped CSV (the maps written as JSON text). The legacy CUR's
Athena/Parquet flavour uses the same snake_case names with one column per tag,
``resource_tags_user_team``, and is read here too. The FOCUS mapping is shared with the legacy
adapter in ``_aws_common``. See docs/ingest/aws.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats._aws_common import CUR2, AwsColumns, focus_columns
from costlake.ingest.registry import register
from costlake.ingest.sql import Expr, lit

_SIGNATURE = ("line_item_unblended_cost", "line_item_line_item_type")
_TAGS = "resource_tags"
_FLAT_PREFIX = "resource_tags_"
_USER = "user_"


def _strip_user(key_sql: str) -> str:
    return (
        f"CASE WHEN starts_with({key_sql}, {lit(_USER)}) AND length({key_sql}) > "
        f"{len(_USER)} THEN substr({key_sql}, {len(_USER) + 1}) ELSE {key_sql} END"
    )


def cur2_tags(columns: RawColumns) -> Expr:
    """Tags as one JSON object: user tags lose CUR 2.0's ``user_`` prefix, ``aws_*`` keep it.

    The ``resource_tags`` map (Parquet MAP or CSV JSON text) is preferred; without it the
    flattened ``resource_tags_user_*`` columns are read. Blank values are dropped and a row
    with no tag gets NULL. Only a ``resource_tags`` text that is not a JSON object is an error.
    """
    column = columns.find(_TAGS)
    if column is None:
        return _flat_tags(columns)
    base = sql.json_tags_map(column, columns.types[column])
    entries = (
        f"list_filter(map_entries({base.sql}), "
        "lambda e: e.value IS NOT NULL AND trim(e.value) <> '')"
    )
    renamed = (
        f"map_from_entries(list_transform({entries}, lambda e: struct_pack("
        f"k := {_strip_user('e.key')}, v := e.value)))"
    )
    stored = sql.tags_json(renamed)
    value = f"CASE WHEN ({base.sql}) IS NULL OR length({entries}) = 0 THEN NULL ELSE {stored} END"
    # Only text that is not a JSON object is an error; "{}" (no tags) reads as NULL too.
    raw = (
        (f"CASE WHEN ({base.sql}) IS NULL AND {base.raw} NOT IN ('{{}}', '[]') THEN {base.raw} END")
        if base.raw
        else None
    )
    return Expr(value, raw)


def _flat_tags(columns: RawColumns) -> Expr:
    keys: dict[str, str] = {}
    for name in columns.types:
        if name.startswith(_FLAT_PREFIX) and len(name) > len(_FLAT_PREFIX):
            key = name[len(_FLAT_PREFIX) :]
            keys[name] = key.removeprefix(_USER) or key
    if not keys:
        return Expr("NULL")
    return sql.tags_json_from_columns(keys)


class AwsCur2Adapter:
    name: ClassVar[str] = "aws-cur2"
    description: ClassVar[str] = (
        "AWS Cost and Usage Report 2.0 / Athena CUR (line_item_unblended_cost columns; "
        "Parquet or CSV)"
    )
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        if not columns.has(*_SIGNATURE):
            return 0
        return 60 + min(29, AwsColumns(columns, CUR2).known())

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        return focus_columns(AwsColumns(columns, CUR2), cur2_tags(columns))


register(AwsCur2Adapter())
