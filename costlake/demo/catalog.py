"""The demo company's static catalogue: who bills it, for what, where, at which price.

Everything here is plain data, so the generator stays a pure function of (catalogue, seed, size)
and a reader can check the demo's realism in one place. Prices are public on-demand list prices
(US regions, rounded); ids are made up but shaped like the real thing (12-digit AWS accounts,
Azure subscription GUIDs, GCP project ids). Instance types use the names the carbon tables in
``shared/data/carbon`` know, and ``SkuPriceDetails`` carries their vCPU and memory so a carbon
model needs no lookup.
"""

from __future__ import annotations

import textwrap
import zlib
from dataclasses import dataclass

# Pricing patterns: how a resource's consumed quantity moves from day to day (see generator).
INSTANCE = "instance"  # 24 h a day in prod; office hours in non-prod, nearly off at weekends
STEADY = "steady"  # a fixed number of units around the clock (clusters, vCores, NAT gateways)
STORAGE_MONTH = "storage-month"  # stored size (GB) growing slowly, billed per GB-month
STORAGE_HOUR = "storage-hour"  # stored size growing slowly, billed per GiB-hour
TRAFFIC = "traffic"  # user traffic: weekday peak, quieter weekends, steady growth
BATCH = "batch"  # pipelines: weekday jobs, month-end close bump
AI = "ai"  # token usage: weekday-heavy, fast growth
PATTERNS = (INSTANCE, STEADY, STORAGE_MONTH, STORAGE_HOUR, TRAFFIC, BATCH, AI)

PROFILES = ("prod", "staging", "dev", "data", "ml", "shared", "security", "saas", "warehouse")
NON_PROD = frozenset({"staging", "dev", "ml"})


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: str
    zones: tuple[str, ...]
    price_permille: int = 1000
    """Regional price level relative to the SKU's list price (US East = 1000)."""


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    publisher: str
    invoice_issuer: str
    billing_account_type: str
    sub_account_type: str
    invoice_prefix: str


@dataclass(frozen=True, slots=True)
class BillingAccount:
    provider: str
    id: str
    name: str
    discount_permille: int
    """Negotiated discount off list (EDP, MACC, contract): ContractedUnitPrice = list * (1 - d)."""
    tax_bp: int
    """Sales tax in basis points of the monthly bill; 0 = no tax rows."""


@dataclass(frozen=True, slots=True)
class SubAccount:
    billing_account: str
    id: str
    name: str
    profile: str
    weight: float
    """Share of the demo's resources living in this sub account."""
    regions: tuple[tuple[str, float], ...] = ()
    host_provider: str | None = None


@dataclass(frozen=True, slots=True)
class App:
    name: str
    team: str
    cost_center: str


@dataclass(frozen=True, slots=True)
class ResourceKind:
    """How to spell a resource: id ``prefix + middle + token``, name ``name + short token``.

    ``prefix`` may use {region} {zone} {account} {account_name} {project}; ``middle`` and ``name``
    may use {app} {env} {app_} (underscored) {APP} (upper). ``token`` is the random part of the
    id: ``long`` (16 hex), ``short`` (5 hex, the same as the name's), ``upper`` or ``none``.
    """

    type: str
    prefix: str
    middle: str
    token: str
    name: str = "{app}-{env}-"
    name_token: bool = True


@dataclass(frozen=True, slots=True)
class Sku:
    key: str
    provider: str
    service: str
    category: str
    subcategory: str
    sku_id: str
    meter: str
    description: str
    pricing_unit: str
    consumed_unit: str
    list_price: str
    """USD per pricing unit, as decimal text."""
    resource: str
    pattern: str
    quantity: float
    """Median consumed quantity per resource-day (stored size for storage patterns)."""
    spread: float
    weight: float
    block: int = 1
    """Consumed units per pricing unit (1000 for "1K Tokens")."""
    integer: bool = False
    regional: bool = True
    zonal: bool = False
    only: tuple[str, ...] = ()
    """Profiles this SKU is used in; empty = all."""
    details: str | None = None
    """SkuPriceDetails JSON."""
    spot: bool = False


