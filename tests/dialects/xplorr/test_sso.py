"""SAML single sign-on through HTTP only, against an identity provider run inside the
test (pysaml2's IdP server classes, a self-signed certificate made here): an admin
configures SSO, a person of the domain signs in (init -> IdP -> ACS -> tokens -> me) and
is provisioned just in time; every refusal answers in Xplorr's error body."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.dialects.xplorr.authenticator import Authenticator
from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.saml_idp import ENTITY_ID, IdentityProvider
from tests.dialects.xplorr.test_auth import error
from tests.dialects.xplorr.test_webauthn import AUTHENTICATE, origin, register
from tests.users.conftest import free_port

CONFIG = "/api/v1/auth/sso/config"
ACS = "/api/v1/auth/saml/acs"


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> IdentityProvider:
    return IdentityProvider(tmp_path_factory.mktemp("idp"))


@pytest.fixture(scope="module")
def globex(world: World, idp: IdentityProvider) -> dict[str, str]:
    """The org globex with SSO for globex.io through ``idp`` (which has its SP metadata);
    its admin's headers."""
    world.user("ada@globex.io", org="globex")
    admin = world.bearer("ada@globex.io")
    with world.client() as c:
        body = {"domain": "globex.io", "idp_metadata_xml": idp.metadata()}
        r = c.patch(CONFIG, headers=admin, json=body)
        assert r.status_code == 200, r.text
        idp.sp_metadata = c.get("/api/v1/auth/saml/metadata/globex").text
    return admin


def sign_in(
    world: World, idp: IdentityProvider, org: str, email: str, signed: bool = True
) -> httpx.Response:
    with world.client() as c:
        r = c.get("/api/v1/auth/saml/init", params={"org_slug": org})
        assert r.status_code == 302, r.text
        return c.post(ACS, data=idp.answer(r.headers["location"], email, signed=signed))


