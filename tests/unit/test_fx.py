"""FX rates: ECB CSV reading and conversion through EUR, checked against hand maths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendedge.domain.ecb_csv import parse_ecb_csv
from trendedge.domain.fx import MAX_LOOKBACK_DAYS, DailyRate, RateTable

HISTORY = """Date,USD,JPY,GBP,CHF,
2026-10-30,1.1172,175.68,0.8338,0.9194,
2026-10-29,1.113,175.92,0.83578,0.9222,
2026-10-27,1.1000,N/A,0.8400,0.9300,
"""

ONE_DAY = """Date, USD, JPY, GBP,
30 October 2026, 1.1172, 175.68, 0.83380,
"""


def table() -> RateTable:
    parsed = parse_ecb_csv(HISTORY)
    assert parsed.errors == []
    return RateTable(parsed.rates)


def test_history_layout_reads_every_rate_and_skips_na() -> None:
    parsed = parse_ecb_csv(HISTORY)
    assert len(parsed.rates) == 11  # 12 cells, one N/A
    assert DailyRate(date(2026, 10, 29), "GBP", Decimal("0.83578")) in parsed.rates


def test_one_day_layout_with_spaces_and_long_dates() -> None:
    parsed = parse_ecb_csv(ONE_DAY)
    assert parsed.errors == []
    assert {r.currency for r in parsed.rates} == {"USD", "JPY", "GBP"}
    assert {r.day for r in parsed.rates} == {date(2026, 10, 30)}


def test_bad_cells_are_reported_by_line_and_column() -> None:
    text = "Date,USD,GBP\n2026-10-30,abc,0.8\nnot-a-day,1.1,0.8\n2026-10-28,-1,0.8\n"
    parsed = parse_ecb_csv(text)
    assert [str(e) for e in parsed.errors] == [
        "line 2: USD: not a number: 'abc'",
        "line 3: Date: not a date: 'not-a-day'",
        "line 4: USD: not a positive rate: '-1'",
    ]
    assert len(parsed.rates) == 2  # the good GBP cells of lines 2 and 4


@pytest.mark.parametrize(
    "text", ["Symbol,USD\n2026-10-30,1.1\n", "", "Date,US Dollar\n2026-10-30,1.1\n"]
)
def test_a_file_that_is_not_ecb_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_ecb_csv(text)


def test_usd_to_gbp_cross_rate_via_eur_by_hand() -> None:
    # 1,000 USD on 2026-10-30: 1000 / 1.1172 EUR = 895.0949... EUR; * 0.8338 = 746.3301... GBP
    converted = table().convert(
        Decimal(1000), from_currency="USD", to_currency="GBP", on=date(2026, 10, 30)
    )
    assert converted is not None
    assert converted.amount.quantize(Decimal("0.0001")) == Decimal("746.3301")
    assert converted.source.rate == Decimal("1.1172")
    assert converted.target.rate == Decimal("0.8338")


def test_eur_is_its_own_base() -> None:
    converted = table().convert(
        Decimal(100), from_currency="EUR", to_currency="USD", on=date(2026, 10, 29)
    )
    assert converted is not None and converted.amount == Decimal("111.3")


def test_weekend_uses_the_nearest_earlier_business_day() -> None:
    # 2026-10-31 is a Saturday, 11-01 a Sunday: Friday's rate applies.
    rate = table().rate_on("USD", date(2026, 11, 1))
    assert rate is not None and rate.day == date(2026, 10, 30) and rate.rate == Decimal("1.1172")
    # 10-28 has no rates: the 27th applies.
    rate = table().rate_on("USD", date(2026, 10, 28))
    assert rate is not None and rate.day == date(2026, 10, 27)


def test_missing_rate_is_missing_never_one() -> None:
    t = table()
    assert t.rate_on("JPY", date(2026, 10, 27)) is None  # N/A that day, nothing earlier
    assert t.rate_on("USD", date(2026, 10, 26)) is None  # before the first rate
    assert t.rate_on("USD", date(2026, 11, 7)) is None  # 8 days after the last rate
    assert t.rate_on("XYZ", date(2026, 10, 30)) is None
    assert (
        t.convert(Decimal(1), from_currency="JPY", to_currency="USD", on=date(2026, 10, 27)) is None
    )


def test_lookback_limit_is_inclusive() -> None:
    t = RateTable([DailyRate(date(2026, 1, 1), "USD", Decimal("1.1"))])
    assert t.rate_on("USD", date(2026, 1, 1 + MAX_LOOKBACK_DAYS)) is not None
    assert t.rate_on("USD", date(2026, 1, 2 + MAX_LOOKBACK_DAYS)) is None


def test_convert_many_matches_scalar_and_marks_missing_as_nan() -> None:
    t = table()
    amounts = np.array([1000.0, 50.0, 7.0, 10.0])
    currencies = ["USD", "GBP", "JPY", "EUR"]
    days = np.array(["2026-10-30", "2026-10-29", "2026-10-27", "2026-10-31"], dtype="datetime64[D]")
    out = t.convert_many(amounts, currencies, days, to_currency="CHF")
    for i, (amount, currency) in enumerate(zip(amounts, currencies, strict=True)):
        day = days[i].astype(object)
        scalar = t.convert(Decimal(str(amount)), from_currency=currency, to_currency="CHF", on=day)
        if scalar is None:
            assert np.isnan(out[i])
        else:
            assert out[i] == pytest.approx(float(scalar.amount), rel=1e-12)
    assert np.isnan(out[2])  # JPY missing on the 27th


def test_non_positive_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateTable([DailyRate(date(2026, 1, 1), "USD", Decimal(0))])


@given(
    rate_a=st.decimals(min_value="0.001", max_value="10000", places=4),
    rate_b=st.decimals(min_value="0.001", max_value="10000", places=4),
    amount=st.decimals(min_value="-1e6", max_value="1e6", places=2),
)
def test_round_trip_conversion_returns_the_amount(
    rate_a: Decimal, rate_b: Decimal, amount: Decimal
) -> None:
    day = date(2026, 3, 3)
    t = RateTable([DailyRate(day, "AAA", rate_a), DailyRate(day, "BBB", rate_b)])
    there = t.convert(amount, from_currency="AAA", to_currency="BBB", on=day)
    assert there is not None
    back = t.convert(there.amount, from_currency="BBB", to_currency="AAA", on=day)
    assert back is not None
    assert abs(back.amount - amount) <= Decimal("1e-12") * max(1, abs(amount))


def test_bundled_ecb_history_reads_without_errors() -> None:
    from trendedge.domain.ecb_csv import bundled_rates_text

    parsed = parse_ecb_csv(bundled_rates_text())
    assert parsed.errors == []
    t = RateTable(parsed.rates)
    assert {"USD", "GBP", "CHF", "JPY"} <= t.currencies
    assert t.rate_on("USD", date(2026, 10, 30)) is not None


def test_a_currency_in_itself_needs_no_rate_even_where_rates_are_missing() -> None:
    t = table()
    far = date(2027, 6, 1)  # long after the last rate
    converted = t.convert(Decimal("12.5"), from_currency="usd", to_currency="USD", on=far)
    assert converted is not None and converted.amount == Decimal("12.5")
    out = t.convert_many(
        np.array([5.0, 7.0]), ["USD", "GBP"], np.array([far, far], dtype="datetime64[D]"),
        to_currency="USD",
    )  # fmt: skip
    assert out[0] == 5.0 and np.isnan(out[1])
