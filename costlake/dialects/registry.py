"""The explicit list of dialects the server mounts, and the key styles they own."""

from __future__ import annotations

from costlake.dialects.framework.dialect import Dialect
from costlake.keys.styles import register_style


def dialects() -> list[Dialect]:
    from costlake.dialects.cloudexpat import CloudExpat
    from costlake.dialects.cloudzero import CloudZero
    from costlake.dialects.kubecost.dialect import Kubecost
    from costlake.dialects.stackspend import StackSpend
    from costlake.dialects.xplorr.dialect import Xplorr

    return [CloudExpat(), CloudZero(), Kubecost(), StackSpend(), Xplorr()]


def install() -> list[Dialect]:
    """The dialects, with their key styles registered (idempotent): what the server and
    the CLI call before creating or checking keys."""
    found = dialects()
    for dialect in found:
        for spec in dialect.key_styles:
            register_style(spec)
    return found