@dataclass(frozen=True, slots=True)
class Commitment:
    """A savings plan, reservation or committed-use discount and the fleet it covers."""

    provider: str
    id: str
    name: str
    category: str  # "Spend" | "Usage"
    type: str
    unit: str
    owner: str  # sub account charged for the fee
    service_sku: str  # SKU whose service the fee and unused rows are booked under
    skus: tuple[str, ...]
    subs: tuple[str, ...]
    discount_permille: int
    share: float
    """Fleet size as a share of the day's resources."""
    resource_type: str
    region: str | None = None


@dataclass(frozen=True, slots=True)
class AnomalySpec:
    kind: str
    provider: str
    sub_account_id: str
    service_name: str
    factor: float
    start: float
    """Start as a fraction of the window."""
    days: int
    """Length in days; 0 = until the end of the window."""
    description: str


@dataclass(frozen=True, slots=True)
class CreditSpec:
    line: str  # "credit" | "refund" | "adjustment"
    sub: str
    sku: str
    permille: int
    """Amount as permille of the sub account's billed usage (of the previous month for fixes)."""
    description: str


# fmt: off
# The tables below are data: one entry per line reads better than one field per line.


def _vm(name: str, vcpus: int, memory: float, gpus: int = 0) -> str:
    gpu = f', "GpuCount": {gpus}' if gpus else ""
    return (f'{{"InstanceType": "{name}", "CoreCount": {vcpus}, "MemorySize": {memory:g}'
            f'{gpu}, "OperatingSystem": "Linux"}}')


def _disk(storage_class: str, disk_type: str) -> str:
    return f'{{"StorageClass": "{storage_class}", "DiskType": "{disk_type}"}}'


AWS_REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
REGIONS: dict[str, Region] = {r.id: r for r in (
    Region("us-east-1", "US East (N. Virginia)", ("us-east-1a", "us-east-1b", "us-east-1c")),
    Region("us-east-2", "US East (Ohio)", ("us-east-2a", "us-east-2b", "us-east-2c")),
    Region("us-west-2", "US West (Oregon)", ("us-west-2a", "us-west-2b", "us-west-2c")),
    Region("eu-west-1", "Europe (Ireland)", ("eu-west-1a", "eu-west-1b", "eu-west-1c"), 1110),
    Region("eu-central-1", "Europe (Frankfurt)", ("eu-central-1a", "eu-central-1b"), 1150),
    Region("ap-southeast-2", "Asia Pacific (Sydney)", ("ap-southeast-2a", "ap-southeast-2b"), 1250),
    Region("eastus", "East US", ("1", "2", "3")),
    Region("eastus2", "East US 2", ("1", "2", "3")),
    Region("westeurope", "West Europe", ("1", "2", "3"), 1120),
    Region("northeurope", "North Europe", ("1", "2", "3"), 1080),
    Region("uksouth", "UK South", ("1", "2", "3"), 1150),
    Region("us-central1", "Iowa", ("us-central1-a", "us-central1-b", "us-central1-f")),
    Region("us-east4", "Northern Virginia", ("us-east4-a", "us-east4-c"), 1120),
    Region("europe-west1", "Belgium", ("europe-west1-b", "europe-west1-c", "europe-west1-d"), 1100),
    Region("europe-west4", "Netherlands", ("europe-west4-a", "europe-west4-b"), 1100),
    Region("asia-northeast1", "Tokyo", ("asia-northeast1-a", "asia-northeast1-b"), 1290),
)}

PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    Provider("AWS", "Amazon Web Services, Inc.", "Amazon Web Services, Inc.",
             "Management Account", "Member Account", "EUINUS"),
    Provider("Microsoft", "Microsoft", "Microsoft", "Billing Profile", "Subscription", "G0"),
    Provider("Google Cloud", "Google Cloud", "Google Cloud", "Billing Account", "Project", "30"),
    Provider("OpenAI", "OpenAI", "OpenAI, L.L.C.", "Organization", "Project", "OAI-"),
    Provider("Anthropic", "Anthropic", "Anthropic, PBC", "Organization", "Workspace", "ANT-"),
    Provider("Datadog", "Datadog", "Datadog, Inc.", "Organization", "Child Organization", "DD-"),
    Provider("Snowflake", "Snowflake", "Snowflake Inc.", "Organization", "Account", "SF-"),
)}

