"""The contract every dialect keeps, run over each registered dialect (and two made-up
vendors that use the framework's other shapes): credentials, scopes, error bodies, unknown
paths, methods, rate limits and the OpenAPI document. A new dialect passes it unchanged."""

from __future__ import annotations

import secrets

import httpx
import pytest
from fastapi.routing import APIRoute
from pydantic import ValidationError

from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.errors import STATUS
from costlake.dialects.framework.routing import route_needs, route_public_rate_class
from costlake.dialects.framework.schemes import ApiKeyScheme, SessionScheme
from costlake.errors import (
    CorruptManifest,
    DamagedPartition,
    InvalidInput,
    MissingExtra,
    MissingScope,
    NotFound,
    PayloadTooLarge,
    QueryCancelled,
    RateLimited,
    Unauthenticated,
)
from tests.dialects.contract.conftest import DIALECTS, World

IDS = [d.name for d in DIALECTS]


def routes(dialect: Dialect) -> list[tuple[str, str, str]]:
    """(method, path, scope) of every route of ``dialect`` that needs a credential."""
    out = []
    for r in dialect.routes().routes:
        if isinstance(r, APIRoute) and (need := route_needs(r)) is not None:
            out.extend((m, r.path, need[0]) for m in sorted(r.methods))
    assert out, f"{dialect.name} has no authenticated route to check"
    return out


def probe(dialect: Dialect) -> tuple[str, str, str]:
    """The request to check credentials with: the dialect's example when it needs no body
    (a request that works as is, where every route has required parameters, as
    StackSpend's dates), else its first route with no parameters."""
    if dialect.example is not None and dialect.example[2] is None:  # type: ignore[attr-defined]
        method, path, _ = dialect.example  # type: ignore[attr-defined]
        for m, p, scope in routes(dialect):
            if (m, p) == (method, path.partition("?")[0]):
                return method, path, scope
    return routes(dialect)[0]


