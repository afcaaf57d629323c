"""Lookup tables for the AWS CUR adapters: raw column names, service categories, regions.

Plain data, kept apart from the FOCUS rules in ``_aws_common`` so the rules read as code and the
tables can grow (AWS adds product codes and regions every year) without touching them.

No adapter registers here: this module only holds data.
"""

from __future__ import annotations

Source = str | tuple[str, str]
"""A raw column name, or (map column, key) for CUR 2.0's ``product`` map."""

# logical field -> (legacy CUR names, CUR 2.0 / Athena names), in preference order.
# fmt: off
FIELDS: dict[str, tuple[tuple[Source, ...], tuple[Source, ...]]] = {
    "type": (("lineItem/LineItemType",), ("line_item_line_item_type",)),
    "unblended_cost": (("lineItem/UnblendedCost",), ("line_item_unblended_cost",)),
    "unblended_rate": (("lineItem/UnblendedRate",), ("line_item_unblended_rate",)),
    "usage_amount": (("lineItem/UsageAmount",), ("line_item_usage_amount",)),
    "usage_start": (("lineItem/UsageStartDate",), ("line_item_usage_start_date",)),
    "usage_end": (("lineItem/UsageEndDate",), ("line_item_usage_end_date",)),
    "product_code": (("lineItem/ProductCode",), ("line_item_product_code",)),
    "usage_type": (("lineItem/UsageType",), ("line_item_usage_type",)),
    "availability_zone": (("lineItem/AvailabilityZone",), ("line_item_availability_zone",)),
    "resource_id": (("lineItem/ResourceId",), ("line_item_resource_id",)),
    "currency": (("lineItem/CurrencyCode",), ("line_item_currency_code",)),
    "description": (("lineItem/LineItemDescription",), ("line_item_line_item_description",)),
    "legal_entity": (("lineItem/LegalEntity",), ("line_item_legal_entity",)),
    "usage_account": (("lineItem/UsageAccountId",), ("line_item_usage_account_id",)),
    "usage_account_name": (("lineItem/UsageAccountName",), ("line_item_usage_account_name",)),
    "payer_account": (("bill/PayerAccountId",), ("bill_payer_account_id",)),
    "payer_account_name": (("bill/PayerAccountName",), ("bill_payer_account_name",)),
    "invoice_id": (("bill/InvoiceId",), ("bill_invoice_id",)),
    "invoicing_entity": (("bill/InvoicingEntity",), ("bill_invoicing_entity",)),
    "billing_entity": (("bill/BillingEntity",), ("bill_billing_entity",)),
    "bill_type": (("bill/BillType",), ("bill_bill_type",)),
    "period_start": (("bill/BillingPeriodStartDate",), ("bill_billing_period_start_date",)),
    "period_end": (("bill/BillingPeriodEndDate",), ("bill_billing_period_end_date",)),
    "product_name": (("product/ProductName", "product/servicename"),
                     ("product_product_name", ("product", "product_name"),
                      "product_servicename", ("product", "servicename"))),
    "product_family": (("product/productFamily",),
                       ("product_product_family", ("product", "product_family"))),
    "region_code": (("product/regionCode",), ("product_region_code",)),
    "region": (("product/region",), ("product_region", ("product", "region"))),
    "from_region_code": (("product/fromRegionCode",), ("product_from_region_code",)),
    "location": (("product/location",), ("product_location",)),
    "location_type": (("product/locationType",), ("product_location_type",)),
    "sku": (("product/sku",), ("product_sku",)),
    "instance_type": (("product/instanceType",),
                      ("product_instance_type", ("product", "instance_type"))),
    "rate_code": (("pricing/RateCode",), ("pricing_rate_code",)),
    "rate_id": (("pricing/RateId",), ("pricing_rate_id",)),
    "pricing_currency": (("pricing/currency",), ("pricing_currency",)),
    "public_cost": (("pricing/publicOnDemandCost",), ("pricing_public_on_demand_cost",)),
    "public_rate": (("pricing/publicOnDemandRate",), ("pricing_public_on_demand_rate",)),
    "term": (("pricing/term",), ("pricing_term",)),
    "purchase_option": (("pricing/PurchaseOption",), ("pricing_purchase_option",)),
    "pricing_unit": (("pricing/unit",), ("pricing_unit",)),
    "ri_arn": (("reservation/ReservationARN",),
               ("reservation_reservation_a_r_n", "reservation_reservation_arn")),
    "ri_effective_cost": (("reservation/EffectiveCost",), ("reservation_effective_cost",)),
    "ri_unused_upfront": (("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",),
                          ("reservation_unused_amortized_upfront_fee_for_billing_period",)),
    "ri_unused_recurring": (("reservation/UnusedRecurringFee",),
                            ("reservation_unused_recurring_fee",)),
    "sp_arn": (("savingsPlan/SavingsPlanARN",),
               ("savings_plan_savings_plan_a_r_n", "savings_plan_savings_plan_arn")),
    "sp_effective_cost": (("savingsPlan/SavingsPlanEffectiveCost",),
                          ("savings_plan_savings_plan_effective_cost",)),
    "sp_total_commitment": (("savingsPlan/TotalCommitmentToDate",),
                            ("savings_plan_total_commitment_to_date",)),
    "sp_used_commitment": (("savingsPlan/UsedCommitment",), ("savings_plan_used_commitment",)),
}
# fmt: on

