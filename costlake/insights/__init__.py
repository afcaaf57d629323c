"""Insights: an org's saved cost questions, a filter and a grouping with a name."""
