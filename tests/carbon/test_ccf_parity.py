"""Numbers Cloud Carbon Footprint's own tests expect, reproduced by costlake; and Arm
(Graviton) usage estimated with Arm watts instead of the x86 average.

The CCF figures are copied from cloud-carbon-footprint/cloud-carbon-footprint:
- ``packages/common/src/helpers/__tests__/unitConversion.test.ts`` (unit conversions);
- ``packages/gcp/src/__tests__/BillingExportTable.test.ts`` with its rows from
  ``packages/gcp/src/__tests__/fixtures/bigQuery.fixtures.ts`` (GCP storage estimates).
CCF reports co2e in metric tonnes; costlake in kg (x 1000).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from costlake.carbon import rates
from costlake.carbon.classify import GB_PER_TB, GB_PER_TB_OF_UNIT, UNITS
from costlake.carbon.coefficients import load
from costlake.carbon.enricher import CarbonEnricher
from tests.carbon.conftest import IngestRows, line

D = Decimal
AWS_PUE = D("1.135")
US_EAST_1 = D("0.379069")
REL = 1e-6  # x_EnergyKwh is stored to 12 decimal places; these energies are ~1e-5 kWh


def tb_hours(unit: str, amount: float) -> float:
    """How many TB-hours of storage ``amount`` of ``unit`` is, as the enricher counts."""
    _, factor = UNITS[unit]
    return float(D(str(amount)) * factor / GB_PER_TB_OF_UNIT.get(unit, GB_PER_TB))


class TestUnitConversionAsCCF:
    def test_byte_seconds_to_terabyte_hours_uses_2_to_the_40(self) -> None:
        # unitConversion.test.ts: convertByteSecondsToTerabyteHours(5) = 1.2631870857957337e-15
        assert tb_hours("byte-seconds", 5) == pytest.approx(1.2631870857957337e-15, rel=1e-12)

    def test_gigabyte_hours_to_terabyte_hours(self) -> None:
        # unitConversion.test.ts: convertGigabyteHoursToTerabyteHours(5) = 0.005
        assert tb_hours("gb-hours", 5) == pytest.approx(0.005, rel=1e-12)


def gcp_storage(service: str, sku: str, region: str, byte_seconds: float) -> dict[str, Any]:
    return line(
        ProviderName="Google Cloud",
        ServiceName=service,
        RegionId=region,
        ConsumedQuantity=D(str(byte_seconds)),
        ConsumedUnit="byte-seconds",
        ChargeDescription=sku,
        ChargePeriodStart=datetime(2024, 9, 2),
        ChargePeriodEnd=datetime(2024, 9, 3),
    )


@pytest.mark.parametrize(
    ("row", "kwh", "tonnes"),
    [
        # "Returns estimation results for Cloud Storage based on replication factors":
        # us-central1, replication 2, PUE 1.11.
        (
            gcp_storage(
                "Cloud Storage", "Standard Storage US Regional", "us-central1", 117334055659520.0
            ),
            0.000042774809702245215,
            1.9505313224223818e-8,
        ),
        # "Returns estimation results for ComputeEngine, CloudFileStore and CloudSQL based on
        # replication factors": a zonal persistent disk in us-east1 (PUE 1.1, factor 1).
        (
            gcp_storage("Compute Engine", "Storage PD Capacity", "us-east1", 1.571922596855808e15),
            0.0002839454223632813,
            1.232323133056641e-7,
        ),
    ],
    ids=["cloud-storage-us-central1", "pd-capacity-us-east1"],
)
def test_gcp_storage_matches_ccfs_expected_estimate(
    ingest_rows: IngestRows, row: dict[str, Any], kwh: float, tonnes: float
) -> None:
    [got] = ingest_rows([row], enrichers=[CarbonEnricher()])
    assert float(got["x_EnergyKwh"]) == pytest.approx(kwh, rel=REL)
    assert float(got["x_CarbonKgCO2e"]) == pytest.approx(tonnes * 1000, rel=REL)


def aws(usage: str, unit: str, quantity: str, service: str, **more: Any) -> dict[str, Any]:
    return line(
        ServiceName=service,
        RegionId="us-east-1",
        ConsumedQuantity=D(quantity),
        ConsumedUnit=unit,
        SkuMeter=usage,
        **more,
    )


ARM_W = rates.average_watts(load(), "AWS", ("AWS Graviton2",))  # 0.47 + 50 % x 1.22 = 1.08
X86_W = rates.average_watts(load(), "AWS", ())  # 0.74 + 50 % x 2.76 = 2.12


class TestArm:
    def test_the_coefficients(self) -> None:
        assert (D("1.08"), D("2.12")) == (ARM_W, X86_W)

    @pytest.mark.parametrize(
        ("row", "vcpu_hours", "watts"),
        [
            # Lambda: CCF counts GB-seconds as vCPU-seconds; 3600 of them = 1 vCPU-hour.
            (aws("USE1-Lambda-GB-Second-ARM", "Lambda-GB-Second", "3600", "AWS Lambda"), 1, ARM_W),
            (
                aws("Lambda-GB-Second-ARM", "Lambda-GB-Second", "7200", "AWS Lambda"),
                2,
                ARM_W,
            ),
            (aws("USE1-Lambda-GB-Second", "Lambda-GB-Second", "3600", "AWS Lambda"), 1, X86_W),
            # Fargate on Arm bills vCPU-hours.
            (
                aws(
                    "USE1-Fargate-ARM-vCPU-Hours:perCPU",
                    "hours",
                    "10",
                    "Amazon Elastic Container Service",
                ),
                10,
                ARM_W,
            ),
            (
                aws(
                    "USE1-Fargate-vCPU-Hours:perCPU",
                    "hours",
                    "10",
                    "Amazon Elastic Container Service",
                ),
                10,
                X86_W,
            ),
            # Graviton3 families CCF does not list: sized from the name (xlarge = 4 vCPUs).
            (aws("USE1-BoxUsage:m7g.xlarge", "Hrs", "10", "Amazon EC2"), 40, ARM_W),
            (aws("USE1-BoxUsage:c7gn.large", "Hrs", "10", "Amazon EC2"), 20, ARM_W),
            (
                aws("USE1-InstanceUsage:db.r7g.large", "Hrs", "10", "Amazon RDS"),
                20,
                ARM_W,
            ),
            (aws("USE1-BoxUsage:m7i.xlarge", "Hrs", "10", "Amazon EC2"), 40, X86_W),
        ],
        ids=[
            "lambda-arm",
            "lambda-arm-no-region-prefix",
            "lambda-x86",
            "fargate-arm",
            "fargate-x86",
            "m7g",
            "c7gn",
            "rds-r7g",
            "m7i-x86",
        ],
    )
    def test_arm_usage_gets_arm_watts(
        self, ingest_rows: IngestRows, row: dict[str, Any], vcpu_hours: int, watts: Decimal
    ) -> None:
        [got] = ingest_rows([row], enrichers=[CarbonEnricher()])
        energy = vcpu_hours * watts / 1000 * AWS_PUE
        assert float(got["x_EnergyKwh"]) == pytest.approx(float(energy), rel=1e-9)
        assert float(got["x_CarbonKgCO2e"]) == pytest.approx(float(energy * US_EAST_1), rel=1e-9)

    def test_a_graviton2_type_ccf_lists_keeps_its_own_rate(self, ingest_rows: IngestRows) -> None:
        c = load()
        [it] = [i for i in c.instances if i.provider == "AWS" and i.name == "m6g.xlarge"]
        r = rates.instance_rates(c, it)
        assert r.kwh_per_hour is not None
        [got] = ingest_rows(
            [aws("USE1-BoxUsage:m6g.xlarge", "Hrs", "10", "Amazon EC2")],
            enrichers=[CarbonEnricher()],
        )
        energy = 10 * r.kwh_per_hour * AWS_PUE
        assert float(got["x_EnergyKwh"]) == pytest.approx(float(energy), rel=1e-9)
