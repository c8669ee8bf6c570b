"""Plain view rows for the trade detail page (built from models; no Reflex state here)."""

from __future__ import annotations

import dataclasses

from trendedge.domain.trade_values import plain
from trendedge.models import Trade
from trendedge.state.trading import fmt_money, fmt_price, fmt_qty, fmt_time, sign_of

LEG_KINDS = ("entry", "exit")
TRADE_FIELDS = (
    "account_id",
    "symbol",
    "direction",
    "legs",
    "commission",
    "stop",
    "target",
    "playbook_id",
    "rules_followed",
)
NO_ERRORS = dict.fromkeys(TRADE_FIELDS, "")
EMPTY_FORM = {"symbol": "", "commission": "", "stop": "", "target": ""}
NO_PLAYBOOK = "none"


@dataclasses.dataclass
class LegRow:
    """One entry or exit as typed in the form; `uid` keeps its inputs apart on removal."""

    uid: str
    kind: str
    time: str = ""
    price: str = ""
    quantity: str = ""
    time_error: str = ""
    price_error: str = ""
    quantity_error: str = ""


@dataclasses.dataclass
class Option:
    value: str
    label: str


@dataclasses.dataclass
class TradeFacts:
    """The stored trade, formatted for reading."""

    source: str = ""
    account_name: str = ""
    symbol: str = ""
    root: str = ""
    direction: str = ""
    quantity: str = ""
    entry_price: str = ""
    exit_price: str = ""
    entry_time: str = ""
    exit_time: str = ""
    gross_pnl: str = ""
    commission: str = ""
    net_pnl: str = ""
    net_sign: int = 0
    r_multiple: str = ""
    risk: str = ""
    stop: str = ""
    target: str = ""
    currency: str = ""
    playbook_name: str = ""
    rules_followed: str = ""


def facts_of(trade: Trade, *, account_name: str, playbook_name: str) -> TradeFacts:
    return TradeFacts(
        source=trade.source,
        account_name=account_name,
        symbol=trade.symbol,
        root=trade.root,
        direction=trade.direction,
        quantity=fmt_qty(trade.quantity),
        entry_price=fmt_price(trade.entry_price),
        exit_price=fmt_price(trade.exit_price),
        entry_time=fmt_time(trade.entry_time),
        exit_time=fmt_time(trade.exit_time),
        gross_pnl=fmt_money(trade.gross_pnl),
        commission=fmt_money(trade.commission),
        net_pnl=fmt_money(trade.net_pnl),
        net_sign=sign_of(trade.net_pnl),
        r_multiple="—" if trade.r_multiple is None else f"{trade.r_multiple:.2f}R",
        risk=fmt_money(trade.risk),
        stop=fmt_price(trade.stop),
        target=fmt_price(trade.target),
        currency=trade.currency,
        playbook_name=playbook_name or "—",
        rules_followed=", ".join(trade.rules_followed) or "—",
    )


def form_of(trade: Trade) -> dict[str, str]:
    return {
        "symbol": trade.symbol,
        "commission": plain(trade.commission),
        "stop": plain(trade.stop),
        "target": plain(trade.target),
    }


def local_input_time(iso: str) -> str:
    """An ISO UTC time as a datetime-local input value: 2026-01-05T14:30:00."""
    return iso[:19]


def legs_of(trade: Trade) -> list[LegRow]:
    return [
        LegRow(
            uid=str(i),
            kind=leg.get("kind", "entry"),
            time=local_input_time(leg.get("time", "")),
            price=leg.get("price", ""),
            quantity=leg.get("quantity", ""),
        )
        for i, leg in enumerate(trade.legs)
    ]


def with_leg_errors(legs: list[LegRow], errors: dict[str, str]) -> list[LegRow]:
    """The legs with their field errors (`legs.{i}.time` etc.) attached."""
    return [
        dataclasses.replace(
            leg,
            time_error=errors.get(f"legs.{i}.time", "") or errors.get(f"legs.{i}.kind", ""),
            price_error=errors.get(f"legs.{i}.price", ""),
            quantity_error=errors.get(f"legs.{i}.quantity", ""),
        )
        for i, leg in enumerate(legs)
    ]
