"""Xplorr's API token shape: ``xplorr_`` + 40 alphanumeric characters (238 bits).

Xplorr's document only shows the ``xplorr_`` marker; the body length is our choice
(docs/decisions/0003-api-keys.md).
"""

from costlake.keys.styles import ALPHANUMERIC, StyleSpec

XPLORR = StyleSpec("xplorr", "xplorr_", 40, ALPHANUMERIC, "Xplorr API tokens")
