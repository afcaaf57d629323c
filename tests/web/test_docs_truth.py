"""The dialect docs say what the server serves today: every dialect they send readers to is
registered, or is said to be planned."""

from __future__ import annotations

import re
from pathlib import Path

from costlake.dialects.registry import dialects

DOCS = Path(__file__).resolve().parents[2] / "docs" / "dialects"
VENDORS = ("CloudExpat", "CloudZero", "Kubecost", "Xplorr", "StackSpend")


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.)\s+", " ".join(text.split()))


def test_every_dialect_named_as_serving_something_exists_or_is_planned() -> None:
    served = {d.name for d in dialects()}
    for doc in DOCS.glob("*.md"):
        for sentence in sentences(doc.read_text()):
            if re.search(r"(served|available|answered) (by|through) the other dialects", sentence):
                raise AssertionError(f"{doc.name}: name the dialects: {sentence}")
            for vendor in VENDORS:
                if f"{vendor} dialect" in sentence and vendor.lower() not in served:
                    assert "planned" in sentence, f"{doc.name}: {sentence}"


def test_the_dashboard_link_is_documented_as_the_front_page() -> None:
    assert "/dashboard" not in (DOCS / "cloudexpat.md").read_text()
