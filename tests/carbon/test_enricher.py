"""The carbon enricher at ingest: each line's CCF estimate, worked out by hand.

Expected values are written out with the coefficients from the shipped tables. The enricher
computes in binary floating point (DuckDB divides decimals as doubles; every coefficient has at
most ten significant digits), so results are compared to 1e-12 relative: exact decimal
equality would test float rounding in the 17th digit, not the method.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from costlake.carbon.classify import Classifier
from costlake.carbon.coefficients import load
from costlake.carbon.enricher import ESTIMATE, PENDING, CarbonEnricher
from costlake.ingest.connection import ingest_connection
from tests.carbon.conftest import IngestRows, line, write_focus

D = Decimal
AWS_PUE, AZURE_PUE = D("1.135"), D("1.185")
US_EAST_1 = D("0.379069")  # AWS us-east-1 and Azure eastus: NERC SERC


def close(actual: object, expected: Decimal) -> None:
    """Estimates are computed in DOUBLE and stored rounded to 12 decimal places."""
    assert isinstance(actual, Decimal), actual
    assert abs(actual - expected) <= abs(expected) * D("1e-12") + D("5e-13"), (actual, expected)


def estimate(row: dict[str, Any], energy: Decimal, grid: Decimal, embodied: Decimal) -> None:
    close(row["x_EnergyKwh"], energy)
    if embodied:
        close(row["x_EmbodiedKgCO2e"], embodied)
    else:  # estimated, but only compute has an embodied share
        assert row["x_EmbodiedKgCO2e"] == 0
    close(row["x_CarbonKgCO2e"], energy * grid + embodied)
    assert row["x_CarbonSource"] == ESTIMATE


def test_an_aws_m5_xlarge_in_us_east_1_for_10_hours(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(10),
                ConsumedUnit="Hrs",
                RegionId="us-east-1",
                SkuMeter="USE1-BoxUsage:m5.xlarge",
                SkuPriceDetails='{"InstanceType": "m5.xlarge"}',
            )
        ]
    )
    # Compute: Skylake 0.65-4.26 W/vCPU at 50 %: 0.65 + 0.5 * 3.61 = 2.455 W;
    #          4 vCPUs x 10 h x 2.455 W = 98.2 Wh = 0.0982 kWh.
    # Memory:  m5.metal = 384 GB on 1 chip (96 vCPUs / 96); SPECpower Skylake 81.32 GB/chip;
    #          (384 - 81.32) x 16/384 = 12.6116... GB extra x 10 h x 0.000392 kWh/GBh.
    memory = (D(384) - D("81.32")) * 16 / 384 * 10 * D("0.000392")
    energy = (D("0.0982") + memory) * AWS_PUE  # = 0.167568827333... kWh
    # Embodied: 1.6103792 t = 1610.3792 kg x 10 h / 35040 h x 4 / 96 vCPUs = 0.019149... kg.
    embodied = D("1610.3792") * 10 / 35040 * 4 / 96
    estimate(row, energy, US_EAST_1, embodied)


def test_an_s3_gb_month_with_s3s_replication(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(100),
                ConsumedUnit="GB-Mo",
                RegionId="us-east-1",
                ServiceName="Amazon Simple Storage Service",
                ServiceCategory="Storage",
                SkuMeter="USE1-TimedStorage-ByteHrs",
            )
        ]
    )
    # 100 GB-months in September = 100 GB x 720 h = 72 TB-hours; HDD 0.65 Wh/TBh = 46.8 Wh;
    # S3 replication x6; PUE 1.135: 0.0468 x 6 x 1.135 = 0.318708 kWh.
    assert D("0.0468") * 6 * AWS_PUE == D("0.318708")
    estimate(row, D("0.318708"), US_EAST_1, D(0))
    close(row["x_CarbonKgCO2e"], D("0.120812322852"))  # 0.318708 x 0.379069


def test_a_network_gb_row(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(50),
                ConsumedUnit="GB",
                RegionId="us-east-1",
                ServiceName="AWS Data Transfer",
                SkuMeter="USE1-DataTransfer-Out-Bytes",
            )
        ]
    )
    # 50 GB x 0.001 kWh/GB x 1.135 = 0.05675 kWh; x 0.379069 = 0.02151216575 kg.
    estimate(row, D("0.05675"), US_EAST_1, D(0))
    close(row["x_CarbonKgCO2e"], D("0.02151216575"))


def test_an_azure_d4s_v3_for_10_hours(ingest_rows: IngestRows) -> None:
    vm = {
        "ProviderName": "Microsoft",
        "ServiceName": "Virtual Machines",
        "RegionId": "eastus",
        "ConsumedQuantity": D(10),
        "ConsumedUnit": "Hours",
    }
    row, by_meter = ingest_rows(
        [
            line(
                **vm, SkuMeter="D4s v3 Linux", SkuPriceDetails='{"InstanceType": "Standard_D4s_v3"}'
            ),
            line(**vm, SkuMeter="D4s v3 Low Priority"),  # the size read from the meter
        ]
    )
    # Processors Cascade Lake, Skylake, Broadwell, Haswell: min (0.64+0.65+0.71+1)/4 = 0.75,
    # max (3.97+4.26+3.69+4.74)/4 = 4.165; 0.75 + 0.5 x 3.415 = 2.4575 W/vCPU;
    # 4 vCPUs x 10 h = 98.3 Wh.
    # Memory: D64s v3 = 256 GB on 1 chip; SPECpower (98.12+81.32+69.65+27.71)/4 = 69.2 GB;
    # (256 - 69.2) x 16/256 = 11.675 GB x 10 h x 0.000392 = 0.045766 kWh.
    energy = (D("0.0983") + D("0.045766")) * AZURE_PUE  # = 0.17071821 kWh
    # Embodied: 1482.9 kg x 10/35040 x 4/64.
    estimate(row, energy, US_EAST_1, D("1482.9") * 10 / 35040 * 4 / 64)
    estimate(by_meter, energy, US_EAST_1, D("1482.9") * 10 / 35040 * 4 / 64)


def test_a_gcp_machine_type_billed_in_instance_hours(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ProviderName="Google Cloud",
                ServiceName="Compute Engine",
                RegionId="us-central1",
                ConsumedQuantity=D(10),
                ConsumedUnit="Hours",
                SkuMeter="Instance",
                SkuPriceDetails='{"InstanceType": "n2-standard-4"}',
            )
        ]
    )
    # n2 = Cascade Lake: 0.64 + 0.5 x 3.33 = 2.305 W; 4 vCPUs x 10 h = 92.2 Wh; GCP bills RAM
    # separately, so no memory term. us-central1: PUE 1.11, grid 0.456.
    embodied = D("1887.9") * 10 / 35040 * 4 / 128  # n2-standard-128 is the largest
    estimate(row, D("0.0922") * D("1.11"), D("0.456"), embodied)


def test_a_gcp_per_core_sku_is_vcpu_time_of_its_family(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ProviderName="Google Cloud",
                ServiceName="Compute Engine",
                RegionId="us-central1",
                ConsumedQuantity=D(36000),
                ConsumedUnit="seconds",
                ChargeDescription="N1 Predefined Instance Core running in Americas",
            )
        ]
    )
    # 36000 vCPU-seconds = 10 vCPU-hours; n1 (with Ivy/Sandy Bridge: medians) 2.87 W
    # = 28.7 Wh x 1.11 = 0.031857 kWh; no machine type, so no embodied share.
    estimate(row, D("0.031857"), D("0.456"), D(0))


def test_a_gcp_gpu_sku(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ProviderName="Google Cloud",
                ServiceName="Compute Engine",
                RegionId="us-central1",
                ConsumedQuantity=D(7200),
                ConsumedUnit="seconds",
                ChargeDescription="Nvidia Tesla T4 GPU running in Americas",
            )
        ]
    )
    # 2 GPU-hours of a T4 (8-71 W): 8 + 0.5 x 63 = 39.5 W -> 79 Wh x 1.11 = 0.08769 kWh.
    estimate(row, D("0.08769"), D("0.456"), D(0))


def test_gcp_ram_rows_use_the_memory_coefficient(ingest_rows: IngestRows) -> None:
    gb_hour = 2**30 * 3600
    [row] = ingest_rows(
        [
            line(
                ProviderName="Google Cloud",
                ServiceName="Compute Engine",
                RegionId="us-central1",
                ConsumedQuantity=D(gb_hour * 100),
                ConsumedUnit="byte-seconds",
                ChargeDescription="N1 Predefined Instance Ram running in Americas",
            )
        ]
    )
    # 100 GB-hours x 0.000392 kWh = 0.0392 kWh x 1.11 = 0.043512 kWh.
    estimate(row, D("0.043512"), D("0.456"), D(0))


def test_burstable_instances_use_their_baseline(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(10),
                ConsumedUnit="Hours",
                RegionId="us-east-1",
                SkuMeter="BoxUsage:t3.micro",
            )
        ]
    )  # instance type read from the usage type
    # 2 vCPUs x 10 % / 50 % = 0.4 vCPU x 2.305 W x 10 h = 9.22 Wh; no extra memory.
    embodied = D("1610.3792") * 10 / 35040 * 2 / 8
    estimate(row, D("0.00922") * AWS_PUE, US_EAST_1, embodied)


def test_an_unknown_region_uses_the_providers_fallback(ingest_rows: IngestRows) -> None:
    aws, gcp = ingest_rows(
        [
            line(
                ConsumedQuantity=D(50),
                ConsumedUnit="GB",
                RegionId="xx-nowhere-1",
                SkuMeter="DataTransfer-Out-Bytes",
            ),
            line(
                ProviderName="Google Cloud",
                ServiceName="Compute Engine",
                RegionId="mars1",
                ConsumedQuantity=D(50 * 2**30),
                ConsumedUnit="bytes",
                ChargeDescription="Network Internet Egress from Mars",
            ),
        ]
    )
    # AWS: Unknown grid 0.39278188 (the average of its regions); PUE 1.135 as everywhere.
    estimate(aws, D("0.05675"), D("0.39278188"), D(0))
    # GCP: 50 GiB of egress x 0.001 x PUE_AVG 1.1 (no regional PUE); Unknown 0.3171470588.
    estimate(gcp, D("0.055"), D("0.3171470588"), D(0))


def test_an_instance_type_ccf_does_not_know_uses_its_size_and_the_average_watts(
    ingest_rows: IngestRows,
) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(10),
                ConsumedUnit="Hrs",
                RegionId="us-east-1",
                SkuPriceDetails='{"InstanceType": "m7i.2xlarge"}',
            )
        ]
    )
    # 2xlarge = 8 vCPUs at AWS's average 0.74 + 0.5 x 2.76 = 2.12 W: 169.6 Wh; no embodied.
    estimate(row, D("0.1696") * AWS_PUE, US_EAST_1, D(0))


def test_without_a_usage_type_the_aws_description_is_read(ingest_rows: IngestRows) -> None:
    # FOCUS 1.0 exports have no SkuMeter: the instance type is in the description.
    instance, fargate = ingest_rows(
        [
            line(
                ConsumedQuantity=D(1),
                ConsumedUnit="Hours",
                RegionId="us-east-1",
                ChargeDescription="$0.34 per On Demand Linux c5.2xlarge Instance Hour",
            ),
            line(
                ConsumedQuantity=D(3),
                ConsumedUnit="Hours",
                RegionId="us-east-1",
                ServiceName="Amazon Elastic Container Service",
                ChargeDescription="AWS Fargate - vCPU - US East (N. Virginia)",
            ),
        ]
    )
    # c5.2xlarge: Cascade Lake + Skylake average 2.38 W x 8 vCPUs = 19.04 W for 1 h; c5.24xlarge
    # = 192 GB on 1 chip, SPECpower (98.12 + 81.32) / 2 = 89.72 GB: (192 - 89.72) x 16/192 GB.
    memory = (D(192) - D("89.72")) * 16 / 192 * D("0.000392")
    embodied = D("1344.0944") / 35040 * 8 / 96
    estimate(instance, (D("0.01904") + memory) * AWS_PUE, US_EAST_1, embodied)
    # Fargate vCPU lines are vCPU-hours of an unknown processor: 3 x 2.12 W.
    estimate(fargate, D("0.00636") * AWS_PUE, US_EAST_1, D(0))


def test_lines_that_cannot_be_estimated_keep_nulls(ingest_rows: IngestRows) -> None:
    rows = ingest_rows(
        [
            line(ChargeCategory="Tax", ConsumedQuantity=None, ConsumedUnit=None),
            line(
                ChargeCategory="Purchase",
                ConsumedQuantity=D(1),
                ConsumedUnit="Hours",
                SkuPriceDetails='{"InstanceType": "m5.xlarge"}',
            ),
            line(
                ProviderName="OpenAI",
                ServiceName="OpenAI API",
                ConsumedQuantity=D(1000),
                ConsumedUnit="Tokens",
            ),
            line(
                ProviderName="Datadog",
                ServiceName="Infrastructure Monitoring",
                ConsumedQuantity=D(3),
                ConsumedUnit="Hours",
            ),
            line(ConsumedQuantity=D(24), ConsumedUnit="Hours", SkuMeter="NatGateway-Hours"),
            line(ConsumedQuantity=D(1), ConsumedUnit="Hours", SkuMeter="Uptime"),
        ]
    )
    for row in rows:
        assert (
            row["x_EnergyKwh"],
            row["x_CarbonKgCO2e"],
            row["x_EmbodiedKgCO2e"],
            row["x_CarbonSource"],
        ) == (None, None, None, None), row["ServiceName"]


def test_provider_reported_rows_are_left_as_they_are(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(10),
                ConsumedUnit="Hours",
                RegionId="us-east-1",
                SkuPriceDetails='{"InstanceType": "m5.xlarge"}',
                x_CarbonKgCO2e=D("12.5"),
                x_CarbonSource="aws_carbon_footprint",
            )
        ]
    )
    assert row["x_CarbonKgCO2e"] == D("12.5")
    assert row["x_CarbonSource"] == "aws_carbon_footprint"
    assert row["x_EnergyKwh"] is None


def test_the_enricher_keeps_every_other_column_and_their_order(ingest_rows: IngestRows) -> None:
    given = line(
        ConsumedQuantity=D(10),
        ConsumedUnit="Hrs",
        RegionId="us-east-1",
        SkuPriceDetails='{"InstanceType": "m5.xlarge"}',
        Tags='{"team": "core"}',
    )
    [plain] = ingest_rows([given], enrichers=[])
    [enriched] = ingest_rows([given], enrichers=[CarbonEnricher()])
    assert list(enriched) == list(plain)
    carbon = {"x_EnergyKwh", "x_CarbonKgCO2e", "x_EmbodiedKgCO2e", "x_CarbonSource"}
    assert {k: v for k, v in enriched.items() if k not in carbon | {"x_IngestedAt"}} == {
        k: v for k, v in plain.items() if k not in carbon | {"x_IngestedAt"}
    }


def test_carbon_is_on_by_default_at_ingest(ingest_rows: IngestRows) -> None:
    [row] = ingest_rows(
        [
            line(
                ConsumedQuantity=D(50),
                ConsumedUnit="GB",
                SkuMeter="DataTransfer-Out-Bytes",
                RegionId="us-east-1",
            )
        ]
    )
    assert row["x_CarbonSource"] == ESTIMATE


KINDS: list[tuple[str, str, str, str, str | None]] = [
    # provider, ServiceName, usage type, unit dimension, expected kind
    ("AWS", "Amazon Elastic Compute Cloud", "USE1-EBS:VolumeUsage.gp2", "gb_months", "ssd"),
    ("AWS", "Amazon Elastic Compute Cloud", "EBS:SnapshotUsage", "gb_months", "hdd"),
    ("AWS", "Amazon DynamoDB", "TimedStorage-ByteHrs", "gb_months", "ssd"),  # SSD service
    ("AWS", "Amazon DynamoDB", "TimedBackupStorage-ByteHrs", "gb_months", "hdd"),
    ("AWS", "Amazon Simple Storage Service", "Requests-Tier1", "gb_months", None),
    ("AWS", "AWS Data Transfer", "DataTransfer-Out-Bytes", "gb", "network"),
    ("AWS", "Amazon CloudFront", "DataTransfer-Out-Bytes", "gb", None),  # CDN: out of scope
    ("AWS", "AWS Lambda", "Lambda-GB-Second", "gb_seconds", "compute"),
    ("AWS", "Amazon Virtual Private Cloud", "NatGateway-Hours", "hours", None),
    (
        "AWS",
        "Amazon Elastic Compute Cloud",
        "$0.10 per GB-month of General Purpose SSD (gp2) provisioned storage",
        "gb_months",
        "ssd",
    ),
    (
        "AWS",
        "Amazon Elastic Compute Cloud",
        "$0.05 per GB-Month of snapshot data stored",
        "gb_months",
        "hdd",
    ),
    (
        "AWS",
        "Amazon Elastic Compute Cloud",
        "$0.085 per GB - next 40 TB / month data transfer out",
        "gb",
        "network",
    ),
    (
        "AWS",
        "Amazon Elastic Compute Cloud",
        "$0.000 per GB - data transfer in per month",
        "gb",
        None,
    ),
    ("AWS", "AWS Support", "Dollar", "hours", None),
    ("Azure", "Storage", "P10 LRS Disk", "gb_months", "ssd"),
    ("Azure", "Storage", "S10 LRS Disk", "gb_months", "hdd"),
    ("Azure", "Storage", "Hot LRS Data Stored", "gb_months", "ssd"),
    ("Azure", "Bandwidth", "Standard Data Transfer Out", "gb", "network"),
    ("Azure", "Load Balancer", "Data Processed", "gb", None),
    ("Azure", "Azure Functions", "Execution Time", "gb_seconds", "memory"),
    ("Azure", "Virtual Machines", "D4s v3", "hours", "compute"),
    ("GCP", "Compute Engine", "SSD backed PD Capacity", "gb_hours", "ssd"),
    ("GCP", "Compute Engine", "Storage PD Capacity", "gb_hours", "hdd"),
    (
        "GCP",
        "Compute Engine",
        "N1 Predefined Instance Ram running in Americas",
        "gb_hours",
        "memory",
    ),
    ("GCP", "Compute Engine", "Network Internet Egress from Americas", "gb", "network"),
    ("GCP", "Compute Engine", "Nvidia Tesla T4 GPU running in Americas", "seconds", "gpu"),
    ("GCP", "Kubernetes Engine", "Cluster Management Fee", "hours", None),
    ("GCP", "Cloud DNS", "ManagedZone", "hours", None),
]


@pytest.mark.parametrize(("provider", "service", "usage", "dim", "kind"), KINDS)
def test_usage_is_classified_as_ccf_lists_say(
    provider: str, service: str, usage: str, dim: str, kind: str | None
) -> None:
    classifier = Classifier(load())
    code, ssd = classifier.aws_services().get(service.lower(), (service.lower(), False))
    sql = classifier.kind("p", "s", "c", "ssd", "u", "d")
    got = (
        duckdb.connect()
        .execute(
            f"SELECT {sql} FROM (SELECT ? AS p, ? AS s, ? AS c, ? AS ssd, ? AS u, ? AS d)",
            [provider, service, code, ssd, usage, dim],
        )
        .fetchone()
    )
    assert got is not None and got[0] == kind


def test_the_lookup_tables_stay_on_the_build_side_of_every_join(tmp_path: Path) -> None:
    # A period-filtered Parquet scan is estimated at one row; left to itself DuckDB would hash
    # the whole line item stream and probe it with the lookup tables.
    path = write_focus(tmp_path / "in.parquet", [line(ConsumedQuantity=D(1))] * 3)
    con = ingest_connection()
    enricher = CarbonEnricher()
    enricher.prepare(con)
    sql = enricher.wrap(
        f"SELECT * FROM read_parquet('{path}') "
        "WHERE strftime(BillingPeriodStart, '%Y-%m') = '2024-09'"
    )
    plan = "\n".join(str(r[1]) for r in con.execute(f"EXPLAIN {sql}").fetchall())
    assert plan.count("LEFT") == 5 and "RIGHT" not in plan
    # With the per-description lookup (a second, narrow scan), the lines make one join; the
    # lookup's own five are over distinct descriptions.
    memo = enricher.wrap(f"SELECT * FROM read_parquet('{path}')", rescan=True)
    plan = "\n".join(str(r[1]) for r in con.execute(f"EXPLAIN {memo}").fetchall())
    assert plan.count("Join Type") == 6 and "RIGHT" not in plan


def _demo_source(
    tmp_path: Path, seed: int
) -> tuple[duckdb.DuckDBPyConnection, CarbonEnricher, str]:
    """An ingest connection with the enricher's tables, and a SELECT over varied demo data
    (20,000 rows of every provider)."""
    from costlake.demo.generator import generate

    generate(tmp_path / "demo", rows=20_000, days=20, seed=seed)
    con = ingest_connection()
    enricher = CarbonEnricher()
    enricher.prepare(con)
    return con, enricher, f"SELECT * FROM read_parquet('{tmp_path / 'demo'}/*.parquet')"


def test_the_per_description_lookup_gives_the_per_line_formulas_rows(tmp_path: Path) -> None:
    """One join to a lookup of each distinct usage description (Parquet) gives, on every
    column of every row of varied demo data, exactly what classifying every line (CSV,
    JSON) gives."""
    con, enricher, source = _demo_source(tmp_path, seed=3)
    per_line = enricher.wrap(source)
    per_usage = enricher.wrap(source, rescan=True)
    assert per_line != per_usage
    differ = con.execute(
        f"SELECT count(*) FROM (({per_line}) EXCEPT ALL ({per_usage}))"
    ).fetchall()[0][0]
    estimated = con.execute(
        f"SELECT count(*) FROM ({per_usage}) WHERE x_CarbonSource = '{ESTIMATE}'"
    ).fetchall()[0][0]
    assert differ == 0
    assert estimated > 5_000


@pytest.mark.parametrize(
    "sample",
    [
        "{source} LIMIT 2000",
        "SELECT * FROM ({source}) WHERE false",
        "{source}",
        "SELECT {columns} FROM ({source}) LIMIT 2000",
    ],
    ids=["first-rows", "empty", "whole", "its-sample-columns-only"],
)
def test_a_lookup_from_a_sample_gives_the_per_line_formulas_rows(
    tmp_path: Path, sample: str
) -> None:
    """A source read once (CSV, JSON) builds the lookup from its first rows and is
    written; then the lines whose description the sample lacks are classified on their
    own (``finish``). Whatever the sample holds, every column of every row is what
    classifying every line gives."""
    con, enricher, source = _demo_source(tmp_path, seed=5)
    per_line = enricher.wrap(source)
    columns = ", ".join(enricher.sample_columns)
    statement = enricher.wrap(source, sample=sample.format(source=source, columns=columns))
    plan = "\n".join(str(r[1]) for r in con.execute(f"EXPLAIN {statement}").fetchall())
    assert "RIGHT" not in plan
    written = [str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet")]
    for i, path in enumerate(written):  # two files: one may have nothing left to do
        half = f"SELECT * FROM ({statement}) WHERE hash(ResourceId) % 2 = {i}"
        con.execute(f"COPY ({half}) TO '{path}' (FORMAT parquet)")
    pending = con.execute(
        f"SELECT count(*) FROM read_parquet({written}) WHERE x_CarbonSource = {PENDING}"
    ).fetchall()[0][0]
    enricher.finish(con, written, "FORMAT parquet")
    sampled = f"SELECT * FROM read_parquet({written})"
    if "WHERE false" in sample or sample == "{source}":
        assert (pending > 0) == ("WHERE false" in sample)
    counts = con.execute(
        f"SELECT (SELECT count(*) FROM (({per_line}) EXCEPT ALL ({sampled}))), "
        f"(SELECT count(*) FROM (({sampled}) EXCEPT ALL ({per_line}))), "
        f"(SELECT count(*) FROM ({sampled}) WHERE x_CarbonSource = '{ESTIMATE}')"
    ).fetchall()[0]
    assert counts[:2] == (0, 0)
    assert counts[2] > 5_000


def test_a_csv_whose_first_rows_lack_descriptions_is_estimated_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the pipeline: a CSV's lines whose description its sample lacks are marked
    in the chunks written, and those chunks are rewritten with every line classified
    (``CarbonEnricher.finish``), before they are moved into their periods. The lake ends
    with the figures its Parquet twin gets from a lookup of every description, and no
    mark."""
    from costlake.demo.generator import generate
    from costlake.ingest import periods, pipeline
    from costlake.ingest.pipeline import Ingestor
    from costlake.lake.store import Lake

    monkeypatch.setattr(pipeline, "SAMPLE_ROWS", 50)
    monkeypatch.setattr(
        periods, "PARQUET_OPTIONS", "FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048"
    )
    generate(tmp_path / "demo", rows=12_000, days=20, seed=11)
    source = tmp_path / "twin.parquet"
    csv = tmp_path / "twin.csv"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * EXCLUDE (Tags) FROM read_parquet('{tmp_path / 'demo'}/*.parquet') "
            f"ORDER BY ChargePeriodStart, ResourceId) TO '{source}' (FORMAT parquet)"
        )
        con.execute(f"COPY (SELECT * FROM '{source}') TO '{csv}' (HEADER)")

    def figures(path: Path, name: str) -> list[tuple[object, ...]]:
        lake = Lake(tmp_path / name)
        Ingestor(lake, enrichers=[CarbonEnricher()]).ingest([path], org="o", source="s")
        files = [str(lake.org_dir("o") / f) for f in lake.snapshot("o").files()]
        with duckdb.connect() as con:
            assert con.execute(
                f"SELECT count(*) FROM read_parquet({files}) WHERE x_CarbonSource = {PENDING}"
            ).fetchall() == [(0,)]
            return con.execute(
                "SELECT x_CarbonSource, count(*), sum(x_EnergyKwh), sum(x_CarbonKgCO2e), "
                f"sum(x_EmbodiedKgCO2e) FROM read_parquet({files}) GROUP BY 1 ORDER BY 1"
            ).fetchall()

    marked: list[int] = []
    real = CarbonEnricher.finish

    def counting(self: CarbonEnricher, con: Any, files: Any, options: str) -> None:
        listing = f"read_parquet({list(files)}, hive_partitioning = false)"
        pending = f"SELECT count(*) FROM {listing} WHERE x_CarbonSource = {PENDING}"
        marked.append(con.execute(pending).fetchall()[0][0])
        real(self, con, files, options)

    monkeypatch.setattr(CarbonEnricher, "finish", counting)
    from_csv, from_parquet = figures(csv, "a"), figures(source, "b")
    assert sum(marked) > 100  # the sample lacked descriptions: the marked path ran
    assert from_csv == from_parquet
    assert any(row[0] == ESTIMATE and row[1] > 3_000 for row in from_csv)
