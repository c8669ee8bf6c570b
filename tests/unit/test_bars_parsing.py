"""parse_bars_csv / validate_bar / find_gaps: both formats and every issue path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from trendedge.domain.bar_csv import parse_bars_csv, parse_time
from trendedge.domain.bars import BarIssue, BarRow, Timeframe, find_gaps, validate_bar


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def errors(parsed) -> list[tuple[int, str]]:
    return [(i.line, i.field) for i in parsed.errors]


def warnings(parsed) -> list[tuple[int, str]]:
    return [(i.line, i.field) for i in parsed.warnings]


# --------------------------------------------------------------------------- timeframes


def test_timeframe_durations_and_aliases() -> None:
    assert [tf.value for tf in Timeframe] == ["1m", "5m", "15m", "30m", "1h", "4h", "1D"]
    assert Timeframe.M1.duration == timedelta(minutes=1)
    assert Timeframe.M15.duration == timedelta(minutes=15)
    assert Timeframe.H4.duration == timedelta(hours=4)
    assert Timeframe.D1.duration == timedelta(days=1)
    assert Timeframe.parse("1d") is Timeframe.D1
    assert Timeframe.parse(" 5m ") is Timeframe.M5
    assert Timeframe.parse("60m") is Timeframe.H1
    assert Timeframe.D1.intraday is False and Timeframe.H4.intraday is True
    with pytest.raises(ValueError, match="use one of 1m, 5m"):
        Timeframe.parse("2h")


# --------------------------------------------------------------------------- formats

TRADINGVIEW_UNIX = """time,open,high,low,close,Volume,MA,Volume MA
1704205800,4780.25,4785.5,4771,4774.75,12034,NaN,NaN
1704206100,4774.75,4779,4770.5,4778,9811,4776.1,10922.5
1704206400,4778,4781.25,4776.25,4780.5,7312,4777.4,
"""


def test_tradingview_export_unix_seconds_ignores_indicator_columns() -> None:
    parsed = parse_bars_csv(TRADINGVIEW_UNIX, timeframe="5m")
    assert parsed.detected_format == "tradingview"
    assert parsed.issues == []
    assert [r.ts for r in parsed.rows] == [
        utc(2024, 1, 2, 14, 30),
        utc(2024, 1, 2, 14, 35),
        utc(2024, 1, 2, 14, 40),
    ]
    first = parsed.rows[0]
    assert (first.open, first.high, first.low, first.close, first.volume) == (
        Decimal("4780.25"),
        Decimal("4785.5"),
        Decimal("4771"),
        Decimal("4774.75"),
        Decimal("12034"),
    )
    assert parsed.gaps.count == 0


def test_tradingview_export_iso_times_with_offsets_become_utc() -> None:
    text = (
        "time,open,high,low,close,Volume\n"
        "2024-01-02T09:30:00-05:00,10,11,9,10.5,100\n"
        "2024-01-02T14:31:00Z,10.5,11,10,10.75,50\n"
    )
    parsed = parse_bars_csv(text, timeframe=Timeframe.M1)
    assert parsed.detected_format == "tradingview"
    assert parsed.issues == []
    assert [r.ts for r in parsed.rows] == [utc(2024, 1, 2, 14, 30), utc(2024, 1, 2, 14, 31)]
    assert all(r.ts.tzinfo is UTC for r in parsed.rows)


def test_tradingview_export_without_volume_column() -> None:
    parsed = parse_bars_csv("time,open,high,low,close\n1704205800,1,2,0.5,1.5\n", timeframe="1h")
    assert parsed.detected_format == "tradingview"
    assert parsed.rows[0].volume == 0


def test_plain_csv_with_naive_times_assumed_utc() -> None:
    text = (
        "time,open,high,low,close,volume\n"
        "2024-03-04 09:00,100,101,99,100.5,10\n"
        "2024-03-04 10:00:00,100.5,102,100,101,20\n"
        "2024-03-04T11:00:00,101,101.5,100.25,100.75,5\n"
    )
    parsed = parse_bars_csv(text, timeframe="1h")
    assert parsed.detected_format == "plain"
    assert parsed.issues == []
    assert [r.ts for r in parsed.rows] == [
        utc(2024, 3, 4, 9),
        utc(2024, 3, 4, 10),
        utc(2024, 3, 4, 11),
    ]


def test_plain_daily_dates_any_column_order_and_case() -> None:
    text = "Date,Open,High,Low,Close,Volume\n2024-03-04,1,2,0.5,1.5,7\n2024-03-05,1.5,2,1,1.8,8\n"
    parsed = parse_bars_csv(text, timeframe="1D")
    assert parsed.detected_format == "plain"
    assert [r.ts for r in parsed.rows] == [utc(2024, 3, 4), utc(2024, 3, 5)]
    reordered = "volume,close,low,high,open,time\n7,1.5,0.5,2,1,2024-03-04\n"
    row = parse_bars_csv(reordered, timeframe="1D").rows[0]
    assert (row.open, row.high, row.low, row.close, row.volume) == (1, 2, Decimal("0.5"), 1.5, 7)


def test_semicolon_delimiter_and_blank_lines() -> None:
    text = "\ntime;open;high;low;close;volume\n\n2024-03-04;1;2;0.5;1.5;7\n"
    parsed = parse_bars_csv(text, timeframe="1D")
    assert parsed.issues == []
    assert len(parsed.rows) == 1


def test_parse_time_forms() -> None:
    assert parse_time("1704205800") == utc(2024, 1, 2, 14, 30)
    assert parse_time("1704205800000") == utc(2024, 1, 2, 14, 30)
    assert parse_time("2024-01-02") == utc(2024, 1, 2)
    assert parse_time("2024-01-02 14:30") == utc(2024, 1, 2, 14, 30)
    assert parse_time("2024-01-02T15:30:00+01:00") == utc(2024, 1, 2, 14, 30)
    with pytest.raises(ValueError, match="not UNIX seconds, ISO 8601"):
        parse_time("02/01/2024")


# --------------------------------------------------------------------------- errors


def test_every_bad_line_is_reported_with_its_line_and_field() -> None:
    text = (
        "time,open,high,low,close,volume\n"  # 1
        "2024-03-04,1,2,0.5,1.5,7\n"  # 2 ok
        "2024-03-05,abc,2,0.5,1.5,7\n"  # 3 open unparseable
        "2024-03-06,1,2,0.5,1.5\n"  # 4 volume missing
        "2024-03-07,1,2,,1.5,7\n"  # 5 low missing
        "not-a-date,1,2,0.5,1.5,7\n"  # 6 time unparseable
        ",1,2,0.5,1.5,7\n"  # 7 time missing
        "2024-03-08,0,2,0.5,1.5,7\n"  # 8 open not positive
        "2024-03-09,1,2,0.5,-1.5,7\n"  # 9 close negative
        "2024-03-10,1,1.2,0.5,1.5,7\n"  # 10 high < close
        "2024-03-11,1,2,1.2,1.5,7\n"  # 11 low > open
        "2024-03-12,1,2,0.5,1.5,-7\n"  # 12 negative volume
        "2024-03-13,1,2,0.5,NaN,7\n"  # 13 NaN close
        "2024-03-14,1,2,0.5,1.5,inf\n"  # 14 infinite volume
        "2024-03-15,1e20,1e20,1e20,1e20,7\n"  # 15 too large for the column
        "2024-03-16\n"  # 16 only a time
        "2024-03-18,1.5,2,1,1.8,8\n"  # 17 ok
    )
    parsed = parse_bars_csv(text, timeframe="1D")
    assert errors(parsed) == [
        (3, "open"),
        (4, "volume"),
        (5, "low"),
        (6, "time"),
        (7, "time"),
        (8, "open"),
        (9, "close"),
        (10, "high"),
        (11, "low"),
        (12, "volume"),
        (13, "close"),
        (14, "volume"),
        (15, "open"),
        (15, "high"),
        (15, "low"),
        (15, "close"),
        (16, "open"),
    ]
    messages = {(i.line, i.field): i.message for i in parsed.errors}
    assert messages[(3, "open")] == "open 'abc' is not a number"
    assert messages[(4, "volume")] == "missing volume"
    assert messages[(8, "open")] == "price 0 is not positive"
    assert "below max(open, close)" in messages[(10, "high")]
    assert "above min(open, close)" in messages[(11, "low")]
    assert messages[(16, "open")] == "missing open"
    assert [r.ts for r in parsed.rows] == [utc(2024, 3, 4), utc(2024, 3, 18)]
    # nothing dropped silently: every data line is a row or has an error
    data_lines = set(range(2, 18))
    assert data_lines == {2, 17} | {i.line for i in parsed.errors}


def test_header_without_required_columns() -> None:
    parsed = parse_bars_csv("date,price\n2024-01-01,5\n", timeframe="1D")
    assert parsed.detected_format == "unknown"
    assert parsed.rows == []
    assert [(i.line, i.field) for i in parsed.issues] == [(1, "header")]
    assert "no open, high, low, close column" in parsed.issues[0].message


def test_empty_file_and_header_only() -> None:
    assert parse_bars_csv("  \n", timeframe="1D").issues == [
        BarIssue(1, "header", "the file is empty")
    ]
    only_header = parse_bars_csv("time,open,high,low,close\n", timeframe="1D")
    assert only_header.rows == []
    assert [(i.line, i.field) for i in only_header.issues] == [(1, "header")]


# --------------------------------------------------------------------------- order


def test_duplicates_keep_the_last_and_report_the_dropped_line() -> None:
    text = (
        "time,open,high,low,close,volume\n"
        "2024-03-04,1,2,0.5,1.5,7\n"  # 2 superseded by 4
        "2024-03-05,1.5,2,1,1.8,8\n"  # 3
        "2024-03-04,1.1,2.1,0.6,1.6,9\n"  # 4
    )
    parsed = parse_bars_csv(text, timeframe="1D")
    assert errors(parsed) == []
    # line 4 is also out of order (before line 3) and moved by sorting
    assert warnings(parsed) == [(2, "time"), (4, "time")]
    assert "duplicate time 2024-03-04T00:00:00+00:00: replaced by line 4" in (
        parsed.issues[0].message
    )
    assert [(r.ts, r.close) for r in parsed.rows] == [
        (utc(2024, 3, 4), Decimal("1.6")),
        (utc(2024, 3, 5), Decimal("1.8")),
    ]


def test_out_of_order_rows_are_sorted_and_reported() -> None:
    text = (
        "time,open,high,low,close,volume\n"
        "2024-03-04 10:00,1,2,0.5,1.5,7\n"
        "2024-03-04 12:00,1,2,0.5,1.5,7\n"
        "2024-03-04 11:00,1,2,0.5,1.5,7\n"  # 4: before line 3
        "2024-03-04 13:00,1,2,0.5,1.5,7\n"
    )
    parsed = parse_bars_csv(text, timeframe="1h")
    assert warnings(parsed) == [(4, "time")]
    assert "out of order" in parsed.warnings[0].message
    assert "before line 3" in parsed.warnings[0].message
    assert [r.ts.hour for r in parsed.rows] == [10, 11, 12, 13]


def test_newest_first_file_is_one_warning() -> None:
    lines = [f"2024-03-0{d},1,2,0.5,1.5,7" for d in (8, 7, 6, 5, 4)]
    parsed = parse_bars_csv("time,open,high,low,close,volume\n" + "\n".join(lines), timeframe="1D")
    assert warnings(parsed) == [(2, "time")]
    assert "newest first" in parsed.warnings[0].message
    assert [r.ts.day for r in parsed.rows] == [4, 5, 6, 7, 8]


# --------------------------------------------------------------------------- gaps


def bars_at(*times: datetime) -> list[BarRow]:
    one = Decimal(1)
    return [BarRow(t, one, one, one, one) for t in times]


def test_daily_gaps_skip_weekends_and_count_missing_weekdays() -> None:
    # Thu 7, Fri 8, Mon 11 (weekend: no gap), Wed 13 (Tue missing), Mon 18 (Thu, Fri missing)
    rows = bars_at(
        utc(2024, 3, 7), utc(2024, 3, 8), utc(2024, 3, 11), utc(2024, 3, 13), utc(2024, 3, 18)
    )
    gaps = find_gaps(rows, "1D")
    assert (gaps.count, gaps.missing_bars) == (2, 3)
    assert gaps.largest == timedelta(days=5)
    assert gaps.largest_after == utc(2024, 3, 13)


def test_intraday_gaps_ignore_overnight_and_weekends() -> None:
    five = timedelta(minutes=5)
    friday = utc(2024, 3, 8, 20, 50)
    times = [
        friday,
        friday + five,  # 20:55
        utc(2024, 3, 11, 14, 30),  # Monday: weekend, not a gap
        utc(2024, 3, 11, 14, 35),
        utc(2024, 3, 11, 14, 50),  # 14:40 and 14:45 missing: a gap of 2 bars
        utc(2024, 3, 11, 21, 0),  # 6 hours later: a session break
        utc(2024, 3, 12, 14, 30),  # overnight
        utc(2024, 3, 12, 14, 40),  # 14:35 missing
    ]
    gaps = find_gaps(bars_at(*times), "5m")
    assert (gaps.count, gaps.missing_bars) == (2, 3)
    assert gaps.largest == timedelta(minutes=15)
    assert gaps.largest_after == utc(2024, 3, 11, 14, 35)


def test_gaps_are_reported_on_parse_but_never_as_issues() -> None:
    text = (
        "time,open,high,low,close,volume\n"
        "2024-03-04 10:00,1,2,0.5,1.5,7\n"
        "2024-03-04 10:01,1,2,0.5,1.5,7\n"
        "2024-03-04 10:05,1,2,0.5,1.5,7\n"
    )
    parsed = parse_bars_csv(text, timeframe="1m")
    assert parsed.issues == []
    assert (parsed.gaps.count, parsed.gaps.missing_bars) == (1, 3)
    assert parsed.gaps.largest == timedelta(minutes=4)


def test_hourly_single_missing_bar_is_a_gap_longer_hole_is_a_break() -> None:
    times = [utc(2024, 3, 5, h) for h in (1, 2, 4, 9)]  # 3:00 missing; 5-8 a break
    gaps = find_gaps(bars_at(*times), "1h")
    assert (gaps.count, gaps.missing_bars) == (1, 1)


# --------------------------------------------------------------------------- validate_bar


def test_validate_bar() -> None:
    good = BarRow(utc(2024, 1, 1), Decimal(10), Decimal(12), Decimal(9), Decimal(11), Decimal(5))
    assert validate_bar(good) == []
    naive = BarRow(datetime(2024, 1, 1), good.open, good.high, good.low, good.close)
    assert [i.field for i in validate_bar(naive)] == ["time"]
    bad_high = BarRow(good.ts, Decimal(10), Decimal("10.5"), Decimal(9), Decimal(11))
    assert [(i.line, i.field) for i in validate_bar(bad_high, line=7)] == [(7, "high")]
    both = BarRow(good.ts, Decimal(10), Decimal(9), Decimal(11), Decimal(10))
    assert [i.field for i in validate_bar(both)] == ["high", "low"]
    zero = BarRow(good.ts, Decimal(0), Decimal(12), Decimal(-1), Decimal(11), Decimal(-1))
    assert [i.field for i in validate_bar(zero)] == ["open", "low", "volume"]


async def test_csv_upload_provider_serves_the_parsed_rows() -> None:
    from trendedge.services.market_data import BarProvider
    from trendedge.services.market_data.csv_upload import CsvUploadProvider

    provider = CsvUploadProvider(TRADINGVIEW_UNIX)
    assert isinstance(provider, BarProvider)
    rows = await provider.fetch("ES", Timeframe.M5, since=utc(2024, 1, 2, 14, 35))
    assert [r.ts.minute for r in rows] == [35, 40]
    assert provider.parsed is not None
    assert provider.parsed.detected_format == "tradingview"
