"""WebAuthn through HTTP only: a software authenticator (tests/dialects/xplorr/
authenticator.py) registers a key, then signs in with it as a passkey and as the second
step of a TOTP user's log-in; refusals answer in Xplorr's error body."""

from __future__ import annotations

import pyotp

from costlake.users.webauthn import RelyingParty
from tests.dialects.xplorr.authenticator import Authenticator, b64u
from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.test_auth import error

REGISTER = "/api/v1/auth/webauthn/register"
AUTHENTICATE = "/api/v1/auth/webauthn/authenticate"


def origin(world: World) -> str:
    return RelyingParty.from_url(world.platform.settings.base_url).origin


def register(world: World, auth: dict[str, str], key: Authenticator, name: str = "YubiKey") -> int:
    with world.client() as c:
        options = c.get(f"{REGISTER}/options", headers=auth).json()
        r = c.post(
            f"{REGISTER}/verify",
            headers=auth,
            json={"credential": key.create(options), "name": name},
        )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


class TestWebauthn:
    def test_register_then_sign_in_with_a_passkey_alone(self, world: World) -> None:
        world.user("wes@acme.io", role="member")
        auth = world.bearer("wes@acme.io")
        key = Authenticator(origin(world))
        with world.client() as c:
            options = c.get(f"{REGISTER}/options", headers=auth).json()
            assert options["rp"]["id"] == "127.0.0.1" and options["user"]["name"] == "wes@acme.io"
            assert "wes" not in options["user"]["id"]  # an opaque handle
            created = key.create(options)
            r = c.post(
                f"{REGISTER}/verify", headers=auth, json={"credential": created, "name": "Key A"}
            )
            assert r.status_code == 201, r.text
            assert r.json()["name"] == "Key A" and r.json()["transports"] == ["usb"]
            r = c.post(f"{REGISTER}/verify", headers=auth, json={"credential": created})
            assert "used or expired" in error(r, 400, "INVALID_REQUEST")  # single use
            options = c.get(f"{REGISTER}/options", headers=auth).json()
            assert options["excludeCredentials"][0]["id"] == b64u(key.credential_id)

            options = c.get(f"{AUTHENTICATE}/options").json()
            assert options["userVerification"] == "required" and not options.get("allowCredentials")
            assertion = key.get(options)
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": assertion})
            assert r.status_code == 200, r.text
            signed_in = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert c.get("/api/v1/auth/me", headers=signed_in).json()["email"] == "wes@acme.io"
            refreshed = c.post(
                "/api/v1/auth/refresh", json={"refresh_token": r.json()["refresh_token"]}
            )
            assert refreshed.status_code == 200, refreshed.text

            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": assertion})
            assert "used or expired" in error(r, 400, "INVALID_REQUEST")  # replayed
            keys = c.get("/api/v1/auth/webauthn/credentials", headers=signed_in).json()
            assert [k["name"] for k in keys["data"]] == ["Key A"] and keys["total"] == 1
            assert keys["data"][0]["last_used_at"] is not None

    def test_refusals(self, world: World) -> None:
        world.user("ria@acme.io", role="member")
        world.user("sam@acme.io", role="member")
        ria, sam = world.bearer("ria@acme.io"), world.bearer("sam@acme.io")
        key = Authenticator(origin(world))
        key_id = register(world, ria, key)
        with world.client() as c:
            # no user verification (no PIN entered): a passkey alone is not enough
            lazy = Authenticator(origin(world), verifies_user=False)
            register(world, sam, lazy)
            r = c.post(
                f"{AUTHENTICATE}/verify",
                json={"credential": lazy.get(c.get(f"{AUTHENTICATE}/options").json())},
            )
            assert "verif" in error(r, 401, "UNAUTHORIZED")
            # an answer for another site
            options = c.get(f"{AUTHENTICATE}/options").json()
            r = c.post(
                f"{AUTHENTICATE}/verify",
                json={"credential": key.get(options, rp_id="evil.example")},
            )
            error(r, 401, "UNAUTHORIZED")
            # a page of another origin (phishing) asked the key
            options = c.get(f"{AUTHENTICATE}/options").json()
            key.origin = "https://costlake.evil.example"
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            assert "origin" in error(r, 401, "UNAUTHORIZED")
            key.origin = origin(world)
            # a cloned key: its counter does not grow past the last one seen
            options = c.get(f"{AUTHENTICATE}/options").json()
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            assert r.status_code == 200, r.text
            options = c.get(f"{AUTHENTICATE}/options").json()
            key.counter -= 1
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            assert "sign count" in error(r, 401, "UNAUTHORIZED")
            # an unknown key, garbage, and a challenge nobody handed out
            options = c.get(f"{AUTHENTICATE}/options").json()
            r = c.post(
                f"{AUTHENTICATE}/verify",
                json={"credential": Authenticator(origin(world)).get(options)},
            )
            assert "not recognised" in error(r, 401, "UNAUTHORIZED")
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": {"id": "x"}})
            error(r, 400, "INVALID_REQUEST")
            options["challenge"] = b64u(b"never handed out")
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            error(r, 400, "INVALID_REQUEST")
            # keys are each person's own
            r = c.delete(f"/api/v1/auth/webauthn/credentials/{key_id}", headers=sam)
            error(r, 404, "NOT_FOUND")
            assert c.get("/api/v1/auth/webauthn/credentials", headers=sam).json()["total"] == 1
            error(c.get("/api/v1/auth/webauthn/credentials"), 401, "UNAUTHORIZED")
            r = c.delete(f"/api/v1/auth/webauthn/credentials/{key_id}", headers=ria)
            assert r.status_code == 200, r.text
            options = c.get(f"{AUTHENTICATE}/options").json()
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            error(r, 401, "UNAUTHORIZED")  # removed

    def test_a_deactivated_person_cannot_sign_in_with_a_key(self, world: World) -> None:
        uid = world.user("una@acme.io", role="member")
        key = Authenticator(origin(world))
        register(world, world.bearer("una@acme.io"), key)
        world.user("ivy@acme.io")
        gone = world.client().delete(f"/api/v1/users/{uid}", headers=world.bearer("ivy@acme.io"))
        assert gone.status_code == 200, gone.text
        with world.client() as c:
            options = c.get(f"{AUTHENTICATE}/options").json()
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            assert "deactivated" in error(r, 401, "UNAUTHORIZED")

    def test_a_key_as_the_second_step_of_a_2fa_log_in(self, world: World) -> None:
        world.user("tom@acme.io")
        auth = world.bearer("tom@acme.io")
        key = Authenticator(origin(world), verifies_user=False)  # a plain security key
        register(world, auth, key)
        with world.client() as c:
            setup = c.post("/api/v1/auth/2fa/setup", headers=auth).json()
            code = pyotp.TOTP(setup["secret"]).now()
            assert (
                c.post("/api/v1/auth/2fa/confirm", headers=auth, json={"code": code}).status_code
                == 200
            )
            login = c.post(
                "/api/v1/auth/login", json={"email": "tom@acme.io", "password": PASSWORD}
            ).json()
            assert login["requires_2fa"] is True and login["methods"] == ["totp", "webauthn"]
            r = c.get(f"{AUTHENTICATE}/options", params={"challenge_token": "forged"})
            error(r, 400, "INVALID_REQUEST")
            options = c.get(
                f"{AUTHENTICATE}/options", params={"challenge_token": login["challenge_token"]}
            ).json()
            assert [a["id"] for a in options["allowCredentials"]] == [b64u(key.credential_id)]
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options)})
            assert r.status_code == 200, r.text
            signed_in = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert c.get("/api/v1/auth/me", headers=signed_in).json()["email"] == "tom@acme.io"
            # the log-in challenge is used up by the key
            r = c.post(
                "/api/v1/auth/2fa/authenticate",
                json={"challenge_token": login["challenge_token"], "code": code},
            )
            error(r, 400, "INVALID_REQUEST")

    def test_a_key_alone_is_a_second_factor_and_meets_required_2fa(self, world: World) -> None:
        world.user("zoe@umbrella.io", org="umbrella")
        login = {"email": "zoe@umbrella.io", "password": PASSWORD}
        auth = world.bearer("zoe@umbrella.io")
        key = Authenticator(origin(world), verifies_user=False)  # a plain security key
        register(world, auth, key)
        with world.client() as c:
            r = c.patch("/api/v1/organizations/require-2fa", headers=auth, json={"enabled": True})
            assert r.status_code == 200, r.text
            challenge = c.post("/api/v1/auth/login", json=login).json()
            assert challenge["requires_2fa"] is True and challenge["methods"] == ["webauthn"]
            step = {"challenge_token": challenge["challenge_token"], "code": "123456"}
            error(c.post("/api/v1/auth/2fa/authenticate", json=step), 401, "UNAUTHORIZED")
            options = c.get(
                f"{AUTHENTICATE}/options", params={"challenge_token": step["challenge_token"]}
            )
            r = c.post(f"{AUTHENTICATE}/verify", json={"credential": key.get(options.json())})
            assert r.status_code == 200, r.text
            assert r.json()["two_factor_setup_required"] is False  # the key is the second factor
            refreshed = c.post(
                "/api/v1/auth/refresh", json={"refresh_token": r.json()["refresh_token"]}
            )
            assert refreshed.json()["two_factor_setup_required"] is False
            # without its key, the person is back to setting 2FA up
            signed_in = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
            keys = c.get("/api/v1/auth/webauthn/credentials", headers=signed_in).json()["data"]
            r = c.delete(f"/api/v1/auth/webauthn/credentials/{keys[0]['id']}", headers=signed_in)
            assert r.status_code == 200, r.text
            r = c.post("/api/v1/auth/login", json=login)
            assert r.json()["two_factor_setup_required"] is True, r.text
