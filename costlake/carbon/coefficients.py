"""The Cloud Carbon Footprint (CCF) coefficient tables, loaded once from the CSVs we ship.

The CSVs in ``costlake/carbon/data`` are CCF's constants transcribed to CSV (see
``data/SOURCES.md``). This module only reads and types them; what the estimator derives from
them (watts of a processor group, the per-hour rates of an instance type) lives in
``costlake.carbon.rates``. Numbers are kept as ``Decimal`` so a test can redo CCF's
arithmetic by hand from the same values the estimator uses.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
FILES: tuple[str, ...] = (
    "ccf_provider_constants.csv",
    "ccf_compute_coefficients.csv",
    "ccf_pue_by_region.csv",
    "ccf_grid_emission_factors.csv",
    "ccf_azure_region_aliases.csv",
    "ccf_aws_instance_types.csv",
    "ccf_azure_vm_types.csv",
    "ccf_azure_vm_type_extra_mappings.csv",
    "ccf_gcp_machine_types.csv",
    "ccf_replication_factors.csv",
    "ccf_usage_type_classification.csv",
)
"""Every table the package ships, and nothing else (see ``data/SOURCES.md``)."""

PROVIDERS: tuple[str, ...] = ("AWS", "Azure", "GCP")
"""The providers CCF has coefficients for, by CCF's own names."""

UNKNOWN_PROCESSOR = "Unknown"


@dataclass(frozen=True, slots=True)
class ProviderConstants:
    """One provider's constants (``ccf_provider_constants.csv`` + its fallback rows)."""

    provider: str
    ssd_wh_per_tb_hour: Decimal
    hdd_wh_per_tb_hour: Decimal
    memory_kwh_per_gb_hour: Decimal
    network_kwh_per_gb: Decimal
    pue: Decimal
    """The provider's average PUE, used where CCF has no per-region value."""
    cpu_utilisation: Decimal
    """Average CPU utilisation as a fraction (CCF: 50 % for hyperscale data centres, 2020)."""
    lifespan_hours: Decimal
    min_watts: Decimal
    """Fallback watts per vCPU at 0 % when the processor is unknown (average or median)."""
    max_watts: Decimal
    memory_gb_per_chip: Decimal | None
    """Fallback memory per physical chip (SPECpower average); GCP has none (RAM is billed)."""
    grid_kg_per_kwh: Decimal
    """The ``Unknown`` region's grid factor: the fallback for regions CCF does not list."""


@dataclass(frozen=True, slots=True)
class Processor:
    """Min/max watts of one micro-architecture (per vCPU) or GPU (per GPU) at one provider."""

    provider: str
    name: str
    is_gpu: bool
    min_watts: Decimal
    max_watts: Decimal
    memory_gb_per_chip: Decimal | None


@dataclass(frozen=True, slots=True)
class Region:
    """A region's grid emission factor and PUE (the provider's average unless CCF has one)."""

    provider: str
    region: str
    grid_kg_per_kwh: Decimal
    pue: Decimal


@dataclass(frozen=True, slots=True)
class InstanceType:
    """A VM/instance/machine type as CCF describes it."""

    provider: str
    name: str
    vcpus: Decimal
    memory_gb: Decimal | None
    embodied_kg: Decimal | None
    """Scope-3 manufacturing emissions of the whole server, kgCO2e (CCF stores tonnes)."""
    processors: tuple[str, ...]
    gpus: Decimal
    gpu_processors: tuple[str, ...]
    burstable_baseline_pct: Decimal | None
    largest_vcpus: Decimal | None
    """vCPUs of the family's last-listed type, which CCF takes as the whole server."""
    largest_memory_gb: Decimal | None
    family: str


@dataclass(frozen=True, slots=True)
class Coefficients:
    providers: dict[str, ProviderConstants]
    processors: dict[tuple[str, str], Processor]
    regions: tuple[Region, ...]
    instances: tuple[InstanceType, ...]
    replication: dict[tuple[str, str], Decimal]
    usage_lists: dict[tuple[str, str], tuple[str, ...]]
    """CCF's classification lists, (provider, list name) -> values in file order."""

    def gpus(self, provider: str) -> list[Processor]:
        return [p for (prov, _), p in self.processors.items() if prov == provider and p.is_gpu]


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _dec(text: str) -> Decimal | None:
    text = text.strip()
    return Decimal(text) if text else None


def _need(text: str, what: str) -> Decimal:
    value = _dec(text)
    if value is None:
        raise ValueError(f"carbon coefficient {what} is empty")
    return value


