"""Who bills the demo company, and how it is organised: regions, providers, accounts, apps.

Sub-account weights and regions decide where the demo's resources live; profiles decide which
apps run there, how they are tagged, and which service categories they lean towards.
"""

from __future__ import annotations

from costlake.demo.catalog.model import CATEGORY_AI as _AI
from costlake.demo.catalog.model import CATEGORY_MG as _MG
from costlake.demo.catalog.model import App, BillingAccount, Provider, Region, SubAccount

# fmt: off
# The tables below are data: one entry per line reads better than one field per line.

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

# Relative weight of a service category per sub-account profile (1 when absent).
AFFINITY: dict[str, dict[str, float]] = {
    "staging": {"Storage": 0.6, "Networking": 0.4, "Analytics": 0.3, _AI: 0.3},
    "dev": {"Compute": 1.4, "Storage": 0.6, "Networking": 0.3, "Databases": 0.6, "Analytics": 0.3},
    "data": {"Analytics": 5, "Databases": 3, "Storage": 2, "Compute": 0.8, "Networking": 0.4},
    "ml": {_AI: 6, "Compute": 1.3, "Storage": 1.5, "Networking": 0.3},
    "shared": {"Networking": 5, _MG: 3, "Security": 2, "Compute": 0.5},
    "security": {"Security": 8, _MG: 4, "Compute": 0.3},
}
# fmt: on
