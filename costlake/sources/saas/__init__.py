"""Connectors to SaaS vendors' billing APIs: each fetches a range of days of costs and
turns them into FOCUS rows (``ProviderName`` the vendor), which the lake stores as custom
costs (:mod:`costlake.customcosts`). :mod:`.sync` fetches whole billing months and
ingests them, so a re-sync replaces a month atomically and never doubles it."""
