"""A full sign-in with TOTP through HTTP only (pyotp plays the authenticator app)."""

from __future__ import annotations

import base64
import time

import pyotp

from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.test_auth import error


def next_code(secret: str, after: str) -> str:
    """A TOTP code other than ``after`` (a code is accepted once: wait for the next step)."""
    totp = pyotp.TOTP(secret)
    while (code := totp.now()) == after:
        time.sleep(0.5)
    return code


class TestTwoFactor:
    def test_setup_confirm_sign_in_with_a_code_then_disable(self, world: World) -> None:
        world.user("lea@acme.io")
        auth = world.bearer("lea@acme.io")
        with world.client() as c:
            setup = c.post("/api/v1/auth/2fa/setup", headers=auth).json()
            assert setup["otpauth_url"].startswith("otpauth://totp/costlake:lea%40acme.io?secret=")
            png = base64.b64decode(setup["qr_code"].removeprefix("data:image/png;base64,"))
            assert png.startswith(b"\x89PNG")
            r = c.post("/api/v1/auth/2fa/confirm", headers=auth, json={"code": "000000"})
            assert "not valid" in error(r, 400, "INVALID_REQUEST")
            first = pyotp.TOTP(setup["secret"]).now()
            r = c.post("/api/v1/auth/2fa/confirm", headers=auth, json={"code": first})
            assert r.status_code == 200, r.text
            recovery = r.json()["recovery_codes"]
            assert len(recovery) == 10

            r = c.post("/api/v1/auth/login", json={"email": "lea@acme.io", "password": PASSWORD})
            challenge = r.json()
            assert challenge["requires_2fa"] is True and "access_token" not in challenge
            step = {"challenge_token": challenge["challenge_token"]}
            r = c.post("/api/v1/auth/2fa/authenticate", json={**step, "code": "123456"})
            error(r, 401, "UNAUTHORIZED")
            code = next_code(setup["secret"], first)
            r = c.post("/api/v1/auth/2fa/authenticate", json={**step, "code": code})
            assert r.status_code == 200, r.text
            signed_in = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert c.get("/api/v1/auth/me", headers=signed_in).json()["two_factor_enabled"] is True
            r = c.post("/api/v1/auth/2fa/authenticate", json={**step, "code": code})
            assert "invalid or has expired" in error(r, 400, "INVALID_REQUEST")

            r = c.post("/api/v1/auth/login", json={"email": "lea@acme.io", "password": PASSWORD})
            step = {"challenge_token": r.json()["challenge_token"]}
            r = c.post("/api/v1/auth/2fa/authenticate", json={**step, "code": recovery[0]})
            assert r.status_code == 200, r.text

            r = c.post("/api/v1/auth/2fa/disable", headers=signed_in, json={"code": code})
            assert "not valid" in error(r, 400, "INVALID_REQUEST")  # a used code
            r = c.post(
                "/api/v1/auth/2fa/disable", headers=signed_in,
                json={"code": next_code(setup["secret"], code)},
            )  # fmt: skip
            assert r.status_code == 200, r.text
        assert "access_token" in world.login("lea@acme.io")

    def test_2fa_authenticate_is_limited_to_10_per_15_minutes(self, world: World) -> None:
        with world.client() as c:
            for _ in range(10):
                r = c.post(
                    "/api/v1/auth/2fa/authenticate", json={"challenge_token": "x", "code": "1"}
                )
                error(r, 400, "INVALID_REQUEST")
            r = c.post("/api/v1/auth/2fa/authenticate", json={"challenge_token": "x", "code": "1"})
            error(r, 429, "RATE_LIMITED")
