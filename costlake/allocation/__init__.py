"""Allocation streams: split the cost a stream targets across its elements in proportion
to their values per period."""
