"""The Alpha Vantage provider against a real local HTTP server that answers like
Alpha Vantage (a Starlette app served by uvicorn on 127.0.0.1 in a thread)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.support.processes import free_port
from trendedge.domain.bars import Timeframe
from trendedge.services.market_data import BarProvider, ProviderError, ProviderRateLimitedError
from trendedge.services.market_data.alpha_vantage import AlphaVantageProvider, interval_for

API_KEY = "test-key-123"

INTRADAY = {
    "Meta Data": {
        "1. Information": "Intraday (5min) open, high, low, close prices and volume",
        "2. Symbol": "IBM",
        "3. Last Refreshed": "2024-01-05 10:05:00",
        "4. Interval": "5min",
        "5. Output Size": "Compact",
        "6. Time Zone": "US/Eastern",
    },
    "Time Series (5min)": {
        "2024-01-05 10:05:00": {
            "1. open": "160.9500",
            "2. high": "161.1000",
            "3. low": "160.8000",
            "4. close": "161.0000",
            "5. volume": "4123",
        },
        "2024-01-05 10:00:00": {
            "1. open": "160.5000",
            "2. high": "161.0000",
            "3. low": "160.4000",
            "4. close": "160.9500",
            "5. volume": "5210",
        },
        "2024-01-05 09:55:00": {  # high below the close: left out
            "1. open": "160.0000",
            "2. high": "160.2000",
            "3. low": "159.9000",
            "4. close": "160.5000",
            "5. volume": "300",
        },
    },
}
DAILY = {
    "Meta Data": {
        "1. Information": "Daily Prices (open, high, low, close) and Volumes",
        "2. Symbol": "IBM",
        "3. Last Refreshed": "2024-01-05",
        "4. Output Size": "Compact",
        "5. Time Zone": "US/Eastern",
    },
    "Time Series (Daily)": {
        "2024-01-05": {
            "1. open": "162.3000",
            "2. high": "163.0000",
            "3. low": "160.8000",
            "4. close": "161.0000",
            "5. volume": "3412345",
        },
        "2024-01-04": {
            "1. open": "160.0000",
            "2. high": "162.5000",
            "3. low": "159.5000",
            "4. close": "162.2000",
            "5. volume": "4012345",
        },
    },
}
NOTE = {
    "Note": "Thank you for using Alpha Vantage! Our standard API call frequency is "
    "5 calls per minute and 500 calls per day."
}
INFORMATION = {
    "Information": "We have detected your API key as test-key-123 and our standard API "
    "rate limit is 25 requests per day."
}
PREMIUM = {"Information": "This is a premium endpoint. You may subscribe to any of the plans."}
ERROR = {
    "Error Message": "Invalid API call. Please retry or visit the documentation "
    "(https://www.alphavantage.co/documentation/) for TIME_SERIES_INTRADAY."
}


class FakeAlphaVantage:
    """What the fake server saw; the symbol picks the answer."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []

    async def query(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.requests.append(params)
        if params.get("apikey") != API_KEY:
            return JSONResponse({"Information": "the parameter apikey is invalid or missing."})
        symbol, function = params.get("symbol"), params.get("function")
        if symbol == "IBM":
            if function == "TIME_SERIES_DAILY":
                return JSONResponse(DAILY)
            if function == "TIME_SERIES_INTRADAY" and params.get("interval") == "5min":
                return JSONResponse(INTRADAY)
            return JSONResponse(ERROR)
        bodies = {"LIMIT": NOTE, "QUOTA": INFORMATION, "PREMIUM": PREMIUM, "NOPE": ERROR}
        if symbol in bodies:
            return JSONResponse(bodies[symbol])
        if symbol == "BOOM":
            return PlainTextResponse("Internal Server Error", status_code=500)
        if symbol == "HTML":
            return PlainTextResponse("<html>maintenance</html>", media_type="text/html")
        if symbol == "EMPTY":
            return JSONResponse({"Meta Data": {"2. Symbol": "EMPTY"}})
        return JSONResponse(ERROR)


@pytest.fixture(scope="module")
def fake_server() -> Iterator[tuple[str, FakeAlphaVantage]]:
    fake = FakeAlphaVantage()
    app = Starlette(routes=[Route("/query", fake.query)])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "fake server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", fake
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def provider(fake_server) -> AlphaVantageProvider:
    return AlphaVantageProvider(api_key=API_KEY, base_url=fake_server[0])


def test_timeframe_mapping() -> None:
    assert [interval_for(tf) for tf in ("1m", "5m", "15m", "30m", "1h", "1D")] == [
        "1min",
        "5min",
        "15min",
        "30min",
        "60min",
        None,
    ]
    with pytest.raises(ProviderError, match="Alpha Vantage has no 4h bars"):
        interval_for("4h")


async def test_intraday_bars_are_parsed_converted_to_utc_and_validated(
    provider: AlphaVantageProvider, fake_server
) -> None:
    assert isinstance(provider, BarProvider)
    rows = await provider.fetch("ibm", Timeframe.M5)
    # 10:00 and 10:05 New York time (EST, UTC-5); the 09:55 bar is invalid
    assert [r.ts for r in rows] == [
        datetime(2024, 1, 5, 15, 0, tzinfo=UTC),
        datetime(2024, 1, 5, 15, 5, tzinfo=UTC),
    ]
    assert (rows[0].open, rows[0].high, rows[0].low, rows[0].close, rows[0].volume) == (
        Decimal("160.5000"),
        Decimal("161.0000"),
        Decimal("160.4000"),
        Decimal("160.9500"),
        Decimal("5210"),
    )
    sent = fake_server[1].requests[-1]
    assert sent == {
        "function": "TIME_SERIES_INTRADAY",
        "symbol": "IBM",
        "interval": "5min",
        "outputsize": "compact",
        "datatype": "json",
        "apikey": API_KEY,
    }


async def test_daily_bars_and_since(provider: AlphaVantageProvider, fake_server) -> None:
    rows = await provider.fetch("IBM", Timeframe.D1)
    assert [(r.ts, r.close) for r in rows] == [
        (datetime(2024, 1, 4, tzinfo=UTC), Decimal("162.2000")),
        (datetime(2024, 1, 5, tzinfo=UTC), Decimal("161.0000")),
    ]
    assert fake_server[1].requests[-1]["function"] == "TIME_SERIES_DAILY"
    assert "interval" not in fake_server[1].requests[-1]
    since = await provider.fetch("IBM", "1D", since=datetime(2024, 1, 5, tzinfo=UTC))
    assert [r.ts.day for r in since] == [5]


@pytest.mark.parametrize(
    ("symbol", "error", "message", "retryable"),
    [
        ("LIMIT", ProviderRateLimitedError, "rate limit or quota reached: Thank you", True),
        ("QUOTA", ProviderRateLimitedError, "25 requests per day", True),
        ("NOPE", ProviderError, "rejected the request for NOPE 5m: Invalid API call", False),
        ("BOOM", ProviderError, "answered HTTP 500 for BOOM 5m", True),
        ("HTML", ProviderError, "not JSON", True),
        ("EMPTY", ProviderError, "no time series for EMPTY 5m", False),
    ],
)
async def test_error_bodies_become_clear_errors(
    provider: AlphaVantageProvider, symbol: str, error: type, message: str, retryable: bool
) -> None:
    with pytest.raises(error, match=message) as caught:
        await provider.fetch(symbol, Timeframe.M5)
    assert caught.value.retryable is retryable
    assert caught.value.provider == "alpha_vantage"
    assert API_KEY not in str(caught.value)  # Alpha Vantage quotes the key back


async def test_premium_only_information_is_not_a_rate_limit(
    provider: AlphaVantageProvider,
) -> None:
    with pytest.raises(ProviderError, match="no data for PREMIUM 1D: This is a premium") as caught:
        await provider.fetch("PREMIUM", Timeframe.D1)
    assert not isinstance(caught.value, ProviderRateLimitedError)
    assert not caught.value.retryable


async def test_unsupported_timeframe_and_missing_key(fake_server) -> None:
    with pytest.raises(ProviderError, match="no 4h bars"):
        await AlphaVantageProvider(api_key=API_KEY, base_url=fake_server[0]).fetch("IBM", "4h")
    with pytest.raises(ProviderError, match="needs an API key"):
        await AlphaVantageProvider(api_key="", base_url=fake_server[0]).fetch("IBM", "5m")
    wrong = AlphaVantageProvider(api_key="wrong", base_url=fake_server[0])
    with pytest.raises(ProviderError, match="refused the API key: the parameter apikey"):
        await wrong.fetch("IBM", "5m")


async def test_unreachable_server_is_a_retryable_error_without_the_key() -> None:
    provider = AlphaVantageProvider(api_key=API_KEY, base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderError, match="could not be reached") as caught:
        await provider.fetch("IBM", "1D")
    assert caught.value.retryable
    assert API_KEY not in str(caught.value)


def test_fetch_bars_command_stores_what_the_provider_answers(fake_server, base_env, clean) -> None:
    """`trendedge admin fetch-bars` against the local Alpha Vantage: stored once, idempotent."""
    from tests.support.commands import run_cli

    env = {**base_env, "ALPHA_VANTAGE_API_KEY": API_KEY}
    args = ("admin", "fetch-bars", "IBM", "1D", "--base-url", fake_server[0])
    first = run_cli(*args, env=env)
    assert first.returncode == 0, str(first)
    fetched, written = (int(n) for n in re.findall(r"(\d+) ", first.stdout)[:2])
    assert fetched > 0 and written == fetched
    again = run_cli(*args, env=env)
    assert again.returncode == 0 and f"{fetched} bars fetched, 0 new" in again.stdout
    limited = run_cli("admin", "fetch-bars", "LIMIT", "1D", "--base-url", fake_server[0], env=env)
    assert limited.returncode != 0 and API_KEY not in limited.stderr
