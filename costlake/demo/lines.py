"""The kinds of bill line the demo writes, and the FOCUS charge columns of each."""

from __future__ import annotations

# Line kinds and their columns: ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory,
# CommitmentDiscountStatus.
USAGE, SPOT, COMMITTED, UNUSED, PURCHASE, TAX, CREDIT, REFUND, ADJUSTMENT = range(9)
LINES = (
    ("Usage", None, "Usage-Based", "Standard", None),
    ("Usage", None, "Usage-Based", "Dynamic", None),
    ("Usage", None, "Usage-Based", "Committed", "Used"),
    ("Usage", None, "Usage-Based", "Committed", "Unused"),
    ("Purchase", None, "Recurring", "Standard", None),
    ("Tax", None, "Recurring", None, None),
    ("Credit", None, "One-Time", None, None),
    ("Credit", "Correction", "One-Time", None, None),
    ("Adjustment", "Correction", "One-Time", None, None),
)
CREDIT_LINES = {"credit": CREDIT, "refund": REFUND, "adjustment": ADJUSTMENT}
