"""The query tests' lake and engines (every dimension test runs on every engine)."""

from tests.query.conftest import _spark_engine, engine, queries, query_lake  # noqa: F401
