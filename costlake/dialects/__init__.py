"""The vendor APIs costlake speaks. Each dialect is a thin translation layer over the core."""
