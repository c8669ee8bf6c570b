"""TrendEdge's own CSV formats: round trips, the formula-injection guard, every line error."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendedge.domain.csv_cells import guard, join_list, split_list, unguard
from trendedge.domain.csv_formats import detect_format
from trendedge.domain.journal_csv import JournalRecord, iter_journal_csv, parse_journal_csv
from trendedge.domain.trade_csv import (
    TRADE_COLUMNS,
    TradeRecord,
    iter_trade_csv,
    parse_trade_csv,
)

D = Decimal
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

TRADE = TradeRecord(
    uid="6f1c0c8e-1b7a-4a57-9d0e-2d5f0f3c9a11",
    account="Main, Tradovate",
    source="paper",
    symbol="ESZ2026",
    root="ES",
    direction="long",
    quantity=D("2"),
    entry_price=D("6012.25"),
    exit_price=D("6018.75"),
    entry_time=datetime(2026, 7, 1, 13, 35, tzinfo=UTC),
    exit_time=datetime(2026, 7, 1, 14, 2, 30, 123456, tzinfo=UTC),
    gross_pnl=D("650"),
    commission=D("9.00"),
    net_pnl=D("641"),
    currency="USD",
    r_multiple=D("1.3"),
    stop=D("6007.25"),
    target=D("6022.25"),
    risk=D("500"),
    mae=D("-125.5"),
    mfe=D("700"),
    playbook="Opening Range Breakout",
    rules_followed=("Wait for the range", "Stop | other side", "back\\slash"),
    legs=({"side": "buy", "price": "6012.25", "time": "2026-07-01T13:35:00Z"},),
    setup="ORB",
)
SHORT = replace(
    TRADE,
    uid="short-1",
    direction="short",
    source="manual",
    r_multiple=None,
    stop=None,
    target=None,
    risk=None,
    mae=None,
    mfe=None,
    playbook="",
    rules_followed=(),
    legs=(),
    setup="",
    gross_pnl=D("-650"),
    net_pnl=D("-659"),
)


def text_of(chunks: object) -> str:
    return "".join(chunks)  # type: ignore[arg-type]


def test_trades_round_trip_exactly() -> None:
    text = text_of(iter_trade_csv([TRADE, SHORT]))
    assert text.splitlines()[0] == ",".join(TRADE_COLUMNS)

    parsed = parse_trade_csv(text)

    assert parsed.errors == []
    assert parsed.rows == [(2, TRADE), (3, SHORT)]


def test_journal_round_trip_keeps_markdown_with_line_breaks_quotes_and_commas() -> None:
    entries = [
        JournalRecord(
            uid="j-1",
            trade_uid=TRADE.uid,
            notes='**Good** trade, "patient".\n\n- waited\n- =not a formula',
            tags=("a-plus-setup", "trend|day"),
            mistakes=("moved stop",),
            rating=4,
        ),
        JournalRecord(uid="j-2", day=date(2026, 7, 1), notes="", rating=None),
    ]
    text = text_of(iter_journal_csv(entries))

    parsed = parse_journal_csv(text)

    assert parsed.errors == []
    assert [record for _, record in parsed.rows] == entries
    assert [line for line, _ in parsed.rows] == [2, 6]  # the first notes span lines 2-5


DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("cell", [*DANGEROUS, "'=already quoted", "''+twice", "'-5"])
def test_formula_cells_are_quoted_on_export_and_restored_on_import(cell: str) -> None:
    record = replace(TRADE, account=cell, playbook="", rules_followed=(), setup=cell)
    text = text_of(iter_trade_csv([record]))

    raw = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert not any(value.startswith(TRIGGERS) for value in raw if not _number(value))
    assert raw[TRADE_COLUMNS.index("setup")] == "'" + cell

    parsed = parse_trade_csv(text)
    assert parsed.errors == []
    assert parsed.rows[0][1].account == cell.strip()
    assert parsed.rows[0][1].setup == cell.strip()


def _number(value: str) -> bool:
    try:
        Decimal(value)
    except ArithmeticError:
        return False
    return True


def test_negative_numbers_are_not_quoted() -> None:
    text = text_of(iter_trade_csv([SHORT]))
    raw = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert raw[TRADE_COLUMNS.index("net_pnl")] == "-659"


@given(st.text())
def test_guard_is_undone_by_unguard_and_leaves_no_formula(cell: str) -> None:
    guarded = guard(cell)
    assert unguard(guarded) == cell
    if guarded.startswith(TRIGGERS):
        assert _number(guarded) and guarded.strip() == guarded


@given(st.lists(st.text().map(str.strip).filter(bool)))
def test_lists_survive_separators_and_backslashes(items: list[str]) -> None:
    assert split_list(join_list(items)) == [item.strip() for item in items if item.strip()]


def csv_with(**cells: str) -> str:
    """A one-trade file whose cells are TRADE's, with `cells` replaced."""
    text = text_of(iter_trade_csv([TRADE]))
    header, values = list(csv.reader(io.StringIO(text, newline="")))
    row = dict(zip(header, values, strict=True)) | cells
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(row.keys())
    writer.writerow(row.values())
    return out.getvalue()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"uid": ""}, "line 2: uid: is required"),
        ({"uid": "a b"}, "line 2: uid: must not contain spaces or control characters"),
        ({"uid": "x" * 37}, "line 2: uid: is longer than 36 characters"),
        ({"symbol": ""}, "line 2: symbol: is required"),
        (
            {"symbol": "123", "root": ""},
            "line 2: root: is required: no contract root in symbol '123'",
        ),
        ({"direction": "up"}, "line 2: direction: must be one of long, short"),
        ({"source": "broker"}, "line 2: source: must be one of paper, manual, import"),
        ({"quantity": "0"}, "line 2: quantity: must be greater than 0"),
        ({"quantity": "1e9"}, "line 2: quantity: 1e9 is too large"),
        ({"entry_price": "abc"}, "line 2: entry_price: 'abc' is not a number"),
        ({"exit_price": "NaN"}, "line 2: exit_price: 'NaN' is not a number"),
        (
            {"entry_time": "yesterday"},
            "line 2: entry_time: 'yesterday' is not an ISO 8601 date and time",
        ),
        (
            {"exit_time": "2026-13-01T00:00:00Z"},
            "line 2: exit_time: '2026-13-01T00:00:00Z' is not an ISO 8601 date and time",
        ),
        ({"exit_time": "2026-07-01T13:00:00Z"}, "line 2: exit_time: is before entry_time"),
        ({"commission": "-1"}, "line 2: commission: must be at least 0"),
        ({"net_pnl": "640"}, "line 2: net_pnl: must equal gross_pnl - commission (641)"),
        (
            {"currency": "XXY"},
            "line 2: currency: 'XXY' is not an ISO 4217 currency code (e.g. USD, EUR)",
        ),
        ({"stop": "-5"}, "line 2: stop: must be greater than 0"),
        ({"r_multiple": "one"}, "line 2: r_multiple: 'one' is not a number"),
        ({"legs": "[1,"}, "line 2: legs: is not valid JSON"),
        ({"legs": '[{"qty": 1}]'}, "line 2: legs: must be a JSON list of objects with text values"),
        ({"playbook": "p" * 101}, "line 2: playbook: is longer than 100 characters"),
        (
            {"rules_followed": "r" * 201},
            "line 2: rules_followed: a rule is longer than 200 characters",
        ),
    ],
)
def test_every_bad_cell_is_reported_by_line_and_field(cells: dict[str, str], expected: str) -> None:
    parsed = parse_trade_csv(csv_with(**cells))
    assert [str(e) for e in parsed.errors] == [expected]
    assert parsed.rows == []


