"""Every error code of the StackSpend document, reached over HTTP, each in the
``{data: null, error: {code, message}, meta: {}}`` envelope, and the codes costlake adds
(NOT_FOUND, METHOD_NOT_ALLOWED, SERVICE_UNAVAILABLE here; PAYLOAD_TOO_LARGE in
``test_otel.py``)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from costlake.dialects.stackspend.dialect import STACKSPEND_KEY
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import authenticate, revoke_key
from costlake.lake import manifest as mf
from costlake.lineitems import service
from tests.dialects.stackspend.conftest import OFF, World
from tests.dialects.windows import within_one_window
from tests.lake.helpers import focus_file

ITEMS = "/api/v1/public/line-items"
ROLLUPS = "/api/v1/public/rollups/daily"
ANOMALIES = "/api/v1/public/anomalies"
DATES = {"start_date": "2024-08-01", "end_date": "2024-08-31"}


def refused(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["data"] is None and body["meta"] == {} and body["error"]["code"] == code
    return body["error"]["message"]


class TestAuthentication:
    def test_no_key_is_unauthorized(self, world: World) -> None:
        with world.client() as c:
            refused(c.get(ITEMS, params=DATES), 401, "UNAUTHORIZED")

    def test_a_malformed_or_unknown_key_is_unauthorized(self, world: World) -> None:
        with world.client() as c:
            refused(c.get(ITEMS, params=DATES, headers={"X-API-Key": "nope"}), 401, "UNAUTHORIZED")
            forged = {"Authorization": f"Bearer {STACKSPEND_KEY.generate()}"}
            refused(c.get(ITEMS, params=DATES, headers=forged), 401, "UNAUTHORIZED")
            key = world.key(["line_items:read"])
            twice = [("X-API-Key", key), ("X-API-Key", key)]  # which copy wins? neither
            refused(c.get(ITEMS, params=DATES, headers=twice), 401, "UNAUTHORIZED")

    def test_both_header_forms_are_accepted(self, world: World) -> None:
        key = world.key(["line_items:read"])
        with world.client() as c:
            for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
                assert c.get(ITEMS, params=DATES, headers=headers).status_code == 200

    def test_a_revoked_key_is_forbidden(self, world: World) -> None:
        key = world.key(["line_items:read"])
        with world.platform.session() as s:
            found = authenticate(s, key)
            assert found is not None
            revoke_key(s, "acme", found.key_id)
        with world.client() as c:
            message = refused(
                c.get(ITEMS, params=DATES, headers={"X-API-Key": key}), 403, "FORBIDDEN"
            )
        assert "revoked" in message


class TestPermissions:
    @pytest.mark.parametrize(
        "path, params, scope",
        [
            (ITEMS, DATES, "line_items:read"),
            (ROLLUPS, {**DATES, "group_by": "service"}, "rollups:read"),
            (ANOMALIES, {}, "anomalies:read"),
        ],
    )
    def test_a_key_without_the_scope_gets_invalid_scope(
        self, world: World, path: str, params: dict[str, str], scope: str
    ) -> None:
        other = "rollups:read" if scope == "line_items:read" else "line_items:read"
        with world.client() as c:
            message = refused(
                c.get(path, params=params, headers=world.headers([other])), 403, "INVALID_SCOPE"
            )
        assert scope in message

    def test_an_org_with_api_access_off_is_plan_restricted(self, world: World) -> None:
        with world.client() as c:
            r = c.get(ITEMS, params=DATES, headers=world.headers(org=OFF))
        assert "switched off" in refused(r, 403, "PLAN_RESTRICTED")


class TestValidation:
    @pytest.mark.parametrize(
        "params, says",
        [
            ({}, "start_date"),
            ({"start_date": "2024-08-01"}, "end_date"),
            ({**DATES, "start_date": "yesterday"}, "start_date"),
            ({"start_date": "2024-08-31", "end_date": "2024-08-01"}, "on or after"),
            ({**DATES, "limit": "0"}, "limit"),
            ({**DATES, "limit": "1001"}, "limit"),
            ({**DATES, "limit": "ten"}, "limit"),
            ({**DATES, "cursor": "not-a-cursor"}, "invalid cursor"),
        ],
    )
    def test_bad_line_item_parameters(
        self, world: World, params: dict[str, str], says: str
    ) -> None:
        with world.client() as c:
            message = refused(
                c.get(ITEMS, params=params, headers=world.headers()), 422, "VALIDATION_ERROR"
            )
        assert says in message

    @pytest.mark.parametrize("group_by", [None, "region", ""])
    def test_group_by_is_required_and_one_of_three(
        self, world: World, group_by: str | None
    ) -> None:
        params = DATES if group_by is None else {**DATES, "group_by": group_by}
        with world.client() as c:
            message = refused(
                c.get(ROLLUPS, params=params, headers=world.headers()), 422, "VALIDATION_ERROR"
            )
        assert "group_by" in message


class TestLimitsAndFailures:
    def test_the_61st_request_in_a_minute_is_rate_limited_with_the_delay(
        self, world: World
    ) -> None:
        headers = world.headers(["rollups:read"])
        params = {**DATES, "group_by": "provider"}
        within_one_window(60, needed=12)  # 61 requests across a minute would fall in two
        with world.client() as c:
            answers = [c.get(ROLLUPS, params=params, headers=headers) for _ in range(61)]
        assert [a.status_code for a in answers[:60]] == [200] * 60
        message = refused(answers[60], 429, "RATE_LIMITED")
        delay = int(answers[60].headers["Retry-After"])
        assert f"retry after {delay} seconds" in message and 0 <= delay <= 60
        assert answers[59].headers["X-RateLimit-Limit"] == "60"

    def test_a_damaged_lake_partition_is_service_unavailable_naming_it(
        self, world: World, tmp_path: Path
    ) -> None:
        lake = world.platform.lake
        for month in (9, 10):
            path = focus_file(tmp_path / f"{month}.parquet", month=month, rows=20, cost="1")
            Ingestor(lake).ingest([path], org="damaged", source="aws")
        org_dir = lake.org_dir("damaged")
        part = next(p for p in mf.read(org_dir, "damaged").partitions if p.period == "2024-10")
        (org_dir / part.files[0]).write_bytes(b"PAR1")
        with world.client() as c:
            r = c.get(ITEMS, params={"start_date": "2024-10-01", "end_date": "2024-10-31"},
                      headers=world.headers(org="damaged"))  # fmt: skip
        message = refused(r, 503, "SERVICE_UNAVAILABLE")
        assert "aws/2024-10 of org 'damaged' is damaged" in message
        assert str(org_dir) not in r.text

    def test_an_unexpected_failure_is_internal_error_without_details(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("secret internals")

        monkeypatch.setattr(service, "line_items", broken)
        with world.client() as c:
            r = c.get(ITEMS, params=DATES, headers=world.headers())
        assert "secret" not in refused(r, 500, "INTERNAL_ERROR")

    @pytest.mark.parametrize("path", ["/api/v1/public/nope", "/api/v1/otel-ingest/nope"])
    def test_unknown_paths_answer_in_the_envelope(self, world: World, path: str) -> None:
        with world.client() as c:
            refused(c.get(path), 404, "NOT_FOUND")

    def test_a_wrong_method_answers_in_the_envelope(self, world: World) -> None:
        with world.client() as c:
            r = c.delete(ITEMS)
        refused(r, 405, "METHOD_NOT_ALLOWED")
        assert "GET" in r.headers["Allow"]