class TestSamlSignIn:
    def test_configured_sso_is_shown_checked_and_described(
        self, world: World, globex: dict[str, str]
    ) -> None:
        with world.client() as c:
            config = c.get(CONFIG, headers=globex).json()
            assert config["configured"] and config["idp_entity_id"] == ENTITY_ID
            assert config["domain"] == "globex.io" and config["default_role"] == "member"
            assert config["acs_url"].endswith(ACS) and config["enforced"] is False
            check = c.get("/api/v1/auth/sso/check", params={"email": "Bob@Globex.io"}).json()
            assert check["sso_enabled"] is True and check["org_slug"] == "globex"
            assert check["login_url"].endswith("/api/v1/auth/saml/init?org_slug=globex")
            other = c.get("/api/v1/auth/sso/check", params={"email": "x@elsewhere.io"}).json()
            assert other["sso_enabled"] is False and other["login_url"] is None
            r = c.get("/api/v1/auth/saml/metadata/globex")
            assert r.headers["content-type"].startswith("application/samlmetadata+xml")
            assert config["sp_entity_id"] in r.text and "AssertionConsumerService" in r.text

    def test_sign_in_through_the_idp_provisions_the_person(
        self, world: World, idp: IdentityProvider, globex: dict[str, str]
    ) -> None:
        r = sign_in(world, idp, "globex", "bob@globex.io")
        assert r.status_code == 200, r.text
        bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        me = world.client().get("/api/v1/auth/me", headers=bearer).json()
        assert (me["email"], me["role"], me["name"]) == ("bob@globex.io", "member", "Bob Builder")
        assert me["organization"]["slug"] == "globex" and me["email_verified"] is True
        # a second sign-in finds the same person
        again = sign_in(world, idp, "globex", "bob@globex.io").json()
        assert again["user"]["id"] == me["id"]
        # a deactivated person is not let back in by the IdP
        gone = world.client().delete(f"/api/v1/users/{me['id']}", headers=globex)
        assert gone.status_code == 200, gone.text
        r = sign_in(world, idp, "globex", "bob@globex.io")
        assert "deactivated" in error(r, 401, "UNAUTHORIZED")

    def test_refusals(
        self, world: World, idp: IdentityProvider, globex: dict[str, str], tmp_path: Path
    ) -> None:
        with world.client() as c:
            r = c.get("/api/v1/auth/saml/init", params={"org_slug": "globex"})
            form = idp.answer(r.headers["location"], "bob@globex.io", signed=False)
            assert "Signature missing" in error(c.post(ACS, data=form), 401, "UNAUTHORIZED")
            error(c.post(ACS, data=form), 400, "INVALID_REQUEST")  # the request is used up
            r = c.get("/api/v1/auth/saml/init", params={"org_slug": "globex"})
            form = idp.answer(r.headers["location"], "eve@evil.io")
            assert "outside globex.io" in error(c.post(ACS, data=form), 401, "UNAUTHORIZED")
            impostor = IdentityProvider(tmp_path, "impostor")  # same entity id, another key
            impostor.sp_metadata = idp.sp_metadata
            r = c.get("/api/v1/auth/saml/init", params={"org_slug": "globex"})
            form = impostor.answer(r.headers["location"], "bob@globex.io")
            error(c.post(ACS, data=form), 401, "UNAUTHORIZED")
            error(c.post(ACS, data={"SAMLResponse": "x"}), 400, "INVALID_REQUEST")  # IdP-initiated
            error(
                c.post(ACS, data={"SAMLResponse": "eA==", "RelayState": "forged"}),
                400,
                "INVALID_REQUEST",
            )
            form_type = {"content-type": "application/x-www-form-urlencoded"}
            r = c.post(ACS, content="a=1&" * 30, headers=form_type)
            assert "too many fields" in error(r, 400, "INVALID_REQUEST")
            error(c.get("/api/v1/auth/saml/init", params={"org_slug": "acme"}), 404, "NOT_FOUND")
            error(c.get("/api/v1/auth/saml/metadata/nobody"), 404, "NOT_FOUND")

    def test_only_an_admin_of_the_domain_configures(
        self, world: World, idp: IdentityProvider, globex: dict[str, str]
    ) -> None:
        world.user("mia@globex.io", role="member", org="globex")
        world.user("ole@initech.io", org="initech")
        member, other = world.bearer("mia@globex.io"), world.bearer("ole@initech.io")
        with world.client() as c:
            error(c.get(CONFIG, headers=member), 403, "FORBIDDEN")
            error(c.patch(CONFIG, headers=member, json={"enforced": True}), 403, "FORBIDDEN")
            error(c.delete(CONFIG, headers=member), 403, "FORBIDDEN")
            error(c.get(CONFIG), 401, "UNAUTHORIZED")
            assert c.get(CONFIG, headers=other).json() == {"configured": False}
            body = {"domain": "globex.io", "idp_metadata_xml": idp.metadata()}
            assert "another organization" in error(
                c.patch(CONFIG, headers=other, json=body), 400, "INVALID_REQUEST"
            )
            body["domain"] = "gmail.com"
            error(c.patch(CONFIG, headers=other, json=body), 400, "INVALID_REQUEST")
            body["domain"] = "unrelated.io"
            assert "your own domain" in error(
                c.patch(CONFIG, headers=other, json=body), 403, "FORBIDDEN"
            )
            body = {"domain": "initech.io", "idp_metadata_xml": "<not-metadata/>"}
            error(c.patch(CONFIG, headers=other, json=body), 400, "INVALID_REQUEST")
            error(c.patch(CONFIG, headers=other, json={"enforced": True}), 400, "INVALID_REQUEST")
            error(c.delete(CONFIG, headers=other), 404, "NOT_FOUND")

    def test_metadata_by_url_and_removal(self, world: World, idp: IdentityProvider) -> None:
        world.user("kim@hooli.io", org="hooli")
        admin = world.bearer("kim@hooli.io")
        with serve(idp.metadata()) as url, world.client() as c:
            world.user("mo@hooli.io", role="member", org="hooli")
            passkey = Authenticator(origin(world))
            register(world, world.bearer("mo@hooli.io"), passkey)
            body = {
                "domain": "hooli.io",
                "idp_metadata_url": url,
                "default_role": "admin",
                "enforced": True,
            }
            r = c.patch(CONFIG, headers=admin, json=body)
            assert r.status_code == 200, r.text
            assert r.json()["idp_metadata_url"] == url and r.json()["default_role"] == "admin"
            assert (
                c.get("/api/v1/auth/sso/check", params={"email": "a@hooli.io"}).json()[
                    "sso_required"
                ]
                is True
            )
            # enforced: a member's password or passkey no longer signs in; the admin's does
            login = {"email": "mo@hooli.io", "password": PASSWORD}
            r = c.post("/api/v1/auth/login", json=login)
            assert "single sign-on" in error(r, 403, "FORBIDDEN")
            answer = passkey.get(c.get(f"{AUTHENTICATE}/options").json())
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": answer})
            assert "single sign-on" in error(r, 403, "FORBIDDEN")
            world.login("kim@hooli.io")
            assert c.delete(CONFIG, headers=admin).status_code == 200
            assert c.post("/api/v1/auth/login", json=login).json()["methods"] == ["webauthn"]
            answer = passkey.get(c.get(f"{AUTHENTICATE}/options").json())
            assert c.post(f"{AUTHENTICATE}/verify", json={"credential": answer}).status_code == 200
            assert (
                c.get("/api/v1/auth/sso/check", params={"email": "a@hooli.io"}).json()[
                    "sso_enabled"
                ]
                is False
            )
            error(c.get("/api/v1/auth/saml/init", params={"org_slug": "hooli"}), 404, "NOT_FOUND")
            body["idp_metadata_url"] = url + "/missing"
            error(c.patch(CONFIG, headers=admin, json=body), 400, "INVALID_REQUEST")

    def test_without_the_saml_extra_a_clear_error(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "saml2", None)  # import saml2 -> ImportError
        with world.client() as c:
            r = c.get("/api/v1/auth/saml/init", params={"org_slug": "globex"})
            assert "pip install 'costlake[saml]'" in error(r, 501, "NOT_IMPLEMENTED")


class _Metadata(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802
        found = self.path == "/metadata.xml"
        self.send_response(200 if found else 404)
        self.end_headers()
        self.wfile.write(self.body if found else b"")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(xml: str) -> Iterator[str]:
    """The IdP's metadata on a loopback HTTP server, as IdPs publish it."""
    handler = type("Handler", (_Metadata,), {"body": xml.encode()})
    server = http.server.HTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/metadata.xml"
    finally:
        server.shutdown()
        server.server_close()
