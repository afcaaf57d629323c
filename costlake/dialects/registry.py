"""The explicit list of dialects the server mounts."""

from __future__ import annotations

from costlake.dialects.base import Dialect


def dialects() -> list[Dialect]:
    from costlake.dialects.cloudexpat import CloudExpat

    return [CloudExpat()]
