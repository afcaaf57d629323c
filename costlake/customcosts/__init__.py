"""Custom costs: the charges of non-cloud-provider sources (SaaS, AI, observability, CBF
and AnyCost drops), as lines with the properties OpenCost's External Costs API groups by."""
