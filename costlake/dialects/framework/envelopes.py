"""How a dialect wraps its answers and its errors: the four shapes the vendor documents use.

======================  ==========================================  ============================
envelope                success                                     error
======================  ==========================================  ============================
:class:`Bare`           the payload itself                          a flat object of the vendor's
:class:`DataErrorMeta`  ``{data, error: null, meta}``               ``{data: null, error: {code,
                                                                    message}, meta}``
:class:`CodeData`       ``{code: 200, data}``                       ``{code: <status>, data: null,
                                                                    message}``
:class:`NestedError`    the payload (lists: ``{data, total, page,   ``{error: {code, message,
                        limit}``)                                   status}}``
======================  ==========================================  ============================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, create_model


class Envelope(Protocol):
    def success(self, data: Any, *, meta: dict[str, Any] | None = None) -> Any: ...

    def error(self, code: str, message: str, status: int) -> dict[str, Any]: ...

    def error_model(self) -> type[BaseModel]:
        """The error body as a Pydantic model, for the OpenAPI document and the contract
        suite's shape check."""
        ...


@dataclass(frozen=True, slots=True)
class Bare:
    """The payload as is; errors as one flat object built by ``body`` (CloudExpat:
    ``{error, message, code}``)."""

    body: Callable[[str, str, int], dict[str, Any]]
    model: type[BaseModel]

    def success(self, data: Any, *, meta: dict[str, Any] | None = None) -> Any:
        return data

    def error(self, code: str, message: str, status: int) -> dict[str, Any]:
        return self.body(code, message, status)

    def error_model(self) -> type[BaseModel]:
        return self.model


class _Problem(BaseModel):
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DataErrorMeta:
    """StackSpend: every body is ``{data, error, meta}``."""

    def success(self, data: Any, *, meta: dict[str, Any] | None = None) -> Any:
        return {"data": data, "error": None, "meta": meta or {}}

    def error(self, code: str, message: str, status: int) -> dict[str, Any]:
        return {"data": None, "error": {"code": code, "message": message}, "meta": {}}

    def error_model(self) -> type[BaseModel]:
        return create_model(
            "DataErrorMetaError", data=(None, None), error=(_Problem, ...), meta=(dict, ...)
        )


@dataclass(frozen=True, slots=True)
class CodeData:
    """Kubecost/OpenCost: ``{code, data}``, with the HTTP status in ``code``."""

    def success(self, data: Any, *, meta: dict[str, Any] | None = None) -> Any:
        return {"code": 200, "data": data}

    def error(self, code: str, message: str, status: int) -> dict[str, Any]:
        return {"code": status, "data": None, "message": message}

    def error_model(self) -> type[BaseModel]:
        return create_model("CodeDataError", code=(int, ...), data=(None, None), message=(str, ...))


class _NestedProblem(BaseModel):
    code: str
    message: str
    status: int


@dataclass(frozen=True, slots=True)
class NestedError:
    """Xplorr: payloads as they are, lists as ``{data, total, page, limit}`` (see
    :mod:`costlake.dialects.framework.pagination`), errors as ``{error: {code, message,
    status}}``."""

    extra: dict[str, Any] = field(default_factory=dict)

    def success(self, data: Any, *, meta: dict[str, Any] | None = None) -> Any:
        return data if meta is None else {"data": data, **meta}

    def error(self, code: str, message: str, status: int) -> dict[str, Any]:
        return {"error": {"code": code, "message": message, "status": status}}

    def error_model(self) -> type[BaseModel]:
        return create_model("NestedErrorBody", error=(_NestedProblem, ...))
