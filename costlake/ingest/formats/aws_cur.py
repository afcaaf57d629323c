"""AWS Cost and Usage Report, legacy format: ``lineItem/UnblendedCost``-style columns.

This is the CSV the CUR console delivered before Data Exports (CUR 2.0). Tags arrive as one
column per cost allocation tag, ``resourceTags/user:Team``; the FOCUS mapping itself is shared
with CUR 2.0 in ``_aws_common``. See docs/ingest/aws.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats._aws_common import LEGACY, AwsColumns, focus_columns
from costlake.ingest.registry import register
from costlake.ingest.sql import Expr

_SIGNATURE = ("lineItem/UnblendedCost", "lineItem/LineItemType")
_TAG_PREFIX = "resourceTags/"


def legacy_tags(columns: RawColumns) -> Expr:
    """``resourceTags/user:Team`` -> key ``Team``; AWS-generated ``aws:createdBy`` keeps its name.

    Rows without any tag value get NULL rather than an empty object, as FOCUS exports do.
    """
    keys: dict[str, str] = {}
    for name in columns.types:
        if name.startswith(_TAG_PREFIX) and len(name) > len(_TAG_PREFIX):
            key = name[len(_TAG_PREFIX) :]
            keys[name] = key.removeprefix("user:") or key
    if not keys:
        return Expr("NULL")
    return sql.tags_json_from_columns(keys)


class AwsCurAdapter:
    name: ClassVar[str] = "aws-cur"
    description: ClassVar[str] = (
        "AWS Cost and Usage Report, legacy format (lineItem/UnblendedCost columns)"
    )
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        if not columns.has(*_SIGNATURE):
            return 0
        return 60 + min(29, AwsColumns(columns, LEGACY).known())

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        return focus_columns(AwsColumns(columns, LEGACY), legacy_tags(columns))


register(AwsCurAdapter())