def test_every_bad_line_is_reported_with_its_own_number() -> None:
    good = text_of(iter_trade_csv([TRADE, replace(TRADE, uid="b", setup="two\nlines")]))
    lines = good.rstrip("\r\n").split("\r\n")
    bad = lines[1].replace("2026-07-01T14:02:30.123456Z", "not a date")
    text = "\r\n".join([*lines, bad.replace(TRADE.uid, "c"), lines[1], "a,b"]) + "\r\n"

    parsed = parse_trade_csv(text)

    assert [str(e) for e in parsed.errors] == [
        "line 5: exit_time: 'not a date' is not an ISO 8601 date and time",
        f"line 6: uid: {TRADE.uid} already on line 2",
        "line 7: symbol: is required",
    ]
    assert [line for line, _ in parsed.rows] == [2, 3]


def test_header_problems_stop_reading() -> None:
    header = ",".join(c for c in TRADE_COLUMNS if c != "exit_time") + ",colour\n"
    parsed = parse_trade_csv(header + "1,2,3\n")
    assert [str(e) for e in parsed.errors] == [
        "line 1: colour: unknown column",
        "line 1: exit_time: column is missing",
    ]
    assert parsed.rows == []
    assert [str(e) for e in parse_trade_csv("\n\n").errors] == ["line 1: header: the file is empty"]


