"""The CloudExpat REST API (seed 000): cost summary, carbon summary, combined report."""

from costlake.dialects.cloudexpat.dialect import CloudExpat

__all__ = ["CloudExpat"]
