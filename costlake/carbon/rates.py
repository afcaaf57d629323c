"""Per-unit rates derived from the CCF tables: the numbers the enricher joins onto usage rows.

Everything that does not depend on the row (which processors an instance runs on, how much
memory it has beyond the SPECpower server it is compared with, its share of a server's
embodied emissions) is worked out here once, in exact decimals, so that the per-row SQL is
one multiplication per term. The rules are CCF's (``microsite/docs/HowItWorks/Methodology.md``
and ``EmbodiedEmissions.md``):

- a group of micro-architectures uses the average of their min/max watts, or the median when
  the group contains Ivy Bridge or Sandy Bridge; a processor the provider has no coefficients
  for makes the whole group fall back to the provider's average (or GCP's median);
- average watts = min + utilisation x (max - min), utilisation = 50 %;
- AWS burstable types run at their baseline: vCPUs x baseline / 50 %;
- extra memory (AWS, Azure): the family's largest type stands for a whole server with
  ceil(vCPUs / 96) chips (2 for m5zn, z1d); memory per chip beyond the processors' SPECpower
  average is counted, in proportion to the type's memory, at 0.000392 kWh per GB-hour;
- embodied: server kgCO2e x hours / 35,040 h x vCPUs / largest vCPUs of the family.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial

from costlake.carbon.coefficients import Coefficients, InstanceType, Processor

_Watts = Callable[[str, tuple[str, ...]], Decimal]
"""``average_watts`` of one ``Coefficients``: (provider, processor names) -> watts."""
_PerChip = Callable[[str, tuple[str, ...]], "Decimal | None"]
"""``memory_gb_per_chip`` of one ``Coefficients``."""

_OUTLIERS = frozenset({"Ivy Bridge", "Sandy Bridge"})
_TWO_CHIP_FAMILIES = frozenset({"m5zn", "z1d"})
_VCPUS_PER_CHIP = 96
_KILO = Decimal(1000)


def _mean_or_median(names: tuple[str, ...], values: list[Decimal]) -> Decimal:
    if _OUTLIERS & set(names):
        return Decimal(statistics.median(values))
    return sum(values, Decimal(0)) / len(values)


def _known(c: Coefficients, provider: str, names: tuple[str, ...]) -> list[Processor] | None:
    found = [c.processors.get((provider, n)) for n in names]
    if not found or any(p is None for p in found):
        return None
    return [p for p in found if p is not None]


def average_watts(c: Coefficients, provider: str, processors: tuple[str, ...]) -> Decimal:
    """Watts per vCPU at the average utilisation, for a group of micro-architectures."""
    k = c.providers[provider]
    found = _known(c, provider, processors)
    if found is None:
        lo, hi = k.min_watts, k.max_watts
    else:
        lo = _mean_or_median(processors, [p.min_watts for p in found])
        hi = _mean_or_median(processors, [p.max_watts for p in found])
    return lo + k.cpu_utilisation * (hi - lo)


def gpu_watts(c: Coefficients, provider: str, gpus: tuple[str, ...]) -> Decimal:
    """Watts per GPU at the average utilisation; unknown models use the provider's GPU mean."""
    k = c.providers[provider]
    found = _known(c, provider, gpus) or c.gpus(provider)
    lo = sum((p.min_watts for p in found), Decimal(0)) / len(found)
    hi = sum((p.max_watts for p in found), Decimal(0)) / len(found)
    return lo + k.cpu_utilisation * (hi - lo)


def gpu_models(c: Coefficients, provider: str) -> dict[str, Decimal]:
    """GPU model token as it appears in SKU names ("T4", "V100") -> kW per GPU."""
    return {p.name.split()[-1]: gpu_watts(c, provider, (p.name,)) / _KILO for p in c.gpus(provider)}


def memory_gb_per_chip(
    c: Coefficients, provider: str, processors: tuple[str, ...]
) -> Decimal | None:
    found = _known(c, provider, processors)
    values = [p.memory_gb_per_chip for p in found or []]
    if found is None or any(v is None for v in values):
        return c.providers[provider].memory_gb_per_chip
    return sum((v for v in values if v is not None), Decimal(0)) / len(values)


