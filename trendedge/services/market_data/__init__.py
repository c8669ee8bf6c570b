"""Where bars come from: a small provider interface and its implementations.

A provider only fetches and parses; storing is `trendedge.services.bars`:

    rows = await provider.fetch("IBM", Timeframe.M5, since=last_ts)
    await upsert_bars(session=session, instrument="IBM", timeframe="5m", rows=rows)

Providers: `alpha_vantage.AlphaVantageProvider` (HTTP API), `csv_upload.CsvUploadProvider`
(an uploaded TradingView/plain CSV) and the bundled history in `sample_data`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from trendedge.domain.bars import BarRow, Timeframe
from trendedge.services.errors import ServiceError


class ProviderError(ServiceError):
    """A provider could not deliver bars; the message says why, for people.

    `retryable` is True when the same call may succeed later (rate limit,
    server error, network failure) and False when it never will (bad symbol,
    unsupported timeframe, missing or rejected API key).
    """

    code = "PROVIDER_ERROR"
    status = 502

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        retryable: bool = False,
        details: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.provider = provider
        self.retryable = retryable


class ProviderRateLimitedError(ProviderError):
    """The provider refused the call for its rate limit or quota; try later."""

    code = "PROVIDER_RATE_LIMITED"
    status = 429

    def __init__(self, message: str, *, provider: str) -> None:
        super().__init__(message, provider=provider, retryable=True)


@runtime_checkable
class BarProvider(Protocol):
    """Fetches bars of one instrument and timeframe, oldest first, times in UTC."""

    name: str

    async def fetch(
        self, instrument: str, timeframe: Timeframe, *, since: datetime | None = None
    ) -> list[BarRow]:
        """Bars with `ts >= since` (all it has when `since` is None)."""
        ...


def since_filter(rows: list[BarRow], since: datetime | None) -> list[BarRow]:
    """`rows` from `since` on (inclusive: the last stored bar may have been partial)."""
    return rows if since is None else [row for row in rows if row.ts >= since]


__all__ = ["BarProvider", "ProviderError", "ProviderRateLimitedError", "since_filter"]
