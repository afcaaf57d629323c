"""Google Cloud billing export (BigQuery standard or detailed usage cost) -> FOCUS.

Read from JSON lines or Parquet (nested records) or CSV (flattened ``service.description``
columns, repeated records as JSON text); ``_gcp_fields.Fields`` hides the difference.

Credits are netted, as Google's own FOCUS view does: BilledCost = EffectiveCost = ``cost`` +
the sum of ``credits.amount`` (credits are negative), ContractedCost = ``cost`` (negotiated
price, before credits) and ListCost = ``cost_at_list``. So ContractedCost - EffectiveCost is
what credits saved, row by row. Committed-use discounts show as CommitmentDiscount* columns
taken from the CUD credit. BillingPeriodStart is ``invoice.month``. See docs/ingest/gcp.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats import _native as n
from costlake.ingest.formats._gcp_fields import Field, Fields
from costlake.ingest.formats._gcp_tables import REGION_NAMES, SERVICE_CATEGORY
from costlake.ingest.registry import register
from costlake.ingest.sql import ISO_FORMATS, MONEY_SQL, Expr, lit, nullif_blank

GCP_FORMATS = ISO_FORMATS + ("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S.%f UTC")
_GCP_ONLY = (
    "sku.id",
    "sku.description",
    "project.id",
    "invoice.month",
    "cost_type",
    "credits",
    "labels",
    "system_labels",
    "location.region",
    "usage.amount",
    "usage.unit",
    "currency_conversion_rate",
    "export_time",
    "cost_at_list",
    "usage_end_time",
)
_CREDIT_KEYS = ("name", "amount", "full_name", "id", "type")
_CUD_TYPES = ("COMMITTED_USAGE_DISCOUNT", "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE")
# Lowest precedence first: a resource label overrides a project label of the same key.
_LABEL_SOURCES = (
    ("project.labels", ("key", "value")),
    ("system_labels", ("key", "value")),
    ("tags", ("key", "value")),
    ("labels", ("key", "value")),
)
_ADJUSTMENT_INFO = (
    "adjustment_info.id",
    "adjustment_info.type",
    "adjustment_info.mode",
    "adjustment_info.description",
)


class GcpAdapter:
    name: ClassVar[str] = "gcp"
    description: ClassVar[str] = (
        "Google Cloud billing export, standard or detailed (JSON lines, Parquet or flattened CSV)"
    )
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        f = Fields(columns)
        if n.is_focus(columns):
            return 0
        if not all(f.has(p) for p in ("billing_account_id", "cost", "usage_start_time")):
            return 0
        if not (f.has("service.description") or f.has("service.id")):
            return 0
        return min(90, 60 + 2 * sum(1 for p in _GCP_ONLY if f.has(p)))

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        f = Fields(columns)
        cost = self._cost(columns)
        credits, credits_raw = self._credits(f)
        amounts = (
            "list_transform("
            + credits
            + ", lambda cr: coalesce(TRY_CAST(cr.amount AS "
            + MONEY_SQL
            + "), CASE WHEN cr.amount IS NULL THEN 0 END))"
        )
        credit_sum = (
            f"CASE WHEN list_count({amounts}) = len({amounts}) "
            f"THEN coalesce(list_sum({amounts}), 0) END"
        )
        net = Expr(f"{cost.sql} + {credit_sum}", self._net_raw(cost, credits, credits_raw))

        cost_type = f"lower(replace({f.text('cost_type')}, '_', ' '))"
        regular = f"(coalesce({cost_type}, 'regular') = 'regular')"
        sku = f.text("sku.description")
        commitment_fee = f"({regular} AND lower({sku}) LIKE 'commitment%')"
        cud = (
            f"list_filter({credits}, lambda cr: upper(cr.type) IN "
            f"({', '.join(lit(t) for t in _CUD_TYPES)}))[1]"
        )
        start = self._timestamp(f, "usage_start_time", required=True)
        assert start is not None  # required: absent raises
        end = self._timestamp(f, "usage_end_time", required=False)
        month = f.text("invoice.month")
        period_start = Expr(
            f"coalesce(CAST(TRY_STRPTIME({month}, '%Y%m') AS TIMESTAMP), "
            f"{n.month_start(start.sql)})",
            start.raw if month == "NULL" else month,
        )
        seller = (
            f"(CASE WHEN coalesce(upper({f.text('transaction_type')}), 'GOOGLE') "
            f"LIKE 'GOOGLE%' THEN 'Google Cloud' ELSE coalesce({f.text('seller_name')}, "
            "'Google Cloud') END)"
        )
        region = f.text("location.region")
        resource = f.text("resource.global_name")
        service = f.text("service.description")
        project = f.text("project.id")

        return {
            "BilledCost": net,
            "EffectiveCost": net,
            "ContractedCost": cost,
            "ListCost": self._or(self._money(f, "cost_at_list"), cost),
            "ContractedUnitPrice": self._money(f, "price.effective_price"),
            "PricingQuantity": self._first_money(
                f, "usage.amount_in_pricing_units", "price.pricing_unit_quantity"
            ),
            "PricingUnit": Expr(
                f"coalesce({f.text('usage.pricing_unit')}, {f.text('price.unit')})"
            ),
            "ConsumedQuantity": Expr(
                f"CASE WHEN {regular} THEN {self._money(f, 'usage.amount').sql} END"
            ),
            "ConsumedUnit": Expr(f"CASE WHEN {regular} THEN {f.text('usage.unit')} END"),
            "BillingAccountId": self._required_text(f, "billing_account_id"),
            "BillingCurrency": self._required_text(f, "currency"),
            "BillingPeriodStart": period_start,
            "BillingPeriodEnd": Expr(n.next_month(period_start.sql), period_start.raw),
            "ChargePeriodStart": start,
            "ChargePeriodEnd": n.end_or_default(end, start, "1 HOUR"),
            "ChargeCategory": Expr(
                f"CASE WHEN {cost_type} = 'tax' THEN 'Tax' "
                f"WHEN {cost_type} IN ('adjustment', 'rounding error') THEN 'Adjustment' "
                f"WHEN {commitment_fee} THEN 'Purchase' ELSE 'Usage' END"
            ),
            "ChargeClass": self._charge_class(f),
            "ChargeFrequency": Expr(
                f"CASE WHEN {commitment_fee} THEN 'Recurring' WHEN {regular} THEN 'Usage-Based' END"
            ),
            "ChargeDescription": Expr(sku),
            "PricingCategory": Expr(
                f"CASE WHEN NOT {regular} THEN NULL "
                f"WHEN ({cud}) IS NOT NULL OR {commitment_fee} THEN 'Committed' "
                f"WHEN lower({sku}) LIKE '%spot%' OR lower({sku}) LIKE '%preemptible%' "
                "THEN 'Dynamic' ELSE 'Standard' END"
            ),
            "CommitmentDiscountId": Expr(
                f"coalesce({f.text('subscription.instance_id')}, ({cud}).id)"
            ),
            "CommitmentDiscountName": Expr(f"coalesce(({cud}).full_name, ({cud}).name)"),
            "CommitmentDiscountCategory": Expr(
                f"CASE upper(({cud}).type) WHEN {lit(_CUD_TYPES[1])} THEN 'Spend' "
                f"WHEN {lit(_CUD_TYPES[0])} THEN 'Usage' END"
            ),
            "CommitmentDiscountType": Expr(
                f"CASE WHEN ({cud}) IS NOT NULL THEN 'Committed Use Discount' END"
            ),
            "CommitmentDiscountStatus": Expr(f"CASE WHEN ({cud}) IS NOT NULL THEN 'Used' END"),
            "ProviderName": sql.constant("Google Cloud"),
            "PublisherName": Expr(seller),
            "InvoiceIssuerName": sql.constant("Google Cloud"),
            "ServiceProviderName": Expr(seller),
            "HostProviderName": sql.constant("Google Cloud"),
            "ServiceName": Expr(f"coalesce({service}, {f.text('service.id')}, 'Google Cloud')"),
            "ServiceCategory": Expr(n.lookup(service, SERVICE_CATEGORY, "'Other'")),
            "SkuId": Expr(f.text("sku.id")),
            "SubAccountId": Expr(project),
            "SubAccountName": Expr(f.text("project.name")),
            "SubAccountType": Expr(f"CASE WHEN {project} IS NOT NULL THEN 'Project' END"),
            "RegionId": Expr(region),
            "RegionName": Expr(n.lookup(region, REGION_NAMES, region)),
            "AvailabilityZone": Expr(f.text("location.zone")),
            "ResourceId": Expr(resource),
            "ResourceName": Expr(f.text("resource.name")),
            "ResourceType": Expr(f"NULLIF(regexp_extract({resource}, '/([^/]+)/[^/]+$', 1), '')"),
            "Tags": self._tags(f),
        }

    # -- pieces ------------------------------------------------------------------------------

    @staticmethod
    def _cost(columns: RawColumns) -> Expr:
        found = columns.find("cost")
        if found is None:
            raise MalformedFile("GCP billing export has no cost column", column="cost")
        return sql.money_or_zero(found, columns.types[found])

    @staticmethod
    def _net_raw(cost: Expr, credits: str, credits_raw: str | None) -> str:
        """The raw text to show when the net cost cannot be computed: the credits' JSON when
        it does not parse (CSV), else the first credit amount that is not a number, else the
        cost. Nested credits (JSON lines, Parquet) have no JSON text of their own."""
        bad_amount = (
            f"list_filter({credits}, lambda cr: cr.amount IS NOT NULL AND "
            f"TRY_CAST(cr.amount AS {MONEY_SQL}) IS NULL)[1].amount"
        )
        bad_json = (
            f"CASE WHEN {credits_raw} IS NOT NULL AND ({credits}) IS NULL THEN {credits_raw} END"
            if credits_raw
            else "NULL"
        )
        return f"coalesce({bad_json}, {bad_amount}, {cost.raw or 'NULL'})"

    @staticmethod
    def _money(f: Fields, path: str) -> Expr:
        field = f.get(path)
        if field is None:
            return Expr("NULL")
        raw = nullif_blank(field.sql) if field.is_text else None
        return Expr(sql.money_sql(field.sql, field.type), raw)

    @staticmethod
    def _or(value: Expr, fallback: Expr) -> Expr:
        """``value``, or ``fallback`` where the file has no value (a bad value stays an error)."""
        absent = "true" if value.raw is None else f"({value.raw}) IS NULL"
        return Expr(f"coalesce({value.sql}, CASE WHEN {absent} THEN {fallback.sql} END)", value.raw)

    @classmethod
    def _first_money(cls, f: Fields, *paths: str) -> Expr:
        found = [cls._money(f, p) for p in paths if f.has(p)]
        return found[0] if found else Expr("NULL")

    @staticmethod
    def _required_text(f: Fields, path: str) -> Expr:
        if not f.has(path):
            raise MalformedFile(f"GCP billing export has no {path} field", column=path)
        return Expr(f.text(path))

    @staticmethod
    def _timestamp(f: Fields, path: str, *, required: bool) -> Expr | None:
        field: Field | None = f.get(path)
        if field is None:
            if required:
                raise MalformedFile(f"GCP billing export has no {path} field", column=path)
            return None
        if field.is_text:
            return Expr(sql.timestamp_sql(field.sql, GCP_FORMATS), nullif_blank(field.sql))
        return Expr(sql.timestamp_sql(field.sql, type_=field.type))

    @staticmethod
    def _credits(f: Fields) -> tuple[str, str | None]:
        """The credits as a list of VARCHAR records, and their raw JSON text (CSV only)."""
        found = f.records("credits", _CREDIT_KEYS)
        if found is None:
            return (
                "CAST([] AS STRUCT(name VARCHAR, amount VARCHAR, full_name VARCHAR, "
                "id VARCHAR, type VARCHAR)[])",
                None,
            )
        records, raw = found
        return (records if raw else f"coalesce({records}, [])"), raw

    @staticmethod
    def _charge_class(f: Fields) -> Expr:
        present = [f.text(p) for p in _ADJUSTMENT_INFO if f.has(p)]
        if not present:
            return Expr("NULL")
        return Expr(f"CASE WHEN coalesce({', '.join(present)}) IS NOT NULL THEN 'Correction' END")

    @staticmethod
    def _tags(f: Fields) -> Expr:
        """Project labels, system labels, resource tags and labels merged into one JSON object."""
        maps: list[str] = []
        bad: list[tuple[str, str]] = []
        for path, keys in _LABEL_SOURCES:
            field = f.get(path)
            if field is None:
                continue
            if field.type.upper().startswith("MAP"):
                maps.append(f"CAST({field.sql} AS MAP(VARCHAR, VARCHAR))")
                continue
            found = f.records(path, keys)
            if found is None:
                continue
            records, raw = found
            entries = (
                f"map_from_entries(list_filter(list_transform(coalesce({records}, []), "
                "lambda l: struct_pack(k := l.key, v := l.value)), "
                "lambda l: l.k IS NOT NULL))"
            )
            if raw is None:
                maps.append(entries)
                continue
            as_object = (
                f"TRY_CAST(json_transform(TRY_CAST({raw} AS JSON), "
                "'\"MAP(VARCHAR, VARCHAR)\"') AS MAP(VARCHAR, VARCHAR))"
            )
            parsed = f"(CASE WHEN left({raw}, 1) = '{{' THEN {as_object} ELSE {entries} END)"
            maps.append(parsed)
            bad.append((f"({raw} IS NOT NULL AND {parsed} IS NULL)", raw))
        if not maps:
            return Expr("NULL")
        merged = sql.tags_json(f"map_concat({', '.join(maps)})" if len(maps) > 1 else maps[0])
        if not bad:
            return Expr(merged)
        whens = " ".join(f"WHEN {cond} THEN {raw}" for cond, raw in bad)
        any_bad = " OR ".join(cond for cond, _ in bad)
        return Expr(f"CASE WHEN {any_bad} THEN NULL ELSE {merged} END", f"CASE {whens} END")


register(GcpAdapter())