# Without these a row cannot become FOCUS; select() names the first one missing.
REQUIRED = ("type", "unblended_cost", "usage_start", "usage_end", "period_start", "period_end",
             "payer_account", "currency", "product_code")  # fmt: skip

# ServiceCategory by lineItem/ProductCode, one FOCUS 1.2 category per line; unknown codes
# are Other. Written as text so the table stays one screen long.
_SERVICE_TABLE = """
Compute: AmazonEC2 AWSLambda AmazonECS AmazonEKS AmazonECR AmazonECRPublic AWSAppRunner
  AmazonLightsail AWSOutposts AWSBatch VMwareCloudOnAWS SimSpaceWeaver AmazonWorkSpaces
  AmazonAppStream ComputeSavingsPlans AWSElasticBeanstalk
Storage: AmazonS3 AmazonEFS AmazonFSx AmazonGlacier AmazonEBS AmazonS3GlacierDeepArchive
  AWSBackup AWSStorageGateway AWSStorageGatewayDeepArchive AWSElasticDisasterRecovery
  IngestionServiceSnowball SnowballExtraDays
Databases: AmazonRDS AmazonDynamoDB AmazonElastiCache AmazonRedshift AmazonDocDB AmazonNeptune
  AmazonMemoryDB AmazonTimestream AmazonMCS AmazonQLDB DatabaseSavingsPlans
Networking: AWSDataTransfer AmazonCloudFront AmazonVPC AWSELB AmazonRoute53 AWSDirectConnect
  AWSGlobalAccelerator AmazonApiGateway AWSCloudMap AWSCloudWAN AWSNetworkFirewall
  AWSPrivate5G AWSVPN
Analytics: AmazonAthena AWSGlue ElasticMapReduce AmazonKinesis AmazonKinesisFirehose
  AmazonKinesisAnalytics AmazonES AmazonQuickSight AmazonMSK AWSLakeFormation AWSDataExchange
  AmazonCloudSearch datapipeline AmazonFinSpace AWSCleanRooms AmazonDataZone
AI and Machine Learning: AmazonSageMaker AmazonBedrock AmazonRekognition AmazonTextract
  comprehend transcribe translate AmazonPolly AmazonLex AmazonKendra AmazonPersonalize
  AmazonForecast AmazonFraudDetector AmazonLookoutMetrics AmazonLookoutVision
  AmazonLookoutEquipment AmazonQ AmazonCodeWhisperer AmazonDevOpsGuru AmazonA2I
  AmazonHealthLake MachineLearningSavingsPlans
Integration: AWSQueueService AmazonSNS AmazonMQ AmazonStates AWSEvents AmazonMWAA AppFlow
  AWSAppSync AWSAppFabric
Management and Governance: AmazonCloudWatch AWSCloudTrail AWSConfig AWSCloudFormation
  AWSSystemsManager AWSServiceCatalog AWSCostExplorer AWSBudgets AWSBillingConductor
  AmazonGrafana AmazonPrometheus OpsWorks AWSResilienceHub AWSSupportBusiness
  AWSSupportEnterprise AWSDeveloperSupport
Developer Tools: AWSCodeCommit AWSCodePipeline CodeBuild AWSCodeDeploy AWSCodeArtifact
  CodeCatalyst CodeGuru AWSXRay AWSCloudShell AWSCloud9
Security: awskms AWSSecretsManager AWSCertificateManager AmazonGuardDuty AmazonInspector
  AmazonInspectorV2 AmazonMacie AWSSecurityHub AWSShield awswaf AWSFMS AmazonDetective
  CloudHSM AmazonSecurityLake auditmanager
Identity: AmazonCognito AmazonCognitoSync AWSDirectoryService AmazonVerifiedPermissions
Internet of Things: AWSIoT AWSGreengrass AWSIoTAnalytics AWSIoTEvents AWSIoTSiteWise
  AWSIoTFleetWise IoTDeviceDefender IoTDeviceManagement IoTTwinMaker AWSIoT1Click
Media: AWSElementalMediaConvert AWSElementalMediaLive AWSElementalMediaPackage
  AWSElementalMediaStore AWSElementalMediaTailor AWSMediaConnect AmazonIVS AmazonKinesisVideo
  AmazonETS
Migration: AWSDatabaseMigrationSvc AWSDataSync AWSTransfer AWSApplicationMigrationSvc
  AWSMigrationHubRefactorSpaces AWSM2
Business Applications: AmazonSES AmazonConnect ContactLensAmazonConnect AmazonChime
  AmazonWorkMail AmazonWorkDocs AmazonPinpoint AmazonHoneycode
Mobile: AWSAmplify AWSDeviceFarm
Other: AmazonBraket AWSGroundStation AWSRoboMaker AmazonManagedBlockchain
"""


