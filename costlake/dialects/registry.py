"""The explicit list of dialects the server mounts, and the key styles they own."""

from __future__ import annotations

from costlake.dialects.framework.dialect import Dialect
from costlake.keys.styles import register_style


def dialects() -> list[Dialect]:
    from costlake.dialects.cloudexpat import CloudExpat
    from costlake.dialects.cloudzero import CloudZero
    from costlake.dialects.kubecost.dialect import Kubecost
    from costlake.dialects.stackspend import StackSpend

    return [CloudExpat(), CloudZero(), Kubecost(), StackSpend()]


def install() -> list[Dialect]:
    """The dialects, with their key styles registered (idempotent): what the server and
    the CLI call before creating or checking keys."""
    from costlake.dialects.xplorr.keys import XPLORR

    found = dialects()
    for dialect in found:
        for spec in dialect.key_styles:
            register_style(spec)
    register_style(XPLORR)  # the Xplorr dialect's key shape, ahead of its endpoints
    return found
