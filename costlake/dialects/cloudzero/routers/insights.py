"""Insights: CRUD over saved filters and groupings (added with the core domain)."""

from fastapi import APIRouter

from costlake.dialects.framework.dialect import Dialect


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    return None
