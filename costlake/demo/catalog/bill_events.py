"""What happens to the bill beyond steady usage: commitments, credits, injected anomalies.

Commitments decide which fleets are billed at zero and amortised; credits and corrections are
percentages of a sub account's billed usage; anomalies are labelled so detectors can be scored.
"""

from __future__ import annotations

from costlake.demo.catalog.model import AnomalySpec, Commitment, CreditSpec
from costlake.demo.catalog.skus import SKUS

# fmt: off
# The tables below are data: one entry per line reads better than one field per line.

COMMITMENTS: tuple[Commitment, ...] = (
    Commitment("AWS", "arn:aws:savingsplans::381492650117:savingsplan/3f1c0a52-8d4e-4b7a-"
               "9e26-5c1f7d8a2b90", "Compute Savings Plan (3yr, No Upfront)", "Spend",
               "Savings Plan", "USD", "381492650117", "aws-savings-plan",
               tuple(s.key for s in SKUS if s.key.startswith("aws-ec2-") and not s.only),
               ("604817293551", "845120937764", "718293046612"), 280, 0.030, "Savings Plan"),
    Commitment("AWS", "arn:aws:rds:us-east-1:604817293551:ri:prod-postgres-r6g-3yr",
               "RDS db.r6g.xlarge Reserved Instances (3yr)", "Usage", "Reserved Instance",
               "Hours", "604817293551", "aws-rds-r6g", ("aws-rds-r6g",), ("604817293551",), 420,
               0.004, "Reserved Instance", "us-east-1"),
    Commitment("Microsoft", "/providers/Microsoft.Capacity/reservationOrders/6a2d9f41-3c7e-4b58-"
               "a1d0-8e5f2b7c9d36/reservations/c0e8b4a7-5d21-4f93-8b6e-2a7d9c1f4e58",
               "VM RI - D4s v3 - East US (3yr)", "Usage", "Reservation", "Hours",
               "3f9a2c71-5b8e-4d06-9c1f-7e2a6b4d8f05", "az-vm-D4s v3", ("az-vm-D4s v3",),
               ("3f9a2c71-5b8e-4d06-9c1f-7e2a6b4d8f05",), 410, 0.008, "Reservation", "eastus"),
    Commitment("Google Cloud", "//cloudbilling.googleapis.com/billingAccounts/0157A3-9B2C4D-"
               "E8F612/commitments/flex-cud-compute-3yr", "Compute flexible CUD (3yr)", "Spend",
               "Committed Use Discount", "USD", "acme-prod-web-4821", "gcp-gce-n2-standard-4",
               tuple(s.key for s in SKUS if s.key.startswith("gcp-gce-") and not s.only),
               ("acme-prod-web-4821", "acme-analytics-prod"), 460, 0.012, "Commitment"),
)

ANOMALIES: tuple[AnomalySpec, ...] = (
    AnomalySpec("spike", "Google Cloud", "acme-analytics-prod", "BigQuery", 6.0, 0.62, 4,
                "Runaway BigQuery scans: a scheduled query lost its partition filter"),
    AnomalySpec("drop", "Datadog", "dd-acme-prod", "Log Management", 0.15, 0.78, 5,
                "Log shipper outage: the prod log pipeline stopped forwarding to Datadog"),
    AnomalySpec("new_service", "AWS", "163049285517", "Amazon Bedrock", 1.0, 0.45, 0,
                "ML Research started calling Claude through Amazon Bedrock"),
)

CREDITS: tuple[CreditSpec, ...] = (
    CreditSpec("credit", "604817293551", "aws-ec2-m5.xlarge", 40,
               "AWS Migration Acceleration Program credit"),
    CreditSpec("credit", "acme-ml-research", "gcp-vertex-in", 250,
               "Google Cloud for Startups promotional credit"),
    CreditSpec("credit", "wrkspc_01Jd4Fs9KtG2hB6nM8qXe1Cv", "anthropic-claude-sonnet-4-input",
               300, "Anthropic research credits"),
    CreditSpec("refund", "845120937764", "aws-s3-standard", 30,
               "Refund: duplicate S3 storage charges (case 12345678901)"),
    CreditSpec("refund", "9d3f6b20-8e4a-4c17-b2d5-61a0e9f7c384", "az-vm-D4s v3", 15,
               "SLA credit: Virtual Machines availability below 99.9%"),
    CreditSpec("adjustment", "dd-acme-prod", "datadog-infra", 20,
               "Late-reported host usage from the previous month"),
)
# fmt: on
