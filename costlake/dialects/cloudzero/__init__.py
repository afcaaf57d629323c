"""The CloudZero API (seed 001): billing costs and dimensions, insights; budgets, telemetry,
allocation and AnyCost arrive as routers of their own (:mod:`.routers`)."""

from costlake.dialects.cloudzero.dialect import CloudZero

__all__ = ["CloudZero"]
