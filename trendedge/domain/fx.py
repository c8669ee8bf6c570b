"""Daily FX reference rates and conversion through EUR. Pure: no I/O.

Rates follow the European Central Bank convention: units of a currency per 1 EUR
(EUR itself is 1). Converting an amount from A to B on a day uses, for each of A and
B, the rate of that day or of the nearest earlier day that has one, looking back at
most `MAX_LOOKBACK_DAYS` calendar days (a weekend plus a long holiday). Anything
older, or a currency without rates, is *missing*: conversion returns None (scalar)
or NaN (arrays), never 1.0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

BASE = "EUR"
MAX_LOOKBACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class DailyRate:
    """One reference rate: `rate` units of `currency` per 1 EUR on `day`."""

    day: date
    currency: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class AppliedRate:
    """The rate a conversion used and the day it was published."""

    rate: Decimal
    day: date


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted amount and the rates (per EUR) used on each side."""

    amount: Decimal
    source: AppliedRate
    target: AppliedRate


def _day_number(day: date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


class RateTable:
    """An immutable lookup of daily rates per currency (sorted once, searched by bisection)."""

    def __init__(self, rates: Iterable[DailyRate]) -> None:
        by_currency: dict[str, dict[int, Decimal]] = {}
        for r in rates:
            if r.rate <= 0:
                raise ValueError(f"{r.currency} on {r.day}: a rate must be positive")
            by_currency.setdefault(r.currency.upper(), {})[_day_number(r.day)] = r.rate
        self._days: dict[str, NDArray[np.int64]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        self._floats: dict[str, NDArray[np.float64]] = {}
        for currency, day_rates in by_currency.items():
            days = sorted(day_rates)
            self._days[currency] = np.asarray(days, dtype=np.int64)
            self._rates[currency] = [day_rates[d] for d in days]
            self._floats[currency] = np.asarray([float(day_rates[d]) for d in days])

    @property
    def currencies(self) -> frozenset[str]:
        """Currencies with at least one rate, plus EUR."""
        return frozenset((*self._days, BASE))

    def rate_on(self, currency: str, day: date) -> AppliedRate | None:
        """The rate of `day` or the nearest earlier day within the lookback; else None."""
        currency = currency.upper()
        if currency == BASE:
            return AppliedRate(Decimal(1), day)
        days = self._days.get(currency)
        if days is None:
            return None
        wanted = _day_number(day)
        i = int(np.searchsorted(days, wanted, side="right")) - 1
        if i < 0 or wanted - int(days[i]) > MAX_LOOKBACK_DAYS:
            return None
        published = date.fromordinal(date(1970, 1, 1).toordinal() + int(days[i]))
        return AppliedRate(self._rates[currency][i], published)

    def convert(
        self, amount: Decimal, *, from_currency: str, to_currency: str, on: date
    ) -> Conversion | None:
        """`amount` in `from_currency` expressed in `to_currency` on day `on` (cross via EUR).

        A currency converted to itself needs no rate (the amount is exact)."""
        if from_currency.upper() == to_currency.upper():
            same = AppliedRate(Decimal(1), on)
            return Conversion(amount, same, same)
        source = self.rate_on(from_currency, on)
        target = self.rate_on(to_currency, on)
        if source is None or target is None:
            return None
        return Conversion(amount * target.rate / source.rate, source, target)

    def _factors(self, currency: str, day_numbers: NDArray[np.int64]) -> NDArray[np.float64]:
        """Per-day rate of `currency` (NaN where missing), vectorised."""
        if currency == BASE:
            return np.ones(len(day_numbers))
        days = self._days.get(currency)
        out = np.full(len(day_numbers), np.nan)
        if days is None or len(day_numbers) == 0:
            return out
        idx = np.searchsorted(days, day_numbers, side="right") - 1
        ok = idx >= 0
        safe = np.where(ok, idx, 0)
        ok &= (day_numbers - days[safe]) <= MAX_LOOKBACK_DAYS
        out[ok] = self._floats[currency][safe[ok]]
        return out

    def convert_many(
        self,
        amounts: NDArray[np.float64],
        currencies: NDArray[np.str_] | list[str],
        days: NDArray[np.datetime64],
        *,
        to_currency: str,
    ) -> NDArray[np.float64]:
        """Convert parallel arrays to `to_currency`; NaN where a rate is missing (never for
        amounts already in `to_currency`)."""
        amounts = np.asarray(amounts, dtype=np.float64)
        currencies = np.asarray([c.upper() for c in currencies])
        day_numbers = np.asarray(days, dtype="datetime64[D]").astype(np.int64)
        to_currency = to_currency.upper()
        target = self._factors(to_currency, day_numbers)
        result = np.full(len(amounts), np.nan)
        for currency in np.unique(currencies):
            rows = currencies == currency
            if currency == to_currency:
                result[rows] = amounts[rows]
                continue
            source = self._factors(str(currency), day_numbers[rows])
            result[rows] = amounts[rows] * target[rows] / source
        return result


def rates_from_mapping(day: date, per_eur: Mapping[str, Decimal]) -> list[DailyRate]:
    """DailyRate rows for one day from {currency: units per EUR}."""
    return [DailyRate(day, currency.upper(), rate) for currency, rate in per_eur.items()]
