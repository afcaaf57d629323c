"""The lake's promises: periods replace atomically, re-delivery is idempotent, readers never
see half an ingest, a killed ingest leaves the previous state intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from costlake.errors import InvalidInput
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from tests.lake.helpers import focus_file, total


class TestNames:
    @pytest.mark.parametrize("name", ["", "../etc", "a/b", "x" * 64, "-lead"])
    def test_unsafe_org_names_are_refused(self, lake: Lake, name: str) -> None:
        with pytest.raises(InvalidInput):
            lake.snapshot(name)


class TestReplace:
    def test_redelivery_three_times_leaves_totals_unchanged(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        f = focus_file(tmp_path / "sep.parquet", month=9, rows=100, cost="1.25")
        for _ in range(3):
            ingestor.ingest([f], org="acme")
        assert total(lake) == (100, Decimal("125"))
        assert len(lake.snapshot("acme").partitions) == 1

    def test_restatement_replaces_old_figures(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        ingestor.ingest(
            [focus_file(tmp_path / "a.parquet", month=9, rows=100, cost="1")],
            org="acme",
            source="aws",
        )
        ingestor.ingest(
            [focus_file(tmp_path / "b.parquet", month=9, rows=80, cost="2")],
            org="acme",
            source="aws",
        )
        assert total(lake) == (80, Decimal("160"))

    def test_other_periods_and_sources_are_kept(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        ingestor.ingest(
            [focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1")],
            org="acme",
            source="aws",
        )
        ingestor.ingest(
            [focus_file(tmp_path / "b.parquet", month=10, rows=10, cost="1")],
            org="acme",
            source="aws",
        )
        ingestor.ingest(
            [focus_file(tmp_path / "c.parquet", month=9, rows=10, cost="1")],
            org="acme",
            source="azure",
        )
        ingestor.ingest(
            [focus_file(tmp_path / "d.parquet", month=9, rows=5, cost="3")],
            org="acme",
            source="aws",
        )
        assert total(lake) == (25, Decimal("35"))

    def test_default_source_keeps_payers_apart(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        ingestor.ingest(
            [focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1", account="A")],
            org="acme",
        )
        ingestor.ingest(
            [focus_file(tmp_path / "b.parquet", month=9, rows=10, cost="1", account="B")],
            org="acme",
        )
        assert total(lake) == (20, Decimal("20"))

    def test_orgs_never_share_files(self, tmp_path: Path, lake: Lake, ingestor: Ingestor) -> None:
        f = focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1")
        ingestor.ingest([f], org="acme")
        assert lake.snapshot("globex").files() == []
        assert all("org=acme" in p for p in lake.snapshot("acme").files())


class TestRetention:
    def test_replaced_files_survive_for_old_readers_then_go(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest(
            [focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1")], org="acme", source="s"
        )
        old = lake.snapshot("acme")
        ingestor.ingest(
            [focus_file(tmp_path / "b.parquet", month=9, rows=10, cost="2")], org="acme", source="s"
        )
        old_files = old.files()
        assert all(Path(f).exists() for f in old_files)  # an old snapshot still reads
        from datetime import datetime

        removed = lake.collect_garbage("acme", now=datetime.now() + timedelta(hours=1))
        assert removed
        assert not any(Path(f).exists() for f in old_files)
        assert total(lake) == (10, Decimal("20"))


class TestConcurrency:
    def test_readers_see_old_or_new_never_half(self, tmp_path: Path, lake: Lake) -> None:
        files = [
            focus_file(tmp_path / f"m{m}-{v}.parquet", month=m, rows=2000, cost=c)
            for v, c in (("a", "1"), ("b", "3"))
            for m in (9, 10, 11)
        ]
        old, new = files[:3], files[3:]
        Ingestor(lake).ingest(old, org="acme", source="s")
        allowed = {total(lake)}
        seen: set[object] = set()
        stop = threading.Event()

        def reader() -> None:
            while not stop.is_set():
                seen.add(total(lake))

        t = threading.Thread(target=reader)
        t.start()
        try:
            for i in range(6):
                Ingestor(lake).ingest(new if i % 2 == 0 else old, org="acme", source="s")
                allowed.add(total(lake))
        finally:
            stop.set()
            t.join()
        assert allowed == {(6000, Decimal("6000")), (6000, Decimal("18000"))}
        assert seen <= allowed and seen

    def test_concurrent_writers_serialise(self, tmp_path: Path, lake: Lake) -> None:
        a = focus_file(tmp_path / "a.parquet", month=9, rows=500, cost="1")
        b = focus_file(tmp_path / "b.parquet", month=10, rows=500, cost="1")
        threads = [
            threading.Thread(
                target=Ingestor(lake).ingest, args=([f],), kwargs={"org": "acme", "source": "s"}
            )
            for f in (a, b)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert total(lake) == (1000, Decimal("1000"))


INGEST_SCRIPT = """
import sys
from pathlib import Path
from costlake.lake.store import Lake
from costlake.ingest.pipeline import Ingestor
Ingestor(Lake(Path(sys.argv[1]))).ingest([Path(p) for p in sys.argv[2:]], org="acme",
                                         source="s")