BILLING_ACCOUNTS: tuple[BillingAccount, ...] = (
    BillingAccount("AWS", "381492650117", "Acme Corp", 60, 0),
    BillingAccount("AWS", "529017346802", "Globex (acquired)", 0, 825),
    BillingAccount("Microsoft", "KX4R-7PQW-BG7-TGB", "Acme Corp - Americas", 50, 0),
    BillingAccount("Microsoft", "ZN2M-3TRY-QF9-PLK", "Acme Corp - EMEA", 50, 0),
    BillingAccount("Google Cloud", "0157A3-9B2C4D-E8F612", "Acme Corp GCP", 30, 0),
    BillingAccount("Google Cloud", "01C9F2-4A7B31-D0E583", "Acme Research", 0, 0),
    BillingAccount("OpenAI", "org-4kQp7Vb2YxR9mT1sLw3NcZ8e", "Acme Corp", 0, 887),
    BillingAccount("Anthropic", "7c1e4b2a-93f0-4d8e-b6a1-2f5c8d9e0a13", "Acme Corp", 0, 887),
    BillingAccount("Datadog", "dd-acme-parent", "Acme Corp", 150, 887),
    BillingAccount("Snowflake", "ACMECORP", "Acme Corp", 120, 0),
)

_US = (("us-east-1", 0.7), ("us-west-2", 0.3))
SUB_ACCOUNTS: tuple[SubAccount, ...] = (
    SubAccount("381492650117", "381492650117", "acme-management", "shared", 0.010, _US),
    SubAccount("381492650117", "604817293551", "Production", "prod", 0.150,
               (("us-east-1", 0.6), ("eu-west-1", 0.25), ("us-west-2", 0.15))),
    SubAccount("381492650117", "718293046612", "Staging", "staging", 0.045, _US),
    SubAccount("381492650117", "239475018836", "Development", "dev", 0.045, (("us-east-1", 1),)),
    SubAccount("381492650117", "845120937764", "Data Platform", "data", 0.060,
               (("us-east-1", 0.8), ("eu-central-1", 0.2))),
    SubAccount("381492650117", "163049285517", "ML Research", "ml", 0.025, (("us-west-2", 1),)),
    SubAccount("381492650117", "972650481203", "Security & Audit", "security", 0.012, _US),
    SubAccount("381492650117", "457801236998", "Shared Networking", "shared", 0.018, _US),
    SubAccount("529017346802", "306719845521", "Globex Production", "prod", 0.035,
               (("us-east-2", 0.7), ("ap-southeast-2", 0.3))),
    SubAccount("529017346802", "690432178854", "Globex Sandbox", "dev", 0.010, (("us-east-2", 1),)),
    SubAccount("KX4R-7PQW-BG7-TGB", "3f9a2c71-5b8e-4d06-9c1f-7e2a6b4d8f05", "Production", "prod",
               0.070, (("eastus", 0.7), ("eastus2", 0.3))),
    SubAccount("KX4R-7PQW-BG7-TGB", "a81d4e6c-2f73-4b95-8e0a-c5d7f1b39264", "Staging", "staging",
               0.025, (("eastus", 1),)),
    SubAccount("KX4R-7PQW-BG7-TGB", "5c2e8f14-9a6d-4731-b0e8-3d9f6a2c7b51", "Development", "dev",
               0.020, (("eastus", 1),)),
    SubAccount("KX4R-7PQW-BG7-TGB", "e4b7093a-6c1f-48d2-a5e9-0f8b2d6c4a37", "Data & Analytics",
               "data", 0.025, (("eastus2", 1),)),
    SubAccount("ZN2M-3TRY-QF9-PLK", "9d3f6b20-8e4a-4c17-b2d5-61a0e9f7c384", "EMEA Production",
               "prod", 0.035, (("westeurope", 0.6), ("northeurope", 0.25), ("uksouth", 0.15))),
    SubAccount("ZN2M-3TRY-QF9-PLK", "1b7e5c93-4d2f-4a68-9e0b-8c3f5a7d2e16", "EMEA Shared Services",
               "shared", 0.010, (("westeurope", 1),)),
    SubAccount("0157A3-9B2C4D-E8F612", "acme-prod-web-4821", "Web Production", "prod", 0.070,
               (("us-central1", 0.6), ("us-east4", 0.2), ("europe-west1", 0.2))),
    SubAccount("0157A3-9B2C4D-E8F612", "acme-analytics-prod", "Analytics Production", "data",
               0.040, (("us-central1", 0.8), ("europe-west4", 0.2))),
    SubAccount("0157A3-9B2C4D-E8F612", "acme-staging-7310", "Staging", "staging", 0.020,
               (("us-central1", 1),)),
    SubAccount("0157A3-9B2C4D-E8F612", "acme-shared-network", "Shared Network", "shared", 0.010,
               (("us-central1", 1),)),
    SubAccount("01C9F2-4A7B31-D0E583", "acme-ml-research", "ML Research", "ml", 0.025,
               (("us-central1", 0.7), ("asia-northeast1", 0.3))),
    SubAccount("org-4kQp7Vb2YxR9mT1sLw3NcZ8e", "proj_Xa8B2cD4eF6gH8jK0mN2pQ4r", "Support Copilot",
               "saas", 0.012),
    SubAccount("org-4kQp7Vb2YxR9mT1sLw3NcZ8e", "proj_Lm3N5pQ7rS9tU1vW3xY5zA7b", "Search Relevance",
               "saas", 0.008),
    SubAccount("org-4kQp7Vb2YxR9mT1sLw3NcZ8e", "proj_Ce4F6gH8jK0mN2pQ4rS6tU8", "Internal Tools",
               "saas", 0.004),
    SubAccount("7c1e4b2a-93f0-4d8e-b6a1-2f5c8d9e0a13", "wrkspc_01HkZ7Qm3VbN8cT2xR5yWp4L",
               "Production", "saas", 0.012),
    SubAccount("7c1e4b2a-93f0-4d8e-b6a1-2f5c8d9e0a13", "wrkspc_01Jd4Fs9KtG2hB6nM8qXe1Cv",
               "Research Sandbox", "saas", 0.005),
    SubAccount("dd-acme-parent", "dd-acme-prod", "acme-prod", "saas", 0.025, (), "AWS"),
    SubAccount("dd-acme-parent", "dd-acme-staging", "acme-staging", "saas", 0.008, (), "AWS"),
    SubAccount("ACMECORP", "ACMECORP-ANALYTICS", "ANALYTICS", "warehouse", 0.012,
               (("us-east-1", 1),), "AWS"),
    SubAccount("ACMECORP", "ACMECORP-EU_REPORTING", "EU_REPORTING", "warehouse", 0.005,
               (("westeurope", 1),), "Microsoft"),
)