def _list(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(";") if p.strip())


def _providers(grid_unknown: dict[str, Decimal]) -> dict[str, ProviderConstants]:
    raw: dict[str, dict[str, str]] = {}
    for r in _rows("ccf_provider_constants.csv"):
        raw.setdefault(r["provider"], {})[r["constant"]] = r["value"]
    out = {}
    for p in PROVIDERS:
        c = raw[p]
        # GCP publishes medians instead of averages for its fallback watts.
        min_w = c.get("MIN_WATTS_AVG") or c["MIN_WATTS_MEDIAN"]
        max_w = c.get("MAX_WATTS_AVG") or c["MAX_WATTS_MEDIAN"]
        out[p] = ProviderConstants(
            provider=p,
            ssd_wh_per_tb_hour=_need(c["SSDCOEFFICIENT"], f"{p} SSD"),
            hdd_wh_per_tb_hour=_need(c["HDDCOEFFICIENT"], f"{p} HDD"),
            memory_kwh_per_gb_hour=_need(c["MEMORY_COEFFICIENT"], f"{p} memory"),
            network_kwh_per_gb=_need(c["NETWORKING_COEFFICIENT"], f"{p} networking"),
            pue=_need(c["PUE_AVG"], f"{p} PUE"),
            cpu_utilisation=_need(c["AVG_CPU_UTILIZATION_2020"], f"{p} CPU") / 100,
            lifespan_hours=_need(c["SERVER_EXPECTED_LIFESPAN"], f"{p} lifespan"),
            min_watts=_need(min_w, f"{p} min watts"),
            max_watts=_need(max_w, f"{p} max watts"),
            memory_gb_per_chip=_dec(c.get("MEMORY_AVG", "")),
            grid_kg_per_kwh=grid_unknown[p],
        )
    return out


def _processors() -> dict[tuple[str, str], Processor]:
    out = {}
    for r in _rows("ccf_compute_coefficients.csv"):
        if r["provider"] not in PROVIDERS or r["processor"].startswith("Unknown"):
            continue  # the fallback rows are the provider constants' MIN/MAX_WATTS
        out[(r["provider"], r["processor"])] = Processor(
            provider=r["provider"],
            name=r["processor"],
            is_gpu=r["kind"] == "GPU",
            min_watts=_need(r["min_watts"], r["processor"]),
            max_watts=_need(r["max_watts"], r["processor"]),
            memory_gb_per_chip=_dec(r["memory_gb_per_physical_chip"]),
        )
    return out


def _regions() -> tuple[tuple[Region, ...], dict[str, Decimal]]:
    pue_avg: dict[str, Decimal] = {}
    pue: dict[tuple[str, str], Decimal] = {}
    for r in _rows("ccf_pue_by_region.csv"):
        if r["region"] == "*":
            pue_avg[r["provider"]] = _need(r["pue"], r["provider"])
        else:
            pue[(r["provider"], r["region"])] = _need(r["pue"], r["region"])
    regions, unknown = [], {}
    for r in _rows("ccf_grid_emission_factors.csv"):
        p = r["provider"]
        if p not in PROVIDERS or r["variant"] != "grid":
            continue  # the app's default is the grid factor, not GCP's CFE-adjusted one
        factor = _need(r["kgco2e_per_kwh"], r["region"])
        if r["region"] == "Unknown":
            unknown[p] = factor
            continue
        regions.append(Region(p, r["region"], factor, pue.get((p, r["region"]), pue_avg[p])))
    return tuple(regions), unknown


def azure_region_aliases() -> dict[str, str]:
    """Every spelling CCF accepts for an Azure region -> the region's name in the factor table."""
    return {r["alias"]: r["canonical_name"] for r in _rows("ccf_azure_region_aliases.csv")}


def _aws_instances() -> Iterator[InstanceType]:
    for r in _rows("ccf_aws_instance_types.csv"):
        if not r["vcpus"].strip():
            continue  # processor-only rows without a size: nothing to estimate with
        # CCF estimates extra memory only for EC2 and Redshift types, not the u-*tb1 families.
        memory = r["ccf_table"] != "INSTANCE_FAMILY_TO_INSTANCE_TYPE_MAPPING"
        yield InstanceType(
            provider="AWS",
            name=r["instance_type"],
            vcpus=_need(r["vcpus"], r["instance_type"]),
            memory_gb=_dec(r["memory_gb"]),
            embodied_kg=_tonnes_to_kg(r["embodied_scope3_tco2e"]),
            processors=_list(r["compute_processors"]) or (UNKNOWN_PROCESSOR,),
            gpus=_dec(r["gpus"]) or Decimal(0),
            gpu_processors=_list(r["gpu_processors"]),
            burstable_baseline_pct=_dec(r["burstable_baseline_cpu_pct"]),
            largest_vcpus=_dec(r["family_last_entry_vcpus"]),
            largest_memory_gb=_dec(r["family_last_entry_memory_gb"]) if memory else None,
            family=r["family"],
        )


