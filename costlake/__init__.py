"""costlake."""
