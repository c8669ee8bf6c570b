"""Alpha Vantage time series (https://www.alphavantage.co/documentation/) as a bar provider.

`TIME_SERIES_INTRADAY` serves 1m, 5m, 15m, 30m and 1h (its `60min`);
`TIME_SERIES_DAILY` serves 1D. Alpha Vantage has no 4-hour series, so 4h is a
`ProviderError`. Intraday times are in the zone named by the answer's
"Meta Data" (US/Eastern) and are converted to UTC; a daily bar's date becomes
midnight UTC of that date (the convention for daily bars in TrendEdge).

The API key comes from the constructor or from the `alpha_vantage_api_key`
setting (env `ALPHA_VANTAGE_API_KEY`) when Settings has it. The key is sent as
the `apikey` query parameter and never appears in errors or logs.

Alpha Vantage answers HTTP 200 for its errors, with a body like
``{"Error Message": ...}`` (bad symbol or call), ``{"Note": ...}`` (rate limit)
or ``{"Information": ...}`` (rate limit, daily quota or a premium-only call);
each becomes a clear `ProviderError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from trendedge.domain.bars import BarRow, Timeframe, validate_bar
from trendedge.logging import get_logger
from trendedge.services.market_data import (
    ProviderError,
    ProviderRateLimitedError,
    since_filter,
)
from trendedge.settings import get_settings

log = get_logger("trendedge.market_data.alpha_vantage")

DEFAULT_BASE_URL = "https://www.alphavantage.co"
NAME = "alpha_vantage"

INTERVALS: dict[Timeframe, str] = {
    Timeframe.M1: "1min",
    Timeframe.M5: "5min",
    Timeframe.M15: "15min",
    Timeframe.M30: "30min",
    Timeframe.H1: "60min",
}
_FIELDS = (("open", "1. open"), ("high", "2. high"), ("low", "3. low"), ("close", "4. close"))
_RATE_LIMIT_WORDS = ("rate limit", "call frequency", "requests per", "calls per")


def _error(message: str, *, retryable: bool = False) -> ProviderError:
    return ProviderError(message, provider=NAME, retryable=retryable)


def interval_for(timeframe: Timeframe | str) -> str | None:
    """Alpha Vantage's intraday interval for `timeframe`; None for 1D.

    `ProviderError` for a timeframe Alpha Vantage does not serve (4h).
    """
    tf = Timeframe.parse(timeframe)
    if tf is Timeframe.D1:
        return None
    interval = INTERVALS.get(tf)
    if interval is None:
        served = ", ".join([*(t.value for t in INTERVALS), Timeframe.D1.value])
        raise _error(
            f"Alpha Vantage has no {tf.value} bars (it serves {served}); "
            "load 1h bars and aggregate them instead"
        )
    return interval


def _redacted(message: str, api_key: str) -> str:
    """Alpha Vantage quotes the key back ("We have detected your API key as ...")."""
    return message.replace(api_key, "***") if api_key else message


def _key_refused(lowered: str) -> bool:
    return ("apikey" in lowered or "api key" in lowered) and "invalid" in lowered


def _api_message(payload: Mapping[str, Any], symbol: str, tf: Timeframe, api_key: str = "") -> None:
    """Raise the ProviderError an Alpha Vantage error body stands for."""
    if "Error Message" in payload:
        message = _redacted(str(payload["Error Message"]), api_key)
        if _key_refused(message.lower()):
            raise _error(f"Alpha Vantage refused the API key: {message}")
        raise _error(f"Alpha Vantage rejected the request for {symbol} {tf.value}: {message}")
    for key in ("Note", "Information"):
        if key in payload:
            message = _redacted(str(payload[key]), api_key)
            lowered = message.lower()
            if _key_refused(lowered):
                raise _error(f"Alpha Vantage refused the API key: {message}")
            if key == "Note" or any(word in lowered for word in _RATE_LIMIT_WORDS):
                raise ProviderRateLimitedError(
                    f"Alpha Vantage rate limit or quota reached: {message}", provider=NAME
                )
            raise _error(f"Alpha Vantage returned no data for {symbol} {tf.value}: {message}")


def _zone(meta: Mapping[str, Any]) -> ZoneInfo:
    name = next((str(v) for k, v in meta.items() if k.endswith("Time Zone")), "US/Eastern")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _error(f"Alpha Vantage sent an unknown time zone {name!r}") from exc


def _timestamp(key: str, zone: ZoneInfo, *, daily: bool) -> datetime:
    if daily:
        day = date.fromisoformat(key.strip()[:10])
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    local = datetime.fromisoformat(key.strip())
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC)


def parse_time_series(
    payload: Any, *, symbol: str, timeframe: Timeframe | str, api_key: str = ""
) -> list[BarRow]:
    """Bars from an Alpha Vantage TIME_SERIES_* JSON answer, oldest first.

    Error bodies raise `ProviderError` (with `api_key` masked in the message);
    bars that fail validation are left out and logged (one warning with the
    count and the first reason).
    """
    tf = Timeframe.parse(timeframe)
    if not isinstance(payload, Mapping):
        raise _error("Alpha Vantage sent an answer that is not a JSON object")
    _api_message(payload, symbol, tf, api_key)
    series_key = next((k for k in payload if str(k).startswith("Time Series")), None)
    if series_key is None or not isinstance(payload[series_key], Mapping):
        keys = ", ".join(map(str, payload)) or "nothing"
        raise _error(f"Alpha Vantage sent no time series for {symbol} {tf.value} (got {keys})")
    meta = payload.get("Meta Data")
    zone = _zone(meta if isinstance(meta, Mapping) else {})
    daily = tf is Timeframe.D1
    rows: list[BarRow] = []
    rejected: list[str] = []
    for key, values in payload[series_key].items():
        try:
            ts = _timestamp(str(key), zone, daily=daily)
            prices = [Decimal(str(values[name])) for _, name in _FIELDS]
            volume = Decimal(str(values.get("5. volume", "0")))
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
            rejected.append(f"{key}: unreadable ({type(exc).__name__})")
            continue
        row = BarRow(ts, prices[0], prices[1], prices[2], prices[3], volume)
        problems = validate_bar(row)
        if problems:
            rejected.append(f"{key}: {problems[0].message}")
            continue
        rows.append(row)
    if rejected:
        log.warning(
            "alpha_vantage_bars_rejected",
            symbol=symbol,
            timeframe=tf.value,
            count=len(rejected),
            first=rejected[0],
        )
    unique = {row.ts: row for row in rows}
    return [unique[ts] for ts in sorted(unique)]


class AlphaVantageProvider:
    """Bars from the Alpha Vantage REST API (one HTTP call per `fetch`)."""

    name = NAME

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        outputsize: Literal["compact", "full"] = "compact",
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._api_key = api_key if api_key is not None else _configured_key()
        self._base_url = base_url.rstrip("/")
        self._outputsize = outputsize
        self._timeout = timeout
        self._http = http

    def _params(self, symbol: str, tf: Timeframe) -> dict[str, str]:
        interval = interval_for(tf)
        params = {
            "symbol": symbol,
            "outputsize": self._outputsize,
            "datatype": "json",
            "apikey": self._api_key,
        }
        if interval is None:
            params["function"] = "TIME_SERIES_DAILY"
        else:
            params["function"] = "TIME_SERIES_INTRADAY"
            params["interval"] = interval
        return params

    async def _get(self, params: Mapping[str, str]) -> httpx.Response:
        url = f"{self._base_url}/query"
        if self._http is not None:
            return await self._http.get(url, params=params, timeout=self._timeout)
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            return await client.get(url, params=params)

    async def fetch(
        self, instrument: str, timeframe: Timeframe | str, *, since: datetime | None = None
    ) -> list[BarRow]:
        """Bars of `instrument` (an Alpha Vantage symbol such as `IBM`) from `since` on."""
        tf = Timeframe.parse(timeframe)
        symbol = instrument.strip().upper()
        if not symbol:
            raise _error("An instrument symbol is required")
        if not self._api_key:
            raise _error(
                "Alpha Vantage needs an API key: set ALPHA_VANTAGE_API_KEY "
                "(a free key is at https://www.alphavantage.co/support/#api-key)"
            )
        params = self._params(symbol, tf)
        try:
            response = await self._get(params)
        except httpx.TimeoutException as exc:
            raise _error(
                f"Alpha Vantage did not answer within {self._timeout:g}s", retryable=True
            ) from exc
        except httpx.HTTPError as exc:
            # The exception text can hold the request URL, and so the key: name only its kind.
            raise _error(
                f"Alpha Vantage could not be reached ({type(exc).__name__})", retryable=True
            ) from exc
        if response.status_code == 429:
            raise ProviderRateLimitedError(
                "Alpha Vantage rate limit reached (HTTP 429)", provider=NAME
            )
        if response.status_code >= 400:
            raise _error(
                f"Alpha Vantage answered HTTP {response.status_code} for {symbol} {tf.value}",
                retryable=response.status_code >= 500,
            )
        try:
            payload = response.json()
        except ValueError as exc:
            raise _error(
                f"Alpha Vantage sent a body that is not JSON for {symbol} {tf.value}",
                retryable=True,
            ) from exc
        rows = parse_time_series(payload, symbol=symbol, timeframe=tf, api_key=self._api_key)
        return since_filter(rows, since)


def _configured_key() -> str:
    """The `alpha_vantage_api_key` setting, if Settings defines it."""
    value = getattr(get_settings(), "alpha_vantage_api_key", "") or ""
    return str(getattr(value, "get_secret_value", lambda: value)())
