"""Every dialect test sees the dialects' key styles registered, as the server registers them."""

from __future__ import annotations

import pytest

from costlake.dialects.registry import install


@pytest.fixture(autouse=True, scope="session")
def dialect_key_styles() -> None:
    install()
