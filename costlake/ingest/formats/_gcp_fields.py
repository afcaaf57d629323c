"""Finding a field of the GCP billing export whatever the file's encoding.

BigQuery's export is nested: ``service.description`` is a field of the ``service`` record and
``credits`` is a repeated record. Exported to JSON lines or Parquet the nesting survives (DuckDB
reads STRUCT and LIST columns); flattened to CSV the same field is a column named
``service.description`` (or ``service_description``) and the repeated records are JSON text.
``Fields`` hides the difference: ask for a path, get SQL and the DuckDB type it yields. Record
lists (credits, labels) come back normalised to a list of structs with VARCHAR fields, so money
inside them converts exactly from its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from costlake.ingest.base import RawColumns
from costlake.ingest.sql import ident, json_text, lit, nullif_blank


@dataclass(frozen=True, slots=True)
class Field:
    sql: str
    type: str

    @property
    def is_text(self) -> bool:
        return self.type.upper() in ("VARCHAR", "JSON")


def struct_fields(type_: str) -> dict[str, str]:
    """The top-level fields of a DuckDB ``STRUCT(a T, "b" U, ...)`` type, name -> type."""
    t = type_.strip()
    if not t.upper().startswith("STRUCT(") or not t.endswith(")"):
        return {}
    body, fields, depth, start = t[7:-1], {}, 0, 0
    parts: list[str] = []
    for i, ch in enumerate(body):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    for part in parts:
        m = re.match(r'\s*("(?:[^"]|"")+"|\S+)\s+(.*)$', part, re.S)
        if m:
            name = m.group(1)
            if name.startswith('"'):
                name = name[1:-1].replace('""', '"')
            fields[name] = m.group(2).strip()
    return fields


def _unquoted(field: Field) -> Field:
    """A JSON-typed field (JSON lines mixing numbers and strings in one field) as its text."""
    if field.type.upper() != "JSON":
        return field
    return Field(json_text(field.sql, field.type), "VARCHAR")


class Fields:
    """Resolves dotted paths of the GCP export against one file's columns."""

    def __init__(self, columns: RawColumns) -> None:
        self.columns = columns

    def get(self, path: str) -> Field | None:
        """``service.description`` as flattened column, nested field, or None when absent."""
        parts = path.split(".")
        for flat in (path, "_".join(parts)):
            found = self.columns.find(flat)
            if found is not None:
                return _unquoted(Field(ident(found), self.columns.types[found]))
        top = self.columns.find(parts[0])
        if top is None:
            return None
        field = Field(ident(top), self.columns.types[top])
        for name in parts[1:]:
            fields = struct_fields(field.type)
            real = next((f for f in fields if f.lower() == name.lower()), None)
            if real is None:
                return None
            field = Field(f"struct_extract({field.sql}, {lit(real)})", fields[real])
        return _unquoted(field)

    def has(self, path: str) -> bool:
        return self.get(path) is not None

    def text(self, path: str) -> str:
        """A field as trimmed text (blank is NULL); NULL when the file does not have it."""
        f = self.get(path)
        return "NULL" if f is None else nullif_blank(f.sql)

    def records(self, path: str, keys: tuple[str, ...]) -> tuple[str, str | None] | None:
        """A repeated record as ``LIST(STRUCT(<keys> VARCHAR))`` SQL, with the raw JSON text.

        The raw text (CSV/JSON-string encodings only) is what must parse: it is returned so the
        caller can report a malformed list instead of silently reading it as empty.
        """
        f = self.get(path)
        if f is None:
            return None
        t = f.type.upper()
        if t.endswith("[]"):
            element = f.type[:-2]
            if element.upper() == "JSON":
                pack = ", ".join(f"{k} := json_extract_string(e, {lit('$.' + k)})" for k in keys)
            else:
                types = {n.lower(): (n, t) for n, t in struct_fields(element).items()}

                def value(k: str) -> str:
                    if k not in types:
                        return "CAST(NULL AS VARCHAR)"
                    name, type_ = types[k]
                    return f"CAST({json_text(f'struct_extract(e, {lit(name)})', type_)} AS VARCHAR)"

                pack = ", ".join(f"{k} := {value(k)}" for k in keys)
            return f"list_transform({f.sql}, lambda e: struct_pack({pack}))", None
        if f.is_text:
            raw = nullif_blank(f.sql)
            shape = "[{" + ", ".join(f'"{k}": "VARCHAR"' for k in keys) + "}]"
            sql = (
                f"CASE WHEN {raw} IS NULL THEN [] ELSE "
                f"json_transform(TRY_CAST({raw} AS JSON), {lit(shape)}) END"
            )
            return sql, raw
        return None
