"""Request bodies read with a size limit: a body over it is refused with
:class:`~costlake.errors.PayloadTooLarge` (413 in every dialect) from its ``Content-Length``
before anything is read, or as soon as the bytes streamed in pass the limit (a chunked body,
or a ``Content-Length`` that understates), so no more than the limit is ever held."""

from __future__ import annotations

from fastapi import Request

from costlake.errors import InvalidInput, PayloadTooLarge


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the body is larger than {limit:,} bytes; send less per request", limit_bytes=limit
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes of it (see the module)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise InvalidInput("Content-Length: must be a number of bytes")
        if int(declared) > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