"""


class TestCrashSafety:
    def _start(
        self, lake: Lake, files: list[Path], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", INGEST_SCRIPT, str(lake.root), *map(str, files)],
            env={**os.environ, **(env or {})},
            cwd=Path(__file__).resolve().parents[2],
        )

    @pytest.mark.parametrize("point", ["before-manifest", "after-manifest"])
    def test_kill_at_commit_points(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor, point: str
    ) -> None:
        ingestor.ingest(
            [focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1")], org="acme", source="s"
        )
        proc = self._start(
            lake,
            [focus_file(tmp_path / "b.parquet", month=9, rows=10, cost="5")],
            {"COSTLAKE_CRASH_AT": point},
        )
        assert proc.wait(120) == -signal.SIGKILL
        expected = (10, Decimal("10")) if point == "before-manifest" else (10, Decimal("50"))
        assert total(lake) == expected
        lake.retention = timedelta(0)
        lake.collect_garbage("acme")
        assert total(lake) == expected

    def test_kill_9_mid_ingest_keeps_previous_state(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        ingestor.ingest(
            [focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1")], org="acme", source="s"
        )
        big = [
            focus_file(tmp_path / f"big{i}.parquet", month=9, rows=150_000, cost="7")
            for i in range(4)
        ]
        proc = self._start(lake, big)
        staging = lake.org_dir("acme") / "_staging"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _appeared(staging, "*/g0*"):
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        assert total(lake) == (10, Decimal("10"))
        # The next ingest still works and the debris is collectable.
        ingestor.ingest(
            [focus_file(tmp_path / "c.parquet", month=9, rows=3, cost="2")], org="acme", source="s"
        )
        assert total(lake) == (3, Decimal("6"))
        lake.retention = timedelta(0)
        lake.collect_garbage("acme")
        assert not any((lake.org_dir("acme") / "_staging").glob("*"))


def _appeared(folder: Path, pattern: str) -> bool:
    """Whether ``pattern`` matches under ``folder``, which the ingest being watched creates,
    renames and removes meanwhile (a folder listed can be gone when it is read)."""
    try:
        return any(folder.glob(pattern))
    except FileNotFoundError:
        return False


class _PausingEnricher:
    """Holds an ingest between its first and second group of files (after the first group
    is written to staging), until the test lets it go."""

    name = "pause"

    columns: tuple[str, ...] = ()
    sample_columns: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.calls = 0
        self.paused = threading.Event()
        self.go = threading.Event()

    def prepare(self, con: object) -> None:
        self.calls += 1
        if self.calls == 2:
            self.paused.set()
            assert self.go.wait(120)

    def wrap(
        self,
        select_sql: str,
        *,
        rescan: bool = False,
        quantity: str | None = None,
        sample: str | None = None,
    ) -> str:
        return f"SELECT * EXCLUDE ({quantity}) FROM ({select_sql})" if quantity else select_sql

    def finish(self, con: object, files: object, options: str) -> None:
        pass


def _without_column(path: Path, column: str) -> Path:
    """The same FOCUS file minus one optional column: another group of the same ingest."""
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(path).drop_columns([column]), path)
    return path


class TestStagingCleanup:
    def test_a_running_ingests_staging_survives_another_ingests_cleanup(
        self, tmp_path: Path, lake: Lake
    ) -> None:
        long_files = [
            focus_file(tmp_path / "a.parquet", month=9, rows=10, cost="1"),
            _without_column(
                focus_file(tmp_path / "b.parquet", month=10, rows=10, cost="1"), "ResourceName"
            ),
        ]
        pause = _PausingEnricher()
        errors: list[BaseException] = []

        def long_ingest() -> None:
            try:
                Ingestor(lake, enrichers=[pause]).ingest(long_files, org="acme", source="long")
            except BaseException as e:  # reported by the assertion below
                errors.append(e)

        t = threading.Thread(target=long_ingest)
        t.start()
        try:
            assert pause.paused.wait(120)
            # Another process with no retention at all: age alone would remove the folder.
            other = Lake(lake.root, retention=timedelta(0))
            Ingestor(other).ingest(
                [focus_file(tmp_path / "c.parquet", month=9, rows=5, cost="2")],
                org="acme",
                source="short",
            )
            assert len(list((lake.org_dir("acme") / "_staging").iterdir())) == 1
        finally:
            pause.go.set()
            t.join(120)
        assert errors == []
        assert total(lake) == (25, Decimal("30"))

    def test_a_killed_ingests_staging_goes_at_the_next_cleanup(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        big = [
            focus_file(tmp_path / f"big{i}.parquet", month=9, rows=150_000, cost="7")
            for i in range(4)
        ]
        proc = TestCrashSafety()._start(lake, big)
        staging = lake.org_dir("acme") / "_staging"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _appeared(staging, "*/g0*"):
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        assert any(staging.iterdir())
        ingestor.ingest(
            [focus_file(tmp_path / "c.parquet", month=9, rows=3, cost="2")], org="acme", source="s"
        )
        assert lake.retention == timedelta(minutes=15)
        assert list(staging.iterdir()) == []

    def test_a_commit_killed_before_the_swap_leaves_nothing_after_the_next_cleanup(
        self, tmp_path: Path, lake: Lake, ingestor: Ingestor
    ) -> None:
        proc = TestCrashSafety()._start(
            lake,
            [focus_file(tmp_path / "b.parquet", month=9, rows=10, cost="5")],
            {"COSTLAKE_CRASH_AT": "before-manifest"},
        )
        assert proc.wait(120) == -signal.SIGKILL
        org_dir = lake.org_dir("acme")
        assert list(org_dir.glob("source=*/period=*/v=*"))  # the killed commit's files
        ingestor.ingest(
            [focus_file(tmp_path / "c.parquet", month=10, rows=3, cost="2")],
            org="acme",
            source="s",
        )
        live = {p.folder for p in lake.snapshot("acme").partitions}
        folders = {str(f.relative_to(org_dir)) for f in org_dir.glob("source=*/period=*/v=*")}
        assert folders == live
        assert list((org_dir / "_staging").iterdir()) == []

    def test_staging_of_an_older_costlake_goes_by_age(self, lake: Lake) -> None:
        from datetime import datetime

        old = lake.org_dir("acme") / "_staging" / "20240101T000000-000000000000"
        old.mkdir(parents=True)
        assert lake.collect_garbage("acme") == []
        later = datetime.now() + timedelta(hours=1)
        assert lake.collect_garbage("acme", now=later) == ["_staging/20240101T000000-000000000000"]
