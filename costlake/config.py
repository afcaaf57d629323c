"""costlake's settings: one typed object read from ``COSTLAKE_*`` environment variables.

Every surface (CLI, server, workers) builds one :class:`Settings` and passes it down, so
nothing else in the code base reads the environment for configuration. Each field carries
its documentation as an attribute docstring; :func:`settings_doc` turns those into the
rows of ``docs/configuration.md`` (a test keeps the two in step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "COSTLAKE_"


def _default_home() -> Path:
    return Path.home() / ".costlake"


class Settings(BaseSettings):
    """Where costlake keeps its data, how the server listens, and its default limits."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="ignore",
        frozen=True,
        use_attribute_docstrings=True,
    )

    home: Path = Field(default_factory=_default_home)
    """Directory holding everything costlake writes by default: the lake, the SQLite
    metadata database and the secret key file. Defaults to ``~/.costlake``."""

    database_url: SecretStr | None = None
    """SQLAlchemy URL of the metadata database (orgs, cloud accounts, API keys), e.g.
    ``postgresql+psycopg://user:password@host/db``. Unset means a SQLite file
    ``<home>/costlake.db``. Kept secret because it usually embeds a password."""

    secret_key: SecretStr | None = None
    """Fernet key (urlsafe base64 of 32 bytes) that encrypts stored cloud credentials.
    Unset means ``<home>/secret.key``, created with mode 0600 on first use."""

    host: str = "127.0.0.1"
    """Address the HTTP server binds to. Loopback by default so that a fresh install
    is not reachable from the network until someone decides it should be."""

    port: int = Field(default=8080, ge=1, le=65535)
    """TCP port the HTTP server listens on."""

    public_url: str | None = None
    """Base URL clients reach the server at (behind a proxy, say), used in links that
    responses carry. Unset means ``http://<host>:<port>``."""

    rate_limit_per_hour: int | None = Field(default=None, ge=1)
    """Requests each credential may make per hour in every dialect and rate-limit class,
    replacing the vendors' documented limits (CloudExpat's 100 an hour, ...). Unset means
    each vendor's own limit; ``rate_limits`` overrides this per dialect."""

    rate_limits: dict[str, int] = Field(default_factory=dict)
    """Per-dialect limits as JSON, e.g. ``{"cloudexpat": 1000, "xplorr.login": 50}``: the
    requests per window of ``<dialect>`` (every class) or ``<dialect>.<class>`` (one rate-limit
    class; the window stays the vendor's). ``docs/scopes.md`` lists the classes."""

    rate_limit_store: str = "database"
    """Where rate-limit counts live: ``database`` (the metadata database, shared by every
    server process and kept across restarts), ``memory`` (this process only) or a
    ``redis://`` URL (needs the ``redis`` extra), for many replicas."""

    anonymous_orgs: dict[str, str] = Field(default_factory=dict)
    """Dialects served without credentials, each for one org, as JSON, e.g.
    ``{"kubecost": "acme"}`` (Kubecost clients inside a cluster send none). Off by default;
    only dialects whose vendor runs unauthenticated accept it; read scopes only."""

    api_access_off: list[str] = Field(default_factory=list)
    """Orgs whose API access is switched off, as JSON, e.g. ``["acme"]``: every dialect
    refuses their credentials with its "forbidden" error (StackSpend's ``PLAN_RESTRICTED``)."""

    query_cache_size: int = Field(default=2048, ge=0)
    """Query answers each server process keeps, keyed by the lake version they were read
    from (a new ingest makes them unreachable, never stale). 0 turns the cache off."""

    credential_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    """How long a server process keeps a credential it has resolved (the key's org, scopes
    and grants). A revocation, deactivation or grant change takes effect at once all the
    same: an entry is used only while the credentials epoch has not moved. 0 looks every
    request up."""

    session_ttl_minutes: int = Field(default=15, ge=1, le=1440)
    """Lifetime of a user-session access token (JWT)."""

    signup_mode: Literal["open", "invite-only", "off"] | None = None
    """Who may sign up over HTTP (Xplorr ``POST /auth/signup``): ``open``, ``invite-only``
    or ``off``; unset, sign-up is open until some org has an admin, invite-only after."""

    smtp_host: str | None = None
    """SMTP server that mails leave through (e-mail verification, password resets, budget
    alerts); unset, no mail is sent and a warning is logged."""

    smtp_port: int = Field(default=25, ge=1, le=65535)
    """Port of the SMTP server (plain SMTP; use a local relay for TLS and credentials)."""

    smtp_from: str = "costlake@localhost"
    """The From address of the mails costlake sends."""

    query_threads: int = Field(default_factory=lambda: min(4, os.cpu_count() or 1), ge=1)
    """Threads each lake query may use; bounds one request's share of the machine. Default:
    4, or the number of cores when there are fewer (more threads than cores made a 10M-row
    question about 20% slower on 2 cores)."""

    duckdb_threads: int | None = Field(default=None, ge=1)
    """Threads DuckDB may use for ingest, export and lake maintenance (queries take
    ``query_threads``). Unset means one per core."""

    engine: Literal["duckdb", "spark"] = "duckdb"
    """Query engine the server, the CLI and jobs answer with: ``duckdb`` (embedded) or
    ``spark`` (PySpark, installed by the ``spark`` extra, at ``spark_master``)."""

    spark_master: str = "local[2]"
    """Spark master URL when the engine is ``spark``: ``local[N]`` runs Spark inside the
    costlake process on N threads; ``spark://host:7077`` uses a cluster."""

    scheduler: bool = True
    """``on`` runs the scheduled jobs (``costlake jobs`` lists them) inside ``costlake
    serve``; ``off`` leaves them to a separate ``costlake worker``. Any number of servers
    and workers may run them: a lease in the metadata database runs each job once."""

    anomaly_min_impact: float = Field(default=25.0, ge=0)
    """An anomalous day must differ from its expected cost by at least this much (in the
    billing currency); episodes' severity is counted in multiples of it."""

    anomaly_min_percent: float = Field(default=20.0, ge=0)
    """An anomalous day must also differ from its expected cost by at least this percentage
    (a new service, expected at zero, passes it)."""

    anomaly_min_daily_cost: float = Field(default=5.0, ge=0)
    """Cost floor: a day whose actual and expected costs are both below this is never
    anomalous, so tiny series do not alarm."""

    anomaly_sensitivity: float = Field(default=5.0, gt=0)
    """How many robust standard deviations of a series' own day-to-day noise a deviation
    must exceed. Higher means fewer, surer anomalies."""

    anomaly_min_history_days: int = Field(default=14, ge=7)
    """Days of data a series needs before any of its days can be anomalous."""

    anomaly_lookback_days: int = Field(default=90, ge=1)
    """Days (up to the last day with data) each detection run evaluates again, so a
    restated billing period is re-evaluated; older anomalies are left as they are."""

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def lake_dir(self) -> Path:
        """The Parquet cost lake: ``<home>/lake``."""
        return self.home / "lake"

    @property
    def sqlalchemy_url(self) -> str:
        """The metadata database URL in force: ``database_url`` or the default SQLite file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home / 'costlake.db'}"

    @property
    def secret_key_file(self) -> Path:
        """Where the secret key lives when ``COSTLAKE_SECRET_KEY`` is unset."""
        return self.home / "secret.key"

    @property
    def base_url(self) -> str:
        """``public_url`` without a trailing slash, or the address the server binds."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class SettingDoc:
    """One documented setting: its environment variable, its default and what it is for."""

    env_var: str
    default: str
    description: str


def settings_doc() -> list[SettingDoc]:
    """Every setting with its environment variable, default and description, in field order."""
    docs: list[SettingDoc] = []
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default = "~/.costlake" if name == "home" else str(field.default_factory())  # type: ignore[call-arg]
        elif field.default is None:
            default = "(unset)"
        else:
            default = str(field.default)
        description = " ".join((field.description or "").split())
        docs.append(SettingDoc(f"{ENV_PREFIX}{name.upper()}", default, description))
    return docs
