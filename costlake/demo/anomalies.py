"""The labels of the anomalies injected into the demo bill, and where they are stored.

Anomaly detectors are scored against these labels, so they travel with the data twice: in a
JSON file next to the output (easy to read by hand) and in each Parquet file's key-value
metadata (so a copied file keeps its answers).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ANOMALIES_KEY = b"costlake.demo.anomalies"


@dataclass(frozen=True)
class DemoAnomaly:
    """An injected, labelled anomaly: one sub account and service over [start, end)."""

    kind: str  # "spike" | "drop" | "new_service"
    start: date
    end: date
    provider: str
    sub_account_id: str
    service_name: str
    factor: float
    description: str


def anomalies_path(out: Path) -> Path:
    """Where :func:`generate` writes the anomaly labels for ``out``."""
    out = Path(out)
    return Path(f"{out}.anomalies.json") if out.suffix == ".parquet" else out / "anomalies.json"


def labels_json(anomalies: tuple[DemoAnomaly, ...]) -> str:
    """The labels as the JSON stored in the file and in the Parquet metadata."""
    return json.dumps(
        [{**asdict(a), "start": a.start.isoformat(), "end": a.end.isoformat()} for a in anomalies],
        indent=2,
    )
