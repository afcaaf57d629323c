"""The costlake error tree. Core code raises these; each surface (CLI, dialects) renders them.

    CostlakeError
    ├── InvalidInput            the caller asked for something malformed (bad query, bad option)
    │   ├── UnknownDimension    a group-by or filter names a column that does not exist
    │   └── PayloadTooLarge     what was sent is larger than the operation takes (names the limit)
    ├── IngestError             a billing file cannot be ingested; nothing was written
    │   ├── UnknownFormat       no adapter recognises the file's columns
    │   └── MalformedFile       the file is not what it claims (names file, row/column, problem)
    │       └── UnreadableFile  empty, truncated or damaged: cannot be read at all
    ├── NotFound                an org, key or object does not exist
    ├── Unauthenticated         no credential, or one of the wrong shape
    ├── PermissionDenied        a credential that is valid but not allowed to do this
    │   ├── MissingScope        ... because its scopes do not include what is needed
    │   └── ApiAccessOff        ... because the org's API access is switched off
    ├── RateLimited             too many requests for the credential's policy
    ├── QueryCancelled          the caller went away or the query was interrupted
    ├── LakeDamaged             a file of the lake is missing, cut short or altered
    │   ├── DamagedPartition    one billing period of one source (names it; re-ingest it)
    │   └── CorruptManifest     an org's manifest cannot be read (names the file)
    └── MissingExtra            an optional part (PostgreSQL, Spark, Redis) is not installed

No HTTP status codes live here: dialects map these to their own bodies and statuses.
"""

from __future__ import annotations


class CostlakeError(Exception):
    """Base of every error costlake raises on purpose."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(CostlakeError):
    code = "invalid_input"


class UnknownDimension(InvalidInput):
    code = "unknown_dimension"


class PayloadTooLarge(InvalidInput):
    """A request body (or upload) over the size an operation accepts; ``limit_bytes`` says
    how much it takes."""

    code = "payload_too_large"

    def __init__(self, message: str, *, limit_bytes: int) -> None:
        super().__init__(message)
        self.limit_bytes = limit_bytes


class IngestError(CostlakeError):
    code = "ingest_error"


class UnknownFormat(IngestError):
    code = "unknown_format"


class MalformedFile(IngestError):
    code = "malformed_file"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        where = [
            p
            for p in (
                path,
                f"row {row}" if row is not None else None,
                f"column {column!r}" if column else None,
            )
            if p
        ]
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")
        self.path, self.row, self.column = path, row, column


class UnreadableFile(MalformedFile):
    """A file that cannot be read at all (``x.csv is empty``): the message is one sentence
    with the file as its subject, not ``file: problem``."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path


class NotFound(CostlakeError):
    code = "not_found"


class Unauthenticated(CostlakeError):
    """``reason``: "missing" (no credential), "malformed" (not of the expected shape),
    "unknown" (no such key), "revoked" or "expired" (a key that was issued, or a session
    token past its time), "duplicate" (the credential header was sent more than once)."""

    code = "unauthenticated"

    def __init__(self, message: str, *, reason: str = "unknown") -> None:
        super().__init__(message)
        self.reason = reason


class PermissionDenied(CostlakeError):
    code = "permission_denied"


class MissingScope(PermissionDenied):
    """A valid credential whose scopes do not include what the operation needs."""

    code = "missing_scope"

    def __init__(self, scope: str) -> None:
        super().__init__(f"this credential lacks the scope {scope!r} that this operation needs")
        self.scope = scope


class ApiAccessOff(PermissionDenied):
    """The org's API access is switched off by the operator (``COSTLAKE_API_ACCESS_OFF``)."""

    code = "api_access_off"


class RateLimited(CostlakeError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class QueryCancelled(CostlakeError):
    code = "query_cancelled"


class MissingExtra(CostlakeError):
    """An optional part was asked for but its package is not installed; the message names
    the extra that brings it (``pip install 'costlake[postgres]'``)."""

    code = "missing_extra"

    def __init__(self, message: str, *, extra: str) -> None:
        super().__init__(message)
        self.extra = extra


class LakeDamaged(CostlakeError):
    """The lake on disk is not what its manifest says: an operator's problem, not the
    caller's. ``costlake check`` lists every damaged partition and how to repair it."""

    code = "lake_damaged"


class DamagedPartition(LakeDamaged):
    code = "damaged_partition"

    def __init__(self, message: str, *, org: str, source: str, period: str) -> None:
        super().__init__(message)
        self.org, self.source, self.period = org, source, period


class CorruptManifest(LakeDamaged):
    code = "corrupt_manifest"

    def __init__(self, message: str, *, org: str, path: str) -> None:
        super().__init__(message)
        self.org, self.path = org, path