def _parse_table(text: str) -> dict[str, str]:
    """``Category: code code`` lines (indented ones continue the previous) -> code: category."""
    table: dict[str, str] = {}
    category = ""
    for line in text.strip().splitlines():
        if not line.startswith(" "):
            category, line = line.split(":", 1)
        table.update(dict.fromkeys(line.split(), category))
    return table


SERVICE_CATEGORY: dict[str, str] = _parse_table(_SERVICE_TABLE)
# EC2's product code also bills EBS volumes and snapshots, and VPC plumbing.
EC2_FAMILY_CATEGORY: dict[str, str] = {"Storage": "Storage", "Storage Snapshot": "Storage",
                                       "System Operation": "Storage",
                                       "Provisioned Throughput": "Storage",
                                       "NAT Gateway": "Networking", "IP Address": "Networking",
                                       "Data Transfer": "Networking"}  # fmt: skip

# Region of a usage type's prefix (``USW2-DataTransfer-Out-Bytes``), used when the product
# columns name no region.
_REGION_TABLE = """
USE1=us-east-1 USE2=us-east-2 USW1=us-west-1 USW2=us-west-2 CAN1=ca-central-1 SAE1=sa-east-1
EUC1=eu-central-1 EUC2=eu-central-2 EUW1=eu-west-1 EUW2=eu-west-2 EUW3=eu-west-3
EUN1=eu-north-1 EUS1=eu-south-1 EUS2=eu-south-2 APN1=ap-northeast-1 APN2=ap-northeast-2
APN3=ap-northeast-3 APS1=ap-southeast-1 APS2=ap-southeast-2 APS3=ap-south-1
APS4=ap-southeast-3 APS5=ap-south-2 APS6=ap-southeast-4 APE1=ap-east-1 MES1=me-south-1
MEC1=me-central-1 AFS1=af-south-1 ILC1=il-central-1 UGW1=us-gov-west-1 UGE1=us-gov-east-1
"""
USAGE_TYPE_REGIONS: dict[str, str] = dict(p.split("=", 1) for p in _REGION_TABLE.split())
