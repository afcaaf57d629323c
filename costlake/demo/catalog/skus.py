"""What the demo company buys: every SKU with its list price, unit and usage pattern.

Prices are public on-demand list prices (US regions, rounded). Instance SKUs carry their vCPU
and memory in ``SkuPriceDetails``, so a carbon model needs no lookup.
"""

from __future__ import annotations

import textwrap
import zlib

from costlake.demo.catalog.company import PROVIDERS
from costlake.demo.catalog.model import (
    AI,
    BATCH,
    INSTANCE,
    STEADY,
    STORAGE_HOUR,
    STORAGE_MONTH,
    TRAFFIC,
    Sku,
)
from costlake.demo.catalog.model import CATEGORY_AI as _AI
from costlake.demo.catalog.model import CATEGORY_MG as _MG

# fmt: off
# The tables below are data: one entry per line reads better than one field per line.


def _vm(name: str, vcpus: int, memory: float, gpus: int = 0) -> str:
    gpu = f', "GpuCount": {gpus}' if gpus else ""
    return (f'{{"InstanceType": "{name}", "CoreCount": {vcpus}, "MemorySize": {memory:g}'
            f'{gpu}, "OperatingSystem": "Linux"}}')


def _disk(storage_class: str, disk_type: str) -> str:
    return f'{{"StorageClass": "{storage_class}", "DiskType": "{disk_type}"}}'



_GB_MO_AWS, _GB_MO_AZ = "GB-Mo", "GB-Month"


def _ec2(t: str, vcpus: int, mem: float, price: str, weight: float, gpus: int = 0,
         only: tuple[str, ...] = ()) -> Sku:
    code = "".join(c for c in t.upper() if c.isalnum())[:10].ljust(10, "X")
    return Sku(f"aws-ec2-{t}", "AWS", "Amazon Elastic Compute Cloud", "Compute",
               "Virtual Machines", f"{code}Q7EC", "BoxUsage", f"On Demand Linux {t} Instance Hour",
               "Hours", "Hours", price, "ec2", INSTANCE, 24, 0, weight, zonal=True, only=only,
               details=_vm(t, vcpus, mem, gpus), spot=True)


def _azvm(t: str, vcpus: int, mem: float, price: str, weight: float, gpus: int = 0,
          only: tuple[str, ...] = ()) -> Sku:
    arm = "Standard_" + t.replace(" ", "_")
    return Sku(f"az-vm-{t}", "Microsoft", "Virtual Machines", "Compute", "Virtual Machines",
               f"DZH318Z0{zlib.crc32(t.encode()) % 36**4:X}"[:12].ljust(12, "0"),
               f"{t} Linux", f"Virtual Machines {t} Series Linux", "Hours", "Hours", price, "vm",
               INSTANCE, 24, 0, weight, zonal=True, only=only, details=_vm(arm, vcpus, mem, gpus),
               spot=True)


def _gce(t: str, vcpus: int, mem: float, price: str, weight: float, gpus: int = 0,
         only: tuple[str, ...] = ()) -> Sku:
    return Sku(f"gcp-gce-{t}", "Google Cloud", "Compute Engine", "Compute", "Virtual Machines",
               "-".join(textwrap.wrap(f"{zlib.crc32(t.encode()):08X}{vcpus:04X}", 4)), "Instance",
               f"{t} Instance running in Americas", "Hours", "Hours", price, "gce", INSTANCE, 24, 0,
               weight, zonal=True, only=only, details=_vm(t, vcpus, mem, gpus), spot=True)


