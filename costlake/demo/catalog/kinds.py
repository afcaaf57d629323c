"""How each kind of resource spells its id and name, provider by provider.

Real-looking ids (ARNs, Azure resource paths, GCP full resource names) are what makes the demo
useful for testing parsers and allocation rules, so each kind copies its provider's format.
"""

from __future__ import annotations

from costlake.demo.catalog.model import ResourceKind

# fmt: off
# The tables below are data: one entry per line reads better than one field per line.

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
# fmt: on
