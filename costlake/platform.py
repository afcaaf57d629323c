"""Everything a running costlake holds once: settings, lake, query service, metadata database,
rate-limit store, and the thread pool that keeps DuckDB off the event loop."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from costlake.auth.cache import PrincipalCache
from costlake.auth.sessions import SessionTokens
from costlake.carbon.enricher import CarbonEnricher
from costlake.config import Settings
from costlake.db.engine import engine_from_settings, migrate, session_factory
from costlake.ingest.pipeline import Enricher, Ingestor
from costlake.kit.private import private_dir, private_files
from costlake.kit.ratelimit import InMemoryRateLimitStore, RateLimitStore
from costlake.lake.store import Lake
from costlake.notify.registry import ChannelRegistry, default_channels
from costlake.query.engines import Engine, get_engine
from costlake.query.service import QueryService
from costlake.ratelimits.store import store_from_settings
from costlake.tasks.catalog import default_jobs
from costlake.tasks.registry import JobRegistry
from costlake.tasks.scheduler import Scheduler
from costlake.users.signin import SignIn


def query_engine(settings: Settings, name: str | None = None) -> Engine:
    """The query engine ``settings`` ask for (``name`` overrides ``COSTLAKE_ENGINE``),
    configured from them. Spark starts its session on the first query, not here."""
    name = name or settings.engine
    if name == "spark":
        return get_engine("spark", master=settings.spark_master)
    if name == "duckdb":
        return get_engine("duckdb", threads=settings.query_threads)
    return get_engine(name)  # refuses the unknown name in one line


def default_enrichers() -> list[Enricher]:
    """The enrichers every ingest of a platform applies: carbon estimates. Built here, the
    composition root, so ``ingest`` never imports ``carbon`` (nor knows it exists)."""
    return [CarbonEnricher()]


@dataclass
class Platform:
    settings: Settings
    lake: Lake
    queries: QueryService
    db: SqlEngine
    sessions: sessionmaker[Session]
    rate_limits: RateLimitStore = field(default_factory=InMemoryRateLimitStore)
    enrichers: list[Enricher] = field(default_factory=default_enrichers)
    jobs: JobRegistry = field(default_factory=default_jobs)
    _scheduler: Scheduler | None = field(default=None, repr=False)
    _closed: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def start(cls, settings: Settings, *, rate_limits: RateLimitStore | None = None) -> Platform:
        """Open the lake and the database (applying migrations) for ``settings``."""
        private_files()
        private_dir(settings.home)
        db = engine_from_settings(settings)
        migrate(db)
        lake = Lake(settings.lake_dir)
        engine = query_engine(settings)
        sessions = session_factory(db)
        return cls(
            settings,
            lake,
            QueryService(lake, engine, cache_size=settings.query_cache_size),
            db,
            sessions,
            rate_limits or store_from_settings(settings.rate_limit_store, db),
        )

    @functools.cached_property
    def principals(self) -> PrincipalCache:
        """Resolved credentials, valid while the credentials epoch stands still."""
        return PrincipalCache(self.settings.credential_cache_seconds)

    def credentials_epoch(self) -> int:
        """The credentials epoch now (:mod:`costlake.db.epoch`): one primary-key read."""
        from costlake.db.epoch import current

        with self.db.connect() as connection:
            return current(connection)

    @functools.cached_property
    def session_tokens(self) -> SessionTokens:
        """Signs and checks user-session tokens under a key derived from the secret key."""
        from datetime import timedelta

        from costlake.kit.secretbox import SecretBox

        key = SecretBox.key_bytes(self.settings)
        return SessionTokens(key, ttl=timedelta(minutes=self.settings.session_ttl_minutes))

    @functools.cached_property
    def signin(self) -> SignIn:
        """The users' sign-in flows, with this platform's token signer, secret box and mail."""
        from costlake.kit.secretbox import SecretBox
        from costlake.users.mail import Mailer

        return SignIn(
            self.session_tokens,
            SecretBox.from_settings(self.settings),
            Mailer(self.settings),
            self.base_url,
            self.settings.signup_mode,
        )

    @functools.cached_property
    def channels(self) -> ChannelRegistry:
        """The notification channels (e-mail over ``COSTLAKE_SMTP_*``) jobs send through."""
        return default_channels(self.settings)

    def ingestor(self) -> Ingestor:
        """An ingestor into this platform's lake, with its enrichers and DuckDB threads."""
        return Ingestor(self.lake, threads=self.settings.duckdb_threads, enrichers=self.enrichers)

    @property
    def base_url(self) -> str:
        s = self.settings
        return (s.public_url or f"http://{s.host}:{s.port}").rstrip("/")

    @property
    def dashboard_url(self) -> str:
        """Where a person starts: the server's front page (``costlake.web``)."""
        return f"{self.base_url}/"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on error."""
        with self.sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def start_scheduler(self, *, force: bool = False) -> bool:
        """Run this platform's jobs in background threads until :meth:`stop_scheduler` (or
        :meth:`close`). The server calls it at start-up; a no-op returning False when
        ``COSTLAKE_SCHEDULER=off`` (``force``: ``costlake worker``, which is the scheduler)."""
        if not (self.settings.scheduler or force):
            return False
        if self._scheduler is None or not self._scheduler.running:
            self._scheduler = Scheduler(self, self.jobs)
            self._scheduler.start()
        return True

    def stop_scheduler(self) -> None:
        """Stop firing jobs; waits for running ones, so their leases are released."""
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self.stop_scheduler()
            self.queries.engine.close()
            self.db.dispose()