APPS: dict[str, App] = {a.name: a for a in (
    App("checkout", "commerce", "CC-1001"), App("catalog", "commerce", "CC-1001"),
    App("payments", "payments", "CC-1002"), App("search", "discovery", "CC-1003"),
    App("recommendations", "discovery", "CC-1003"), App("web-frontend", "web", "CC-1004"),
    App("auth", "identity", "CC-1005"), App("notifications", "platform", "CC-1006"),
    App("k8s-platform", "platform", "CC-1006"), App("network", "platform", "CC-1006"),
    App("observability", "sre", "CC-1007"), App("ci-runners", "devex", "CC-1008"),
    App("etl", "data-eng", "CC-2001"), App("warehouse", "data-eng", "CC-2001"),
    App("dashboards", "analytics", "CC-2002"), App("feature-store", "ml-platform", "CC-3001"),
    App("model-training", "ml-platform", "CC-3001"), App("llm-gateway", "ml-platform", "CC-3001"),
    App("support-bot", "customer-ai", "CC-3002"), App("security-tools", "security", "CC-4001"),
    App("audit-logs", "security", "CC-4001"),
)}
_PRODUCT = ("checkout", "catalog", "payments", "search", "recommendations", "web-frontend", "auth",
            "notifications", "k8s-platform")
PROFILE_APPS: dict[str, tuple[str, ...]] = {
    "prod": _PRODUCT, "staging": _PRODUCT, "dev": _PRODUCT + ("ci-runners",),
    "data": ("etl", "warehouse", "dashboards", "feature-store"),
    "ml": ("model-training", "llm-gateway", "support-bot", "feature-store"),
    "shared": ("network", "observability", "ci-runners", "k8s-platform"),
    "security": ("security-tools", "audit-logs"),
    "saas": ("support-bot", "search", "llm-gateway", "observability", "warehouse"),
    "warehouse": ("etl", "warehouse", "dashboards"),
}
PROFILE_ENV = {"prod": "prod", "staging": "staging", "dev": "dev", "data": "prod", "ml": "dev",
               "shared": "shared", "security": "shared", "saas": "prod", "warehouse": "prod"}
