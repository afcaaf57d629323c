"""AnyCost ``POST /v2/connections/billing/anycost/{connection_id}/billing_drops`` on a live
server: 202 and the month stored, billing totals equal to direct sums for every cost type and
unchanged by a re-sent drop, 400 naming the item and field with nothing half-stored, 413 over
5 MB whether the body says its length or streams, 401 and 403."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from costlake.dialects.cloudzero.anycost import drops_of, parse
from costlake.dialects.cloudzero.routers.anycost import MAX_BODY
from costlake.dialects.cloudzero.translate import COST_TYPES
from costlake.errors import InvalidInput
from tests.dialects.cloudzero.conftest import World

ORG = "anycost"
_ids = itertools.count()


def url(connection: str) -> str:
    return f"/v2/connections/billing/anycost/{connection}/billing_drops"


def fresh() -> str:
    """A connection of its own for one test (the server is shared by the module)."""
    return f"conn-{next(_ids)}"


OCTOBER = [
    {"timestamp": "2024-10-01T00:00:00Z", "cost": 12.5, "service": "Snowflake",
     "description": "warehouse credits", "metadata": {"team": "data"},
     "resource/account": "sf-1", "cost/discounted_cost": 11.25,
     "cost/amortized_cost": 10, "cost/on_demand_cost": 15},
    {"timestamp": "2024-10-15T10:00:00+02:00", "cost": 0.1, "service": "Snowflake",
     "metadata": {"team": "ml"}, "resource/account": "sf-1"},
    {"timestamp": "2024-10-20T00:00:00Z", "cost": -3, "service": "Snowflake",
     "lineitem/type": "Credit", "resource/account": "sf-1"},
    {"timestamp": "2024-10-31T23:00:00Z", "cost": 7, "service": "Datadog",
     "lineitem/type": "Tax", "resource/account": "dd-9"},
]  # fmt: skip
EXPECTED = {
    # billed: cost; discounted: discounted_cost -> cost; amortized: discounted_amortized ->
    # amortized -> discounted -> cost; on_demand: on_demand_cost -> cost; real leaves credits out.
    "billed": Decimal("16.6"),
    "discounted": Decimal("15.35"),
    "amortized": Decimal("14.1"),
    "discounted_amortized": Decimal("14.1"),
    "invoiced_amortized": Decimal("14.1"),
    "real": Decimal("17.1"),
    "on_demand": Decimal("19.1"),
}


@pytest.fixture(scope="module")
def client(cz: World) -> Iterator[httpx.Client]:
    with cz.server.client(Authorization=cz.key(ORG, ["*"])) as c:
        yield c


def send(c: httpx.Client, connection: str, body: Any) -> httpx.Response:
    return c.post(url(connection), json=body)


def total(c: httpx.Client, cost_type: str, **more: Any) -> Decimal:
    body = {"start": "2024-01-01", "end": "2026-01-01", "granularity": "cumulative",
            "cost_type": cost_type, **more}  # fmt: skip
    r = c.post("/v2/billing/costs", json=body)
    assert r.status_code == 200, r.text
    return sum((Decimal(repr(p["value"])) for i in r.json()["data"] for p in i["cost"]), Decimal(0))


def count(cz: World, connection: str) -> int:
    """Rows of the connection's source, straight from the lake's files."""
    if not cz.platform.lake.snapshot(ORG).files():
        return 0
    where = f"x_SourceId = 'cbf-drop-{connection}'"
    return int(cz.sql(ORG, f"SELECT count(*) FROM costs WHERE {where}")[0][0])


def lake_rows(cz: World) -> int:
    return cz.platform.lake.snapshot(ORG).rows


class TestAccepted:
    def test_a_drop_is_202_with_what_was_stored(self, cz: World, client: httpx.Client) -> None:
        connection = fresh()
        r = send(client, connection, {"billing_drops": [{"line_items": OCTOBER}]})
        assert r.status_code == 202, r.text
        assert r.json() == {"connection_id": connection, "months": ["2024-10"],
                            "line_items": 4, "replaced_line_items": 0}  # fmt: skip
        assert count(cz, connection) == 4

    @pytest.mark.parametrize("cost_type", sorted(COST_TYPES))
    def test_billing_totals_equal_the_line_items_and_a_re_sent_drop_changes_nothing(
        self, cz: World, client: httpx.Client, cost_type: str
    ) -> None:
        connection = fresh()
        only = {"filter": {"Account": ["sf-1", "dd-9"]}}
        before = total(client, cost_type, **only)
        body = {"billing_drops": [{"line_items": OCTOBER}]}
        assert send(client, connection, body).status_code == 202
        after = total(client, cost_type, **only)
        assert after - before == EXPECTED[cost_type]
        assert send(client, connection, body).json()["replaced_line_items"] == 4
        assert total(client, cost_type, **only) == after

    def test_the_lake_sum_matches_the_billing_answer(self, cz: World, client: httpx.Client) -> None:
        connection = fresh()
        send(client, connection, {"billing_drops": [{"line_items": OCTOBER}]})
        [(lake,)] = cz.sql(
            ORG, f"SELECT sum(BilledCost) FROM costs WHERE x_SourceId = 'cbf-drop-{connection}'"
        )
        assert lake == EXPECTED["billed"]

    def test_a_new_drop_replaces_the_month_and_leaves_other_months(
        self, client: httpx.Client
    ) -> None:
        connection = fresh()
        tagged = {"filter": {"Tag:conn": [connection]}}

        def items(at: str, cost: float) -> list[dict[str, Any]]:
            return [{"timestamp": at, "cost": cost, "metadata": {"conn": connection}}]

        september = {"line_items": items("2024-09-03T00:00:00Z", 5)}
        august = {"month": "2024-08", "line_items": items("2024-08-30", 1)}
        body = {"billing_drops": [september, august]}
        assert send(client, connection, body).json()["months"] == ["2024-08", "2024-09"]
        assert total(client, "billed", **tagged) == 6
        again = {"billing_drops": [{"line_items": items("2024-09-10T00:00:00Z", 2.5)}]}
        assert send(client, connection, again).json()["replaced_line_items"] == 1
        assert total(client, "billed", **tagged) == Decimal("3.5")

    def test_groups_read_the_documents_fields(self, client: httpx.Client) -> None:
        connection = fresh()
        items = [{"timestamp": "2023-02-01T00:00:00Z", "cost": 2, "service": "Tailscale",
                  "metadata": {"drop": connection}}]  # fmt: skip
        send(client, connection, {"billing_drops": [{"line_items": items}]})
        body = {"start": "2023-02-01", "end": "2023-03-01", "granularity": "monthly",
                "group_by": ["Service", "Tag:drop"],
                "filter": {"Tag:drop": [connection]}}  # fmt: skip
        r = client.post("/v2/billing/costs", json=body).json()
        assert r["data"] == [
            {"group": {"Service": "Tailscale", "Tag:drop": connection},
             "cost": [{"timestamp": "2023-02-01T00:00:00Z", "value": 2.0}]}
        ]  # fmt: skip


BAD = [
    ({}, "billing_drops: Field required"),
    ({"billing_drops": []}, "billing_drops: must be a non-empty list"),
    ({"billing_drops": {}}, "billing_drops: must be a non-empty list"),
    ({"billing_drops": [{}]}, "billing_drops[0].line_items: must be a non-empty list"),
    ({"billing_drops": [{"line_items": [1]}]}, "billing_drops[0].line_items[0]: must be an object"),
    ({"billing_drops": [{"line_items": [{"cost": 1}]}]},
     "billing_drops[0].line_items[0].timestamp: Field required"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01"}]}]},
     "billing_drops[0].line_items[0].cost: Field required"),
    ({"billing_drops": [{"line_items": [{"timestamp": "yesterday", "cost": 1}]}]},
     "billing_drops[0].line_items[0].timestamp: 'yesterday' is not an ISO 8601 date-time"),
    ({"billing_drops": [{"line_items": [{"timestamp": 5, "cost": 1}]}]},
     "billing_drops[0].line_items[0].timestamp: must be an ISO 8601 date-time string"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": "1"}]}]},
     "billing_drops[0].line_items[0].cost: must be a number"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": True}]}]},
     "billing_drops[0].line_items[0].cost: must be a number"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1e30}]}]},
     "billing_drops[0].line_items[0].cost: must be a number below 10^20"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1, "service": 3}]}]},
     "billing_drops[0].line_items[0].service: must be a string"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1, "metadata": []}]}]},
     "billing_drops[0].line_items[0].metadata: must be an object of strings"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1,
                                         "metadata": None}]}]},
     "billing_drops[0].line_items[0].metadata: must be an object of strings"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1, "service": None}]}]},
     "billing_drops[0].line_items[0].service: must be a string"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1,
                                         "metadata": {"team": 1}}]}]},
     "billing_drops[0].line_items[0].metadata.team: must be a string"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1,
                                         "usage/amount": "lots"}]}]},
     "billing_drops[0].line_items[0].usage/amount: must be a number"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1, "service": "a",
                                         "resource/service": "b"}]}]},
     "billing_drops[0].line_items[0].resource/service: given twice"),
    ({"billing_drops": [{"line_items": [{"timestamp": "2024-10-01", "cost": 1},
                                        {"timestamp": "2024-11-01T00:00:00Z", "cost": 1}]}]},
     "billing_drops[0].line_items[1].timestamp: in 2024-11, but this drop is for 2024-10"),
    ({"billing_drops": [{"month": "2024-09", "line_items": [{"timestamp": "2024-10-01",
                                                             "cost": 1}]}]},
     "line_items[0].timestamp: in 2024-10, but this drop is for 2024-09 (its month)"),
    ({"billing_drops": [{"month": "Sept", "line_items": [{"timestamp": "2024-10-01", "cost": 1}]}]},
     "billing_drops[0].month: give the billing month as YYYY-MM"),
    ({"operation": "sum", "billing_drops": [{"line_items": [{"timestamp": "2024-10-01",
                                                            "cost": 1}]}]},
     "operation: only replace_drop is served"),
]  # fmt: skip


class TestRefusals:
    @pytest.mark.parametrize("body, message", BAD, ids=[m.split(":")[0] for _, m in BAD])
    def test_a_malformed_body_is_400_naming_the_item_and_field(
        self, cz: World, client: httpx.Client, body: Any, message: str
    ) -> None:
        rows = lake_rows(cz)
        r = send(client, fresh(), body)
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "BadRequest"
        assert message in r.json()["message"]
        assert lake_rows(cz) == rows

    def test_one_bad_item_in_the_last_drop_stores_no_drop(
        self, cz: World, client: httpx.Client
    ) -> None:
        connection = fresh()
        good = {"line_items": OCTOBER}
        bad = {"line_items": [*OCTOBER[:2], {"timestamp": "2024-10-02", "cost": "NaN"}]}
        r = send(client, connection, {"billing_drops": [good, bad]})
        assert r.status_code == 400 and "billing_drops[1].line_items[2].cost" in r.text
        assert count(cz, connection) == 0

    @pytest.mark.parametrize("content", [b"{bad", b"[1]", b'{"billing_drops": [NaN]}', b""])
    def test_a_body_that_is_not_a_json_object_is_400(
        self, client: httpx.Client, content: bytes
    ) -> None:
        r = client.post(url(fresh()), content=content, headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["message"].startswith("body:"), r.text

    def test_no_key_is_401_and_a_key_without_billing_write_is_403(self, cz: World) -> None:
        body = {"billing_drops": [{"line_items": OCTOBER}]}
        with cz.server.client() as c:
            assert send(c, fresh(), body).status_code == 401
        with cz.server.client(Authorization=cz.key(ORG, ["costs:read"])) as c:
            r = send(c, fresh(), body)
        assert r.status_code == 403 and r.json()["code"] == "Forbidden"

    def test_a_key_limited_to_some_accounts_cannot_send_drops(self, cz: World) -> None:
        from costlake.orgs.service import get_or_create_user, get_org

        with cz.platform.session() as s:
            user = get_or_create_user(s, get_org(s, ORG), "member@anycost.test")
        with cz.server.client(Authorization=cz.key(ORG, ["*"], user=user)) as c:
            r = send(c, fresh(), {"billing_drops": [{"line_items": OCTOBER}]})
        assert r.status_code == 403 and "whole org" in r.json()["message"]


def padded(size: int) -> bytes:
    """A valid drop, padded with spaces to exactly ``size`` bytes."""
    doc = json.dumps({"billing_drops": [{"line_items": OCTOBER[:1]}]}).encode()
    return doc[:-1] + b" " * (size - len(doc)) + b"}"


class TestSize:
    def test_a_body_of_exactly_5_mb_is_accepted(self, client: httpx.Client) -> None:
        body = padded(MAX_BODY)
        assert len(body) == MAX_BODY == 5_000_000
        r = client.post(url(fresh()), content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 202, r.text

    def test_a_body_over_5_mb_is_413_by_its_content_length(self, client: httpx.Client) -> None:
        r = client.post(
            url(fresh()), content=padded(MAX_BODY + 1), headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 413
        assert r.json() == {"message": "the body is larger than 5,000,000 bytes; send less per "
                            "request", "code": "PayloadTooLarge"}  # fmt: skip

    def test_a_streamed_body_is_cut_off_at_5_mb(self, cz: World, client: httpx.Client) -> None:
        """No Content-Length (chunked): counted as it arrives, refused once past the limit."""
        body = padded(MAX_BODY + 1)
        rows = lake_rows(cz)

        def chunks() -> Iterator[bytes]:
            for i in range(0, len(body), 65536):
                yield body[i : i + 65536]

        r = client.post(
            url(fresh()), content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["code"] == "PayloadTooLarge"
        assert lake_rows(cz) == rows


class TestTranslate:
    """The body -> core drops translation alone (no server)."""

    def test_fields_map_to_cbf_columns_with_exact_decimals_and_utc_times(self) -> None:
        doc = parse(b'{"billing_drops": [{"line_items": [{"timestamp": "2024-10-01T01:00:00+02:00",'
                    b' "cost": 0.1000000000000000055511, "metadata": {"a b": "c"},'
                    b' "k8s/cluster": "prod", "other": {"ignored": true}}]}]}')  # fmt: skip
        [drop] = drops_of(doc)
        assert drop.month == "2024-09"
        assert drop.items == (
            {"time/usage_start": "2024-09-30 23:00:00", "cost/cost": "0.1000000000000000055511",
             "resource/tag:a b": "c", "k8s/cluster": "prod"},
        )  # fmt: skip

    def test_a_month_may_be_a_date_time_in_it(self) -> None:
        items = [{"timestamp": "2024-02-29T12:00:00Z", "cost": 1}]
        for month in ("2024-02", "2024-02-01T00:00:00Z", "2024-02-01"):
            assert (
                drops_of({"billing_drops": [{"month": month, "line_items": items}]})[0].month
                == "2024-02"
            )

    def test_replace_drop_is_the_one_operation(self) -> None:
        items = [{"timestamp": "2024-02-29", "cost": 1}]
        assert drops_of({"operation": "replace_drop", "billing_drops": [{"line_items": items}]})
        with pytest.raises(InvalidInput, match=r"billing_drops\[0\].operation"):
            drops_of({"billing_drops": [{"operation": "replace_hourly", "line_items": items}]})