SKUS: tuple[Sku, ...] = (
    # --- AWS ---------------------------------------------------------------------------------
    _ec2("t3.medium", 2, 4, "0.0416", 6), _ec2("m5.xlarge", 4, 16, "0.192", 8),
    _ec2("m5.2xlarge", 8, 32, "0.384", 4), _ec2("m6i.large", 2, 8, "0.096", 6),
    _ec2("c5.2xlarge", 8, 16, "0.34", 3), _ec2("c6g.xlarge", 4, 8, "0.136", 4),
    _ec2("r5.large", 2, 16, "0.126", 3), _ec2("r6i.2xlarge", 8, 64, "0.504", 2),
    _ec2("g5.xlarge", 4, 16, "1.006", 0.4, 1, ("ml", "data")),
    _ec2("p4d.24xlarge", 96, 1152, "32.7726", 0.03, 8, ("ml",)),
    Sku("aws-ebs-gp3", "AWS", "Amazon Elastic Compute Cloud", "Storage", "Block Storage",
        "HY3BZPP2B6K8MSJF", "EBS:VolumeUsage.gp3", "General Purpose (gp3) SSD provisioned storage",
        _GB_MO_AWS, _GB_MO_AWS, "0.08", "ebs", STORAGE_MONTH, 200, 0.9, 10, zonal=True,
        details=_disk("gp3", "SSD")),
    Sku("aws-ebs-snapshot", "AWS", "Amazon Elastic Compute Cloud", "Storage", "Backup Storage",
        "7U7TWP44UP36AT3R", "EBS:SnapshotUsage", "EBS snapshot data stored", _GB_MO_AWS,
        _GB_MO_AWS, "0.05", "ebs", STORAGE_MONTH, 300, 1.2, 3, details=_disk("Snapshot", "HDD")),
    Sku("aws-s3-standard", "AWS", "Amazon Simple Storage Service", "Storage", "Object Storage",
        "WP9ANXZGBYYSGJEA", "TimedStorage-ByteHrs", "Standard storage, first 50 TB", _GB_MO_AWS,
        _GB_MO_AWS, "0.023", "s3", STORAGE_MONTH, 900, 1.6, 6, regional=True,
        details=_disk("Standard", "HDD")),
    Sku("aws-s3-requests", "AWS", "Amazon Simple Storage Service", "Storage", "Object Storage",
        "QCGJ8J7HQRJXF7WT", "Requests-Tier1", "PUT, COPY, POST, or LIST requests", "1K Requests",
        "Requests", "0.005", "s3", TRAFFIC, 150_000, 1.4, 3, block=1000, integer=True),
    Sku("aws-data-transfer", "AWS", "AWS Data Transfer", "Networking", "Network Connectivity",
        "N7WSYHVUT72KMK3V", "DataTransfer-Out-Bytes", "Data transfer out to the internet", "GB",
        "GB", "0.09", "ec2", TRAFFIC, 40, 1.3, 5),
    Sku("aws-nat", "AWS", "Amazon Virtual Private Cloud", "Networking", "Network Infrastructure",
        "M2YSHUBETB3JX4M4", "NatGateway-Hours", "NAT Gateway hour", "Hours", "Hours", "0.045",
        "nat", STEADY, 1, 0, 1),
    Sku("aws-cloudfront", "AWS", "Amazon CloudFront", "Networking", "Content Delivery",
        "2U54NTSVQSPBPP5Y", "DataTransfer-Out-Bytes", "CloudFront data transfer out, first 10 TB",
        "GB", "GB", "0.085", "cloudfront", TRAFFIC, 250, 1.2, 1, regional=False),
    Sku("aws-elb", "AWS", "Elastic Load Balancing", "Networking", "Application Networking",
        "9SFHKUB4XVAK6PVG", "LCUUsage", "Application Load Balancer capacity unit hour",
        "LCU-Hours", "LCU-Hours", "0.008", "elb", TRAFFIC, 90, 1.0, 2),
    Sku("aws-lambda", "AWS", "AWS Lambda", "Compute", "Serverless Compute", "TG3M4CAGBA3NYQBH",
        "Lambda-GB-Second", "AWS Lambda compute duration", "Lambda-GB-Second",
        "Lambda-GB-Second", "0.0000166667", "lambda", TRAFFIC, 150_000, 1.5, 5),
    Sku("aws-eks", "AWS", "Amazon Elastic Kubernetes Service", "Compute", "Containers",
        "WMSVFRZBB5MAPJ7Q", "AmazonEKS-Hours:perCluster", "Amazon EKS cluster hour", "Hours",
        "Hours", "0.10", "eks", STEADY, 1, 0, 0.4),
    Sku("aws-rds-r6g", "AWS", "Amazon Relational Database Service", "Databases",
        "Relational Databases", "C5N4KDNJ6VPPGW2S", "InstanceUsage:db.r6g.xlarge",
        "RDS db.r6g.xlarge Multi-AZ PostgreSQL instance hour", "Hours", "Hours", "0.899", "rds",
        INSTANCE, 24, 0, 1.5, details=_vm("db.r6g.xlarge", 4, 32)),
    Sku("aws-rds-t4g", "AWS", "Amazon Relational Database Service", "Databases",
        "Relational Databases", "4H2YBPC8FXRXA5KB", "InstanceUsage:db.t4g.medium",
        "RDS db.t4g.medium PostgreSQL instance hour", "Hours", "Hours", "0.065", "rds", INSTANCE,
        24, 0, 2, details=_vm("db.t4g.medium", 2, 4)),
    Sku("aws-rds-storage", "AWS", "Amazon Relational Database Service", "Databases",
        "Relational Databases", "VTA6QF4NCC8AQUJ3", "RDS:GP3-Storage", "RDS gp3 storage",
        _GB_MO_AWS, _GB_MO_AWS, "0.115", "rds", STORAGE_MONTH, 400, 0.8, 2,
        details=_disk("gp3", "SSD")),
    Sku("aws-dynamodb", "AWS", "Amazon DynamoDB", "Databases", "NoSQL Databases",
        "BXU5KQG9V8V9RS2N", "ReadRequestUnits", "DynamoDB on-demand read request units",
        "1M Read Request Units", "ReadRequestUnits", "0.25", "dynamodb", TRAFFIC, 30_000_000, 1.3,
        2, block=1_000_000, integer=True),
    Sku("aws-elasticache", "AWS", "Amazon ElastiCache", "Databases", "Caching",
        "8YCV6VQ5GBH6TGMJ", "NodeUsage:cache.r6g.large", "cache.r6g.large node hour", "Hours",
        "Hours", "0.206", "elasticache", INSTANCE, 24, 0, 1,
        details=_vm("cache.r6g.large", 2, 13.07)),
    Sku("aws-athena", "AWS", "Amazon Athena", "Analytics", "Analytics Platforms",
        "HVEX9TRRFZPSNQJC", "DataScannedInTB", "Athena data scanned", "TB", "TB", "5.00",
        "athena", BATCH, 0.4, 1.2, 0.8),
    Sku("aws-cloudwatch-logs", "AWS", "AmazonCloudWatch", "Management and Governance",
        "Observability", "Q8CFDTKYQ8KNQRXY", "DataProcessing-Bytes", "CloudWatch Logs ingested",
        "GB", "GB", "0.50", "logs", TRAFFIC, 12, 1.3, 3),
    Sku("aws-guardduty", "AWS", "Amazon GuardDuty", "Security", "Threat Detection and Response",
        "F8HRA2JTPCRMZ5VQ", "PaidEventsAnalyzed", "GuardDuty CloudTrail events analyzed",
        "1M Events", "Events", "4.00", "guardduty", TRAFFIC, 900_000, 0.8, 0.6, block=1_000_000,
        integer=True, only=("security", "shared", "prod")),
    Sku("aws-bedrock-in", "AWS", "Amazon Bedrock", _AI, "Generative AI", "Z8CC7HQ8RN6ABXTE",
        "USE1-Claude3.5Sonnet-input-tokens", "Claude 3.5 Sonnet input tokens", "1K Tokens",
        "Tokens", "0.003", "bedrock", AI, 6_000_000, 1.0, 6, block=1000, integer=True,
        only=("ml",), details='{"x_Model": "claude-3-5-sonnet", "x_TokenType": "Input"}'),
    Sku("aws-bedrock-out", "AWS", "Amazon Bedrock", _AI, "Generative AI", "Z8CC7HQ8RN6ABXTF",
        "USE1-Claude3.5Sonnet-output-tokens", "Claude 3.5 Sonnet output tokens", "1K Tokens",
        "Tokens", "0.015", "bedrock", AI, 900_000, 1.0, 4, block=1000, integer=True,
        only=("ml",), details='{"x_Model": "claude-3-5-sonnet", "x_TokenType": "Output"}'),
    Sku("aws-savings-plan", "AWS", "Savings Plans for AWS Compute usage", "Compute",
        "Other (Compute)", "", "", "Compute Savings Plan", "", "", "0", "ec2", STEADY, 0, 0, 0),
    # --- Microsoft ---------------------------------------------------------------------------
    _azvm("D2s v3", 2, 8, "0.096", 6), _azvm("D4s v3", 4, 16, "0.192", 8),
    _azvm("D8s v5", 8, 32, "0.384", 4), _azvm("E4s v5", 4, 32, "0.252", 3),
    _azvm("F8s v2", 8, 16, "0.338", 2), _azvm("B2ms", 2, 8, "0.0832", 5),
    _azvm("NC6s v3", 6, 112, "3.06", 0.3, 1, ("ml", "data")),
    Sku("az-disk-p10", "Microsoft", "Storage", "Storage", "Block Storage",
        "DZH318Z0BP04", "P10 LRS Disk", "Premium SSD managed disk", _GB_MO_AZ, _GB_MO_AZ,
        "0.152", "disk", STORAGE_MONTH, 128, 0.7, 8, zonal=True,
        details=_disk("Premium_LRS", "SSD")),
    Sku("az-blob-hot", "Microsoft", "Storage", "Storage", "Storage Platforms", "DZH318Z0BNVX",
        "Hot LRS Data Stored", "Blob storage hot tier data stored", _GB_MO_AZ, _GB_MO_AZ,
        "0.0184", "storageaccount", STORAGE_MONTH, 1200, 1.5, 5, details=_disk("Hot", "HDD")),
    Sku("az-bandwidth", "Microsoft", "Bandwidth", "Networking", "Network Connectivity",
        "DZH318Z0BNWG", "Standard Data Transfer Out", "Internet egress, zone 1", "GB", "GB",
        "0.087", "vm", TRAFFIC, 35, 1.3, 4),
    Sku("az-sql", "Microsoft", "Azure SQL Database", "Databases", "Relational Databases",
        "DZH318Z0BQ5S", "vCore", "SQL Database General Purpose Gen5 vCore hour",
        "vCore-Hours", "vCore-Hours", "0.5044", "sqldb", STEADY, 2, 0.6, 2),
    Sku("az-cosmos", "Microsoft", "Azure Cosmos DB", "Databases", "NoSQL Databases",
        "DZH318Z0BQ4G", "100 RU/s", "Cosmos DB provisioned throughput", "100 RU/s-Hours",
        "RU/s-Hours", "0.008", "cosmos", STEADY, 1000, 0.8, 1.5, block=100, integer=True),
    Sku("az-aks", "Microsoft", "Azure Kubernetes Service", "Compute", "Containers",
        "DZH318Z0BQ1X", "Uptime SLA", "AKS Standard tier cluster hour", "Hours", "Hours", "0.10",
        "aks", STEADY, 1, 0, 0.5),
    Sku("az-functions", "Microsoft", "Azure Functions", "Compute", "Serverless Compute",
        "DZH318Z0BQ2K", "Execution Time", "Functions consumption plan execution time",
        "GB-Seconds", "GB-Seconds", "0.000016", "functionapp", TRAFFIC, 120_000, 1.4, 3),
    Sku("az-monitor", "Microsoft", "Azure Monitor", _MG, "Observability", "DZH318Z0BQ3D",
        "Analytics Logs Data Ingestion", "Log Analytics data ingestion", "GB", "GB", "2.30",
        "loganalytics", TRAFFIC, 3, 1.2, 2),
    Sku("az-openai-in", "Microsoft", "Azure OpenAI Service", _AI, "Generative AI",
        "DZH318Z0CT3M", "gpt-4o-0806 Inp glbl Tokens", "GPT-4o global input tokens", "1K Tokens",
        "Tokens", "0.0025", "openai-account", AI, 4_000_000, 1.1, 4, block=1000, integer=True,
        only=("ml", "prod", "data"), details='{"x_Model": "gpt-4o", "x_TokenType": "Input"}'),
    Sku("az-openai-out", "Microsoft", "Azure OpenAI Service", _AI, "Generative AI",
        "DZH318Z0CT3N", "gpt-4o-0806 Outp glbl Tokens", "GPT-4o global output tokens",
        "1K Tokens", "Tokens", "0.01", "openai-account", AI, 700_000, 1.1, 3, block=1000,
        integer=True, only=("ml", "prod", "data"),
        details='{"x_Model": "gpt-4o", "x_TokenType": "Output"}'),
    # --- Google Cloud ------------------------------------------------------------------------
    _gce("e2-medium", 2, 4, "0.033503", 5), _gce("e2-standard-4", 4, 16, "0.134012", 6),
    _gce("n2-standard-4", 4, 16, "0.194236", 7), _gce("n2-standard-8", 8, 32, "0.388472", 4),
    _gce("n2d-standard-8", 8, 32, "0.337993", 2), _gce("c2-standard-8", 8, 32, "0.4176", 2),
    _gce("a2-highgpu-1g", 12, 85, "3.673385", 0.3, 1, ("ml",)),
    Sku("gcp-pd-ssd", "Google Cloud", "Compute Engine", "Storage", "Block Storage",
        "B188-61DD-52E4", "SSD backed PD Capacity", "SSD backed PD capacity", "GiB-Hours",
        "GiB-Hours", "0.000232876", "pd", STORAGE_HOUR, 150, 0.8, 8, zonal=True,
        details=_disk("pd-ssd", "SSD")),
    Sku("gcp-gcs-standard", "Google Cloud", "Cloud Storage", "Storage", "Object Storage",
        "E5F0-6A5D-7BAD", "Standard Storage US Multi-region", "Standard storage", "GiB-Hours",
        "GiB-Hours", "0.000035616", "gcs", STORAGE_HOUR, 1500, 1.6, 5,
        details=_disk("STANDARD", "HDD")),
    Sku("gcp-egress", "Google Cloud", "Compute Engine", "Networking", "Other (Networking)",
        "9DE9-9092-B3BC", "Network Internet Egress", "Network internet egress to Americas",
        "GiB", "GiB", "0.12", "gce", TRAFFIC, 30, 1.3, 4),
    Sku("gcp-bigquery", "Google Cloud", "BigQuery", "Databases", "Data Warehouses",
        "3362-E469-6BEF", "Analysis", "BigQuery on-demand analysis", "TiB", "TiB", "6.25",
        "bigquery", BATCH, 0.6, 1.1, 6),
    Sku("gcp-gke", "Google Cloud", "Kubernetes Engine", "Compute", "Containers",
        "B561-BFBD-1264", "Cluster Management Fee", "GKE cluster management fee", "Hours",
        "Hours", "0.10", "gke", STEADY, 1, 0, 0.6),
    Sku("gcp-cloudsql", "Google Cloud", "Cloud SQL", "Databases", "Relational Databases",
        "7B0C-A2FC-0B9E", "vCPU", "Cloud SQL for PostgreSQL Enterprise vCPU", "vCPU-Hours",
        "vCPU-Hours", "0.0413", "cloudsql", STEADY, 4, 0.6, 2.5),
    Sku("gcp-logging", "Google Cloud", "Cloud Logging", _MG, "Observability",
        "143F-A1B0-E0BE", "Log Storage cost", "Log ingestion", "GiB", "GiB", "0.50",
        "logbucket", TRAFFIC, 10, 1.2, 2, regional=False),
    Sku("gcp-cloudrun", "Google Cloud", "Cloud Run", "Compute", "Serverless Compute",
        "CF4E-A0C7-E3BF", "CPU Allocation Time", "Cloud Run CPU allocation time",
        "vCPU-Seconds", "vCPU-Seconds", "0.000024", "cloudrun", TRAFFIC, 90_000, 1.3, 3),
    Sku("gcp-vertex-in", "Google Cloud", "Vertex AI", _AI, "Generative AI", "FDB3-8D1E-C5A0",
        "Gemini 1.5 Flash Input Tokens", "Gemini 1.5 Flash input tokens", "1M Tokens", "Tokens",
        "0.075", "vertex", AI, 20_000_000, 1.1, 4, block=1_000_000, integer=True,
        only=("ml", "data", "prod"), details='{"x_Model": "gemini-1.5-flash", "x_TokenType": '
        '"Input"}'),
    # --- SaaS: OpenAI, Anthropic, Datadog, Snowflake -----------------------------------------
    *(Sku(f"openai-{m}-{io.lower()}", "OpenAI", "OpenAI API", _AI, "Generative AI",
          f"{m}:{io.lower()}", f"{io} tokens", f"{m} {io.lower()} tokens", "1K Tokens", "Tokens",
          p, "apikey", AI, q, 1.2, w, block=1000, integer=True,
          details=f'{{"x_Model": "{m}", "x_TokenType": "{io}"}}')
      for m, io, p, q, w in (("gpt-4o", "Input", "0.0025", 3_000_000, 5),
                             ("gpt-4o", "Output", "0.01", 500_000, 4),
                             ("gpt-4o-mini", "Input", "0.00015", 20_000_000, 3),
                             ("gpt-4o-mini", "Output", "0.0006", 3_000_000, 2),
                             ("text-embedding-3-small", "Input", "0.00002", 80_000_000, 2))),
    *(Sku(f"anthropic-{m}-{io.lower()}", "Anthropic", "Claude API", _AI, "Generative AI",
          f"{m}:{io.lower()}_tokens", f"{io} tokens", f"{m} {io.lower()} tokens", "1M Tokens",
          "Tokens", p, "antkey", AI, q, 1.2, w, block=1_000_000, integer=True,
          details=f'{{"x_Model": "{m}", "x_TokenType": "{io}"}}')
      for m, io, p, q, w in (("claude-sonnet-4", "Input", "3.00", 2_000_000, 5),
                             ("claude-sonnet-4", "Output", "15.00", 300_000, 4),
                             ("claude-3-5-haiku", "Input", "0.80", 12_000_000, 2),
                             ("claude-3-5-haiku", "Output", "4.00", 2_000_000, 2),
                             ("claude-opus-4", "Input", "15.00", 500_000, 0.3),
                             ("claude-opus-4", "Output", "75.00", 80_000, 0.3))),
    Sku("datadog-infra", "Datadog", "Infrastructure Monitoring", _MG, "Observability",
        "infra_host_pro", "Infra Host (Pro)", "Infrastructure Pro host hour", "Host-Hours",
        "Host-Hours", "0.03", "ddhost", INSTANCE, 24, 0, 8, regional=False),
    Sku("datadog-apm", "Datadog", "APM", _MG, "Observability", "apm_host_pro", "APM Host (Pro)",
        "APM Pro host hour", "Host-Hours", "Host-Hours", "0.045", "ddhost", INSTANCE, 24, 0, 4,
        regional=False),
    Sku("datadog-logs", "Datadog", "Log Management", _MG, "Observability", "logs_ingested",
        "Ingested Logs", "Log ingestion", "GB", "GB", "0.10", "ddindex", TRAFFIC, 120, 0.8, 5,
        regional=False),
    Sku("snowflake-compute", "Snowflake", "Snowflake Virtual Warehouses", "Databases",
        "Data Warehouses", "WAREHOUSE_METERING", "Compute Credits",
        "Virtual warehouse credits (Enterprise)", "Credits", "Credits", "3.00", "warehouse",
        BATCH, 5, 1.0, 6),
    Sku("snowflake-storage", "Snowflake", "Snowflake Storage", "Storage", "Storage Platforms",
        "STORAGE", "Storage", "On-demand storage", "TB-Months", "TB-Months", "23.00", "sfdb",
        STORAGE_MONTH, 8, 1.0, 2, details=_disk("Standard", "SSD")),
    # --- pseudo SKUs for tax rows -------------------------------------------------------------
    *(Sku(f"tax-{p}", p, "Tax", "Other", "Other (Other)", "", "", "", "", "", "0", "ec2",
          STEADY, 0, 0, 0) for p in PROVIDERS),
)

# fmt: on