def extra_memory_gb(
    c: Coefficients, it: InstanceType, per_chip_of: _PerChip | None = None
) -> Decimal:
    """GB of the instance's memory beyond what SPECpower's server for its processors has;
    ``per_chip_of`` is ``memory_gb_per_chip`` for ``c``, memoized by a caller."""
    if it.burstable_baseline_pct is not None or not it.memory_gb:
        return Decimal(0)
    if not it.largest_memory_gb or not it.largest_vcpus:
        return Decimal(0)
    per_chip = (per_chip_of or partial(memory_gb_per_chip, c))(it.provider, it.processors)
    if per_chip is None:
        return Decimal(0)
    chips = 2 if it.family in _TWO_CHIP_FAMILIES else math.ceil(it.largest_vcpus / _VCPUS_PER_CHIP)
    delta = it.largest_memory_gb / chips - per_chip
    if delta <= 0:
        return Decimal(0)
    return delta * it.memory_gb / it.largest_memory_gb


@dataclass(frozen=True, slots=True)
class InstanceRates:
    """What one instance type contributes per hour of use (IT energy: before PUE)."""

    provider: str
    key: str
    """Lower-cased type name: the join key."""
    vcpus: Decimal | None
    cpu_kw_per_vcpu: Decimal
    """kW per vCPU at the average utilisation (for usage billed in vCPU-time)."""
    kwh_per_hour: Decimal | None
    """kWh per instance-hour: vCPUs (baseline-adjusted) + GPUs + extra memory."""
    embodied_kg_per_vcpu_hour: Decimal
    embodied_kg_per_hour: Decimal


def instance_rates(
    c: Coefficients,
    it: InstanceType,
    watts_of: _Watts | None = None,
    per_chip_of: _PerChip | None = None,
) -> InstanceRates:
    """``watts_of`` and ``per_chip_of``: ``average_watts`` and ``memory_gb_per_chip`` for
    ``c``, memoized by a caller that rates many types (``all_instance_rates``)."""
    k = c.providers[it.provider]
    cpu_w = (watts_of or partial(average_watts, c))(it.provider, it.processors)
    vcpus = it.vcpus
    if it.burstable_baseline_pct is not None:
        vcpus = vcpus * it.burstable_baseline_pct / (k.cpu_utilisation * 100)
    watts = vcpus * cpu_w
    if it.gpus:
        watts += it.gpus * gpu_watts(c, it.provider, it.gpu_processors)
    kwh = watts / _KILO + extra_memory_gb(c, it, per_chip_of) * k.memory_kwh_per_gb_hour
    per_vcpu = Decimal(0)
    if it.embodied_kg and it.largest_vcpus:
        per_vcpu = it.embodied_kg / (k.lifespan_hours * it.largest_vcpus)
    return InstanceRates(
        it.provider, it.name.lower(), it.vcpus, cpu_w / _KILO, kwh, per_vcpu, per_vcpu * it.vcpus
    )


def family_rates(c: Coefficients) -> list[InstanceRates]:
    """GCP machine families ("n1", "e2", "n2d") -> CPU rates, for vCPU-time rows whose SKU
    names the family but not the machine type (CCF maps the SKU's prefix the same way)."""
    seen: dict[str, tuple[str, ...]] = {}
    for it in c.instances:
        if it.provider == "GCP":
            family = it.name.split("-")[0].lower()
            seen.setdefault(family, it.processors)
    return [
        InstanceRates(
            "GCP",
            family,
            None,
            average_watts(c, "GCP", procs) / _KILO,
            None,
            Decimal(0),
            Decimal(0),
        )
        for family, procs in seen.items()
    ]


def all_instance_rates(c: Coefficients) -> list[InstanceRates]:
    """Every instance type's rates; the ~50 processor groups' watts and memory are worked out
    once each instead of once per type (1,200 types: 7.6 against 3 ms, at every ingest)."""
    watts_of = cache(partial(average_watts, c))
    per_chip_of = cache(partial(memory_gb_per_chip, c))
    rates = [instance_rates(c, it, watts_of, per_chip_of) for it in c.instances]
    names = {(r.provider, r.key) for r in rates}
    return rates + [r for r in family_rates(c) if (r.provider, r.key) not in names]
