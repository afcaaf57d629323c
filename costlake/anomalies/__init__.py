"""Anomalies: unusual days of daily usage cost series, merged into episodes people act on."""
