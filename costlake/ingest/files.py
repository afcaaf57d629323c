"""What ``costlake ingest`` is given, before any of it is parsed: folders, sidecars, bad files.

A user points ingest at whatever a delivery left on disk: a folder (``costlake demo-data
--out DIR``, an S3 sync of a CUR bucket), or a shell glob over one (``DIR/*``). Such folders
hold files that are not billing data: the demo's anomaly labels, AWS's delivery manifests.
``collect`` turns the paths into the billing files to read and the files it deliberately
leaves out, each with the reason, so the caller can say so.

A file can also be broken in ways DuckDB reports poorly: an empty file reads as one column
named ``column0``, a truncated Parquet file as a SQL error with carets, a CSV cut off
mid-line as a file of another delimiter. The checks here name the file and the problem in
one line instead.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from costlake.errors import IngestError, MalformedFile, UnreadableFile

_PARQUET = (".parquet", ".parq", ".pq")
_JSON = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_CSV = (".csv", ".csv.gz", ".txt", ".tsv", ".csv.zst")
_BOM = b"\xef\xbb\xbf"
_TAIL = 1 << 16


def file_format_of(path: Path) -> str:
    """``csv``, ``parquet`` or ``json``, from the file's name."""
    name = path.name.lower()
    if name.endswith(_PARQUET):
        return "parquet"
    if name.endswith(_JSON):
        return "json"
    if name.endswith(_CSV):
        return "csv"
    raise MalformedFile(
        "unknown file type: expected .csv, .csv.gz, .parquet or .json(l)", path=str(path)
    )


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file ingest left out on purpose, and why."""

    path: str
    reason: str


def sidecar_reason(path: Path) -> str | None:
    """Why ``path`` is a known companion of billing data rather than billing data, or None.

    - ``anomalies.json`` / ``<name>.anomalies.json``: the labels ``costlake demo-data`` writes
      beside its bill (a JSON array, not JSON lines of charges).
    - ``*Manifest.json``: the manifest AWS writes beside each CUR delivery.
    """
    name = path.name.lower()
    labels = name == "anomalies.json" or name.endswith(".anomalies.json")
    if labels and _starts_with(path, b"["):
        return "demo-data anomaly labels, not billing data"
    if name.endswith("manifest.json"):
        return "a delivery manifest, not billing data"
    return None


def collect(paths: Sequence[Path]) -> tuple[list[Path], list[Skipped]]:
    """The billing files among ``paths`` (folders searched recursively), and those skipped.

    A named file is kept even if its type is unknown (reading it says why it can't be
    ingested); inside a folder, files of other types (and ``.txt``, which only a named file
    is read as CSV) are skipped and listed, and hidden or ``_``-prefixed entries (``.git``,
    Spark's ``_SUCCESS``) are passed over.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            found = _walk(path, skipped)
            if not found:
                raise IngestError(f"{path} holds no billing files (.csv, .parquet, .json)")
            files.extend(found)
            continue
        reason = sidecar_reason(path) if path.is_file() else None
        if reason:
            skipped.append(Skipped(str(path), reason))
        else:
            files.append(path)
    if not files and skipped:
        raise IngestError(
            "no billing files to ingest: " + "; ".join(f"{s.path} is {s.reason}" for s in skipped)
        )
    return files, skipped


def _walk(folder: Path, skipped: list[Skipped]) -> list[Path]:
    found: list[Path] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts) or not path.is_file():
            continue
        reason = sidecar_reason(path)
        if reason is None and path.name.lower().endswith((".txt", ".tsv")):
            reason = "a text file (name it to ingest it as CSV)"
        if reason is None:
            try:
                file_format_of(path)
            except MalformedFile:
                reason = "not a billing file type"
        if reason:
            skipped.append(Skipped(str(path), reason))
        else:
            found.append(path)
    return found


# -- broken files ------------------------------------------------------------------------------


def check_readable(path: Path, kind: str) -> None:
    """Refuse, in one line naming the file, an empty file or a Parquet file without its
    header and footer (cut off in a copy or download). Cheap: reads a few bytes."""
    size = path.stat().st_size
    if size == 0 or _is_blank(path):
        raise UnreadableFile(str(path), "is empty")
    if kind == "parquet":
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(max(0, size - 4))
            tail = fh.read(4)
        if size < 12 or head != b"PAR1" or tail != b"PAR1":
            raise not_parquet(path)


def not_parquet(path: Path | str) -> UnreadableFile:
    return UnreadableFile(str(path), "is not a readable Parquet file (truncated or damaged)")


def truncation(path: Path) -> MalformedFile | None:
    """The error for a CSV whose last line was cut off, or None if it looks whole.

    Called when reading the file failed (the sniffer chose another delimiter, or a row had
    too few columns): a file that does not end with a line break, and whose last line has
    fewer fields than the header or an unclosed quote, was cut off mid-line.
    """
    if path.name.lower().endswith(".zst"):
        return None  # not read here; DuckDB's own message stands
    try:
        head, tail = _ends(path)
    except (EOFError, OSError, zlib.error):
        return UnreadableFile(str(path), "is truncated (its compressed stream ends early)")
    if not tail or tail.endswith(b"\n") or b"\n" not in head:
        return None
    header = head.split(b"\n", 1)[0].rstrip(b"\r").removeprefix(_BOM).decode(errors="replace")
    last = tail.rsplit(b"\n", 1)[-1].decode(errors="replace")
    delimiter = max(",;\t|", key=header.count)
    width = len(next(csv.reader([header], delimiter=delimiter)))
    fields = next(csv.reader([last], delimiter=delimiter), [])
    if last.count('"') % 2 == 0 and len(fields) >= width:
        return None
    lines = _line_breaks(path)
    return MalformedFile(
        f"line {lines + 1} is incomplete: the file seems truncated "
        f"({len(fields)} of {width} fields, no line break at the end)",
        path=str(path),
    )


def _ends(path: Path) -> tuple[bytes, bytes]:
    """(first 64 KiB, last 64 KiB) of the file, decompressed (a gzip file is read through)."""
    if not path.name.lower().endswith(".gz"):
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_TAIL)
            fh.seek(max(0, size - _TAIL))
            return head, fh.read()
    head, tail = b"", b""
    with gzip.open(path, "rb") as fh:
        for chunk in _chunks(fh):
            if len(head) < _TAIL:
                head += chunk[: _TAIL - len(head)]
            tail = (tail + chunk)[-_TAIL:]
    return head, tail


def _line_breaks(path: Path) -> int:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in _chunks(fh))


def _chunks(fh: BinaryIO | gzip.GzipFile) -> Iterator[bytes]:
    while chunk := fh.read(1 << 20):
        yield chunk


def _is_blank(path: Path) -> bool:
    """True when the file holds nothing but white space (and a BOM), read decompressed."""
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = fh.read(4096)
        else:
            with path.open("rb") as fh:
                data = fh.read(4096)
    except (EOFError, OSError, zlib.error):
        return False  # reading it will say what is wrong
    return len(data) < 4096 and not data.removeprefix(_BOM).strip()


def _starts_with(path: Path, prefix: bytes) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(64).removeprefix(_BOM).lstrip().startswith(prefix)
    except OSError:
        return False
