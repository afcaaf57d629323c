"""The framework's pieces on their own: path ownership, pagination, session tokens, shared
rate-limit counts, scopes and their documentation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from costlake.auth import scopes
from costlake.auth.sessions import SessionTokens
from costlake.config import Settings
from costlake.dialects.framework.ownership import AmbiguousOwner, PathOwners
from costlake.dialects.framework.pagination import CursorPages, LinkPages, NumberedPages
from costlake.dialects.framework.routing import route_needs
from costlake.dialects.registry import install
from costlake.errors import InvalidInput, Unauthenticated
from costlake.kit.pagination import page_of
from costlake.platform import Platform
from costlake.ratelimits.store import DatabaseRateLimitStore


@dataclass
class Owner:
    name: str
    path_prefixes: tuple[str, ...]


PLANNED = [
    Owner("xplorr", ("/api/v1",)),
    Owner("stackspend", ("/api/v1/public", "/api/v1/otel-ingest")),
    Owner("cloudexpat", ("/v1/costs", "/v1/carbon", "/v1/report")),
    Owner("cloudzero", ("/v1/telemetry", "/v2")),
    Owner("kubecost", ("/model/customCost",)),
]


class TestPathOwners:
    def test_refuses_two_owners_of_one_prefix(self) -> None:
        with pytest.raises(AmbiguousOwner, match="'/v2' is claimed by both"):
            PathOwners([*PLANNED, Owner("other", ("/v2",))])

    def test_refuses_a_prefix_with_a_trailing_slash(self) -> None:
        with pytest.raises(ValueError, match="must be"):
            PathOwners([Owner("x", ("/x/",))])

    @pytest.mark.parametrize(
        "path, owner",
        [
            ("/api/v1/public/line-items", "stackspend"),
            ("/api/v1/public", "stackspend"),
            ("/api/v1/otel-ingest", "stackspend"),
            ("/api/v1/publicity", "xplorr"),
            ("/api/v1/budgets/7", "xplorr"),
            ("/v1/costs/nope", "cloudexpat"),
            ("/v1/telemetry/metrics", "cloudzero"),
            ("/v2/billing/costs", "cloudzero"),
            ("/v2x", None),
            ("/model/customCost/total", "kubecost"),
            ("/healthz", None),
        ],
    )
    def test_the_longest_prefix_on_whole_segments_owns_a_path(
        self, path: str, owner: str | None
    ) -> None:
        found = PathOwners(PLANNED).owner(path)
        assert (found.name if found else None) == owner


class TestPages:
    ITEMS = list(range(7))

    def test_a_cursor_walks_every_item_once(self) -> None:
        pages, seen, cursor = CursorPages(default_limit=3), [], None
        while True:
            p = page_of(self.ITEMS, pages.request(cursor, None, generation=4))
            seen += p.items
            meta = pages.meta(p, generation=4)
            if not meta["has_more"]:
                break
            cursor = meta["next_cursor"]
        assert seen == self.ITEMS

    def test_a_cursor_from_another_lake_generation_is_refused(self) -> None:
        pages = CursorPages(default_limit=3)
        cursor = pages.meta(page_of(self.ITEMS, pages.request(None, None)), generation=4)
        with pytest.raises(InvalidInput, match="changed since this cursor"):
            pages.request(cursor["next_cursor"], None, generation=5)

    @pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "eyJvIjotMX0"])
    def test_a_cursor_that_is_not_ours_is_refused(self, cursor: str) -> None:
        with pytest.raises(InvalidInput, match="invalid cursor"):
            CursorPages().request(cursor, None)

    def test_numbered_pages_report_total_page_and_limit(self) -> None:
        pages = NumberedPages()
        p = page_of(self.ITEMS, pages.request(2, 3))
        assert (p.items, pages.meta(p)) == ([3, 4, 5], {"total": 7, "page": 2, "limit": 3})
        with pytest.raises(InvalidInput):
            pages.request(0, 3)
        with pytest.raises(InvalidInput, match="between 1 and 100"):
            pages.request(1, 101)

    def test_links_lead_to_the_next_and_previous_pages(self) -> None:
        pages = LinkPages()
        p = page_of(self.ITEMS, pages.request(None, 3))
        meta = pages.meta(p, "http://h/v2/x", {"start": "2024-01-01"})
        assert meta["total"] == 7 and meta["cursor"]["previous"] is None
        nxt = meta["cursor"]["next"]
        cursor = re.search(r"cursor=([^&]+)", nxt).group(1)  # type: ignore[union-attr]
        second = page_of(self.ITEMS, pages.request(cursor, 3))
        assert second.items == [3, 4, 5]
        assert pages.meta(second, "http://h/v2/x", {})["cursor"]["previous"] is not None


class TestSessionTokens:
    def test_a_token_round_trips(self) -> None:
        tokens = SessionTokens(b"k" * 32)
        claims = tokens.verify(tokens.issue(7, "acme", {"costs:read"}))
        assert (claims.user_id, claims.org, claims.scopes) == (7, "acme", {"costs:read"})

    def test_a_token_signed_under_another_key_is_refused(self) -> None:
        token = SessionTokens(b"a" * 32).issue(7, "acme", set())
        with pytest.raises(Unauthenticated, match="invalid"):
            SessionTokens(b"b" * 32).verify(token)

    def test_an_altered_token_is_refused(self) -> None:
        tokens = SessionTokens(b"k" * 32)
        head, body, sig = tokens.issue(7, "acme", set()).split(".")
        with pytest.raises(Unauthenticated):
            tokens.verify(f"{head}.{body}x.{sig}")

    def test_an_expired_token_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        tokens = SessionTokens(b"k" * 32, ttl=timedelta(minutes=15))
        monkeypatch.setenv("COSTLAKE_NOW", "2024-10-16T10:00:00Z")
        token = tokens.issue(7, "acme", set())
        monkeypatch.setenv("COSTLAKE_NOW", "2024-10-16T10:15:01Z")
        with pytest.raises(Unauthenticated, match="expired"):
            tokens.verify(token)


class TestSharedRateLimits:
    def test_two_processes_on_one_database_count_the_same_requests(self, tmp_path: Path) -> None:
        settings = Settings(home=tmp_path)
        one, two = Platform.start(settings), Platform.start(settings)
        try:
            assert isinstance(one.rate_limits, DatabaseRateLimitStore)
            hits = [
                p.rate_limits.hit("k", limit=3, window_seconds=3600, now=7200.0)
                for p in (one, two, one, two)
            ]
            assert [h.allowed for h in hits] == [True, True, True, False]
            assert [h.remaining for h in hits] == [2, 1, 0, 0]
        finally:
            one.close()
            two.close()
        restarted = Platform.start(settings)
        try:  # a restart does not reset the window
            assert not restarted.rate_limits.hit(
                "k", limit=3, window_seconds=3600, now=7300.0
            ).allowed
            assert restarted.rate_limits.hit("k", limit=3, window_seconds=3600, now=10800.0).allowed
        finally:
            restarted.close()


class TestScopes:
    def test_a_key_with_a_scope_nobody_registered_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="unknown scope 'bogus:scope'"):
            scopes.validate_scopes(["bogus:scope"])

    def test_write_implies_read_and_star_implies_all(self) -> None:
        assert scopes.grants(["keys:write"], "keys:read")
        assert not scopes.grants(["costs:read"], "carbon:read")
        assert scopes.grants(["*"], "carbon:read")

    def test_the_docs_list_every_scope_and_every_routes_scope(self) -> None:
        doc = (Path(__file__).resolve().parents[2] / "docs" / "scopes.md").read_text()
        for scope in scopes.registered():
            assert f"`{scope.name}`" in doc, f"{scope.name} is not in docs/scopes.md"
        for dialect in install():
            for route in dialect.routes().routes:
                need = route_needs(route)  # type: ignore[arg-type]
                if need:
                    method = sorted(route.methods)[0]  # type: ignore[attr-defined]
                    endpoint = f"`{method} {route.path}`"  # type: ignore[attr-defined]
                    row = f"| {dialect.name} | {endpoint} | `{need[0]}` | {need[1]} |"
                    assert row in doc, f"docs/scopes.md lacks: {row}"
