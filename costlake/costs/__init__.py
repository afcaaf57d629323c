"""Cost answers built on the query engine: per-account summaries with comparisons."""
