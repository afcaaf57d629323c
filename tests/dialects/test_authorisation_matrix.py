"""Who may read what, through every read endpoint of every registered dialect.

The routes are taken from the dialects themselves (every authenticated GET, and every route
whose scope is a ``:read`` one, such as CloudZero's ``POST /v2/billing/costs``), so an endpoint
added later is walked too; one whose parameters this file cannot fill fails here until a value
is added to :data:`QUERY` or :data:`BODY`.

Each route is asked, with the parameters a rightful caller would send, by:

- the org's own org-wide key (the control: what there is to leak),
- a key of another org, also asking for this org's objects by id,
- a member of the org granted no cloud account (a key bound to the user, and its session),
- a revoked key, an expired key, an expired session token,
- a deactivated user's key and session token.

The org's data and users carry the marker ``acmeleak`` (account ids, resource ids, service
names, a vendor, e-mail addresses), its saved objects (an insight, a view, a budget) the
marker ``acmeobject``; the other org's do not. Only the org's own callers see its objects
(a member sees the org's saved definitions, as in the vendors' products, but no cost or
person beyond its grants), and nobody but the control sees ``acmeleak``. Every refusal is
in the dialect's own error body.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import update

from costlake.accounts.discovery import sync_accounts
from costlake.auth.sessions import SessionTokens
from costlake.config import Settings
from costlake.db.models import User
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import route_needs
from costlake.dialects.framework.schemes import ApiKeyScheme, SessionScheme
from costlake.dialects.registry import install
from costlake.errors import Unauthenticated
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import authenticate, create_key, revoke_key
from costlake.kit.clock import now
from costlake.kit.secretbox import SecretBox
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from costlake.server import create_app
from costlake.serving import serve_in_thread
from tests.dialects.contract.test_contract import assert_error, present
from tests.query.conftest import focus_rows

MARK = "acmeleak"
OBJ = "acmeobject"  # the names of the org's saved objects (insights, views, budgets)
PASSWORD = "correct horse battery staple"
DIALECTS = install()

# Parameters a rightful caller sends, by name (the fixture data spans 2024-08-01 + 75 days).
QUERY: dict[str, str] = {
    "start_date": "2024-08-01",
    "end_date": "2024-10-20",
    "group_by": "service",
    "window": "2024-08-01T00:00:00Z,2024-10-20T00:00:00Z",
    "aggregate": "accountName",
}
BODY: dict[tuple[str, str, str], dict[str, Any]] = {
    ("cloudzero", "POST", "/v2/billing/costs"): {
        "start": "2024-08-01",
        "end": "2024-10-20",
        "group_by": ["Account", "Service"],
        "granularity": "monthly",
    },
}
# Path parameters: which of the org's objects to ask for (filled in by the world).
PATH_OBJECTS = {
    "insight_id": "insight",
    "user_id": "admin_user",
    "budget_id": "budget",
    "view_id": "view",
    "token": "nothing",
}


def marked(table: pa.Table) -> pa.Table:
    """The fixture rows with every account, resource and service carrying the marker, and
    one cloud turned into a SaaS vendor so custom-cost endpoints have rows to show."""

    def prefix(name: str) -> pa.Array:
        column = table[name]
        return pc.if_else(
            pc.is_null(column), column, pc.binary_join_element_wise(MARK, column, "-")
        )

    provider = pc.if_else(
        pc.equal(table["ProviderName"], "Google Cloud"),
        pa.scalar(f"{MARK} SaaS"),
        table["ProviderName"],
    )
    for name, values in (
        ("SubAccountId", prefix("SubAccountId")),
        ("ResourceId", prefix("ResourceId")),
        ("ServiceName", prefix("ServiceName")),
        ("ProviderName", provider),
        ("PublisherName", provider),
        ("InvoiceIssuerName", provider),
    ):
        table = table.set_column(table.schema.get_field_index(name), name, values)
    return table


@dataclass
class World:
    url: str
    platform: Platform
    objects: dict[str, str]
    callers: dict[str, dict[str, str]]  # caller -> dialect name -> credential
    sessions: dict[str, str]  # caller -> session token (for dialects that take sessions)


def _key(platform: Platform, dialect: Dialect, org: str, **kw: Any) -> str:
    scheme = next(s for s in dialect.schemes if isinstance(s, ApiKeyScheme))
    with platform.session() as s:
        return create_key(s, org, "matrix", ["*"], scheme.styles[0], **kw)[1]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from costlake.budgets import service as budgets
    from costlake.budgets.schemas import BudgetInput, ViewInput
    from costlake.insights.schemas import InsightInput
    from costlake.insights.service import create as create_insight
    from costlake.users.service import create_user

    home = tmp_path_factory.mktemp("matrix")
    platform = Platform.start(Settings(home=home, credential_cache_seconds=600))
    try:
        for org, table in (("acme", marked(focus_rows(11, 400))), ("globex", focus_rows(12, 300))):
            path = home / f"{org}.parquet"
            pq.write_table(table, path)
            Ingestor(platform.lake).ingest([path], org=org, source="fixture")
            with platform.session() as s:
                sync_accounts(s, platform.lake, org)
        with platform.session() as s:
            get_or_create_org(s, "globex")
            admin = create_user(s, "acme", f"boss@{MARK}-corp.com", role="admin", password=PASSWORD)
            member = create_user(s, "acme", "member@acme-m.com", password=PASSWORD)
            gone = create_user(s, "acme", f"gone@{MARK}-corp.com", role="admin", password=PASSWORD)
            insight = create_insight(s, "acme", InsightInput(name=f"{OBJ} spend review"))
            view = budgets.create_view(s, "acme", ViewInput(name=f"{OBJ} view"))
            budget = budgets.create(
                s, "acme", BudgetInput(f"{OBJ} budget", Decimal(100), "monthly", view.id)
            )
            ids = {"admin": admin.id, "member": member.id, "gone": gone.id}
            objects = {
                "insight": str(insight.id),
                "admin_user": str(admin.id),
                "budget": budget.id,
                "view": view.id,
                "nothing": "x",
            }
        callers: dict[str, dict[str, str]] = {c: {} for c in CALLERS}
        expiry = now() + timedelta(seconds=5)
        for d in DIALECTS:
            callers["expired key"][d.name] = _key(platform, d, "acme", expires_at=expiry)
        for d in DIALECTS:
            callers["control"][d.name] = _key(platform, d, "acme")
            callers["other org"][d.name] = _key(platform, d, "globex")
            callers["member without grant"][d.name] = _key(platform, d, "acme", user=member)
            callers["revoked key"][d.name] = _key(platform, d, "acme")
            callers["deactivated user"][d.name] = _key(platform, d, "acme", user=gone)
        tokens = platform.session_tokens
        stale = SessionTokens(SecretBox.key_bytes(platform.settings), ttl=timedelta(minutes=-1))
        sessions = {
            "control": tokens.issue(ids["admin"], "acme", {"*"}),
            "member without grant": tokens.issue(ids["member"], "acme", {"*"}),
            "expired session": stale.issue(ids["admin"], "acme", {"*"}),
            "deactivated user": tokens.issue(ids["gone"], "acme", {"*"}),
        }
        app = create_app(platform=platform, dialects=DIALECTS)
        with serve_in_thread(platform, app=app) as url:
            w = World(url, platform, objects, callers, sessions)
            for d in DIALECTS:  # warm the credential cache, then take authority away
                for caller in ("revoked key", "expired key", "deactivated user"):
                    _ask_all(w, d, caller)
            with platform.session() as s:
                for d in DIALECTS:
                    found = authenticate(s, callers["revoked key"][d.name])
                    assert found is not None
                    revoke_key(s, "acme", found.key_id)
                s.execute(update(User).where(User.id == ids["gone"]).values(is_active=False))
            while now() <= expiry:  # the expired keys' time runs out
                time.sleep(0.1)
            yield w
    finally:
        platform.close()


CALLERS = (
    "control",
    "other org",
    "member without grant",
    "revoked key",
    "expired key",
    "deactivated user",
)
REFUSED = ("revoked key", "expired key", "expired session", "deactivated user")


def read_routes(dialect: Dialect) -> list[tuple[str, APIRoute]]:
    out = []
    for r in dialect.routes().routes:
        if not isinstance(r, APIRoute) or (need := route_needs(r)) is None:
            continue
        out.extend(
            (method, r)
            for method in sorted(r.methods - {"HEAD"})
            if method == "GET" or need[0].endswith(":read")
        )
    return out


def request_for(world: World, dialect: Dialect, method: str, route: APIRoute) -> dict[str, Any]:
    path = route.path
    for name in route.param_convertors:
        kind = PATH_OBJECTS.get(name)
        assert kind is not None, f"{dialect.name} {method} {route.path}: add a value for {name!r}"
        path = path.replace("{" + name + "}", world.objects[kind])
    params = {}
    for p in route.dependant.query_params:
        alias = p.alias
        if alias in QUERY:
            params[alias] = QUERY[alias]
        else:
            assert not p.field_info.is_required(), (
                f"{dialect.name} {method} {route.path}: add a value for {alias!r}"
            )
    body = BODY.get((dialect.name, method, route.path))
    if method == "POST":
        assert body is not None, f"{dialect.name} POST {route.path}: add a body to BODY"
    return {"method": method, "url": path, "params": params, "json": body}


def _ask_all(world: World, dialect: Dialect, caller: str) -> list[tuple[str, httpx.Response]]:
    out = []
    with httpx.Client(base_url=world.url, timeout=60) as c:
        for method, route in read_routes(dialect):
            request = request_for(world, dialect, method, route)
            out.extend(
                (f"{method} {route.path}", c.request(**request, headers=headers))
                for headers in credentials(world, dialect, caller)
            )
    return out


def credentials(world: World, dialect: Dialect, caller: str) -> list[dict[str, str]]:
    out = []
    key = world.callers.get(caller, {}).get(dialect.name)
    if key is not None:
        scheme = next(s for s in dialect.schemes if isinstance(s, ApiKeyScheme))
        out.append(present(scheme, key))
    token = world.sessions.get(caller)
    session = next((s for s in dialect.schemes if isinstance(s, SessionScheme)), None)
    if token is not None and session is not None:
        out.append(present(session, token))
    return out


@pytest.mark.parametrize("dialect", DIALECTS, ids=[d.name for d in DIALECTS])
def test_nothing_leaks_and_every_refusal_is_in_the_dialects_body(
    world: World, dialect: Dialect
) -> None:
    control = dict(_ask_all(world, dialect, "control"))
    for what, r in control.items():
        assert r.status_code < 500, f"{what}: {r.text}"
    exposed = {what for what, r in control.items() if MARK in r.text or OBJ in r.text}
    assert exposed, f"{dialect.name}: no read route shows the org's data to its own key"

    for caller in ("other org", "member without grant"):
        for what, r in _ask_all(world, dialect, caller):
            assert r.status_code < 500, f"{caller}, {what}: {r.text}"
            assert MARK not in r.text, f"{caller} sees the org's data through {what}: {r.text}"
            if caller == "other org":
                assert OBJ not in r.text, f"{caller} sees the org's objects via {what}: {r.text}"
            if r.status_code >= 400:
                assert_error(dialect, r, r.status_code)

    unauthenticated = dialect.status_for(Unauthenticated("x", reason="unknown"))
    revoked = dialect.status_for(Unauthenticated("x", reason="revoked"))
    for caller in REFUSED:
        answers = _ask_all(world, dialect, caller)
        if caller != "expired session":
            assert answers, f"{dialect.name}: no {caller} was tried"
        for what, r in answers:
            assert r.status_code in (unauthenticated, revoked), f"{caller}, {what}: {r.text}"
            assert_error(dialect, r, r.status_code)
            assert MARK not in r.text


def test_every_registered_dialect_is_walked() -> None:
    names = {d.name for d in DIALECTS}
    assert {"cloudexpat", "cloudzero", "kubecost", "stackspend", "xplorr"} <= names
    assert all(read_routes(d) for d in DIALECTS)
