"""Tags spread over columns (CUR ``resourceTags/...``, CBF, OCI) written as JSON text
directly: the same text the map of them gives (``tags_json``), for any keys and values."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from costlake.ingest.connection import ingest_connection
from costlake.ingest.sql import tags_from_columns, tags_json, tags_json_from_columns

_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(_TEXT.filter(bool), min_size=1, max_size=4, unique=True),
    rows=st.lists(st.lists(st.one_of(st.none(), _TEXT), min_size=4, max_size=4), max_size=6),
)
def test_the_text_is_what_the_map_gives(keys: list[str], rows: list[list[str | None]]) -> None:
    columns = {f"c{i}": key for i, key in enumerate(keys)}
    names = list(columns)
    con = ingest_connection()
    con.execute(f"CREATE TABLE t ({', '.join(f'{c} VARCHAR' for c in names)})")
    for row in rows:
        con.execute(f"INSERT INTO t VALUES ({', '.join('?' for _ in names)})", row[: len(names)])
    direct = tags_json_from_columns(columns).sql
    mapped = tags_json(tags_from_columns(columns).sql)
    got = con.execute(f"SELECT {direct}, {mapped} FROM t").fetchall()
    assert [a for a, _ in got] == [b for _, b in got]


def test_keys_two_columns_share_keep_the_map() -> None:
    shared = tags_json_from_columns({"a": "team", "b": "team"}).sql
    assert "map_from_entries" in shared
    assert tags_json_from_columns({}).sql == "NULL"
