"""The dialect docs say what the server serves today, not what later dialects will."""

from __future__ import annotations

from pathlib import Path

from costlake.dialects.registry import dialects

DOCS = Path(__file__).resolve().parents[2] / "docs" / "dialects"


def test_no_doc_sends_readers_to_dialects_that_do_not_exist() -> None:
    served = {d.name for d in dialects()}
    for doc in DOCS.glob("*.md"):
        text = " ".join(doc.read_text().split())
        if len(served) == 1:
            assert "by the other dialects" not in text, doc.name
            assert "through the other dialects" not in text, doc.name


def test_the_dashboard_link_is_documented_as_the_front_page() -> None:
    text = (DOCS / "cloudexpat.md").read_text()
    assert "/dashboard" not in text
