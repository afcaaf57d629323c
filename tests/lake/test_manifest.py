"""The manifest's two guarantees, made deterministic: it is replaced whole or not at all
(a fault in the middle of writing it leaves the old one), and commits serialise on the
writer lock (two writers paused between reading and writing it lose nothing)."""

from __future__ import annotations

import errno
import fcntl
import threading
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costlake.lake import manifest as mf
from costlake.lake.store import Lake, StagedPartition
from tests.lake.helpers import focus_file, total


def stage(lake: Lake, tmp_path: Path, month: int, cost: str = "1") -> tuple[str, StagedPartition]:
    """One staged period of ten rows (without rollups), as an ingest leaves it."""
    version, folder = lake.new_staging_dir("acme")
    f = focus_file(folder / f"m{month}.parquet", month=month, rows=10, cost=cost)
    return version, StagedPartition(
        source="s",
        source_format="focus",
        period=f"2024-{month:02d}",
        files=(f,),
        rows=10,
        min_charge_start=datetime(2024, month, 1),
        max_charge_end=datetime(2024, month, 28),
    )


class _DiskFullAfterHalf:
    """A file whose ``write`` stores half of what it is given, then fails as a full disk."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh

    def write(self, data: bytes) -> int:
        self._fh.write(data[: len(data) // 2])
        self._fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _DiskFullAfterHalf:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


class TestReplacedWhole:
    def test_a_fault_while_writing_leaves_the_previous_manifest(
        self, tmp_path: Path, lake: Lake, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lake.commit("acme", *_one(stage(lake, tmp_path, 9)))
        before = (lake.org_dir("acme") / mf.MANIFEST_NAME).read_bytes()

        def faulty_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            fh = open(path, mode, *args, **kwargs)  # noqa: SIM115 - closed by the wrapper
            return _DiskFullAfterHalf(fh) if "w" in mode or "a" in mode else fh

        monkeypatch.setattr(mf, "open", faulty_open, raising=False)
        version, staged = stage(lake, tmp_path, 10)
        with pytest.raises(OSError, match="No space left"):
            lake.commit("acme", version, [staged])
        monkeypatch.undo()
        assert (lake.org_dir("acme") / mf.MANIFEST_NAME).read_bytes() == before
        assert total(lake) == (10, Decimal("10"))
        assert [p.name for p in lake.org_dir("acme").iterdir() if p.name.endswith(".tmp")] == []

    @pytest.mark.parametrize("point", ["before-manifest", "after-manifest"])
    def test_the_manifest_is_always_whole_at_the_crash_points(
        self, tmp_path: Path, lake: Lake, point: str
    ) -> None:
        """In-process variant of the SIGKILL tests: stop the commit at each point."""
        lake.commit("acme", *_one(stage(lake, tmp_path, 9)))

        class Stop(BaseException):
            pass

        def crash(name: str) -> None:
            if name == point:
                raise Stop

        import costlake.lake.store as store

        with pytest.MonkeyPatch.context() as m:
            m.setattr(store, "_crash_point", crash)
            with pytest.raises(Stop):
                lake.commit("acme", *_one(stage(lake, tmp_path, 10, cost="3")))
        parts = mf.read(lake.org_dir("acme"), "acme").partitions
        assert [p.period for p in parts] == (
            ["2024-09"] if point == "before-manifest" else ["2024-09", "2024-10"]
        )


def _one(item: tuple[str, StagedPartition]) -> tuple[str, list[StagedPartition]]:
    return item[0], [item[1]]


class TestWriterLock:
    def test_two_writers_paused_between_read_and_write_lose_nothing(
        self, tmp_path: Path, lake: Lake, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Writer A reads the manifest and waits until writer B has either read it too (no
        lock: both would write from the same old state, and one period would be lost) or is
        about to block on the writer lock (the lock works: A goes on, then B reads A's)."""
        a_read, b_moved = threading.Event(), threading.Event()
        real_read, real_flock = mf.read, fcntl.flock

        def read(org_dir: Path, org: str) -> mf.Manifest:
            m = real_read(org_dir, org)
            name = threading.current_thread().name
            if name == "A" and not a_read.is_set():
                a_read.set()
                assert b_moved.wait(60)
            elif name == "B":
                b_moved.set()
            return m

        def flock(fd: Any, op: int) -> None:
            if threading.current_thread().name == "B" and op == fcntl.LOCK_EX:
                b_moved.set()  # about to wait for A to release the lock
            real_flock(fd, op)

        staged = {name: stage(lake, tmp_path, month) for name, month in (("A", 9), ("B", 10))}
        monkeypatch.setattr(mf, "read", read)
        monkeypatch.setattr(fcntl, "flock", flock)
        errors: list[BaseException] = []

        def commit() -> None:
            try:
                lake.commit("acme", *_one(staged[threading.current_thread().name]))
            except BaseException as e:  # reported below
                errors.append(e)

        a = threading.Thread(target=commit, name="A")
        b = threading.Thread(target=commit, name="B")
        a.start()
        assert a_read.wait(60)
        b.start()
        a.join(60)
        b.join(60)
        monkeypatch.undo()
        assert errors == []
        periods = [p.period for p in lake.snapshot("acme").partitions]
        assert periods == ["2024-09", "2024-10"]
        assert mf.read(lake.org_dir("acme"), "acme").generation == 2
