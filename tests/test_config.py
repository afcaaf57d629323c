"""Settings: defaults, environment overrides, and documentation that keeps up."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from costlake.config import Settings, settings_doc

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"

# COSTLAKE_* variables the docs may mention that are not Settings fields.
NOT_SETTINGS = {
    "COSTLAKE_NOW",  # test hooks
    "COSTLAKE_CRASH_AT",
    "COSTLAKE_TEST_POSTGRES_URL",  # the test suite's own
    "COSTLAKE_SHARED",
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No COSTLAKE_* variables, and a home directory of the test's own."""
    for name in list(os.environ):
        if name.startswith("COSTLAKE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


class TestSettings:
    def test_refuses_a_port_out_of_range(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_PORT", "70000")
        with pytest.raises(ValidationError, match="port"):
            Settings()

    def test_refuses_zero_query_threads(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_QUERY_THREADS", "0")
        with pytest.raises(ValidationError, match="query_threads"):
            Settings()

    def test_refuses_an_unknown_engine(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_ENGINE", "postgres")
        with pytest.raises(ValidationError, match="engine"):
            Settings()

    def test_defaults_keep_everything_under_home_and_listen_on_loopback(
        self, clean_env: Path
    ) -> None:
        settings = Settings()
        home = clean_env / ".costlake"
        assert settings.home == home
        assert settings.lake_dir == home / "lake"
        assert settings.database_url is None
        assert settings.sqlalchemy_url == f"sqlite:///{home / 'costlake.db'}"
        assert settings.secret_key is None
        assert settings.secret_key_file == home / "secret.key"
        assert (settings.host, settings.port) == ("127.0.0.1", 8080)
        assert settings.public_url is None
        assert settings.base_url == "http://127.0.0.1:8080"
        assert settings.rate_limit_per_hour is None  # each vendor's documented limit
        assert settings.rate_limit_store == "database"
        assert settings.anonymous_orgs == {}
        assert settings.query_threads == min(4, os.cpu_count() or 1)
        assert settings.duckdb_threads is None
        assert (settings.engine, settings.spark_master) == ("duckdb", "local[2]")
        assert settings.scheduler is True

    def test_home_from_the_environment_moves_the_lake_and_database(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_HOME", "~/elsewhere")
        settings = Settings()
        assert settings.home == clean_env / "elsewhere"
        assert settings.lake_dir == clean_env / "elsewhere" / "lake"
        assert settings.sqlalchemy_url == f"sqlite:///{clean_env / 'elsewhere' / 'costlake.db'}"

    def test_every_setting_reads_its_environment_variable(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        values = {
            "COSTLAKE_HOME": str(clean_env / "h"),
            "COSTLAKE_DATABASE_URL": "postgresql+psycopg://u:pw@db/costlake",
            "COSTLAKE_SECRET_KEY": "k" * 44,
            "COSTLAKE_HOST": "0.0.0.0",
            "COSTLAKE_PORT": "9000",
            "COSTLAKE_PUBLIC_URL": "https://costs.example.com/",
            "COSTLAKE_RATE_LIMIT_PER_HOUR": "250",
            "COSTLAKE_RATE_LIMITS": '{"cloudexpat": 1000, "xplorr.login": 5}',
            "COSTLAKE_RATE_LIMIT_STORE": "redis://localhost:6379/0",
            "COSTLAKE_ANONYMOUS_ORGS": '{"kubecost": "acme"}',
            "COSTLAKE_API_ACCESS_OFF": '["frozen", "gone"]',
            "COSTLAKE_SESSION_TTL_MINUTES": "30",
            "COSTLAKE_SIGNUP_MODE": "invite-only",
            "COSTLAKE_SMTP_HOST": "mail.example.com",
            "COSTLAKE_SMTP_PORT": "2525",
            "COSTLAKE_SMTP_FROM": "costs@example.com",
            "COSTLAKE_QUERY_CACHE_SIZE": "0",
            "COSTLAKE_CREDENTIAL_CACHE_SECONDS": "0.5",
            "COSTLAKE_QUERY_THREADS": "8",
            "COSTLAKE_DUCKDB_THREADS": "3",
            "COSTLAKE_ENGINE": "spark",
            "COSTLAKE_SPARK_MASTER": "spark://spark.example.com:7077",
            "COSTLAKE_SCHEDULER": "off",
            "COSTLAKE_ANOMALY_MIN_IMPACT": "100",
            "COSTLAKE_ANOMALY_MIN_PERCENT": "30",
            "COSTLAKE_ANOMALY_MIN_DAILY_COST": "1.5",
            "COSTLAKE_ANOMALY_SENSITIVITY": "5",
            "COSTLAKE_ANOMALY_MIN_HISTORY_DAYS": "21",
            "COSTLAKE_ANOMALY_LOOKBACK_DAYS": "30",
        }
        assert set(values) == {doc.env_var for doc in settings_doc()}, "a setting is untested"
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        settings = Settings()
        assert settings.home == clean_env / "h"
        assert settings.sqlalchemy_url == "postgresql+psycopg://u:pw@db/costlake"
        assert settings.secret_key is not None
        assert settings.secret_key.get_secret_value() == "k" * 44
        assert (settings.host, settings.port) == ("0.0.0.0", 9000)
        assert settings.base_url == "https://costs.example.com"
        assert settings.rate_limit_per_hour == 250
        assert settings.rate_limits == {"cloudexpat": 1000, "xplorr.login": 5}
        assert settings.rate_limit_store == "redis://localhost:6379/0"
        assert settings.anonymous_orgs == {"kubecost": "acme"}
        assert settings.api_access_off == ["frozen", "gone"]
        assert settings.session_ttl_minutes == 30
        assert settings.signup_mode == "invite-only"
        assert (settings.smtp_host, settings.smtp_port) == ("mail.example.com", 2525)
        assert settings.smtp_from == "costs@example.com"
        assert settings.query_cache_size == 0
        assert settings.credential_cache_seconds == 0.5
        assert settings.query_threads == 8
        assert settings.duckdb_threads == 3
        assert settings.engine == "spark"
        assert settings.spark_master == "spark://spark.example.com:7077"
        assert settings.scheduler is False
        assert (settings.anomaly_min_impact, settings.anomaly_min_percent) == (100, 30)
        assert settings.anomaly_min_daily_cost == 1.5
        assert settings.anomaly_sensitivity == 5
        assert settings.anomaly_min_history_days == 21
        assert settings.anomaly_lookback_days == 30

    def test_secrets_never_show_in_the_repr(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_DATABASE_URL", "postgresql://u:hunter2@db/x")
        monkeypatch.setenv("COSTLAKE_SECRET_KEY", "topsecretkey")
        text = repr(Settings())
        assert "hunter2" not in text
        assert "topsecretkey" not in text


class TestSettingsDoc:
    def test_every_setting_has_a_description(self) -> None:
        for doc in settings_doc():
            assert len(doc.description) > 20, f"{doc.env_var} has no real description"

    def test_every_setting_is_documented_in_configuration_md(self) -> None:
        text = DOC.read_text()
        missing = [doc.env_var for doc in settings_doc() if f"`{doc.env_var}`" not in text]
        assert not missing, f"add to {DOC.name}: {missing}"

    def test_configuration_md_documents_no_setting_that_does_not_exist(self) -> None:
        mentioned = set(re.findall(r"COSTLAKE_[A-Z_]+", DOC.read_text()))
        known = {doc.env_var for doc in settings_doc()} | NOT_SETTINGS
        assert mentioned <= known, f"stale in {DOC.name}: {sorted(mentioned - known)}"
