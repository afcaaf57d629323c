"""The StackSpend public API (``/api/v1/public/...``), served by costlake."""

from costlake.dialects.stackspend.dialect import StackSpend

__all__ = ["StackSpend"]
