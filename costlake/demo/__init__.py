"""Demo data: a realistic, deterministic multi-cloud FOCUS bill of any size.

See docs/demo-data.md.
"""

from costlake.demo.generator import (
    ANOMALIES_KEY,
    DemoAnomaly,
    DemoSummary,
    anomalies_path,
    generate,
)

__all__ = ["ANOMALIES_KEY", "DemoAnomaly", "DemoSummary", "anomalies_path", "generate"]
