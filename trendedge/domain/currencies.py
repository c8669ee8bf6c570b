"""ISO 4217 currency codes, kept as data (`data/iso4217.txt`)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

COMMON_CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD")


@cache
def iso4217_codes() -> frozenset[str]:
    """Every active ISO 4217 alphabetic code."""
    text = files("trendedge.domain").joinpath("data/iso4217.txt").read_text(encoding="utf-8")
    return frozenset(
        line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def normalise_currency(code: str) -> str:
    """Upper-case `code` and check it is an active ISO 4217 code.

    Raises ValueError with a message fit to show beside the field.
    """
    cleaned = code.strip().upper()
    if cleaned not in iso4217_codes():
        raise ValueError(f"'{code.strip()}' is not an ISO 4217 currency code (e.g. USD, EUR)")
    return cleaned
