"""Rate-limit counters every server process sees: the metadata database by default, Redis
for many replicas, this process's memory for tests and single runs."""
