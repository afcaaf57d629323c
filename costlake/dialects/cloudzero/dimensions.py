"""CloudZero's dimension vocabulary: the ids ``group_by`` and ``filter`` accept, and the FOCUS
column each one reads. Pure data and lookups, no I/O.

CloudZero's ids are its CostFormation names (``Account``, ``Service``, ``CloudProvider``);
tags are ``Tag:<key>`` with the key as written in the bill (case-sensitive), allocation
streams ``Allocation:<stream name>`` (case-sensitive). Ids are matched case-insensitively,
and the canonical spelling is what responses show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from costlake.allocation.schemas import COLUMN_PREFIX
from costlake.errors import InvalidInput
from costlake.query.model import TAG_PREFIX

TAG = "Tag:"
ALLOCATION = "Allocation:"


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    name: str
    column: str
    """The FOCUS column, ``tag:<key>``, or ``allocation:<stream>``."""
    type: str

    @property
    def stream(self) -> str | None:
        """The allocation stream this dimension splits cost by, if it is one."""
        return self.column[len(COLUMN_PREFIX) :] if self.type == "Allocation" else None


STANDARD: tuple[Dimension, ...] = tuple(
    Dimension(i, n, c, "Standard")
    for i, n, c in (
        ("Account", "Account", "SubAccountId"),
        ("AccountName", "Account Name", "SubAccountName"),
        ("BillingAccount", "Billing Account", "BillingAccountId"),
        ("Provider", "Cloud Provider", "ProviderName"),
        ("Service", "Service", "ServiceName"),
        ("ServiceCategory", "Service Category", "ServiceCategory"),
        ("Region", "Region", "RegionId"),
        ("AvailabilityZone", "Availability Zone", "AvailabilityZone"),
        ("ResourceId", "Resource", "ResourceId"),
        ("ResourceType", "Resource Type", "ResourceType"),
        ("ChargeCategory", "Charge Category", "ChargeCategory"),
        ("UsageFamily", "Usage Family", "ServiceSubcategory"),
        ("UsageType", "Usage Type", "SkuMeter"),
        ("PricingCategory", "Pricing Category", "PricingCategory"),
        ("Currency", "Billing Currency", "BillingCurrency"),
    )
)
ALIASES: dict[str, str] = {
    "cloudprovider": "Provider",
    "resource": "ResourceId",
    "billingcurrency": "Currency",
}
"""Other names CloudZero's documents use for the same dimension (``CloudProvider`` in its
API examples)."""

_BY_ID: dict[str, Dimension] = {d.id.lower(): d for d in STANDARD}


def tag_dimension(key: str) -> Dimension:
    return Dimension(f"{TAG}{key}", key, f"{TAG_PREFIX}{key}", "Tag")


def allocation_dimension(stream: str) -> Dimension:
    return Dimension(f"{ALLOCATION}{stream}", stream, f"{COLUMN_PREFIX}{stream}", "Allocation")


def resolve(name: object, where: str) -> Dimension:
    """The dimension ``name`` stands for; :class:`InvalidInput` naming ``where`` (the
    request field) and the choices otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"{where}: a dimension id must be a non-empty string")
    text = name.strip()
    if text.lower().startswith(TAG.lower()):
        key = text[len(TAG) :]
        if not key:
            raise InvalidInput(f"{where}: a tag dimension is written Tag:<key>")
        return tag_dimension(key)
    if text.lower().startswith(ALLOCATION.lower()):
        if not text[len(ALLOCATION) :]:
            raise InvalidInput(f"{where}: an allocation dimension is written Allocation:<stream>")
        return allocation_dimension(text[len(ALLOCATION) :])
    found = _BY_ID.get(ALIASES.get(text.lower(), text).lower())
    if found is None:
        choices = ", ".join(d.id for d in STANDARD)
        raise InvalidInput(
            f"{where}: unknown dimension {name!r}; use one of {choices}, Tag:<key> or "
            "Allocation:<stream> (GET /v2/billing/dimensions lists them)"
        )
    return found


def listing(tag_keys: Sequence[str], streams: Sequence[str] = ()) -> list[Dimension]:
    """Every dimension of an org: the standard ones, one per tag key in its data, then one
    per allocation stream."""
    return [
        *STANDARD,
        *(tag_dimension(k) for k in tag_keys),
        *(allocation_dimension(s) for s in streams),
    ]