def test_too_many_cells_and_too_many_rows() -> None:
    text = text_of(iter_trade_csv([TRADE, replace(TRADE, uid="b"), replace(TRADE, uid="c")]))
    lines = text.split("\r\n")
    lines[2] += ",extra"
    assert [str(e) for e in parse_trade_csv("\r\n".join(lines)).errors] == [
        f"line 3: row: {len(TRADE_COLUMNS) + 1} cells, the header has {len(TRADE_COLUMNS)}"
    ]
    assert [str(e) for e in parse_trade_csv(text, max_rows=2).errors] == [
        "line 4: file: more than 2 rows"
    ]


def test_optional_columns_may_be_left_out() -> None:
    text = (
        "uid,account,symbol,direction,quantity,entry_price,exit_price,entry_time,exit_time,"
        "gross_pnl,commission,net_pnl,currency\n"
        "m1,Main,MNQ1!,short,1,21000,20990,2026-07-01 14:00,2026-07-01T14:05:00-04:00,"
        "20,1.24,18.76,usd\n"
    )
    parsed = parse_trade_csv(text)
    assert parsed.errors == []
    record = parsed.rows[0][1]
    assert (record.source, record.root, record.currency) == ("import", "MNQ", "USD")
    assert record.entry_time == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
    assert record.exit_time == datetime(2026, 7, 1, 18, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("j,t1,2026-07-01,,,,", "line 2: trade_uid: fill exactly one of trade_uid and day"),
        ("j,,,,,,", "line 2: trade_uid: fill exactly one of trade_uid and day"),
        ("j,,2026-02-30,,,,", "line 2: day: '2026-02-30' is not a date (YYYY-MM-DD)"),
        ("j,t1,,,,,6", "line 2: rating: must be a whole number from 1 to 5"),
        ("j,t1,,,,,x", "line 2: rating: must be a whole number from 1 to 5"),
        (
            "j,t1,,," + "|".join(f"t{i}" for i in range(21)) + ",,",
            "line 2: tags: more than 20 labels",
        ),
        (
            "j,t1,,,," + "m" * 41 + ",",
            "line 2: mistakes: 'mmmmmmmmmmmmmmmmmmmm'… is longer than 40 characters",
        ),
        ("j,t 1,,,,,", "line 2: trade_uid: must not contain spaces or control characters"),
    ],
)
def test_journal_line_errors(row: str, expected: str) -> None:
    parsed = parse_journal_csv("uid,trade_uid,day,notes,tags,mistakes,rating\n" + row + "\n")
    assert [str(e) for e in parsed.errors] == [expected]


def test_journal_duplicates_of_uid_trade_or_day_are_errors() -> None:
    text = "uid,trade_uid,day,notes\na,t1,,\nb,,2026-07-01,\na,t2,,\nc,t1,,\nd,,2026-07-01,\n"
    assert [str(e) for e in parse_journal_csv(text).errors] == [
        "line 4: uid: a already on line 2",
        "line 5: trade_uid: t1 already on line 2",
        "line 6: day: 2026-07-01 already on line 3",
    ]


def test_labels_are_normalised() -> None:
    parsed = parse_journal_csv("uid,trade_uid,day,tags\nj,t,,  Trend   Day | trend day|A+ \n")
    assert parsed.rows[0][1].tags == ("trend day", "a+")


def test_detect_format_reads_only_the_header() -> None:
    assert detect_format(text_of(iter_trade_csv([]))) == "trades"
    assert detect_format("\ufeffUID,Trade_UID,Day\n") == "journal"
    assert detect_format("time,open,high,low,close\n") is None
    assert detect_format("") is None
