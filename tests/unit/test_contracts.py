"""Contract specs as data and symbol resolution."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trendedge.domain.contracts import (
    ContractSpec,
    UnknownSymbolError,
    contract_specs,
    parse_contracts_csv,
    resolve_symbol,
)

REQUIRED_ROOTS = [
    "ES",
    "MES",
    "NQ",
    "MNQ",
    "YM",
    "MYM",
    "RTY",
    "M2K",
    "CL",
    "MCL",
    "NG",
    "GC",
    "MGC",
    "SI",
    "HG",
    "ZB",
    "ZN",
    "6E",
    "6J",
]

# root: (tick_size, point_value, exchange) as published by CME Group.
OFFICIAL = {
    "ES": ("0.25", "50", "CME"),
    "MES": ("0.25", "5", "CME"),
    "NQ": ("0.25", "20", "CME"),
    "MNQ": ("0.25", "2", "CME"),
    "YM": ("1", "5", "CBOT"),
    "MYM": ("1", "0.5", "CBOT"),
    "RTY": ("0.1", "50", "CME"),
    "M2K": ("0.1", "5", "CME"),
    "CL": ("0.01", "1000", "NYMEX"),
    "MCL": ("0.01", "100", "NYMEX"),
    "NG": ("0.001", "10000", "NYMEX"),
    "GC": ("0.1", "100", "COMEX"),
    "MGC": ("0.1", "10", "COMEX"),
    "SI": ("0.005", "5000", "COMEX"),
    "HG": ("0.0005", "25000", "COMEX"),
    "ZB": ("0.03125", "1000", "CBOT"),
    "ZN": ("0.015625", "1000", "CBOT"),
    "6E": ("0.00005", "125000", "CME"),
    "6J": ("0.0000005", "12500000", "CME"),
}


@pytest.mark.parametrize("root", REQUIRED_ROOTS)
def test_required_root_present_with_official_specs(root: str) -> None:
    spec = contract_specs()[root]
    tick, point_value, exchange = OFFICIAL[root]
    assert spec.root == root
    assert spec.tick_size == Decimal(tick)
    assert spec.point_value == Decimal(point_value)
    assert spec.exchange == exchange
    assert spec.currency == "USD"


def test_every_spec_is_sane() -> None:
    for root, spec in contract_specs().items():
        assert isinstance(spec, ContractSpec)
        assert spec.root == root
        assert spec.name
        assert spec.tick_size > 0
        assert spec.point_value > 0
        assert Decimal(0) < spec.commission_per_side < Decimal(10)
        assert spec.tick_value == spec.tick_size * spec.point_value


@pytest.mark.parametrize(
    ("root", "tick_value"),
    [
        ("ES", "12.5"),
        ("MNQ", "0.5"),
        ("CL", "10"),
        ("ZB", "31.25"),
        ("ZN", "15.625"),
        ("6E", "6.25"),
        ("6J", "6.25"),
        ("SI", "25"),
        ("HG", "12.5"),
    ],
)
def test_tick_values(root: str, tick_value: str) -> None:
    assert contract_specs()[root].tick_value == Decimal(tick_value)


def test_micros_are_cheaper_than_full_size() -> None:
    specs = contract_specs()
    for micro, full in [("MES", "ES"), ("MNQ", "NQ"), ("MCL", "CL"), ("MGC", "GC")]:
        assert specs[micro].commission_per_side < specs[full].commission_per_side


def test_specs_are_read_only_and_cached() -> None:
    assert contract_specs() is contract_specs()
    with pytest.raises(TypeError):
        contract_specs()["XX"] = contract_specs()["ES"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("ticker", "root"),
    [
        ("ES", "ES"),
        ("NQ1!", "NQ"),
        ("NQ2!", "NQ"),
        ("MES1!", "MES"),
        ("MNQ1!", "MNQ"),
        ("NQZ2026", "NQ"),
        ("NQZ26", "NQ"),
        ("NQZ6", "NQ"),
        ("CME_MINI:NQ1!", "NQ"),
        ("COMEX:GCG2027", "GC"),
        ("6EH2027", "6E"),
        ("6JM26", "6J"),
        ("M2KM26", "M2K"),
        ("M2K1!", "M2K"),
        ("RTYU5", "RTY"),
        ("  nq1!  ", "NQ"),
        ("cme_mini:mesz2026", "MES"),
        ("mes", "MES"),
        ("NYMEX:CLF27", "CL"),
        ("ZBH2026", "ZB"),
        ("ZN1!", "ZN"),
        ("MYMZ25", "MYM"),
        ("YMZ25", "YM"),
    ],
)
def test_symbol_forms_resolve(ticker: str, root: str) -> None:
    assert resolve_symbol(ticker).root == root


@pytest.mark.parametrize(
    ("ticker", "root"),
    [
        ("MES1!", "MES"),
        ("ES1!", "ES"),
        ("MNQZ26", "MNQ"),
        ("NQZ26", "NQ"),
        ("MCLF27", "MCL"),
        ("CLF27", "CL"),
        ("MGCG2027", "MGC"),
        ("GCG2027", "GC"),
        ("SIL1!", "SIL"),
        ("SI1!", "SI"),
        ("SILK26", "SIL"),
        ("SIK26", "SI"),
        ("MYM1!", "MYM"),
        ("YM1!", "YM"),
        ("M2K", "M2K"),
        ("MES", "MES"),
    ],
)
def test_prefix_roots_are_not_confused(ticker: str, root: str) -> None:
    assert resolve_symbol(ticker).root == root


@pytest.mark.parametrize(
    "ticker",
    [
        "AAPL",
        "XX1!",
        "NQA26",
        "NQZ202",
        "NQZ20261",
        "NQ!",
        "NQ1",
        "",
        "   ",
        "1!",
        "CME_MINI:",
        "BTCUSD",
        "NQ1!!",
        "E",
        "ESZ",
    ],
)
def test_unknown_symbols_raise_naming_the_ticker(ticker: str) -> None:
    with pytest.raises(UnknownSymbolError) as info:
        resolve_symbol(ticker)
    assert f"'{ticker}'" in str(info.value)
    assert "ES1!" in str(info.value)  # shows how symbols look
    assert info.value.ticker == ticker
    assert isinstance(info.value, ValueError)


def test_parse_rejects_bad_rows() -> None:
    header = "root,name,exchange,tick_size,point_value,currency,commission_per_side\n"
    with pytest.raises(ValueError, match="duplicate"):
        parse_contracts_csv(header + "ES,a,CME,0.25,50,USD,1\nES,b,CME,0.25,50,USD,1\n")
    with pytest.raises(ValueError, match="tick_size"):
        parse_contracts_csv(header + "ES,a,CME,0,50,USD,1\n")
    with pytest.raises(ValueError, match="point_value"):
        parse_contracts_csv(header + "ES,a,CME,0.25,abc,USD,1\n")
    with pytest.raises(ValueError, match="ISO 4217"):
        parse_contracts_csv(header + "ES,a,CME,0.25,50,XYZ,1\n")
    with pytest.raises(ValueError, match="missing columns"):
        parse_contracts_csv("root,name\nES,a\n")


def test_parse_skips_comments() -> None:
    text = (
        "# a comment\nroot,name,exchange,tick_size,point_value,currency,commission_per_side\n"
        "# another\nes,E-mini,CME,0.25,50,usd,2.25\n"
    )
    spec = parse_contracts_csv(text)["ES"]
    assert spec.currency == "USD"
    assert spec.commission_per_side == Decimal("2.25")
