"""The shipped CCF tables load with CCF's published values, and the per-instance rates derived
from them follow CCF's rules (processor groups, burstable baselines, extra memory, embodied)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from costlake.carbon import rates
from costlake.carbon.coefficients import DATA, FILES, PROVIDERS, azure_region_aliases, load

C = load()


def instance(provider: str, name: str) -> rates.InstanceRates:
    it = next(i for i in C.instances if i.provider == provider and i.name == name)
    return rates.instance_rates(C, it)


def test_the_package_ships_exactly_the_tables_it_reads_plus_their_sources() -> None:
    shipped = {p.name for p in DATA.iterdir()}
    assert shipped == {*FILES, "SOURCES.md"}
    notice = (DATA / "SOURCES.md").read_text()
    assert "Apache License 2.0" in notice and "© 2021 Thoughtworks" in notice


def test_provider_constants_are_ccfs_appendix_values() -> None:
    aws, azure, gcp = (C.providers[p] for p in PROVIDERS)
    assert (aws.pue, azure.pue, gcp.pue) == (Decimal("1.135"), Decimal("1.185"), Decimal("1.1"))
    for k in (aws, azure, gcp):
        assert k.ssd_wh_per_tb_hour == Decimal("1.2")
        assert k.hdd_wh_per_tb_hour == Decimal("0.65")
        assert k.memory_kwh_per_gb_hour == Decimal("0.000392")
        assert k.network_kwh_per_gb == Decimal("0.001")
        assert k.cpu_utilisation == Decimal("0.5")
        assert k.lifespan_hours == Decimal(35040)  # 4 years
    # Fallback watts when the processor is unknown: AWS averages, GCP medians.
    assert (aws.min_watts, aws.max_watts) == (Decimal("0.74"), Decimal("3.5"))
    assert (gcp.min_watts, gcp.max_watts) == (Decimal("0.68"), Decimal("4.11"))
    assert gcp.memory_gb_per_chip is None  # GCP bills RAM separately


def test_regions_carry_the_grid_factor_and_the_pue_ccf_has_for_them() -> None:
    by_key = {(r.provider, r.region): r for r in C.regions}
    assert by_key[("AWS", "us-east-1")].grid_kg_per_kwh == Decimal("0.379069")  # NERC SERC
    assert by_key[("AWS", "us-east-1")].pue == Decimal("1.135")  # AWS: one PUE everywhere
    assert by_key[("GCP", "us-central1")].pue == Decimal("1.11")  # GCP publishes per region
    assert by_key[("GCP", "us-central1")].grid_kg_per_kwh == Decimal("0.456")  # not CFE
    assert by_key[("GCP", "asia-east2")].pue == Decimal("1.1")  # not published: PUE_AVG
    assert C.providers["AWS"].grid_kg_per_kwh == Decimal("0.39278188")  # the Unknown row
    assert not any(r.region == "Unknown" for r in C.regions)
    assert {r.provider for r in C.regions} == set(PROVIDERS)  # no Alibaba


def test_azure_billing_spellings_map_to_the_factor_tables_region_names() -> None:
    aliases = azure_region_aliases()
    assert aliases["eastus"] == "EastUS" and aliases["US East"] == "EastUS"


def test_instance_types_are_read_with_embodied_emissions_in_kg() -> None:
    m5 = next(i for i in C.instances if i.name == "m5.xlarge")
    assert (m5.vcpus, m5.memory_gb, m5.processors) == (4, 16, ("Skylake",))
    assert m5.embodied_kg == Decimal("1610.3792")  # 1.6103792 tCO2e
    assert (m5.largest_vcpus, m5.largest_memory_gb) == (96, 384)  # m5.metal
    vcore = next(i for i in C.instances if i.provider == "Azure" and i.name == "vCore")
    assert vcore.vcpus == 1  # CCF's vCPU mapping for Azure meters without a VM size
    constrained = next(i for i in C.instances if i.name == "E4-2s v3")
    assert (constrained.vcpus, constrained.largest_vcpus) == (2, 4)


def test_a_processor_group_uses_the_average_of_its_members() -> None:
    # Cascade Lake 0.64-3.97 W and Skylake 0.65-4.26 W: min 0.645, max 4.115,
    # at 50 %: 0.645 + 0.5 * (4.115 - 0.645) = 2.38 W per vCPU.
    assert rates.average_watts(C, "AWS", ("Cascade Lake", "Skylake")) == Decimal("2.38")


def test_a_group_with_ivy_or_sandy_bridge_uses_the_median() -> None:
    # GCP n1: Skylake, Broadwell, Haswell, Sandy Bridge, Ivy Bridge.
    # min watts 0.65 0.71 1 2.17 3.04 -> median 1; max 4.26 3.69 4.74 8.58 8.25 -> median 4.74
    # 1 + 0.5 * (4.74 - 1) = 2.87 W per vCPU.
    n1 = ("Skylake", "Broadwell", "Haswell", "Sandy Bridge", "Ivy Bridge")
    assert rates.average_watts(C, "GCP", n1) == Decimal("2.87")


def test_a_processor_without_coefficients_falls_back_to_the_providers_average() -> None:
    # AWS has no Ice Lake row: 0.74 + 0.5 * (3.5 - 0.74) = 2.12 W.
    assert rates.average_watts(C, "AWS", ("Ice Lake",)) == Decimal("2.12")
    assert rates.average_watts(C, "AWS", ("Ice Lake", "Skylake")) == Decimal("2.12")
    # GCP's fallback is its median: 0.68 + 0.5 * (4.11 - 0.68) = 2.395 W.
    assert rates.average_watts(C, "GCP", ("Unknown",)) == Decimal("2.395")


def test_m5_xlarge_rates_follow_ccf_by_hand() -> None:
    r = instance("AWS", "m5.xlarge")
    # CPU: Skylake 0.65 + 0.5 * (4.26 - 0.65) = 2.455 W/vCPU; 4 vCPUs = 9.82 W.
    # Memory: m5.metal is the server: 384 GB on ceil(96 / 96) = 1 chip; SPECpower Skylake
    # has 81.32 GB/chip, so 302.68 GB extra, of which m5.xlarge holds 16/384.
    extra_gb = (Decimal(384) - Decimal("81.32")) * 16 / 384
    assert (
        rates.extra_memory_gb(C, next(i for i in C.instances if i.name == "m5.xlarge")) == extra_gb
    )
    assert r.cpu_kw_per_vcpu == Decimal("0.002455")
    assert r.kwh_per_hour == Decimal("0.00982") + extra_gb * Decimal("0.000392")
    # Embodied: 1610.3792 kg x 1 h / 35040 h x 4 / 96 vCPUs.
    assert r.embodied_kg_per_hour == Decimal("1610.3792") / (35040 * 96) * 4


def test_burstable_types_run_at_their_baseline_and_get_no_extra_memory() -> None:
    r = instance("AWS", "t3.micro")
    # 2 vCPUs at a 10 % baseline count as 2 * 10 / 50 = 0.4 vCPU of Cascade Lake (2.305 W).
    assert r.kwh_per_hour == Decimal("0.4") * Decimal("2.305") / 1000
    assert r.embodied_kg_per_hour == Decimal("1610.3792") / (35040 * 8) * 2  # t3.2xlarge: 8


def test_gpu_instances_add_their_gpus_watts() -> None:
    r = instance("AWS", "g4dn.xlarge")
    # 4 Cascade Lake vCPUs (2.305 W each) + 1 Nvidia T4 (8 + 0.5 * (71 - 8) = 39.5 W).
    extra_gb = (Decimal(384) - Decimal("98.12")) * 16 / 384  # g4dn.metal, Cascade Lake
    assert r.kwh_per_hour == (4 * Decimal("2.305") + Decimal("39.5")) / 1000 + extra_gb * Decimal(
        "0.000392"
    )


def test_m5zn_and_z1d_count_two_chips() -> None:
    m5zn = next(i for i in C.instances if i.name == "m5zn.xlarge")
    per_chip = rates.memory_gb_per_chip(C, "AWS", m5zn.processors)
    assert per_chip is not None and m5zn.largest_memory_gb and m5zn.memory_gb
    expected = (
        max(Decimal(0), m5zn.largest_memory_gb / 2 - per_chip)
        * m5zn.memory_gb
        / m5zn.largest_memory_gb
    )
    assert rates.extra_memory_gb(C, m5zn) == expected
    assert math.ceil(m5zn.largest_vcpus / 96) == 1  # so the special case matters


def test_gcp_families_give_cpu_rates_for_per_core_skus() -> None:
    families = {r.key: r for r in rates.family_rates(C)}
    assert families["n1"].cpu_kw_per_vcpu == Decimal("0.00287")
    assert families["n2"].cpu_kw_per_vcpu == Decimal("0.002305")  # Cascade Lake


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_instance_type_has_positive_finite_rates(provider: str) -> None:
    for it in (i for i in C.instances if i.provider == provider):
        r = rates.instance_rates(C, it)
        assert r.kwh_per_hour is not None and r.kwh_per_hour > 0, it.name
        assert r.embodied_kg_per_hour >= 0, it.name


def test_ccfs_classification_lists_are_loaded() -> None:
    assert "VolumeUsage.gp2" in C.usage_lists[("AWS", "SSD_USAGE_TYPES")]
    assert "Egress" in C.usage_lists[("GCP", "NETWORKING_STRING_FORMATS")]
    assert C.replication[("AWS", "S3")] == Decimal(6)
