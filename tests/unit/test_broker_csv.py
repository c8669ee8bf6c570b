"""Broker-statement parsers: every format from its sample file, every rejection path,
questions instead of guesses, the column mapper, and the idempotency keys."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendedge.domain.broker_csv import (
    generic,
    interactive_brokers,
    ninjatrader,
    tradestation,
    tradovate,
)
from trendedge.domain.broker_csv.dates import parse_when, time_zone
from trendedge.domain.broker_csv.detect import FORMATS, detect_format, parse_statement
from trendedge.domain.broker_csv.executions import Execution, ParseResult
from trendedge.domain.broker_csv.fingerprints import assign_keys, new_positions
from trendedge.domain.broker_csv.mapping import (
    ColumnMapping,
    parse_with_mapping,
    validate_mapping,
)
from trendedge.domain.broker_csv.numbers import parse_number, style_evidence
from trendedge.domain.broker_csv.symbols import ticker_for
from trendedge.domain.contracts import resolve_symbol

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "broker_csv"
NY, CHICAGO, BERLIN = "America/New_York", "America/Chicago", "Europe/Berlin"
GENERIC_HEADER = "Date,Time,Symbol,Quantity,Price,Side,Commission,Currency\n"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def at_line(result: ParseResult, line: int) -> list[Execution]:
    return [e for e in result.executions if e.line == line]


def drop_column(text: str, name: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    index = [c.strip() for c in rows[0]].index(name)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [c for i, c in enumerate(row) if i != index] for row in rows
    )
    return out.getvalue()


# ----------------------------------------------------------------- each format


def test_generic_sample_file() -> None:
    result = parse_statement(fixture("generic.csv"), tz=NY)
    assert (result.format_name, len(result.executions), result.errors) == ("generic", 13, [])
    first = result.executions[0]
    # 2026-03-16 is after the US switch to daylight time: New York is UTC-4.
    assert first == Execution(
        line=2, account=None, execution_id=None, order_id=None,
        time=utc(2026, 3, 16, 13, 31, 5), symbol="ESM6", side="buy",
        quantity=Decimal(1), price=Decimal("5712.25"), fee=Decimal("2.25"), currency="USD",
    )  # fmt: skip
    scale_out = at_line(result, 4)[0]
    assert (scale_out.side, scale_out.quantity, scale_out.fee) == ("sell", 2, Decimal("4.50"))
    crude = at_line(result, 11)[0]
    assert (crude.time, crude.price) == (utc(2026, 3, 17, 13, 5, 10), Decimal("68.42"))


def test_generic_european_file_day_first_with_decimal_commas() -> None:
    result = parse_statement(fixture("generic_eu.csv"), tz=BERLIN)
    assert (len(result.executions), result.errors, result.questions) == (11, [], [])
    assert result.notes == ["dates read day-first: line 2 has '23.03.2026 09:02:11'"]
    fdax = at_line(result, 2)[0]
    assert (fdax.time, fdax.price, fdax.fee, fdax.currency) == (
        utc(2026, 3, 23, 8, 2, 11),  # CET, UTC+1
        Decimal("22415.50"),
        Decimal("2.40"),
        "EUR",
    )
    after_switch = at_line(result, 9)[0]  # 1 April: CEST, UTC+2
    assert (after_switch.time, after_switch.side) == (utc(2026, 4, 1, 7, 0, 30), "sell")
    assert at_line(result, 7)[0].currency == "USD"
    assert at_line(result, 12)[0].price == Decimal("68.02")


def test_tradovate_fills_use_the_utc_timestamp_and_fill_ids() -> None:
    text = fixture("tradovate_fills.csv")
    result = parse_statement(text, tz="Asia/Tokyo")  # _timestamp is UTC: tz is not used
    assert (result.format_name, len(result.executions), result.errors) == (
        "tradovate_fills",
        12,
        [],
    )
    nq = at_line(result, 7)[0]
    assert nq == Execution(
        line=7, account="DEMO4412087", execution_id="612004518891", order_id="612004518884",
        time=datetime(2026, 3, 16, 14, 2, 3, 644000, tzinfo=UTC), symbol="NQM6",
        side="sell", quantity=Decimal(1), price=Decimal("20105.25"), fee=Decimal("1.29"),
        currency=None,
    )  # fmt: skip
    # Two fills of one order (partial fills) keep their own fill ids.
    assert [e.execution_id for e in at_line(result, 4) + at_line(result, 5)] == [
        "612004518861",
        "612004518862",
    ]


def test_tradovate_fills_without_utc_column_read_the_local_timestamp() -> None:
    text = drop_column(fixture("tradovate_fills.csv"), "_timestamp")
    result = tradovate.parse_fills(text, tz=NY)
    assert result.errors == []
    assert at_line(result, 2)[0].time == utc(2026, 3, 16, 13, 31, 5)
    assert result.notes == ["dates read month-first: line 2 has '03/16/2026 09:31:05'"]


def test_tradovate_orders_one_execution_per_filled_order() -> None:
    result = parse_statement(fixture("tradovate_orders.csv"), tz=NY)
    assert (result.format_name, len(result.executions), result.errors) == (
        "tradovate_orders",
        9,
        [],
    )
    assert result.notes[0] == (
        "skipped 3 order(s) that did not fill: lines 5 (Canceled), 8 (Canceled), 13 (Rejected)"
    )
    nq = at_line(result, 6)[0]
    assert (nq.execution_id, nq.side, nq.quantity, nq.price, nq.time, nq.currency) == (
        "612004518884",
        "sell",
        Decimal(2),
        Decimal("20105.375"),
        utc(2026, 3, 16, 14, 2, 3),
        "USD",
    )
    assert nq.fee == 0


def test_ninjatrader_executions() -> None:
    result = parse_statement(fixture("ninjatrader_executions.csv"), tz=CHICAGO)
    assert (result.format_name, len(result.executions), result.errors) == (
        "ninjatrader_executions",
        12,
        [],
    )
    assert result.notes == ["dates read month-first: line 2 has '3/16/2026 9:31:05 AM'"]
    first = result.executions[0]
    assert (first.time, first.symbol, first.fee, first.account) == (
        utc(2026, 3, 16, 14, 31, 5),  # CDT, UTC-5
        "NQ 06-26",
        Decimal("2.14"),
        "Sim101",
    )
    short = at_line(result, 6)[0]
    assert (short.side, short.quantity, short.price) == ("sell", 2, Decimal("5718.75"))
    cover = at_line(result, 8)[0]
    assert (cover.side, cover.time, cover.execution_id) == (
        "buy",
        utc(2026, 3, 16, 16, 4, 2),
        "b06c7d8e9f0a1b2c3d4e5f60718293a4",
    )


def test_ninjatrader_trades_become_entry_and_exit_executions() -> None:
    result = parse_statement(fixture("ninjatrader_trades.csv"), tz=CHICAGO)
    assert (result.format_name, len(result.executions), result.errors) == (
        "ninjatrader_trades",
        16,
        [],
    )
    entry, exit_ = at_line(result, 2)
    assert (entry.side, entry.price, entry.time, entry.fee) == (
        "buy",
        Decimal("20105.50"),
        utc(2026, 3, 16, 14, 31, 5),
        Decimal("2.14"),
    )
    assert (exit_.side, exit_.price, exit_.time, exit_.fee) == (
        "sell",
        Decimal("20121.00"),
        utc(2026, 3, 16, 14, 52, 10),
        Decimal("2.14"),
    )
    short_entry, short_exit = at_line(result, 4)
    assert (short_entry.side, short_exit.side, short_exit.price) == (
        "sell",
        "buy",
        Decimal("5712.00"),
    )
    afternoon = at_line(result, 9)[0]
    assert (afternoon.time, afternoon.quantity) == (utc(2026, 3, 17, 18, 15, 22), 2)
    assert sum(e.fee for e in result.executions) == Decimal("37.34")  # the Commission column


def test_ibkr_flex_trades() -> None:
    result = parse_statement(fixture("ibkr_flex_trades.csv"), tz=NY)
    assert (result.format_name, len(result.executions)) == ("ibkr_flex_trades", 14)
    assert [str(e) for e in result.errors] == [
        "line 17: AssetClass: OPT is not imported: only futures (FUT) and stocks (STK) are"
    ]
    assert result.notes == ["skipped 1 row(s) whose LevelOfDetail is not EXECUTION: lines 7"]
    es = result.executions[0]
    assert es == Execution(
        line=2, account="U7654321", execution_id="0000e0d5.67f5a1b2.01.01",
        order_id="4201117001", time=utc(2026, 3, 16, 13, 31, 5), symbol="ESM6", side="buy",
        quantity=Decimal(1), price=Decimal("5712.25"), fee=Decimal("2.25"), currency="USD",
    )  # fmt: skip
    sell = at_line(result, 4)[0]
    assert (sell.side, sell.quantity, sell.fee) == ("sell", Decimal(2), Decimal("4.5"))
    fesx = at_line(result, 14)[0]
    assert (fesx.currency, fesx.side, fesx.quantity, fesx.price, fesx.time) == (
        "EUR",
        "sell",
        Decimal(2),
        Decimal(5412),
        utc(2026, 3, 17, 8, 2, 11),
    )
    assert at_line(result, 16)[0].symbol == "SPY"  # stocks are kept


def test_ibkr_section_code_layout_and_wrappers_read_the_same() -> None:
    rows = list(csv.reader(io.StringIO(fixture("ibkr_flex_trades.csv"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["BOF", "U7654321", "Trades", "1", "20260316", "20260317"])
    writer.writerow(["HEADER", "TRNT", *rows[0]])
    writer.writerows(["DATA", "TRNT", *row] for row in rows[1:])
    writer.writerow(["HEADER", "CTRN", "ClientAccountID", "Amount"])
    writer.writerow(["DATA", "CTRN", "U7654321", "100"])
    writer.writerow(["EOF", "U7654321"])
    wrapped = parse_statement(out.getvalue(), tz=NY)
    plain = parse_statement(fixture("ibkr_flex_trades.csv"), tz=NY)
    strip = [(e.execution_id, e.time, e.side, e.quantity, e.price) for e in plain.executions]
    assert [(e.execution_id, e.time, e.side, e.quantity, e.price) for e in wrapped.executions] == (
        strip
    )
    assert wrapped.executions[0].line == 3


def test_tradestation_order_history() -> None:
    result = parse_statement(fixture("tradestation.csv"), tz=NY)
    assert (result.format_name, len(result.executions), result.errors) == (
        "tradestation",
        10,
        [],
    )
    assert result.notes[0] == (
        "skipped 2 order(s) that did not fill: lines 5 (Canceled), 13 (Rejected)"
    )
    short = at_line(result, 6)[0]
    assert (short.side, short.quantity, short.price, short.time, short.execution_id) == (
        "sell",
        Decimal(2),
        Decimal("20105.50"),
        utc(2026, 3, 16, 14, 2, 3),
        "1-7710-2270",
    )
    assert at_line(result, 7)[0].side == "buy"  # Buy to Cover
    assert at_line(result, 8)[0].quantity == 3  # the filled part of a partial fill


# ----------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("generic.csv", "generic"),
        ("generic_eu.csv", "generic"),
        ("generic_ambiguous_dates.csv", "generic"),
        ("tradovate_fills.csv", "tradovate_fills"),
        ("tradovate_orders.csv", "tradovate_orders"),
        ("ninjatrader_executions.csv", "ninjatrader_executions"),
        ("ninjatrader_trades.csv", "ninjatrader_trades"),
        ("ibkr_flex_trades.csv", "ibkr_flex_trades"),
        ("tradestation.csv", "tradestation"),
    ],
)
def test_detection_by_header(name: str, expected: str) -> None:
    detection = detect_format(fixture(name))
    assert detection.format is not None
    assert detection.format.name == expected


def test_unknown_header_points_to_the_column_mapper() -> None:
    text = "When,What,How many,At\n2026-03-16 09:31,ESM6,1,5712.25\n"
    assert detect_format(text).format is None
    result = parse_statement(text)
    assert (result.format_name, result.executions) == ("unknown", [])
    assert result.errors[0].line == 1
    assert "column mapper" in result.errors[0].message
    assert "When, What, How many, At" in result.errors[0].message


def test_named_format_overrides_detection_and_unknown_names_raise() -> None:
    result = parse_statement(fixture("generic.csv"), format_name="tradestation")
    assert result.format_name == "tradestation"
    assert "missing column(s)" in result.errors[0].message
    with pytest.raises(ValueError, match="unknown format"):
        parse_statement(fixture("generic.csv"), format_name="nope")
    assert len({fmt.name for fmt in FORMATS}) == len(FORMATS)


# ----------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    ("parse", "name", "column"),
    [
        (generic.parse_generic, "generic.csv", "Price"),
        (tradovate.parse_fills, "tradovate_fills.csv", "Contract"),
        (tradovate.parse_orders, "tradovate_orders.csv", "Fill Time"),
        (ninjatrader.parse_executions, "ninjatrader_executions.csv", "Action"),
        (ninjatrader.parse_trades, "ninjatrader_trades.csv", "Exit price"),
        (interactive_brokers.parse_flex_trades, "ibkr_flex_trades.csv", "TradePrice"),
        (tradestation.parse_order_history, "tradestation.csv", "Symbol"),
    ],
)
def test_missing_column_rejects_the_file(parse, name: str, column: str) -> None:  # type: ignore[no-untyped-def]
    result = parse(drop_column(fixture(name), column))
    assert result.executions == []
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.line, error.column) == (1, "header")
    assert error.message.startswith(f"missing column(s): {column} (found: ")


def test_every_bad_line_is_named_and_the_good_ones_are_kept() -> None:
    text = GENERIC_HEADER + "\n".join(
        [
            "2026-03-16,09:31:05,ESM6,1,x,Buy,2.25,USD",
            "2026-03-16,09:31:06,ESM6,1,5712.25,Hold,2.25,USD",
            "2026-13-16,09:31:07,ESM6,1,5712.25,Buy,2.25,USD",
            "2026-03-16,25:00:00,ESM6,1,5712.25,Buy,2.25,USD",
            "2026-03-16,09:31:09,ESM6,0,5712.25,Buy,2.25,USD",
            "2026-03-16,09:31:10,ESM6,-1,5712.25,Sell,2.25,USD",
            "2026-03-16,09:31:11,,1,5712.25,Buy,2.25,USD",
            "2026-03-16,09:31:12,ESM6,1,5712.25,Buy,-2.25,USD",
            "2026-03-16,09:31:13,ESM6,1,5712.25,Buy,2.25,DOLLARS",
            "2026-03-16,09:31:14,ESM6,1,5712.25,Buy,2.25,USD",
            "2026-03-16,,ESM6,1,5712.25,Buy,2.25,USD",
        ]
    )
    result = parse_statement(text, tz=NY)
    assert [e.line for e in result.executions] == [11]
    assert [str(e) for e in result.errors] == [
        "line 2: Price: not a number: 'x'",
        "line 3: Side: not a side: 'Hold' (expected Buy or Sell)",
        "line 4: Date/Time: not a valid date and time: '2026-13-16 09:31:07'",
        "line 5: Date/Time: not a valid date and time: '2026-03-16 25:00:00'",
        "line 6: Quantity: must be more than zero, got '0'",
        "line 7: Quantity: must be more than zero, got '-1'",
        "line 8: Symbol: missing symbol",
        "line 9: Commission: negative fee '-2.25': write fees as positive",
        "line 10: Currency: 'DOLLARS' is not an ISO 4217 currency code (e.g. USD, EUR)",
        "line 12: Date/Time: no time of day in '2026-03-16'",
    ]
    assert not result.clean


def test_ibkr_rejects_cancellations_foreign_commissions_and_buys_with_negative_quantity() -> None:
    header = (
        "ClientAccountID,CurrencyPrimary,AssetClass,Symbol,IBExecID,DateTime,Buy/Sell,"
        "Quantity,TradePrice,IBCommission,IBCommissionCurrency\n"
    )
    rows = [
        "U1,USD,FUT,ESM6,e1,20260105;093015,BUY (Ca.),-1,5712.25,2.25,USD",
        "U1,EUR,FUT,FESXM6,e2,20260105;093016,BUY,1,5412,-1.60,USD",
        "U1,USD,FUT,ESM6,e3,20260105;093017,BUY,-1,5712.25,-2.25,USD",
        "U1,USD,FUT,ESM6,e4,20260105;093018,SELL,-1,5712.25,0.50,USD",
        "U1,USD,FUT,ESM6,e5,20260105;093019,SELL,-1,5712.25,-2.25,USD",
    ]
    result = interactive_brokers.parse_flex_trades(header + "\n".join(rows), tz=NY)
    assert [str(e) for e in result.errors] == [
        "line 2: Buy/Sell: a cancelled trade (Ca.): run the Flex query with "
        "'Include Canceled Trades' off",
        "line 3: IBCommissionCurrency: commission in USD on a EUR trade is not supported",
        "line 4: Quantity: negative quantity '-1' on a buy",
        "line 5: IBCommission: negative fee '0.50': a rebate is not supported",
    ]
    (kept,) = result.executions
    assert (kept.execution_id, kept.time, kept.fee) == ("e5", utc(2026, 1, 5, 14, 30, 19), 2.25)


def test_ninjatrader_trade_with_unknown_position_is_rejected() -> None:
    text = fixture("ninjatrader_trades.csv").replace(",Long,5,", ",Flat,5,")
    result = ninjatrader.parse_trades(text, tz=CHICAGO)
    assert [str(e) for e in result.errors] == [
        "line 6: Market pos.: not a position: 'Flat' (expected Long or Short)"
    ]
    assert len(result.executions) == 14


def test_empty_file_and_unknown_time_zone() -> None:
    assert str(parse_statement("\n\n").errors[0]) == "line 1: file: the file is empty"
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        parse_statement(fixture("generic.csv"), tz="Mars/Olympus")


# ----------------------------------------------------------------- questions


def test_ambiguous_dates_are_asked_not_guessed() -> None:
    text = fixture("generic_ambiguous_dates.csv")
    asked = parse_statement(text, tz=NY)
    assert (asked.executions, asked.errors) == ([], [])
    (question,) = asked.questions
    assert question.kind == "date_order"
    assert question.message == (
        "dates like '03/04/2026 09:30:00' could be 3 April or 4 March: "
        "choose day-first or month-first"
    )
    assert question.choices == ("day_first", "month_first")
    day_first = parse_statement(text, tz=NY, date_order="day_first")
    month_first = parse_statement(text, tz=NY, date_order="month_first")
    assert day_first.clean and len(day_first.executions) == 6
    assert day_first.executions[0].time == utc(2026, 4, 3, 13, 30)  # EDT
    assert month_first.executions[0].time == utc(2026, 3, 4, 14, 30)  # still EST


def test_known_format_uses_its_documented_date_order_when_ambiguous() -> None:
    text = fixture("tradestation.csv").replace("03/16/", "03/11/").replace("03/17/", "03/12/")
    result = tradestation.parse_order_history(text, tz=NY)
    assert result.questions == []
    assert result.executions[0].time == utc(2026, 3, 11, 13, 31, 5)
    assert "dates read month-first, as tradestation writes them" in result.notes


def test_ambiguous_number_is_asked_then_read_as_answered() -> None:
    text = GENERIC_HEADER + '2026-03-16,09:31:05,ESM6,1,"5,712",Buy,2,USD\n'
    (question,) = parse_statement(text).questions
    assert question.kind == "decimal_style"
    assert question.examples == ("5,712",)
    assert parse_statement(text, decimal_style="point").executions[0].price == 5712
    assert parse_statement(text, decimal_style="comma").executions[0].price == Decimal("5.712")


def test_other_values_settle_an_ambiguous_number() -> None:
    text = GENERIC_HEADER + (
        '2026-03-16,09:31:05,ESM6,1,"5,712",Buy,2,USD\n'
        '2026-03-16,09:31:06,ESM6,1,"5712,25",Sell,"2,25",USD\n'
    )
    result = parse_statement(text)
    assert result.questions == []
    assert [e.price for e in result.executions] == [Decimal("5.712"), Decimal("5712.25")]
    assert result.notes == ["numbers read with a decimal comma: line 3 has '5712,25'"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                "13/03/2026,09:31:05,ESM6,1,5712.25,Buy,2,USD",
                "03/13/2026,09:31:06,ESM6,1,5712.25,Sell,2,USD",
            ],
            "dates contradict each other: line 2 has '13/03/2026 09:31:05' (day first), "
            "line 3 has '03/13/2026 09:31:06' (month first)",
        ),
        (
            [
                "2026-03-16,09:31:05,ESM6,1,5712.25,Buy,2,USD",
                '2026-03-16,09:31:06,ESM6,1,"5712,25",Sell,2,USD',
            ],
            "numbers mix decimal styles: line 2 has '5712.25' (decimal point), "
            "line 3 has '5712,25' (decimal comma)",
        ),
    ],
)  # fmt: skip
def test_contradicting_files_are_rejected(rows: list[str], message: str) -> None:
    result = parse_statement(GENERIC_HEADER + "\n".join(rows))
    assert result.executions == []
    assert [(e.line, e.column, e.message) for e in result.errors] == [(2, "file", message)]


# ----------------------------------------------------------------- numbers and dates


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("1234.5", "point", "1234.5"),
        ("1,234.50", "point", "1234.50"),
        ("1.234,50", "comma", "1234.50"),
        ("1234,5", "comma", "1234.5"),
        ("1 234,50", "comma", "1234.50"),
        ("1\u202f234,50 €", "comma", "1234.50"),
        ("$(20.00)", "point", "-20.00"),
        ("($1,250.00)", "point", "-1250.00"),
        ("-$18.98", "point", "-18.98"),
        ("USD 12.50", "point", "12.50"),
        ("12.5-", "point", "-12.5"),
        ("0", "comma", "0"),
    ],
)
def test_parse_number(text: str, style: str, value: str) -> None:
    assert parse_number(text, style) == Decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "style"), [("1,23.4", "point"), ("1.2.3,4", "point"), ("abc", "point"), ("", "comma")]
)
def test_parse_number_rejects(text: str, style: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text, style)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("1,234", "ambiguous"),
        ("4.500", "ambiguous"),
        ("0,125", "comma"),
        ("4850.25", "point"),
        ("1,234,567", "point"),
        ("1.234.567", "comma"),
        ("12345,678", "comma"),
        ("1.234,5", "comma"),
        ("4500", None),
    ],
)
def test_style_evidence(text: str, evidence: str | None) -> None:
    assert style_evidence(text) == evidence


@pytest.mark.parametrize(
    ("text", "order", "zone", "expected"),
    [
        ("2026-06-10 12:41:43.083Z", None, NY, datetime(2026, 6, 10, 12, 41, 43, 83000, UTC)),
        ("20260105;093015", None, NY, utc(2026, 1, 5, 14, 30, 15)),
        ("2026-07-14;10:00:00 EST", None, "Asia/Tokyo", utc(2026, 7, 14, 15, 0)),
        ("2026-01-05T09:30:15+01:00", None, NY, utc(2026, 1, 5, 8, 30, 15)),
        ("1/5/2026 12:00:00 AM", "month_first", NY, utc(2026, 1, 5, 5, 0)),
        ("5.1.26 12:30 PM", "day_first", BERLIN, utc(2026, 1, 5, 11, 30)),
        ("03/03/2026 0930", None, "UTC", utc(2026, 3, 3, 9, 30)),
        ("2026-11-01 01:30:00", None, NY, utc(2026, 11, 1, 5, 30)),  # repeated hour: first
    ],
)
def test_parse_when(text: str, order: str | None, zone: str, expected: datetime) -> None:
    assert parse_when(text, order, time_zone(zone)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30 10:00", "not a valid date and time"),
        ("hello", "not a date"),
        ("2026-01-05", "no time of day"),
        ("2026-01-05 13:00 PM", "not a time of day"),
        ("03/04/2026 10:00", "day-first or month-first"),
        ("2026-01-05 10:00 XYZ", "unknown time zone abbreviation"),
    ],
)
def test_parse_when_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_when(text, None, time_zone("UTC"))


def test_platform_contract_names_become_tickers() -> None:
    assert [ticker_for(s) for s in ("ES 06-26", "NQ SEP26", "FESX JUN 26", "ESM6")] == [
        "ESM26",
        "NQU26",
        "FESXM26",
        "ESM6",
    ]
    assert resolve_symbol(ticker_for("MES 06-26")).root == "MES"


# ----------------------------------------------------------------- column mapper

MAPPED = (
    "Trade Date;Instrument;B/S;Lots;Fill;Fee;Ccy;Ref\n"
    "16/03/2026 15:31:05;FDAXM6;K;1;22.415,50;2,40;EUR;a-1\n"
    "16/03/2026 15:47:12;FDAXM6;Sell;1;22.431,00;2,40;EUR;a-2\n"
)
MAPPING = ColumnMapping(
    date="Trade Date", symbol="Instrument", side="B/S", quantity="Lots", price="Fill",
    fee="Fee", currency="Ccy", execution_id="Ref",
)  # fmt: skip


def test_mapper_reads_a_custom_layout() -> None:
    result = parse_with_mapping(MAPPED.replace(";K;", ";Buy;"), MAPPING, tz=BERLIN)
    assert (result.format_name, result.errors) == ("mapped", [])
    first, second = result.executions
    assert (first.time, first.price, first.fee, first.execution_id, first.currency) == (
        utc(2026, 3, 16, 14, 31, 5),
        Decimal("22415.50"),
        Decimal("2.40"),
        "a-1",
        "EUR",
    )
    assert second.side == "sell"


def test_mapper_reports_bad_values_with_the_file_column_names() -> None:
    result = parse_with_mapping(MAPPED, MAPPING, tz=BERLIN)
    assert [str(e) for e in result.errors] == [
        "line 2: B/S: not a side: 'K' (expected Buy or Sell)"
    ]


def test_mapper_rejects_bad_mappings() -> None:
    header = MAPPED.splitlines()[0].split(";")
    bad = ColumnMapping(
        date="Trade Date", symbol="Symbol", side="B/S", quantity="Lots", price="Lots",
        time="Trade Date",
    )  # fmt: skip
    problems = validate_mapping(bad, header)
    assert problems == {
        "symbol": "no column 'Symbol' in the file (found: Trade Date, Instrument, B/S, Lots, "
        "Fill, Fee, Ccy, Ref)",
        "price": "column 'Lots' is already used for quantity",
    }
    assert validate_mapping(MAPPING, header) == {}
    blank = ColumnMapping(date="Trade Date", symbol="", side="B/S", quantity="Lots", price="Fill")
    assert validate_mapping(blank, header) == {"symbol": "choose a column"}
    result = parse_with_mapping(MAPPED, bad)
    assert result.executions == []
    assert [(e.line, e.column) for e in result.errors] == [(1, "symbol"), (1, "price")]


def test_mapping_round_trips_and_from_dict_checks() -> None:
    fixed = ColumnMapping(
        date="D", symbol="S", side="B", quantity="Q", price="P", date_order="day_first",
        decimal_style="comma",
    )  # fmt: skip
    assert ColumnMapping.from_dict(fixed.to_dict()) == fixed
    with pytest.raises(ValueError, match="mapping lacks price"):
        ColumnMapping.from_dict({"date": "D", "symbol": "S", "side": "B", "quantity": "Q"})
    with pytest.raises(ValueError, match="date_order must be one of"):
        ColumnMapping.from_dict({**fixed.to_dict(), "date_order": "year_first"})


def test_mapping_options_answer_the_questions() -> None:
    text = 'When,Sym,Side,Qty,Px\n03/04/2026 09:30,ESM6,Buy,1,"5,712"\n'
    loose = ColumnMapping(date="When", symbol="Sym", side="Side", quantity="Qty", price="Px")
    assert {q.kind for q in parse_with_mapping(text, loose).questions} == {
        "date_order",
        "decimal_style",
    }
    fixed = ColumnMapping.from_dict(
        {**loose.to_dict(), "date_order": "day_first", "decimal_style": "point"}
    )
    (execution,) = parse_with_mapping(text, fixed).executions
    assert (execution.time, execution.price) == (utc(2026, 4, 3, 9, 30), 5712)


# ----------------------------------------------------------------- idempotency keys


def test_same_file_gives_the_same_keys_and_identical_fills_stay_distinct() -> None:
    text = fixture("generic.csv")
    keys = assign_keys(parse_statement(text, tz=NY).executions)
    assert keys == assign_keys(parse_statement(text, tz=NY).executions)
    assert len(set(keys)) == len(keys) == 13
    first, second = keys[3], keys[4]  # lines 5 and 6: one-lot NQ sells, same price and second
    assert first.rsplit(":", 1) == [second.rsplit(":", 1)[0], "1"]
    assert second.endswith(":2")


def test_broker_ids_are_the_keys_when_present() -> None:
    keys = assign_keys(parse_statement(fixture("tradovate_fills.csv")).executions)
    assert keys[0] == "id:DEMO4412087:612004518830"
    assert all(key.startswith("id:DEMO4412087:") for key in keys)
    ibkr = assign_keys(parse_statement(fixture("ibkr_flex_trades.csv"), tz=NY).executions)
    # Two NQ fills of one order, same price and second: distinct IBExecIDs, distinct keys.
    assert ibkr[3:5] == [
        "id:U7654321:0000e0d5.67f5a1b5.01.01",
        "id:U7654321:0000e0d5.67f5a1b6.01.01",
    ]


def test_overlapping_files_share_keys_and_only_new_rows_are_inserted() -> None:
    lines = fixture("generic.csv").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    first = assign_keys(parse_statement(header + "".join(body[:6]), tz=NY).executions)
    second = assign_keys(parse_statement(header + "".join(body[3:]), tz=NY).executions)
    everything = assign_keys(parse_statement(header + "".join(body), tz=NY).executions)
    stored = set(first)
    fresh = new_positions(second, stored)
    assert [second[i] for i in fresh] == everything[6:]
    assert stored | {second[i] for i in fresh} == set(everything)
    # Only the second of the two identical fills: it is "one of them", already stored.
    lone = assign_keys(parse_statement(header + body[4], tz=NY).executions)
    assert new_positions(lone, stored) == []
    assert new_positions(first, stored) == []


def test_ninjatrader_partial_exits_keep_both_identical_entries() -> None:
    result = parse_statement(fixture("ninjatrader_trades.csv"), tz=CHICAGO)
    keys = assign_keys(result.executions)
    entry_one, entry_two = keys[0], keys[2]  # trades 1 and 2 share entry time and price
    assert entry_one[:-2] == entry_two[:-2]
    assert (entry_one[-2:], entry_two[-2:]) == (":1", ":2")


_FILLS = st.tuples(
    st.integers(0, 5),
    st.sampled_from(["buy", "sell"]),
    st.integers(1, 3),
    st.sampled_from(["5712.25", "5712.5", "20105.5"]),
    st.sampled_from([None, "Sim101"]),
    st.sampled_from([None, "x1", "x2"]),
)


@given(st.lists(_FILLS, max_size=25), st.randoms(use_true_random=False))
def test_shuffling_rows_does_not_change_the_set_of_keys(rows, rng) -> None:  # type: ignore[no-untyped-def]
    start = utc(2026, 3, 16, 13, 30)
    executions = [
        Execution(
            line=line,
            account=account,
            execution_id=exec_id,
            order_id=None,
            time=start + timedelta(seconds=second),
            symbol="ESM6",
            side=side,
            quantity=Decimal(qty),
            price=Decimal(price),
            fee=Decimal("2.25"),
            currency="USD",
        )
        for line, (second, side, qty, price, account, exec_id) in enumerate(rows, start=2)
    ]
    shuffled = list(executions)
    rng.shuffle(shuffled)
    assert set(assign_keys(shuffled)) == set(assign_keys(executions))
