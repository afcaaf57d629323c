"""The query tests' lake and engines (DuckDB and Spark), for the line-item service."""

from tests.query.conftest import _spark_engine, engine, queries, query_lake

__all__ = ["_spark_engine", "engine", "queries", "query_lake"]
