"""AWS Cost and Usage Report line items -> FOCUS, shared by the legacy CUR and CUR 2.0 adapters.

Both dialects carry the same facts under different names (``lineItem/UnblendedCost`` versus
``line_item_unblended_cost``), so the FOCUS rules live here once: charge category from the line
item type, amortised effective cost, commitment discount columns, pricing category, region and
service category. An adapter only says which raw names it reads (``LEGACY`` or ``CUR2``) and
how it reads tags. The rules follow the FinOps Foundation's published AWS conversion configs
(``finopsfoundation/focus_converters``) and AWS's own FOCUS export; docs/ingest/aws.md gives the
table column by column and the choices where we differ.

No adapter registers here: this module only builds SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import RawColumns
from costlake.ingest.formats._aws_tables import (
    EC2_FAMILY_CATEGORY,
    FIELDS,
    REQUIRED,
    SERVICE_CATEGORY,
    USAGE_TYPE_REGIONS,
    Source,
)
from costlake.ingest.sql import Expr, ident, lit, nullif_blank

# The raw names each dialect reads, by logical field (``FIELDS`` in ``_aws_tables``).
LEGACY: dict[str, tuple[Source, ...]] = {k: v[0] for k, v in FIELDS.items()}
CUR2: dict[str, tuple[Source, ...]] = {k: v[1] for k, v in FIELDS.items()}

# Line item types, grouped by the FOCUS ChargeCategory they become. Any other type is an
# Adjustment (the one FOCUS category that means "none of the others").
COVERED_USAGE = ("DiscountedUsage", "SavingsPlanCoveredUsage")
USAGE = ("Usage", *COVERED_USAGE, "SavingsPlanNegation")
PURCHASE = ("Fee", "RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee")
USAGE_DISCOUNTS = ("BundledDiscount", "EdpDiscount", "PrivateRateDiscount", "Discount",
                   "DistributorDiscount", "SppDiscount")  # fmt: skip
CREDIT = ("Credit", "Refund", *USAGE_DISCOUNTS)

_REGION_RE = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+"
AMAZON = "Amazon Web Services, Inc."


class AwsColumns:
    """The logical CUR fields of one raw file, as DuckDB SQL over ``raw``.

    A field whose column is absent reads as NULL, so one rule set serves exports with and
    without the reservation / savings plan / product columns (AWS leaves out what a payer
    never used).
    """

    def __init__(self, raw: RawColumns, names: Mapping[str, tuple[Source, ...]]) -> None:
        self.raw = raw
        self.names = names

    def sources(self, field: str) -> list[tuple[str, str | None]]:
        """(real column name, map key or None) for each source of ``field`` in the file."""
        found: list[tuple[str, str | None]] = []
        for source in self.names[field]:
            column, key = (source, None) if isinstance(source, str) else source
            real = self.raw.find(column)
            if real is not None:
                found.append((real, key))
        return found

    def column(self, field: str) -> str | None:
        """The first plain (non-map) column carrying ``field``."""
        return next((c for c, key in self.sources(field) if key is None), None)

    def has(self, field: str) -> bool:
        return bool(self.sources(field))

    def known(self) -> int:
        """How many logical fields this file carries (detection confidence)."""
        return sum(1 for f in self.names if self.has(f))

    def require(self) -> None:
        for field in REQUIRED:
            if not self.has(field):
                raise MalformedFile(
                    f"AWS CUR column {self.names[field][0]} is missing",
                    column=str(self.names[field][0]),
                )

    def text(self, field: str) -> str:
        parts = [self._text_of(c, key) for c, key in self.sources(field)]
        if not parts:
            return "NULL"
        return parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"

    def _text_of(self, column: str, key: str | None) -> str:
        if key is None:
            return nullif_blank(ident(column))
        if self.raw.types[column].upper().startswith("MAP"):
            return nullif_blank(f"{ident(column)}[{lit(key)}]")
        path = lit(f'$."{key}"')
        return nullif_blank(
            f"CASE WHEN json_valid({ident(column)}) "
            f"THEN json_extract_string({ident(column)}, {path}) END"
        )

    def blank(self, field: str) -> str:
        """SQL that is true when the field is absent or blank on a row."""
        column = self.column(field)
        return "TRUE" if column is None else f"({nullif_blank(ident(column))} IS NULL)"

    def money(self, field: str) -> Expr:
        """An exact decimal, NULL when blank; text that does not convert is reported."""
        column = self.column(field)
        return Expr("NULL") if column is None else sql.money(column, self.raw.types[column])

    def amount(self, field: str) -> Expr:
        """Like ``money`` but blank or absent reads as 0 (AWS leaves zero amounts empty)."""
        column = self.column(field)
        return Expr("0") if column is None else sql.money_or_zero(column, self.raw.types[column])

    def timestamp(self, field: str) -> Expr:
        column = self.column(field)
        if column is None:
            return Expr("NULL")
        return sql.timestamp(column, type_=self.raw.types[column])


def _in(sql_: str, values: Iterable[str]) -> str:
    return f"{sql_} IN ({', '.join(lit(v) for v in values)})"


def _raw_sql(e: Expr) -> str:
    return e.raw if e.raw is not None else "NULL"


def _case(cases: list[tuple[str, Expr]], default: Expr | None = None) -> Expr:
    """A CASE over Exprs that keeps, per row, the raw text of the branch it took."""
    whens = " ".join(f"WHEN {cond} THEN {e.sql}" for cond, e in cases)
    raws = " ".join(f"WHEN {cond} THEN {_raw_sql(e)}" for cond, e in cases)
    other = default or Expr("NULL")
    raw_else = _raw_sql(other)
    has_raw = any(e.raw for _, e in cases) or other.raw is not None
    return Expr(
        f"CASE {whens} ELSE {other.sql} END",
        f"CASE {raws} ELSE {raw_else} END" if has_raw else None,
    )


def _combine(a: Expr, op: str, b: Expr) -> Expr:
    raws = [r for r in (a.raw, b.raw) if r is not None]
    raw = f"NULLIF(concat_ws(' {op} ', {', '.join(raws)}), '')" if raws else None
    return Expr(f"(({a.sql}) {op} ({b.sql}))", raw)


def _region(cols: AwsColumns) -> str:
    def valid(text: str) -> str:
        return f"CASE WHEN regexp_full_match({text}, {lit(_REGION_RE)}) THEN {text} END"

    az = cols.text("availability_zone")
    prefix = f"regexp_extract({cols.text('usage_type')}, '^([A-Z]{{3}}[0-9])-', 1)"
    table = ", ".join(f"{lit(k)}: {lit(v)}" for k, v in sorted(USAGE_TYPE_REGIONS.items()))
    return (
        f"COALESCE({valid(cols.text('region_code'))}, {valid(cols.text('region'))}, "
        f"{valid(cols.text('from_region_code'))}, "
        f"NULLIF(regexp_extract({az}, {lit('^(' + _REGION_RE + ')')}, 1), ''), "
        f"MAP {{{table}}}[{prefix}])"
    )


def _service_category(cols: AwsColumns) -> str:
    code, family = cols.text("product_code"), cols.text("product_family")
    ec2 = " ".join(f"WHEN {lit(f)} THEN {lit(c)}" for f, c in EC2_FAMILY_CATEGORY.items())
    codes = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in sorted(SERVICE_CATEGORY.items()))
    return (
        f"COALESCE(CASE WHEN {code} = 'AmazonEC2' THEN CASE {family} {ec2} END END, "
        f"CASE {code} {codes} ELSE 'Other' END)"
    )


def focus_columns(cols: AwsColumns, tags: Expr) -> dict[str, Expr]:
    """Every FOCUS column a CUR line item fills, as SQL over the raw relation."""
    cols.require()
    t = cols.text("type")
    category = (
        f"CASE WHEN {_in(t, USAGE)} THEN 'Usage' WHEN {_in(t, PURCHASE)} THEN 'Purchase' "
        f"WHEN {t} = 'Tax' THEN 'Tax' WHEN {_in(t, CREDIT)} THEN 'Credit' "
        f"WHEN {t} IS NOT NULL THEN 'Adjustment' END"
    )
    out = {"ChargeCategory": Expr(category)}
    out |= _identity(cols)
    out |= _costs(cols, t)
    out |= _commitment(cols, t)
    out |= _pricing(cols, t, category, out["CommitmentDiscountId"].sql)
    start, period_start = cols.timestamp("usage_start"), cols.timestamp("period_start")
    out |= {
        "ChargePeriodStart": start,
        "ChargePeriodEnd": cols.timestamp("usage_end"),
        "BillingPeriodStart": period_start,
        "BillingPeriodEnd": cols.timestamp("period_end"),
        # A charge for time before its billing period corrects an earlier invoice.
        "ChargeClass": Expr(f"CASE WHEN {start.sql} < {period_start.sql} THEN 'Correction' END"),
        "ChargeFrequency": Expr(
            f"CASE WHEN {_in(t, (*USAGE, *USAGE_DISCOUNTS))} THEN 'Usage-Based' "
            f"WHEN {_in(t, ('RIFee', 'SavingsPlanRecurringFee'))} THEN 'Recurring' "
            f"WHEN {_in(t, ('SavingsPlanUpfrontFee', 'Credit', 'Refund'))} THEN 'One-Time' "
            # A fee or tax on the monthly (anniversary) bill recurs; an RI's upfront fee and
            # anything on a purchase bill happens once.
            f"WHEN {_in(t, ('Fee', 'Tax'))} THEN CASE WHEN {cols.text('ri_arn')} IS NULL "
            f"AND {cols.text('bill_type')} = 'Anniversary' THEN 'Recurring' "
            "ELSE 'One-Time' END END"
        ),
        "Tags": tags,
    }
    return out


def _identity(cols: AwsColumns) -> dict[str, Expr]:
    legal, entity = cols.text("legal_entity"), cols.text("billing_entity")
    region = _region(cols)
    location_type = cols.text("location_type")
    instance_type = cols.text("instance_type")
    return {
        "BillingAccountId": Expr(cols.text("payer_account")),
        "BillingAccountName": Expr(cols.text("payer_account_name")),
        "SubAccountId": Expr(cols.text("usage_account")),
        "SubAccountName": Expr(cols.text("usage_account_name")),
        "InvoiceId": Expr(cols.text("invoice_id")),
        "BillingCurrency": Expr(cols.text("currency")),
        "ChargeDescription": Expr(cols.text("description")),
        "ProviderName": sql.constant("AWS"),
        "ServiceProviderName": sql.constant("AWS"),
        "HostProviderName": sql.constant("AWS"),
        "PublisherName": Expr(f"COALESCE({legal}, {lit(AMAZON)})"),
        "InvoiceIssuerName": Expr(
            f"COALESCE({cols.text('invoicing_entity')}, CASE WHEN {entity} IS DISTINCT FROM "
            f"'AWS Marketplace' THEN {legal} END, {lit(AMAZON)})"
        ),
        "ServiceName": Expr(f"COALESCE({cols.text('product_name')}, {cols.text('product_code')})"),
        "ServiceCategory": Expr(_service_category(cols)),
        "RegionId": Expr(region),
        "RegionName": Expr(
            f"CASE WHEN ({region}) IS NOT NULL AND COALESCE({location_type}, "
            f"'AWS Region') = 'AWS Region' THEN {cols.text('location')} END"
        ),
        "AvailabilityZone": Expr(cols.text("availability_zone")),
        "ResourceId": Expr(cols.text("resource_id")),
        "SkuId": Expr(cols.text("sku")),
        "SkuPriceId": Expr(f"COALESCE({cols.text('rate_code')}, {cols.text('rate_id')})"),
        "SkuMeter": Expr(cols.text("usage_type")),
        "SkuPriceDetails": Expr(
            f"CASE WHEN {instance_type} IS NOT NULL THEN "
            f"CAST(json_object('InstanceType', {instance_type}) AS VARCHAR) "
            "END"
        ),
    }


def _costs(cols: AwsColumns, t: str) -> dict[str, Expr]:
    unblended = cols.amount("unblended_cost")
    negation = f"{t} = 'SavingsPlanNegation'"
    zero = Expr("0")
    # List price exists for metered usage only; discounts and the SP negation are not part
    # of it; purchases, taxes and credits are not discounted, so list = billed.
    list_cost = _case(
        [
            (_in(t, ("SavingsPlanNegation", *USAGE_DISCOUNTS)), zero),
            (
                f"{_in(t, ('Usage', *COVERED_USAGE))} AND NOT {cols.blank('public_cost')}",
                cols.money("public_cost"),
            ),
        ],
        unblended,
    )
    effective = _case(
        [
            (f"{t} = 'SavingsPlanCoveredUsage'", cols.amount("sp_effective_cost")),
            (
                f"{t} = 'SavingsPlanRecurringFee'",
                _combine(
                    cols.amount("sp_total_commitment"), "-", cols.amount("sp_used_commitment")
                ),
            ),
            (_in(t, ("SavingsPlanNegation", "SavingsPlanUpfrontFee")), zero),
            (f"{t} = 'DiscountedUsage'", cols.amount("ri_effective_cost")),
            (
                f"{t} = 'RIFee'",
                _combine(cols.amount("ri_unused_upfront"), "+", cols.amount("ri_unused_recurring")),
            ),
            (f"{t} = 'Fee' AND {cols.text('ri_arn')} IS NOT NULL", zero),
        ],
        unblended,
    )
    rate = cols.money("unblended_rate")
    return {
        "BilledCost": unblended,
        "EffectiveCost": effective,
        "ListCost": list_cost,
        "ListUnitPrice": cols.money("public_rate"),
        # Negotiated price without commitment discounts: the unblended cost, except on
        # RI-covered lines (unblended 0) where only the public price is known.
        "ContractedCost": _case(
            [(negation, zero), (f"{t} = 'DiscountedUsage'", list_cost)], unblended
        ),
        "ContractedUnitPrice": _case(
            [(negation, Expr("NULL")), (f"{t} = 'DiscountedUsage'", cols.money("public_rate"))],
            rate,
        ),
    }


def _commitment(cols: AwsColumns, t: str) -> dict[str, Expr]:
    sp, ri = cols.text("sp_arn"), cols.text("ri_arn")
    cid = f"COALESCE({sp}, {ri})"
    return {
        "CommitmentDiscountId": Expr(cid),
        "CommitmentDiscountCategory": Expr(
            f"CASE WHEN {sp} IS NOT NULL THEN 'Spend' WHEN {ri} IS NOT NULL THEN 'Usage' END"
        ),
        "CommitmentDiscountType": Expr(
            f"CASE WHEN {sp} IS NOT NULL THEN 'Savings Plan' "
            f"WHEN {ri} IS NOT NULL THEN 'Reserved Instance' END"
        ),
        "CommitmentDiscountStatus": Expr(
            f"CASE WHEN {cid} IS NULL THEN NULL "
            f"WHEN {_in(t, (*COVERED_USAGE, 'SavingsPlanNegation'))} THEN 'Used' "
            f"WHEN {_in(t, ('RIFee', 'SavingsPlanRecurringFee'))} THEN 'Unused' END"
        ),
    }


def _pricing(cols: AwsColumns, t: str, category: str, commitment_id: str) -> dict[str, Expr]:
    usage = f"({category}) = 'Usage'"
    spot = (
        f"(lower({cols.text('term')}) = 'spot' OR lower({cols.text('purchase_option')}) "
        f"LIKE 'spot%' OR {cols.text('usage_type')} LIKE '%SpotUsage%')"
    )
    consumed = _in(t, ("Usage", *COVERED_USAGE))
    priced = f"({category}) IN ('Usage', 'Purchase') AND {t} <> 'SavingsPlanNegation'"
    qty, unit = cols.money("usage_amount"), Expr(cols.text("pricing_unit"))
    return {
        "PricingCategory": Expr(
            f"CASE WHEN {usage} AND ({commitment_id}) IS NOT NULL THEN 'Committed' "
            f"WHEN {usage} AND {spot} THEN 'Dynamic' "
            f"WHEN {usage} AND lower({cols.text('term')}) = 'reserved' THEN 'Committed' "
            f"WHEN ({category}) IN ('Usage', 'Purchase') THEN 'Standard' END"
        ),
        "PricingCurrency": Expr(cols.text("pricing_currency")),
        "ConsumedQuantity": _case([(consumed, qty)]),
        "ConsumedUnit": _case([(consumed, unit)]),
        "PricingQuantity": _case([(priced, qty)]),
        "PricingUnit": _case([(priced, unit)]),
    }
