"""Raw cost line items page by page, and daily totals: what an API that exports an org's
bill to a warehouse needs (StackSpend's ``/line-items`` and ``/rollups/daily``)."""
