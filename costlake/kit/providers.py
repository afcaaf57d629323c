"""Short provider slugs (aws, azure, gcp, oci, ...) from FOCUS ProviderName values."""

from __future__ import annotations

import re

_SLUGS = {
    "aws": "aws",
    "amazon web services": "aws",
    "amazon web services, inc.": "aws",
    "microsoft": "azure",
    "azure": "azure",
    "microsoft azure": "azure",
    "google cloud": "gcp",
    "google": "gcp",
    "gcp": "gcp",
    "google cloud platform": "gcp",
    "oracle": "oci",
    "oci": "oci",
    "oracle cloud infrastructure": "oci",
}

CLOUD_PROVIDERS = frozenset({"aws", "azure", "gcp", "oci"})


def provider_slug(provider_name: str | None) -> str:
    """``AWS`` -> ``aws``, ``Microsoft`` -> ``azure``, ``Google Cloud`` -> ``gcp``; other
    names (SaaS vendors) become lower-case words joined by ``-``."""
    if not provider_name:
        return "unknown"
    key = provider_name.strip().lower()
    return _SLUGS.get(key) or re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "unknown"


_SPELLINGS: dict[str, tuple[str, ...]] = {
    "aws": ("AWS", "Amazon Web Services", "Amazon Web Services, Inc."),
    "azure": ("Microsoft", "Azure", "Microsoft Azure"),
    "gcp": ("Google Cloud", "Google", "GCP", "Google Cloud Platform"),
    "oci": ("Oracle", "OCI", "Oracle Cloud Infrastructure"),
}


def provider_names(slugs: frozenset[str]) -> tuple[str, ...] | None:
    """The ProviderName spellings of these slugs, to filter in SQL; None when a slug has no
    known spelling (then only the slug check after the query applies)."""
    if any(s not in _SPELLINGS for s in slugs):
        return None
    return tuple(sorted(n for s in slugs for n in _SPELLINGS[s]))
