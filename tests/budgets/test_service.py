"""Budgets and views without HTTP: every refusal names its field, rows stay in their org,
updates replace every field, and budgets keep the account grant of their writer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from costlake.budgets import service
from costlake.budgets.schemas import BudgetInput, NotificationRule, Period, ViewInput
from costlake.errors import InvalidInput, NotFound
from costlake.insights.schemas import ValueFilter
from costlake.orgs.service import get_or_create_org

OPS = NotificationRule(Decimal(80), ("ops@acme.io",))


@pytest.fixture
def s(db_session: Session) -> Session:
    get_or_create_org(db_session, "acme")
    get_or_create_org(db_session, "globex")
    return db_session


def budget(**kw: object) -> BudgetInput:
    fields: dict[str, object] = {"name": "Cloud", "amount": Decimal(1000), "period": "monthly"}
    return BudgetInput(**{**fields, **kw})  # type: ignore[arg-type]


class TestRefusals:
    @pytest.mark.parametrize(
        "data, field",
        [
            (budget(name=" "), "name"),
            (budget(name="x" * 201), "name"),
            (budget(amount=Decimal(0)), "amount"),
            (budget(amount=Decimal(-5)), "amount"),
            (budget(amount=float("inf")), "amount"),
            (budget(amount=True), "amount"),
            (budget(amount="lots"), "amount"),
            (budget(period="weekly"), "period"),
            (budget(view_id="no-such-view"), "view_id"),
            (budget(notifications=(NotificationRule(Decimal(0), ("a@b.io",)),)),
             "notifications[0].threshold"),
            (budget(notifications=(OPS, NotificationRule(Decimal("80.0"), ("b@b.io",)))),
             "notifications[1].threshold"),
            (budget(notifications=(NotificationRule(Decimal(50), ()),)),
             "notifications[0].recipients"),
            (budget(notifications=(NotificationRule(Decimal(50), ("a@b.io", "nobody")),)),
             "notifications[0].recipients[1]"),
            (budget(notifications=(NotificationRule(Decimal(50), ("a@b.io, c@d.io",)),)),
             "notifications[0].recipients[0]"),
        ],
    )  # fmt: skip
    def test_bad_input_names_the_field(self, s: Session, data: BudgetInput, field: str) -> None:
        with pytest.raises(InvalidInput) as refused:
            service.create(s, "acme", data)
        assert refused.value.message.startswith(f"{field}: "), refused.value.message

    def test_another_orgs_view_is_unknown(self, s: Session) -> None:
        view = service.create_view(s, "globex", ViewInput("theirs"))
        with pytest.raises(InvalidInput, match="^view_id: no view"):
            service.create(s, "acme", budget(view_id=view.id))

    def test_unknown_and_other_orgs_ids_are_not_found(self, s: Session) -> None:
        made = service.create(s, "globex", budget())
        for org, budget_id in (("acme", "nope"), ("acme", made.id)):
            with pytest.raises(NotFound):
                service.get(s, org, budget_id)
            with pytest.raises(NotFound):
                service.replace(s, org, budget_id, budget())
            with pytest.raises(NotFound):
                service.delete(s, org, budget_id)
        assert service.get(s, "globex", made.id) == made

    def test_a_view_filter_on_an_unknown_dimension_names_it(self, s: Session) -> None:
        with pytest.raises(InvalidInput, match="^filters.Planet: "):
            service.create_view(s, "acme", ViewInput("v", {"Planet": ValueFilter(("x",))}))


class TestCrud:
    def test_create_keeps_exact_amounts_and_canonical_thresholds(self, s: Session) -> None:
        rule = NotificationRule(Decimal("80.00"), ("ops@acme.io", "OPS@acme.io", "cfo@acme.io"))
        made = service.create(s, "acme", budget(amount=Decimal("1234.56"), notifications=(rule,)))
        assert made.amount == Decimal("1234.56") and made.period is Period.MONTHLY
        assert made.notifications == (
            NotificationRule(Decimal(80), ("ops@acme.io", "cfo@acme.io")),
        )
        assert made.account_ids is None and made.view_id is None
        assert service.get(s, "acme", made.id) == made

    def test_replace_changes_every_field_and_the_account_grant(self, s: Session) -> None:
        view = service.create_view(
            s, "acme", ViewInput("EC2", {"ServiceName": ValueFilter(("Amazon EC2",))})
        )
        made = service.create(s, "acme", budget(notifications=(OPS,)))
        new = service.replace(
            s, "acme", made.id,
            budget(name="Compute", amount=Decimal(10), period="annual", view_id=view.id),
            account_ids=("222", "111"),
        )  # fmt: skip
        assert (new.name, new.amount, new.period, new.view_id, new.notifications) == (
            "Compute", Decimal(10), Period.ANNUAL, view.id, (),
        )  # fmt: skip
        assert new.account_ids == ("111", "222") and new.created_at == made.created_at

    def test_pages_are_oldest_first_within_the_org(self, s: Session) -> None:
        ids = [service.create(s, "acme", budget(name=f"b{i}")).id for i in range(5)]
        service.create(s, "globex", budget())
        first, last = service.page(s, "acme", 0, 3), service.page(s, "acme", 3, 3)
        assert [b.id for b in first.items + last.items] == ids
        assert first.total == last.total == 5
        with pytest.raises(InvalidInput, match="^page: "):
            service.page(s, "acme", 0, 101)

    def test_delete_removes_it(self, s: Session) -> None:
        made = service.create(s, "acme", budget())
        service.delete(s, "acme", made.id)
        with pytest.raises(NotFound):
            service.get(s, "acme", made.id)

    def test_views_are_stored_in_core_keys(self, s: Session) -> None:
        view = service.create_view(
            s, "acme", ViewInput("EC2", {"servicename": ValueFilter(("Amazon EC2",), ("x",))})
        )
        assert view.filters == {"ServiceName": ValueFilter(("Amazon EC2",), ("x",))}
        assert service.get_view(s, "acme", view.id) == view
        assert [v.id for v in service.views(s, "acme", 0, 10).items] == [view.id]
        with pytest.raises(NotFound):
            service.get_view(s, "globex", view.id)
