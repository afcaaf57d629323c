"""The metadata database's tables: orgs, the cloud accounts seen in their data, users, keys.

Cost data itself never lives here (it is in the Parquet lake); this database only holds
who may see what. Relationships never load on attribute access (``lazy="raise"``): a
query that needs related rows says so with an explicit loader option, so no request
issues hidden queries.

Timestamps are timezone-aware UTC in Python on every backend (:class:`UTCDateTime`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from costlake.kit.clock import now

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite has no time zones and hands back naive values; PostgreSQL stores
    ``timestamptz``. Normalising here means comparisons such as "expired?" never mix
    naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations can refer to them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Org(Base):
    """A tenant. Every other row belongs to exactly one org."""

    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    require_2fa: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Sessions of a person without 2FA may only set it up (``costlake.users.sessions``)."""
    api_access: Mapped[bool] = mapped_column(default=True, server_default=true())
    """Whether the org's keys and sessions may use the APIs (``costlake orgs api-access``)."""

    def __repr__(self) -> str:
        return f"Org(id={self.id!r}, slug={self.slug!r})"


class CloudAccount(Base):
    """A billing account or sub account seen in an org's ingested cost data.

    ``account_id`` is FOCUS's ``BillingAccountId`` (kind "billing") or ``SubAccountId``
    (kind "sub"); ``parent_account_id`` is the billing account a sub account bills to.
    """

    __tablename__ = "cloud_accounts"
    __table_args__ = (
        UniqueConstraint("org_id", "provider", "account_id"),
        CheckConstraint("kind IN ('billing', 'sub')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(255))
    parent_account_id: Mapped[str | None] = mapped_column(String(255))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]

    org: Mapped[Org] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"CloudAccount(provider={self.provider!r}, account_id={self.account_id!r})"


class User(Base):
    """A person in an org. Only needed to narrow what a key sees to granted accounts."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("org_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """argon2id; None for a user who cannot sign in with a password (grants only)."""
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    email_verified_at: Mapped[datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    """The TOTP seed, encrypted with the deployment's secret key (SecretBox)."""
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    """The last TOTP time step accepted, so one code is never accepted twice."""
    recovery_codes: Mapped[list[str] | None] = mapped_column(JSON)
    """argon2id hashes of the unused recovery codes."""

    org: Mapped[Org] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, email={self.email!r})"


class RefreshToken(Base):
    """One refresh token of a sign-in (``family_id``). Only its SHA-256 is stored (the
    token is 256 random bits, so a slow hash adds nothing). A token is used once: the
    rotation stamps ``used_at`` and issues the family's next token; presenting a used
    token again revokes the whole family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class UserToken(Base):
    """A single-use, expiring token sent to or held by a user: ``verify_email``,
    ``reset_password`` or ``login_challenge`` (the second step of a 2FA sign-in).
    Only its SHA-256 is stored; ``attempts`` counts wrong codes against a challenge."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


class UserAccountGrant(Base):
    """User ``user_id`` may see the costs of cloud account ``cloud_account_id``."""

    __tablename__ = "user_account_grants"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    cloud_account_id: Mapped[int] = mapped_column(
        ForeignKey("cloud_accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now)


class ApiKey(Base):
    """An API key. The secret itself is never stored: only its argon2id hash, plus
    ``lookup`` (a short SHA-256 prefix) that finds the row to verify against, and
    ``prefix`` (the secret's first characters) that people recognise it by.
    See docs/decisions/0003-api-keys.md.
    """

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_lookup", "lookup"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    style: Mapped[str] = mapped_column(String(32))
    prefix: Mapped[str] = mapped_column(String(32))
    lookup: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(255))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    org: Mapped[Org] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"ApiKey(id={self.id!r}, prefix={self.prefix!r}, name={self.name!r})"


class RateLimitCounter(Base):
    """Requests counted for one rate-limit bucket (dialect, class, credential) in one fixed
    window; shared by every server process on the same metadata database."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_window_start", "window_start"),)

    bucket: Mapped[str] = mapped_column(String(255), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int]


class JobLease(Base):
    """One scheduled job's lease and last outcome (``costlake.tasks``).

    A process runs a job only after taking its lease with one conditional UPDATE (free or
    expired, and due), so two processes on one metadata database never run the same job
    at once. ``attempts`` counts consecutive failures; ``next_retry_at`` is when a failed
    job may run again before its next regular turn.
    """

    __tablename__ = "job_leases"
    __table_args__ = (
        CheckConstraint("last_status IN ('running', 'succeeded', 'failed')", name="last_status"),
    )

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_retry_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"JobLease(name={self.name!r}, holder={self.holder!r})"


class Insight(Base):
    """A saved cost question of an org (``costlake.insights``): a name, a description, and
    the filters and grouping that a cost query over time applies. Filters and group-by keys
    are the core's (FOCUS columns, ``tag:<key>``), whatever dialect wrote them."""

    __tablename__ = "insights"
    __table_args__ = (Index("ix_insights_org_id_created_at", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    group_by: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    org: Mapped[Org] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"Insight(id={self.id!r}, name={self.name!r})"


class Anomaly(Base):
    """One anomaly episode of an org's daily cost series (``costlake.anomalies``): the
    series (monitor and dimension values), the days it spans, its costs, and the feedback
    people gave. Costs are exact decimals kept as text (SQLite has no decimal type); a
    restatement updates the row of the same episode instead of adding another."""

    __tablename__ = "anomalies"
    __table_args__ = (
        Index("ix_anomalies_org_id_series", "org_id", "monitor", "series_key"),
        Index("ix_anomalies_org_id_detected_date", "org_id", "detected_date"),
        CheckConstraint(
            "alert_type IN ('spend_spike', 'spend_drop', 'new_service')", name="alert_type"
        ),
        CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name="severity"),
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'resolved', 'false_positive', 'dismissed')",
            name="status",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    monitor: Mapped[str] = mapped_column(String(64))
    series_key: Mapped[str] = mapped_column(String(1024))
    provider_type: Mapped[str] = mapped_column(String(64))
    service: Mapped[str | None] = mapped_column(String(255))
    sub_account_id: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[str | None] = mapped_column(String(16))
    alert_type: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    detected_date: Mapped[date] = mapped_column(Date)
    expected_cost: Mapped[str] = mapped_column(String(64))
    actual_cost: Mapped[str] = mapped_column(String(64))
    deviation_percent: Mapped[float | None] = mapped_column(Float)
    contributors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status_changed_by: Mapped[str | None] = mapped_column(String(320))
    status_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    org: Mapped[Org] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"Anomaly(id={self.id!r}, alert_type={self.alert_type!r})"


# Tables of the later domains live in their own modules; importing them here puts them on
# ``Base.metadata`` for Alembic and the tests.
from costlake.db.models import (  # noqa: E402, F401
    anycost,
    audit,
    budgets,
    credentials,
    identity,
    monitors,
    sources,
    telemetry,
)
