"""Ingest, then record the accounts seen and look for anomalies: the one way billing files
enter a platform.

The CLI, the server and scheduled source syncs all call :func:`ingest_files`, so none of
them can forget the second half (an org whose accounts the metadata database does not
know yet cannot grant them to users) nor leave new costs unexamined until the next hourly
anomaly run.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from costlake.accounts.discovery import sync_accounts
from costlake.anomalies.tasks import detect_after_ingest
from costlake.config import Settings
from costlake.ingest.pipeline import Ingestor, IngestResult, ProgressCallback
from costlake.lake.store import Lake


class IngestDeps(Protocol):
    """What ingesting needs from the composition root (``costlake.platform.Platform``)."""

    lake: Lake
    settings: Settings

    def ingestor(self) -> Ingestor: ...

    def session(self) -> AbstractContextManager[Session]: ...


def ingest_files(
    deps: IngestDeps,
    paths: Sequence[Path | str],
    *,
    org: str = "default",
    source: str | None = None,
    format: str | None = None,
    skip_bad_rows: bool = False,
    progress: ProgressCallback | None = None,
    detect: Literal["now", "background", "caller"] = "now",
) -> IngestResult:
    """Ingest ``paths`` into ``org``'s lake, then record the org and the cloud accounts its
    lake now holds.

    The lake commit comes first and stands on its own: if recording the accounts fails, the
    error is raised, and the next ingest or the ``accounts.sync`` job records them. Anomaly
    detection then re-evaluates the periods written (``detect="background"``: in a thread of
    this process, for a server's frequent small ingests; ``"caller"``: left to the caller, as
    the CLI runs it under its own status line); its failure is logged, never raised (the
    ``anomalies.detect`` job runs it again).
    """
    result = deps.ingestor().ingest(
        paths,
        org=org,
        source=source,
        format=format,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )
    with deps.session() as session:
        sync_accounts(session, deps.lake, org)
    if detect != "caller":
        detect_after_ingest(deps, org, result.periods, background=detect == "background")
    return result
