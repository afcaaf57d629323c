"""Each dialect's own OpenAPI document, with its security schemes, so a generated client
knows which credential to send and where, and each operation says the scope it needs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import route_needs


def openapi_document(dialect: Dialect, router: APIRouter) -> dict[str, Any]:
    doc = get_openapi(title=dialect.title, version=dialect.version, routes=router.routes)
    schemes = dict(s.openapi() for s in dialect.schemes)
    doc.setdefault("components", {})["securitySchemes"] = schemes
    requirement = [{name: []} for name in schemes]
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        need = route_needs(route)
        path_item = doc.get("paths", {}).get(route.path_format, {})
        for method in route.methods:
            op = path_item.get(method.lower())
            if op is None:
                continue
            if need is None:
                op["security"] = []
                continue
            scope, rate_class = need
            op["security"] = requirement
            op["x-required-scope"] = scope
            op["x-rate-limit-class"] = rate_class
    if dialect.anonymous_allowed:
        doc["security"] = [*requirement, {}]
    return doc