ENV_VARIANT = {"prod": "Production", "staging": "Stage", "dev": "Dev", "shared": "Shared"}
TAG_KEYS = ("team", "env", "app", "cost-center")

_AI = "AI and Machine Learning"
_MG = "Management and Governance"

# Relative weight of a service category per sub-account profile (1 when absent).
AFFINITY: dict[str, dict[str, float]] = {
    "staging": {"Storage": 0.6, "Networking": 0.4, "Analytics": 0.3, _AI: 0.3},
    "dev": {"Compute": 1.4, "Storage": 0.6, "Networking": 0.3, "Databases": 0.6, "Analytics": 0.3},
    "data": {"Analytics": 5, "Databases": 3, "Storage": 2, "Compute": 0.8, "Networking": 0.4},
    "ml": {_AI: 6, "Compute": 1.3, "Storage": 1.5, "Networking": 0.3},
    "shared": {"Networking": 5, _MG: 3, "Security": 2, "Compute": 0.5},
    "security": {"Security": 8, _MG: 4, "Compute": 0.3},
}

_AWS = "arn:aws:{svc}:{region}:{account}:"
KINDS: dict[str, ResourceKind] = {
    "ec2": ResourceKind("Instance", _AWS.replace("{svc}", "ec2") + "instance/", "i-0", "long"),
    "ebs": ResourceKind("Volume", _AWS.replace("{svc}", "ec2") + "volume/", "vol-0", "long",
                        name="{app}-{env}-data-"),
    "s3": ResourceKind("Bucket", "arn:aws:s3:::", "{app}-{env}-", "short"),
    "lambda": ResourceKind("Function", _AWS.replace("{svc}", "lambda") + "function:",
                           "{app}-{env}-", "short"),
    "rds": ResourceKind("DB Instance", _AWS.replace("{svc}", "rds") + "db:", "{app}-{env}-db-",
                        "short", name="{app}-{env}-db-"),
    "cloudfront": ResourceKind("Distribution", "arn:aws:cloudfront::{account}:distribution/", "E",
                               "upper", name="{app}-{env}-cdn-"),
    "nat": ResourceKind("NAT Gateway", _AWS.replace("{svc}", "ec2") + "natgateway/", "nat-0",
                        "long", name="{app}-{env}-nat-"),
    "elb": ResourceKind("Load Balancer", _AWS.replace("{svc}", "elasticloadbalancing")
                        + "loadbalancer/app/", "{app}-{env}-alb/", "long", name="{app}-{env}-alb-"),
    "eks": ResourceKind("Cluster", _AWS.replace("{svc}", "eks") + "cluster/", "{app}-{env}-",
                        "short"),
    "dynamodb": ResourceKind("Table", _AWS.replace("{svc}", "dynamodb") + "table/",
                             "{app}-{env}-", "short"),
    "elasticache": ResourceKind("Cache Cluster", _AWS.replace("{svc}", "elasticache") + "cluster:",
                                "{app}-{env}-cache-", "short", name="{app}-{env}-cache-"),
    "athena": ResourceKind("Workgroup", _AWS.replace("{svc}", "athena") + "workgroup/",
                           "{app}-{env}-", "short"),
    "logs": ResourceKind("Log Group", _AWS.replace("{svc}", "logs") + "log-group:/",
                         "{app}/{env}/", "short", name="/{app}/{env}/"),
    "guardduty": ResourceKind("Detector", _AWS.replace("{svc}", "guardduty") + "detector/", "",
                              "long", name="guardduty-{env}-"),
    "bedrock": ResourceKind("Foundation Model", "arn:aws:bedrock:{region}::foundation-model/",
                            "anthropic.claude-3-5-sonnet-20240620-v1:0", "none",
                            name="claude-3-5-sonnet", name_token=False),
    "vm": ResourceKind("Virtual machine", "/subscriptions/{account}/resourceGroups/rg-",
                       "{app}-{env}/providers/Microsoft.Compute/virtualMachines/vm-{app}-{env}-",
                       "short", name="vm-{app}-{env}-"),
    "disk": ResourceKind("Disk", "/subscriptions/{account}/resourceGroups/rg-",
                         "{app}-{env}/providers/Microsoft.Compute/disks/disk-{app}-{env}-",
                         "short", name="disk-{app}-{env}-"),
    "storageaccount": ResourceKind("Storage account", "/subscriptions/{account}/resourceGroups/rg-",
                                   "{app}-{env}/providers/Microsoft.Storage/storageAccounts/st",
                                   "long", name="st"),
    "sqldb": ResourceKind("SQL database", "/subscriptions/{account}/resourceGroups/rg-",
                          "{app}-{env}/providers/Microsoft.Sql/servers/sql-{app}-{env}/databases/"
                          "sqldb-{app}-", "short", name="sqldb-{app}-"),
    "aks": ResourceKind("Kubernetes service", "/subscriptions/{account}/resourceGroups/rg-",
                        "{app}-{env}/providers/Microsoft.ContainerService/managedClusters/aks-{app}-",
                        "short", name="aks-{app}-"),
    "loganalytics": ResourceKind("Log Analytics workspace", "/subscriptions/{account}/"
                                 "resourceGroups/rg-", "{app}-{env}/providers/Microsoft."
                                 "OperationalInsights/workspaces/log-{app}-", "short",
                                 name="log-{app}-"),
    "openai-account": ResourceKind("Azure OpenAI", "/subscriptions/{account}/resourceGroups/rg-",
                                   "{app}-{env}/providers/Microsoft.CognitiveServices/accounts/"
                                   "oai-{app}-", "short", name="oai-{app}-"),
    "functionapp": ResourceKind("Function App", "/subscriptions/{account}/resourceGroups/rg-",
                                "{app}-{env}/providers/Microsoft.Web/sites/func-{app}-", "short",
                                name="func-{app}-"),
    "cosmos": ResourceKind("Azure Cosmos DB account", "/subscriptions/{account}/resourceGroups/rg-",
                           "{app}-{env}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-"
                           "{app}-", "short", name="cosmos-{app}-"),
    "gce": ResourceKind("Compute Engine Instance", "//compute.googleapis.com/projects/{account}/"
                        "zones/{zone}/instances/", "{app}-{env}-", "short"),
    "pd": ResourceKind("Persistent Disk", "//compute.googleapis.com/projects/{account}/zones/"
                       "{zone}/disks/", "{app}-{env}-disk-", "short", name="{app}-{env}-disk-"),
    "gcs": ResourceKind("Cloud Storage Bucket", "//storage.googleapis.com/projects/_/buckets/",
                        "{app}-{env}-", "short"),
    "bigquery": ResourceKind("BigQuery Dataset", "//bigquery.googleapis.com/projects/{account}/"
                             "datasets/", "{app_}_", "short", name="{app_}_"),
    "gke": ResourceKind("GKE Cluster", "//container.googleapis.com/projects/{account}/locations/"
                        "{region}/clusters/", "{app}-{env}-", "short"),
    "cloudsql": ResourceKind("Cloud SQL Instance", "//sqladmin.googleapis.com/projects/{account}/"
                             "instances/", "{app}-{env}-pg-", "short", name="{app}-{env}-pg-"),
    "logbucket": ResourceKind("Log Bucket", "//logging.googleapis.com/projects/{account}/"
                              "locations/global/buckets/", "{app}-", "short", name="{app}-"),
    "vertex": ResourceKind("Vertex AI Endpoint", "//aiplatform.googleapis.com/projects/{account}/"
                           "locations/{region}/endpoints/", "", "long", name="{app}-gemini-"),
    "cloudrun": ResourceKind("Cloud Run Service", "//run.googleapis.com/projects/{account}/"
                             "locations/{region}/services/", "{app}-{env}-", "short"),
    "apikey": ResourceKind("API Key", "", "key_", "long", name="{app}-{env}-key-"),
    "antkey": ResourceKind("API Key", "", "apikey_01", "long", name="{app}-{env}-"),
    "ddhost": ResourceKind("Host", "", "i-0", "long", name="{app}-{env}-host-"),
    "ddindex": ResourceKind("Log Index", "", "{app}-{env}", "none", name="{app}-{env}",
                            name_token=False),
    "ddservice": ResourceKind("APM Service", "", "{app}-{env}", "none", name="{app}",
                              name_token=False),
    "warehouse": ResourceKind("Warehouse", "{account_name}.", "{APP}_WH", "none",
                              name="{APP}_WH", name_token=False),
    "sfdb": ResourceKind("Database", "{account_name}.", "{APP}_DB", "none", name="{APP}_DB",
                         name_token=False),
}

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
