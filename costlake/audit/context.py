"""The client address of the request being served, for entries the core records itself
(sign-ins, sign-ups, password resets), which are made below any HTTP code. The dialect
framework sets it around every route; outside a request it is None."""

from __future__ import annotations

from contextvars import ContextVar

client_address: ContextVar[str | None] = ContextVar("costlake_client_address", default=None)
