"""Reports: cost and carbon per account for a period and its comparison, assembled from the
cost, carbon and resource services (what a dialect's report or summary endpoint renders)."""
