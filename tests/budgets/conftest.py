"""A real platform (SQLite, lake) holding a known October bill, a real SMTP server on
loopback (aiosmtpd), and the metadata-database fixtures (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest

from costlake.config import Settings
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from tests.anomalies.conftest import Bill, ingest
from tests.db.fixtures import (  # noqa: F401
    db_engine,
    db_session,
    empty_db_url,
    migrated_db_engine,
)
from tests.users.conftest import Inbox, smtp  # noqa: F401

OCTOBER = date(2024, 10, 1)
EC2_DAILY = 100
S3_DAILY = 50
DAYS_BILLED = 10
"""The bill: October 1-10, Amazon EC2 100 a day in account 111..., Amazon S3 50 a day in
account 222...; the org's whole spend up to the 10th is 1,500."""


def october_bill() -> Bill:
    bill = Bill()
    for i in range(DAYS_BILLED):
        day = OCTOBER + timedelta(days=i)
        bill.add(day, EC2_DAILY, service="Amazon EC2", account="111111111111")
        bill.add(day, S3_DAILY, service="Amazon S3", account="222222222222")
    return bill


def start_platform(home: Path, port: int | None) -> Platform:
    settings = Settings(home=home, smtp_host="127.0.0.1" if port else None, smtp_port=port or 25)
    return Platform.start(settings)


@contextmanager
def billed_platform(tmp: Path, smtp_port: int | None) -> Iterator[Platform]:
    p = start_platform(tmp / "home", smtp_port)
    try:
        ingest(p.lake, october_bill(), tmp)
        with p.session() as s:
            get_or_create_org(s, "acme")
            get_or_create_org(s, "globex")
        yield p
    finally:
        p.close()


@pytest.fixture
def platform(tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[Platform]:  # noqa: F811
    with billed_platform(tmp_path, smtp[1]) as p:
        yield p


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """One platform for tests that only create budgets and evaluate them (no mail)."""
    with billed_platform(tmp_path_factory.mktemp("budgets"), None) as p:
        yield p


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:  # noqa: F811
    return smtp[0]
