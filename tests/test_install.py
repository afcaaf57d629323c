"""A plain install works: optional parts missing say which extra to install, and the wheel,
installed into a fresh virtualenv without dev dependencies, runs the whole user path."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from costlake.errors import MissingExtra
from costlake.kit.extras import require_extra

REPO = Path(__file__).resolve().parents[1]


def _cli_without(module: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh interpreter in which ``module`` cannot be imported, as if the
    extra that brings it had not been installed."""
    code = (
        "import sys\n"
        f"sys.modules[{module!r}] = None  # import now raises ImportError\n"
        "from costlake.cli.app import main\n"
        f"sys.argv = ['costlake', *{args!r}]\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestMissingExtra:
    def test_postgresql_without_psycopg_names_the_postgres_extra(self, tmp_path: Path) -> None:
        env = {
            "COSTLAKE_HOME": str(tmp_path),
            "COSTLAKE_DATABASE_URL": "postgresql://u:pw@127.0.0.1:1/costlake",
        }
        proc = _cli_without("psycopg", ["keys", "list", "--org", "acme"], env)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert lines == [
            "error: PostgreSQL needs the 'postgres' extra: pip install 'costlake[postgres]'"
        ]

    def test_spark_engine_without_pyspark_names_the_spark_extra(self, tmp_path: Path) -> None:
        env = {"COSTLAKE_HOME": str(tmp_path)}
        args = ["query", "--start", "2024-01-01", "--end", "2024-02-01", "--engine", "spark"]
        proc = _cli_without("pyspark", args, env)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines() == [
            "error: The Spark engine needs the 'spark' extra: pip install 'costlake[spark]'"
        ]

    def test_redis_without_the_package_names_the_redis_extra(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "redis", None)
        with pytest.raises(MissingExtra, match=r"pip install 'costlake\[redis\]'") as caught:
            require_extra("redis")
        assert caught.value.extra == "redis"

    def test_an_installed_extra_passes(self) -> None:
        require_extra("postgres")  # psycopg is a dev dependency, so installed here


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    local = REPO / ".tools" / "uv" / "bin" / "uv"
    return str(local) if local.exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
class TestCleanInstall:
    """``pip install costlake`` into a new virtualenv (runtime dependencies only), then
    demo-data, ingest, query, export and one served request, each through the CLI."""

    def test_the_wheel_runs_the_user_path(self, tmp_path: Path) -> None:
        uv = _uv()
        dist = tmp_path / "dist"
        if uv:
            build = [uv, "build", "--wheel", "--out-dir", str(dist), str(REPO)]
        else:
            build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(REPO)]
        subprocess.run(build, check=True, capture_output=True, timeout=300)
        wheel = next(dist.glob("costlake-*.whl"))

        venv = tmp_path / "venv"
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=120)
        python = venv / "bin" / "python"
        if uv:  # the same install as pip's, from uv's download cache
            install = [uv, "pip", "install", "--python", str(python), str(wheel)]
        else:
            install = [str(python), "-m", "pip", "install", "--quiet", str(wheel)]
        subprocess.run(install, check=True, capture_output=True, timeout=600)
        dev_only = subprocess.run(
            [str(python), "-c", "import pytest"], capture_output=True, check=False
        )
        assert dev_only.returncode != 0, "the fresh virtualenv must not have dev dependencies"

        costlake = str(venv / "bin" / "costlake")
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("COSTLAKE_", "VIRTUAL_ENV"))
        }
        env["COSTLAKE_HOME"] = str(tmp_path / "home")

        def run(*args: str) -> str:
            proc = subprocess.run(
                [costlake, *args],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert proc.returncode == 0, f"costlake {' '.join(args)}:\n{proc.stderr}"
            return proc.stdout

        data = tmp_path / "data"
        run("demo-data", "--rows", "5000", "--days", "30", "--out", str(data))
        run("ingest", *map(str, sorted(data.glob("*.parquet"))), "--org", "acme")
        answer = run(
            "query", "--start", "2000-01-01", "--end", "2100-01-01", "--org", "acme",
            "--group-by", "ProviderName", "--output", "json",
        )  # fmt: skip
        assert '"ProviderName"' in answer
        said = run("export", "--out", str(tmp_path / "focus.csv"), "--org", "acme")
        assert "exported 5,000 rows" in said
        assert (tmp_path / "focus.csv").stat().st_size > 0
        secret = run("keys", "create", "--org", "acme", "--name", "test").strip().splitlines()[-1]

        port = _free_port()
        server = subprocess.Popen(
            [costlake, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            url = f"http://127.0.0.1:{port}/v1/costs/summary?period=month"
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = httpx.get(url, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
                    assert time.monotonic() < deadline, "the server did not start in 60 s"
                    time.sleep(0.3)
            assert r.status_code == 200, r.text
            assert "accounts" in r.json()
        finally:
            server.terminate()
            server.wait(timeout=30)
