"""The connectors a stored source can name as its ``kind``: how each vendor's client is
built from its secrets, and which function fetches its costs.

A connector registers itself here with its kind (``openai``), its vendor's display name,
its default base URL, what its account is, and the secrets it needs; the database keeps
``kind`` as plain text, so adding a connector needs no migration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import httpx

from costlake.errors import InvalidInput
from costlake.sources.saas import datadog, github, openai
from costlake.sources.saas.rows import FocusRow

FetchCosts = Callable[..., Iterator[FocusRow]]
"""``fetch_costs(client, account, start, end, *, sleep=...)`` of a connector module."""


@dataclass(frozen=True, slots=True)
class Secret:
    name: str
    prompt: str


@dataclass(frozen=True, slots=True)
class Connector:
    kind: str
    vendor: str
    base_url: str
    account: str
    """What the source's account is, for help texts."""
    secrets: tuple[Secret, ...]
    headers: Callable[[Mapping[str, str]], dict[str, str]]
    fetch: FetchCosts

    def client(
        self, secrets: Mapping[str, str], base_url: str | None, timeout: float
    ) -> httpx.Client:
        """An HTTP client for the vendor's API at ``base_url`` (default: the vendor's)."""
        missing = [s.name for s in self.secrets if not secrets.get(s.name)]
        if missing:
            raise InvalidInput(f"{self.kind} source: missing secret(s) {', '.join(missing)}")
        return httpx.Client(
            base_url=base_url or self.base_url,
            headers={"User-Agent": "costlake", **self.headers(secrets)},
            timeout=timeout,
            follow_redirects=False,
        )

    def costs(
        self, client: httpx.Client, account: str, start: date, end: date, **kw: object
    ) -> Iterator[FocusRow]:
        return self.fetch(client, account, start, end, **kw)


CONNECTORS: dict[str, Connector] = {}


def register(connector: Connector) -> Connector:
    if connector.kind in CONNECTORS:
        raise InvalidInput(f"a source kind {connector.kind!r} is already registered")
    CONNECTORS[connector.kind] = connector
    return connector


def connector(kind: str) -> Connector:
    found = CONNECTORS.get(kind.lower())
    if found is None:
        raise InvalidInput(f"unknown source kind {kind!r}; known: {', '.join(sorted(CONNECTORS))}")
    return found


register(
    Connector(
        kind="openai",
        vendor=openai.VENDOR,
        base_url=openai.BASE_URL,
        account="the organization id (org-...)",
        secrets=(Secret("admin_key", "OpenAI admin API key"),),
        headers=lambda s: {"Authorization": f"Bearer {s['admin_key']}"},
        fetch=openai.fetch_costs,
    )
)
register(
    Connector(
        kind="datadog",
        vendor=datadog.VENDOR,
        base_url=datadog.BASE_URL,
        account="the parent organization's public id",
        secrets=(
            Secret("api_key", "Datadog API key"),
            Secret("application_key", "Datadog application key"),
        ),
        headers=lambda s: {"DD-API-KEY": s["api_key"], "DD-APPLICATION-KEY": s["application_key"]},
        fetch=datadog.fetch_costs,
    )
)
register(
    Connector(
        kind="github",
        vendor=github.VENDOR,
        base_url=github.BASE_URL,
        account="the organization's login",
        secrets=(Secret("token", "GitHub token (administration: read on the organization)"),),
        headers=lambda s: {"Authorization": f"Bearer {s['token']}", **github.HEADERS},
        fetch=github.fetch_costs,
    )
)