def assert_error(dialect: Dialect, r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    try:
        dialect.envelope.error_model().model_validate(r.json())
    except ValidationError as e:  # pragma: no cover - the message is the point
        pytest.fail(f"{dialect.name}'s error body {r.text} is not its shape: {e}")
    assert "Traceback" not in r.text


def present(scheme: ApiKeyScheme | SessionScheme, token: str) -> dict[str, str]:
    if scheme.where == "bearer":
        return {scheme.header: f"Bearer {token}"}
    return {scheme.header: token}


def first_key_scheme(dialect: Dialect) -> ApiKeyScheme:
    return next(s for s in dialect.schemes if isinstance(s, ApiKeyScheme))


def other_scope(scope: str) -> str:
    """A scope that does not grant ``scope`` (``keys:write`` grants ``keys:read``)."""
    return "keys:write" if not scope.startswith("keys:") else "carbon:read"


@pytest.mark.parametrize("dialect", DIALECTS, ids=IDS)
class TestCredentials:
    def test_no_credential_is_refused_in_the_dialects_body(
        self, world: World, dialect: Dialect
    ) -> None:
        with world.client() as c:
            for method, path, _ in routes(dialect):
                r = c.request(method, path)
                if (
                    dialect.anonymous_allowed
                    and dialect.name in world.platform.settings.anonymous_orgs
                ):
                    assert r.status_code < 400, r.text
                else:
                    assert_error(dialect, r, 401)
                    assert r.headers["WWW-Authenticate"].startswith("Bearer")

    def test_a_malformed_credential_is_refused(self, world: World, dialect: Dialect) -> None:
        method, path, _ = probe(dialect)
        with world.client() as c:
            for scheme in dialect.schemes:
                assert_error(dialect, c.request(method, path, headers=present(scheme, "nope")), 401)
            assert_error(
                dialect, c.request(method, path, headers={"Authorization": "Basic abc"}), 401
            )

    def test_an_unknown_key_of_the_right_shape_is_refused(
        self, world: World, dialect: Dialect
    ) -> None:
        method, path, _ = probe(dialect)
        scheme = first_key_scheme(dialect)
        forged = scheme.styles[0].generate()
        with world.client() as c:
            assert_error(dialect, c.request(method, path, headers=present(scheme, forged)), 401)

    def test_a_revoked_key_is_refused(self, world: World, dialect: Dialect) -> None:
        from costlake.keys.service import authenticate, revoke_key

        method, path, scope = probe(dialect)
        key = world.key(dialect, [scope])
        with world.platform.session() as s:
            found = authenticate(s, key)
            assert found is not None
            revoke_key(s, "acme", found.key_id)
        expected = dialect.status_for(Unauthenticated("revoked", reason="revoked"))
        with world.client() as c:
            r = c.request(method, path, headers=present(first_key_scheme(dialect), key))
        assert_error(dialect, r, expected)
        assert expected in (401, 403)

    def test_two_authorization_headers_are_refused(self, world: World, dialect: Dialect) -> None:
        method, path, scope = probe(dialect)
        scheme = first_key_scheme(dialect)
        good = world.key(dialect, [scope])
        headers = [(scheme.header, present(scheme, good)[scheme.header])] * 2
        with world.client() as c:
            assert_error(dialect, c.request(method, path, headers=headers), 401)

    def test_every_key_scheme_is_accepted(self, world: World, dialect: Dialect) -> None:
        method, path, scope = probe(dialect)
        key = world.key(dialect, [scope])
        with world.client() as c:
            for scheme in dialect.schemes:
                if isinstance(scheme, ApiKeyScheme):
                    r = c.request(method, path, headers=present(scheme, key))
                    assert r.status_code < 400, r.text

    def test_a_user_session_is_accepted_where_the_dialect_takes_one(
        self, world: World, dialect: Dialect
    ) -> None:
        from costlake.orgs.service import get_or_create_org, get_or_create_user

        sessions = [s for s in dialect.schemes if isinstance(s, SessionScheme)]
        method, path, scope = probe(dialect)
        with world.platform.session() as s:
            user = get_or_create_user(s, get_or_create_org(s, "acme"), "ana@acme.io")
            uid = user.id
        token = world.platform.session_tokens.issue(uid, "acme", {scope})
        with world.client() as c:
            r = c.request(method, path, headers={"Authorization": f"Bearer {token}"})
        if sessions:
            assert r.status_code < 400, r.text
        else:
            assert_error(dialect, r, 401)


@pytest.mark.parametrize("dialect", DIALECTS, ids=IDS)
class TestScopes:
    def test_a_key_without_the_needed_scope_is_refused_on_every_route(
        self, world: World, dialect: Dialect
    ) -> None:
        scheme = first_key_scheme(dialect)
        with world.client() as c:
            for method, path, scope in routes(dialect):
                key = world.key(dialect, [other_scope(scope)])
                r = c.request(method, path, headers=present(scheme, key))
                assert_error(dialect, r, dialect.status_for(MissingScope(scope)))
                assert r.status_code == 403

    def test_the_needed_scope_or_the_wildcard_is_enough(
        self, world: World, dialect: Dialect
    ) -> None:
        scheme = first_key_scheme(dialect)
        with world.client() as c:
            for method, path, scope in routes(dialect):
                for scopes in ([scope], ["*"]):
                    r = c.request(method, path, headers=present(scheme, world.key(dialect, scopes)))
                    if r.status_code in (400, 404, dialect.status_for(InvalidInput("bare"))):
                        # Past authentication and scopes: the bare request lacks the body or
                        # names no real object (CloudZero's POST /v2/billing/costs needs start
                        # and end; GET /v2/insights/{insight_id} a real id; StackSpend answers
                        # a missing required date with its 422).
                        assert_error(dialect, r, r.status_code)
                    else:
                        assert r.status_code < 400, r.text


@pytest.mark.parametrize("dialect", DIALECTS, ids=IDS)
class TestPathsAndMethods:
    def test_unknown_paths_under_each_prefix_answer_in_the_owners_body(
        self, world: World, dialect: Dialect
    ) -> None:
        with world.client() as c:
            for prefix in dialect.path_prefixes:
                # Three segments deep: one segment under a prefix may be a resource name
                # (CloudZero's DELETE /v1/telemetry/{stream_name} answers GET with 405).
                unknown = f"{prefix}/no-such-thing-{secrets.token_hex(3)}/at/all"
                assert_error(dialect, c.get(unknown), 404)

    def test_a_wrong_method_is_405_with_allow(self, world: World, dialect: Dialect) -> None:
        method, path, _ = probe(dialect)
        wrong = "DELETE" if method != "DELETE" else "PATCH"
        with world.client() as c:
            r = c.request(wrong, path)
            assert_error(dialect, r, 405)
            assert method in r.headers["Allow"]
            options = c.options(path)
            assert options.status_code == 204 and method in options.headers["Allow"]

    def test_head_answers_like_get_without_a_body(self, world: World, dialect: Dialect) -> None:
        gets = [(p, s) for m, p, s in routes(dialect) if m == "GET"]
        if not gets:
            pytest.skip(f"{dialect.name} has no GET route")  # pragma: no cover
        method, path, scope = probe(dialect)
        if method != "GET":
            path, scope = gets[0]
        key = world.key(dialect, [scope])
        headers = present(first_key_scheme(dialect), key)
        with world.client() as c:
            head = c.head(path, headers=headers)
        assert head.status_code == 200 and head.content == b""


@pytest.mark.parametrize("dialect", DIALECTS, ids=IDS)
class TestRateLimits:
    def test_every_answer_carries_the_rate_limit_headers(
        self, world: World, dialect: Dialect
    ) -> None:
        method, path, scope = probe(dialect)
        key = world.key(dialect, [scope])
        with world.client() as c:
            r = c.request(method, path, headers=present(first_key_scheme(dialect), key))
        if dialect.rate_limit_headers.style != "none":
            assert int(r.headers["X-RateLimit-Remaining"]) >= 0
            assert int(r.headers["X-RateLimit-Limit"]) > 0

    def test_past_the_limit_is_429_with_retry_after(
        self, tight_world: World, dialect: Dialect
    ) -> None:
        method, path, scope = probe(dialect)
        key = tight_world.key(dialect, [scope])
        headers = present(first_key_scheme(dialect), key)
        with tight_world.client() as c:
            answers = [c.request(method, path, headers=headers) for _ in range(3)]
        assert [a.status_code < 400 for a in answers] == [True, True, False]
        assert_error(dialect, answers[2], 429)
        assert int(answers[2].headers["Retry-After"]) >= 0

    def test_public_routes_are_limited_per_client_address_in_the_dialects_body(
        self, tight_world: World, dialect: Dialect
    ) -> None:
        public = [
            (m, r.path)
            for r in dialect.routes().routes
            if isinstance(r, APIRoute) and route_public_rate_class(r) is not None
            for m in sorted(r.methods)
        ]
        if not public:
            pytest.skip(f"{dialect.name} has no public route")
        with tight_world.client() as c:
            for n, (method, path) in enumerate(public):
                ip = {"X-Forwarded-For": f"192.0.2.{n + 1}"}  # one bucket per route
                answers = [c.request(method, path, json={}, headers=ip) for _ in range(3)]
                assert [a.status_code == 429 for a in answers] == [False, False, True], path
                assert_error(dialect, answers[2], 429)
                assert int(answers[2].headers["Retry-After"]) >= 0
                other = c.request(
                    method, path, json={}, headers={"X-Forwarded-For": f"198.51.100.{n + 1}"}
                )
                assert other.status_code != 429, f"{path}: another address shares the count"


@pytest.mark.parametrize("dialect", DIALECTS, ids=IDS)
class TestDocuments:
    def test_the_openapi_document_declares_how_to_authenticate(
        self, world: World, dialect: Dialect
    ) -> None:
        with world.client() as c:
            doc = c.get(f"/openapi/{dialect.name}.json").json()
        schemes = doc["components"]["securitySchemes"]
        assert len(schemes) == len(dialect.schemes)
        for method, path, scope in routes(dialect):
            op = doc["paths"][path][method.lower()]
            assert op["security"] and all(set(req) <= set(schemes) for req in op["security"])
            assert op["x-required-scope"] == scope

    def test_the_example_shown_to_new_users_works(self, world: World, dialect: Dialect) -> None:
        from costlake.dialects.registry import dialects

        if dialect.name not in {d.name for d in dialects()}:
            pytest.skip("a made-up vendor shows no example")
        assert dialect.example is not None, "costlake demo prints an example for every dialect"
        method, path, body = dialect.example
        key = world.key(dialect, ["*"])
        headers = present(first_key_scheme(dialect), key)
        if body is not None:
            headers["Content-Type"] = "application/json"
        with world.client() as c:
            r = c.request(method, path, headers=headers, content=body)
        assert r.status_code < 400, r.text
        assert dialect.curl_example("http://h", key) is not None


CORE_ERRORS = [
    (InvalidInput("bad"), "invalid"),
    (Unauthenticated("who?", reason="missing"), "unauthenticated"),
    (MissingScope("costs:read"), "forbidden"),
    (NotFound("none"), "not_found"),
    (PayloadTooLarge("over 5 MB", limit_bytes=5_000_000), "too_large"),
    (RateLimited("slow down", retry_after_seconds=7), "rate_limited"),
    (QueryCancelled("gone"), "cancelled"),
    (
        DamagedPartition(
            "fixture/2024-09 is damaged", org="acme", source="fixture", period="2024-09"
        ),
        "unavailable",
    ),
    (CorruptManifest("manifest unreadable", org="acme", path="manifest.json"), "unavailable"),
    (MissingExtra("needs the 'spark' extra", extra="spark"), "not_implemented"),
    (RuntimeError("secret internals"), "internal"),
]


@pytest.mark.parametrize("dialect", DIALECTS, ids=IDS)
@pytest.mark.parametrize("error, kind", CORE_ERRORS, ids=[k for _, k in CORE_ERRORS])
def test_each_core_error_renders_in_the_dialects_body(
    dialect: Dialect, error: Exception, kind: str
) -> None:
    import orjson

    r = dialect.render_error(error)
    assert r.status_code == dialect.statuses.get(kind, STATUS[kind])  # type: ignore[attr-defined]
    body = orjson.loads(r.body)
    dialect.envelope.error_model().model_validate(body)
    assert "secret internals" not in r.body.decode()
    if kind == "rate_limited":
        assert r.headers["Retry-After"] == "7"
