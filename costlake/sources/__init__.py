"""Sources: billing data arriving in the lake, and what the platform learns from it."""
