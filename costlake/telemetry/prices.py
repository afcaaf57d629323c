"""The model price table: shipped with costlake (``model_prices.json``) and overridable
per installation (``$COSTLAKE_HOME/model_prices.json``), so a new model or a price change
needs no release."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from costlake.errors import InvalidInput

SHIPPED = Path(__file__).with_name("model_prices.json")
OVERRIDE_NAME = "model_prices.json"
PER_TOKENS = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class Price:
    """USD per 1,000,000 tokens."""

    input: Decimal
    output: Decimal
    cached_input: Decimal | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached_tokens: int) -> Decimal:
        """Cached input tokens are part of the input tokens, billed at the cached rate."""
        cached = min(cached_tokens, input_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        total = (
            (input_tokens - cached) * self.input
            + cached * cached_rate
            + output_tokens * self.output
        )
        return total / PER_TOKENS


def _read(path: Path) -> dict[str, dict[str, Price]]:
    try:
        doc = json.loads(path.read_text())
        return {
            provider: {
                model: Price(
                    Decimal(str(p["input"])),
                    Decimal(str(p["output"])),
                    None if p.get("cached_input") is None else Decimal(str(p["cached_input"])),
                )
                for model, p in models.items()
            }
            for provider, models in doc.items()
            if not provider.startswith("_")
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise InvalidInput(f"the model price table {path} cannot be read: {e}") from None


class PriceTable:
    def __init__(self, home: Path | None = None) -> None:
        self.prices = _read(SHIPPED)
        override = home / OVERRIDE_NAME if home is not None else None
        if override is not None and override.exists():
            for provider, models in _read(override).items():
                self.prices.setdefault(provider, {}).update(models)

    def find(self, provider: str, model: str | None) -> Price | None:
        """The price of ``model`` (or of the longest listed prefix of it: ``gpt-4o-2024-08-06``
        is ``gpt-4o``), None when the table does not know it."""
        if not model:
            return None
        models = self.prices.get(provider, {})
        name = model.lower()
        best = max((m for m in models if name.startswith(m.lower())), key=len, default=None)
        return models[best] if best is not None else None