def _azure_instances() -> Iterator[InstanceType]:
    for r in _rows("ccf_azure_vm_types.csv"):
        yield InstanceType(
            provider="Azure",
            name=r["vm_type"],
            vcpus=_need(r["vcpus"], r["vm_type"]),
            memory_gb=_dec(r["memory_gb"]),
            embodied_kg=_tonnes_to_kg(r["embodied_scope3_tco2e"]),
            processors=_list(r["compute_processors"]) or (UNKNOWN_PROCESSOR,),
            gpus=_dec(r["gpus"]) or Decimal(0),
            gpu_processors=_list(r["gpu_processors"]),
            burstable_baseline_pct=None,
            largest_vcpus=_dec(r["series_last_entry_vcpus"]),
            largest_memory_gb=_dec(r["series_last_entry_memory_gb"]),
            family=r["series"],
        )


def _azure_mapped_instances() -> Iterator[InstanceType]:
    """Meters CCF sizes without a VM table row: "vCore" = 1 vCPU, "D2" = 2 vCPUs and 7 GB, and
    constrained-vCPU types ("E4-2s v3": 2 vCPUs of a 4-vCPU VM, whose 4 are its largest)."""
    for r in _rows("ccf_azure_vm_type_extra_mappings.csv"):
        values = [Decimal(v) for v in json.loads(r["value"])]
        constrained = r["ccf_table"].endswith("CONSTRAINED_VCPU_CAPABLE_MAPPING")
        yield InstanceType(
            provider="Azure",
            name=r["key"],
            vcpus=values[0],
            memory_gb=values[1] if len(values) > 1 else None,
            embodied_kg=values[3] * 1000 if constrained else None,
            processors=(UNKNOWN_PROCESSOR,),
            gpus=Decimal(0),
            gpu_processors=(),
            burstable_baseline_pct=None,
            largest_vcpus=values[2] if constrained else None,
            largest_memory_gb=None,
            family=r["key"],
        )


def _gcp_instances() -> Iterator[InstanceType]:
    for r in _rows("ccf_gcp_machine_types.csv"):
        yield InstanceType(
            provider="GCP",
            name=r["machine_type"],
            vcpus=_need(r["vcpus"], r["machine_type"]),
            memory_gb=None,
            embodied_kg=_tonnes_to_kg(r["embodied_scope3_tco2e"]),
            processors=_list(r["compute_processors"]) or (UNKNOWN_PROCESSOR,),
            gpus=Decimal(0),
            gpu_processors=(),
            burstable_baseline_pct=None,
            largest_vcpus=_dec(r["family_last_entry_vcpus"]),
            largest_memory_gb=None,
            family=r["family"],
        )


def _tonnes_to_kg(text: str) -> Decimal | None:
    t = _dec(text)
    return None if t is None else t * 1000


def _instances() -> tuple[InstanceType, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for it in (
        *_aws_instances(),
        *_azure_instances(),
        *_azure_mapped_instances(),
        *_gcp_instances(),
    ):
        key = (it.provider, it.name.lower())
        if key not in seen:  # CCF's maps keep the first spelling of a duplicated key
            seen.add(key)
            out.append(it)
    return tuple(out)


def _replication() -> dict[tuple[str, str], Decimal]:
    return {
        (r["provider"], r["key"]): _need(r["replication_factor"], r["key"])
        for r in _rows("ccf_replication_factors.csv")
        if r["provider"] in PROVIDERS
    }


def _usage_lists() -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], list[str]] = {}
    for r in _rows("ccf_usage_type_classification.csv"):
        out.setdefault((r["provider"], r["ccf_list"]), []).append(r["value"])
    return {k: tuple(v) for k, v in out.items()}


@cache
def load() -> Coefficients:
    """All tables, parsed once per process."""
    regions, unknown = _regions()
    return Coefficients(
        providers=_providers(unknown),
        processors=_processors(),
        regions=regions,
        instances=_instances(),
        replication=_replication(),
        usage_lists=_usage_lists(),
    )
