"""What the CloudExpat seed document shows: its example responses and its curl commands."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import orjson

from tests.conftest import SHARED

SEED = SHARED / "seeds" / "000_ae897214891a733a.txt"


@cache
def text() -> str:
    return Path(SEED).read_text()


def example(after: str) -> dict[str, object]:
    """The first JSON object in the seed after the line ``after``."""
    t = text()
    start = t.index("{", t.index(after))
    depth = 0
    for i, ch in enumerate(t[start:], start):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return orjson.loads(re.sub(r"/\*.*?\*/", "null", t[start : i + 1]))
    raise ValueError(after)


def curl_commands() -> list[str]:
    """Every curl command in the seed, joined across its backslash-continued lines."""
    joined = text().replace("\\\n", " ")
    return [m.group(0).strip() for m in re.finditer(r'^\s*curl "[^\n]+', joined, re.M)]


def keys_of(value: object, prefix: str = "") -> set[str]:
    """Every key path in a JSON value (list items share the path ``[]``)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(prefix + k)
            out |= keys_of(v, prefix + k + ".")
    elif isinstance(value, list):
        for v in value:
            out |= keys_of(v, prefix + "[].")
    return out
