"""Which kind of usage a billing line is, as SQL: compute, memory, ssd, hdd, network, gpu.

Follows CCF's classification (``Methodology.md``, "Cloud usage and cost data source"): the
usage unit says roughly what was used (hours -> compute, GB-months -> storage, GB -> network),
then the usage type (AWS ``lineItem/UsageType``, Azure meter name, GCP SKU description; in
FOCUS ``SkuMeter``, else ``ChargeDescription``) and the service refine it, using CCF's own
lists shipped in ``ccf_usage_type_classification.csv``. Anything else is ``unknown`` and gets
no estimate: CCF's cost-ratio estimate for unknown usage needs a second pass over the data,
which a streaming ingest does not have.

Everything here builds SQL text; the enricher evaluates it inside the ingest statement, so no
row is ever classified in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from costlake.carbon.coefficients import Coefficients
from costlake.kit.sql import lit

KINDS = ("compute", "memory", "ssd", "hdd", "network", "gpu")

_GB_PER_BYTE = Decimal(1) / Decimal(2**30)  # CCF converts bytes with binary units
_HOUR = Decimal(3600)

GB_PER_TB = Decimal(1000)
"""Storage energy needs TB-hours: CCF divides GB-hours and GB-months by 1000."""
GB_PER_TB_OF_UNIT: dict[str, Decimal] = {"byte-seconds": Decimal(1024)}
"""Units whose GB are binary end to end: CCF turns GCP's byte-seconds into TB-hours with
2^40 bytes per TB (``convertByteSecondsToTerabyteHours``), so their GiB-hours are divided by
1024, not 1000 (which was 2.4 % above CCF)."""

# Lower-cased usage unit -> (dimension, factor to the dimension's base unit).
# Base units: hours, vcpu_hours, seconds (-> hours), gb_seconds (-> GB-hours), gb_months,
# gb_hours, gb. Azure's "10 Hours" style units count in blocks of 10.
UNITS: dict[str, tuple[str, Decimal]] = {}


def _units(dim: str, factor: Decimal | int, *names: str) -> None:
    for n in names:
        UNITS[n.lower()] = (dim, Decimal(factor))


_units(
    "hours",
    1,
    "hrs",
    "hr",
    "hour",
    "hours",
    "h",
    "1 hour",
    "1 hours",
    "instance-hours",
    "instance hours",
)
for _n in (10, 100, 1000):
    _units("hours", _n, f"{_n} hour", f"{_n} hours")
_units(
    "vcpu_hours",
    1,
    "vcpu-hours",
    "vcpu-hour",
    "vcpu hours",
    "vcpu-hrs",
    "vcore-hours",
    "vcore-hour",
    "vcore hours",
)
_units("vcpu_hours", Decimal(1) / _HOUR, "vcpu-seconds", "vcpu-second", "vcpu seconds")
_units("vcpu_hours", 4, "dpu-hour", "dpu-hours")  # AWS Glue: 4 vCPUs per DPU
_units("vcpu_hours", Decimal("0.25"), "acu-hr", "acu-hrs", "acu-hour")  # Aurora: 4 ACU/vCPU
_units("seconds", Decimal(1) / _HOUR, "seconds", "second", "s", "sec", "secs")
_units(
    "gb_seconds",
    Decimal(1) / _HOUR,
    "lambda-gb-second",
    "gb-second",
    "gb-seconds",
    "gb second",
    "gb seconds",
    "1 gb second",
    "gib-seconds",
    "gib-second",
)
_units("gb_seconds", Decimal(50000) / _HOUR, "50000 gb seconds")
_units(
    "gb_months",
    1,
    "gb-mo",
    "gb-month",
    "gb-mp",
    "gb-months",
    "gb/month",
    "1 gb/month",
    "gib-mo",
    "gib-month",
    "gib-months",
    "gibibyte month",
    "gigabyte month",
    "gb month",
)
_units("gb_months", 10, "10 gb/month")
_units("gb_months", 100, "100 gb/month")
_units("gb_months", 1000, "1 tb/month", "tb-mo", "tb-month", "tb/month")
_units(
    "gb_hours",
    1,
    "gb-hours",
    "gb-hour",
    "gb-hrs",
    "gib-hours",
    "gib-hour",
    "1 gb hour",
    "gb hours",
    "gibibyte hour",
)
_units("gb_hours", 1000, "1000 gb hours")
_units("gb_hours", _GB_PER_BYTE / _HOUR, "byte-seconds")
_units("gb", 1, "gb", "gib", "gigabytes", "gigabyte", "gibibyte", "1 gb")
for _n in (10, 100, 200):
    _units("gb", _n, f"{_n} gb")
_units("gb", 1000, "tb", "1 tb", "tib")
_units("gb", _GB_PER_BYTE, "bytes", "byte")

# AWS product names (FOCUS ServiceName) -> CUR product codes, which CCF's lists use.
AWS_SERVICE_CODES: dict[str, str] = {
    "amazon simple storage service": "AmazonS3",
    "amazon s3": "AmazonS3",
    "amazon elastic compute cloud": "AmazonEC2",
    "amazon ec2": "AmazonEC2",
    "amazon elastic file system": "AmazonEFS",
    "amazon relational database service": "AmazonRDS",
    "amazon rds": "AmazonRDS",
    "amazon documentdb (with mongodb compatibility)": "AmazonDocDB",
    "amazon dynamodb": "AmazonDynamoDB",
    "amazon elastic container registry (ecr)": "AmazonECR",
    "amazon ec2 container registry (ecr)": "AmazonECR",
    "amazon elasticache": "AmazonElastiCache",
    "amazon simpledb": "AmazonSimpleDB",
    "amazon opensearch service": "AmazonES",
    "amazon elasticsearch service": "AmazonES",
    "amazon sagemaker": "AmazonSageMaker",
    "aws iot analytics": "AWSIoTAnalytics",
    "amazon kinesis analytics": "AmazonKinesisAnalytics",
    "amazon mq": "AmazonMQ",
    "amazon elastic container service": "AmazonECS",
    "amazon lightsail": "AmazonLightsail",
    "amazon neptune": "AmazonNeptune",
    "amazon fsx": "AmazonFSx",
    "amazon kinesis": "AmazonKinesis",
    "amazon cloudfront": "AmazonCloudFront",
    "amazon redshift": "AmazonRedshift",
}


# Words of AWS line item descriptions, for files whose usage type is missing (lower case).
AWS_SSD_WORDS = (r"\b(gp2|gp3|io1|io2|ssd|provisioned iops)\b",)
AWS_HDD_WORDS = (
    r"\b(st1|sc1|magnetic|snapshot|glacier|infrequent access|storage used|"
    r"log storage|data storage)\b",
)
AWS_NETWORK_WORDS = (r"\bdata transfer (out|from|to)\b|regional data transfer",)

AWS_ARM_USAGE = r"(?:^|[-:])ARM(?:$|[-:])"
"""AWS usage types of Arm (Graviton) capacity spell it as a token: ``Lambda-GB-Second-ARM``,
``Lambda-Provisioned-GB-Second-ARM``, ``USE1-Fargate-ARM-vCPU-Hours:perCPU``."""
AWS_GRAVITON_TYPE = r"^[a-z]+[0-9]+g[a-z]*\."
"""Graviton instance families put a ``g`` after the generation: m6g, c7gn, r8gd, x2gd,
im4gn, t4g (and g5g); no x86 family does (g4dn, m5zn, c7a, m7i)."""


def _like(expr: str, patterns: Iterable[str]) -> str:
    """Case-insensitive search for any of ``patterns`` (regular expressions)."""
    return f"regexp_matches(coalesce({expr}, ''), {lit('(?i)(?:' + '|'.join(patterns) + ')')})"


def _escape(value: str) -> str:
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", value)


def _regex(values: Iterable[str], *, words: bool = False, suffix: bool = False) -> str:
    alts = "|".join(_escape(v) for v in sorted(set(values), key=len, reverse=True))
    if words:  # \b would push RE2 off its fast DFA path; spell the boundary out instead
        return rf"(?:^|[^A-Za-z0-9_])(?:{alts})(?:$|[^A-Za-z0-9_])"
    return f"(?:{alts})$" if suffix else f"(?:{alts})"


def _matches(expr: str, values: Iterable[str], **kw: bool) -> str:
    values = list(values)
    if not values:
        return "false"
    return f"regexp_matches(coalesce({expr}, ''), {lit(_regex(values, **kw))})"


class Classifier:
    """SQL for one row's kind, given SQL for its provider, service, usage type and unit."""

    def __init__(self, c: Coefficients) -> None:
        self.lists = c.usage_lists

    def _l(self, provider: str, name: str) -> tuple[str, ...]:
        return self.lists.get((provider, name), ())

    def aws_services(self) -> dict[str, tuple[str, bool]]:
        """Lower-cased ServiceName -> (lower-cased CUR product code, is one of CCF's SSD
        services), for every AWS name and code the lists and replication rules mention."""
        ssd = {v.lower() for v in self._l("AWS", "SSD_SERVICES")}
        names = {k: v.lower() for k, v in AWS_SERVICE_CODES.items()}
        names.update({v.lower(): v.lower() for v in AWS_SERVICE_CODES.values()})
        names.update({v: v for v in ssd})
        return {name: (code, code in ssd) for name, code in names.items()}

    def kind(
        self, provider: str, service: str, code: str, ssd_service: str, usage: str, dim: str
    ) -> str:
        """``'compute' | 'memory' | 'ssd' | 'hdd' | 'network' | 'gpu'``, or NULL (unknown).

        ``service`` is the FOCUS ServiceName; ``code`` its lower-cased CUR product code
        (AWS) and ``ssd_service`` whether CCF lists that product as SSD-backed.
        """
        return (
            f"CASE {provider} WHEN 'AWS' THEN {self._aws(code, ssd_service, usage, dim)} "
            f"WHEN 'Azure' THEN {self._azure(service, usage, dim)} "
            f"WHEN 'GCP' THEN {self._gcp(service, usage, dim)} END"
        )

    def _aws(self, code: str, ssd_service: str, usage: str, dim: str) -> str:
        # CCF's lists match usage types ("USE1-EBS:VolumeUsage.gp2"); FOCUS files without
        # SkuMeter only have the line item description ("$0.10 per GB-month of General
        # Purpose SSD (gp2) provisioned storage"), so the same kinds are also read from it.
        ssd = (
            f"({_matches(usage, self._l('AWS', 'SSD_USAGE_TYPES'), suffix=True)} OR "
            f"(coalesce({ssd_service}, false) "
            f"AND NOT contains(coalesce({usage}, ''), 'Backup')) OR "
            f"{_like(usage, AWS_SSD_WORDS)})"
        )
        hdd = (
            f"({_matches(usage, self._l('AWS', 'HDD_USAGE_TYPES'), suffix=True)} OR "
            f"{_like(usage, AWS_HDD_WORDS)})"
        )
        network = (
            f"(({_matches(usage, self._l('AWS', 'NETWORKING_USAGE_TYPES'), suffix=True)}"
            f" OR {_like(usage, AWS_NETWORK_WORDS)})"
            f" AND {code} IS DISTINCT FROM 'amazoncloudfront')"
        )
        skip = _matches(
            usage,
            (*self._l("AWS", "UNSUPPORTED_USAGE_TYPES"), *self._l("AWS", "UNKNOWN_USAGE_TYPES")),
        )
        return (
            f"CASE WHEN {dim} IN ('hours', 'vcpu_hours', 'seconds', 'gb_seconds') "
            f"THEN CASE WHEN {skip} THEN NULL ELSE 'compute' END "
            f"WHEN {dim} IN ('gb_months', 'gb_hours') THEN CASE WHEN {skip} THEN NULL "
            f"WHEN {ssd} THEN 'ssd' WHEN {hdd} THEN 'hdd' END "
            f"WHEN {dim} = 'gb' AND {network} AND NOT {skip} THEN 'network' END"
        )

    def _azure(self, service: str, usage: str, dim: str) -> str:
        skip = (
            f"({_matches(service, self._l('Azure', 'UNKNOWN_SERVICES'), words=True)} OR "
            + _matches(
                usage,
                (
                    *self._l("Azure", "UNKNOWN_USAGE_TYPES"),
                    *self._l("Azure", "UNSUPPORTED_USAGE_TYPES"),
                ),
                words=True,
            )
            + ")"
        )
        memory = _matches(usage, self._l("Azure", "MEMORY_USAGE_TYPES"), words=True)
        # Managed disks: P/E tiers are SSD, S tiers HDD (CCF's disk tables); other storage
        # meters in CCF's list are taken as SSD, which CCF chose to over- rather than
        # under-estimate.
        hdd = f"regexp_matches(coalesce({usage}, ''), '\\bS\\d+\\b|HDD')"
        ssd = (
            f"(regexp_matches(coalesce({usage}, ''), '\\b[PE]\\d+\\b|SSD') OR "
            + _matches(usage, self._l("Azure", "STORAGE_USAGE_TYPES"), words=True)
            + ")"
        )
        network = _matches(usage, self._l("Azure", "NETWORKING_USAGE_TYPES"), words=True)
        return (
            f"CASE WHEN {skip} THEN NULL "
            f"WHEN {dim} IN ('hours', 'vcpu_hours') THEN "
            f"CASE WHEN {memory} THEN NULL ELSE 'compute' END "
            f"WHEN {dim} = 'gb_seconds' THEN 'memory' "
            f"WHEN {dim} = 'gb_hours' AND {memory} THEN 'memory' "
            f"WHEN {dim} IN ('gb_months', 'gb_hours') THEN CASE WHEN {hdd} THEN 'hdd' "
            f"WHEN {ssd} THEN 'ssd' END "
            f"WHEN {dim} = 'gb' AND {network} THEN 'network' END"
        )

    def _gcp(self, service: str, usage: str, dim: str) -> str:
        skip = (
            "("
            + " OR ".join(
                (
                    _matches(usage, self._l("GCP", "UNSUPPORTED_USAGE_TYPES"), words=True),
                    _matches(
                        service,
                        (
                            *self._l("GCP", "UNKNOWN_SERVICE_TYPES"),
                            *self._l("GCP", "SERVICES_TO_OVERRIDE_USAGE_UNIT_AS_UNKNOWN"),
                        ),
                        words=True,
                    ),
                    f"{usage} IS NULL",
                )
            )
            + ")"
        )
        # Time rows are compute: per-core SKUs in vCPU-time, others only when the instance
        # type is known (see ``vcpu_time``).
        compute = self.gcp_compute(usage)
        # CCF's methodology counts GCP's RAM rows with the memory coefficient.
        memory = (
            f"(({_matches(usage, self._l('GCP', 'MEMORY_USAGE_TYPES'), words=True)} OR "
            f"regexp_matches({usage}, '\\b(Ram|RAM|Memory)\\b')) AND NOT {compute})"
        )
        network = _matches(usage, self._l("GCP", "NETWORKING_STRING_FORMATS"), words=True)
        return (
            f"CASE WHEN {skip} THEN NULL "
            f"WHEN {dim} IN ('hours', 'seconds', 'vcpu_hours') THEN "
            f"CASE WHEN contains({usage}, 'GPU') THEN 'gpu' ELSE 'compute' END "
            f"WHEN {dim} IN ('gb_hours', 'gb_seconds', 'gb_months') THEN "
            f"CASE WHEN {memory} THEN 'memory' WHEN contains({usage}, 'SSD') THEN 'ssd' "
            "ELSE 'hdd' END "
            f"WHEN {dim} = 'gb' AND {network} THEN 'network' END"
        )

    def arm(self, provider: str, usage: str, itype: str) -> str:
        """True when an AWS compute row runs on Graviton: an ARM usage type (Lambda, Fargate)
        or a Graviton instance family. CCF lists Graviton2 types but falls back to x86
        averages for the rest (Lambda, Fargate, Graviton 3/4 families it does not list)."""
        return (
            f"({provider} = 'AWS' AND (regexp_matches(coalesce({usage}, ''), "
            f"{lit(AWS_ARM_USAGE)}) OR regexp_matches(coalesce({itype}, ''), "
            f"{lit(AWS_GRAVITON_TYPE)})))"
        )

    def gcp_compute(self, usage: str) -> str:
        """GCP SKUs billed in vCPU-time ("N1 Predefined Instance Core running in ...")."""
        return _matches(usage, self._l("GCP", "COMPUTE_STRING_FORMATS"), words=True)

    def vcpu_time(self, provider: str, usage: str, dim: str) -> str:
        """True when a compute row's quantity is vCPU-time rather than instance-time.

        AWS ``vCPU-Hours`` and Fargate vCPU lines, seconds and Lambda GB-seconds (CCF: 1,792
        MB = 1 vCPU),
        and GCP's per-core SKUs are vCPU-time; hours of a named instance type are not.
        """
        return (
            f"CASE WHEN {dim} = 'vcpu_hours' THEN true "
            f"WHEN {provider} = 'AWS' THEN {dim} IN ('seconds', 'gb_seconds') "
            f"OR regexp_matches(coalesce({usage}, ''), '(?i)vcpu') "
            f"WHEN {provider} = 'GCP' THEN {self.gcp_compute(usage)} ELSE false END"
        )

    def replication(
        self,
        provider: str,
        service: str,
        code: str,
        usage: str,
        factors: dict[tuple[str, str], Decimal],
    ) -> str:
        """CCF's storage replication factor for the row, from service and usage type.

        ``service`` is the lower-cased ServiceName, ``code`` the lower-cased CUR product code.
        """

        def f(p: str, key: str) -> str:
            return str(factors.get((p, key), factors[(p, "DEFAULT")]))

        def has(*parts: str) -> str:
            return _matches(usage, parts)

        svc = f"coalesce({service}, '')"
        aws = (
            f"CASE WHEN {code} = 'amazons3' THEN CASE "
            f"WHEN {has('TimedStorage-ZIA', 'EarlyDelete-ZIA', 'TimedStorage-RRS')} "
            f"THEN {f('AWS', 'S3_ONE_ZONE_REDUCED_REDUNDANCY')} "
            f"WHEN {has('TimedStorage', 'EarlyDelete')} THEN {f('AWS', 'S3')} END "
            f"WHEN {code} = 'amazonec2' THEN CASE WHEN {has('VolumeUsage')} "
            f"THEN {f('AWS', 'EC2_EBS_VOLUME')} WHEN {has('SnapshotUsage')} "
            f"THEN {f('AWS', 'EC2_EBS_SNAPSHOT')} END "
            f"WHEN {code} = 'amazonefs' THEN CASE WHEN {has('ZIA')} "
            f"THEN {f('AWS', 'EFS_ONE_ZONE')} ELSE {f('AWS', 'EFS')} END "
            f"WHEN {code} = 'amazonrds' THEN CASE WHEN {has('BackupUsage')} "
            f"THEN {f('AWS', 'RDS_BACKUP')} WHEN {has('Aurora')} THEN {f('AWS', 'RDS_AURORA')} "
            f"WHEN {has('Multi-AZ')} THEN {f('AWS', 'RDS_MULTI_AZ')} END "
            f"WHEN {code} = 'amazondocdb' THEN CASE WHEN {has('BackupUsage')} "
            f"THEN {f('AWS', 'DOCUMENT_DB_BACKUP')} ELSE {f('AWS', 'DOCUMENT_DB_STORAGE')} END "
            f"WHEN {code} = 'amazondynamodb' THEN {f('AWS', 'DYNAMO_DB')} "
            f"WHEN {code} = 'amazonecr' AND {has('TimedStorage')} THEN {f('AWS', 'ECR_STORAGE')} "
            f"WHEN {code} = 'amazonelasticache' AND {has('BackupUsage')} "
            f"THEN {f('AWS', 'DOCUMENT_ELASTICACHE_BACKUP')} "
            f"WHEN {code} = 'amazonsimpledb' THEN {f('AWS', 'SIMPLE_DB')} END"
        )
        azure = (
            f"CASE WHEN {svc} = 'storage' THEN CASE "
            f"WHEN {has('GZRS')} THEN {f('Azure', 'STORAGE_GZRS')} "
            f"WHEN {has('GRS')} THEN {f('Azure', 'STORAGE_GRS')} "
            f"WHEN {has('ZRS')} THEN {f('Azure', 'STORAGE_ZRS')} "
            f"WHEN {has('LRS')} THEN {f('Azure', 'STORAGE_LRS')} "
            f"WHEN {has('Disk')} THEN {f('Azure', 'STORAGE_DISKS')} END "
            f"WHEN contains({svc}, 'mysql') THEN {f('Azure', 'DATABASE_MYSQL')} "
            f"WHEN contains({svc}, 'cosmos') THEN {f('Azure', 'COSMOS_DB')} "
            f"WHEN {svc} = 'sql database' THEN {f('Azure', 'SQL_DB')} "
            f"WHEN contains({svc}, 'redis') THEN {f('Azure', 'REDIS_CACHE')} END"
        )
        gcp = (
            f"CASE WHEN {svc} = 'cloud storage' THEN {f('GCP', 'CLOUD_STORAGE_SINGLE_REGION')} "
            f"WHEN {svc} = 'compute engine' AND {has('Regional')} "
            f"THEN {f('GCP', 'COMPUTE_ENGINE_REGIONAL_DISKS')} "
            f"WHEN {svc} = 'cloud filestore' THEN {f('GCP', 'CLOUD_FILESTORE')} "
            f"WHEN {svc} = 'cloud sql' AND {has('HA')} "
            f"THEN {f('GCP', 'CLOUD_SQL_HIGH_AVAILABILITY')} "
            f"WHEN {svc} = 'cloud memorystore for redis' "
            f"THEN {f('GCP', 'CLOUD_MEMORY_STORE_REDIS')} "
            f"WHEN {svc} = 'cloud spanner' THEN {f('GCP', 'CLOUD_SPANNER_SINGLE_REGION')} END"
        )
        return (
            f"coalesce(CASE {provider} WHEN 'AWS' THEN {aws} WHEN 'Azure' THEN {azure} "
            f"WHEN 'GCP' THEN {gcp} END, 1)"
        )
