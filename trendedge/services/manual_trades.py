"""Closed trades by hand: create, edit and delete manual trades; annotate any trade.

Every change commits its own transaction, then invalidates the user's analytics cache.

* A **manual** trade (source "manual") is entered as legs (see
  `trendedge.domain.manual_trades`); every field can be edited and it can be deleted.
* A **paper** trade is the engine's record of a signal, an **import** trade the broker's:
  only the playbook, the rules followed, the stop and the target can be changed (R and
  risk are recomputed), and they cannot be deleted here.

The stop, when left blank, comes from the account's default stop rule (if it has one).
Tenant isolation: another user's trade, account or playbook raises NotFoundError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain import risk
from trendedge.domain.contracts import contract_specs
from trendedge.domain.manual_trades import (
    MAX_ABS_R,
    TradeInputError,
    build_manual_trade,
    check_stop_target,
    read_price,
)
from trendedge.models import Account, Trade
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache, journal, screenshots
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.services.playbooks import link_rules
from trendedge.services.tenancy import get_owned, new_owned, owned_by

MANUAL_ONLY_FIELDS = ("account_id", "symbol", "direction", "legs", "commission")
ANNOTATION_FIELDS = ("playbook_id", "rules_followed", "stop", "target")


def _invalid(errors: dict[str, str]) -> InvalidInputError:
    return InvalidInputError("The trade has invalid fields", details=errors)


async def get_trade(*, session: AsyncSession, user_id: int, trade_id: int) -> Trade:
    """One trade of the user (any source); NotFoundError when it is not theirs."""
    return await get_owned(session, Trade, user_id=user_id, row_id=trade_id)


async def _account(session: AsyncSession, user_id: int, raw: Any) -> Account | None:
    try:
        account_id = int(raw)
    except (TypeError, ValueError):
        return None
    found = (
        await session.exec(owned_by(Account, user_id=user_id).where(Account.id == account_id))
    ).first()
    if found is None:
        raise NotFoundError(
            f"Account {account_id} not found", details={"account_id": "No such account"}
        )
    return found


async def _fill_manual(
    session: AsyncSession, user_id: int, trade: Trade, data: Mapping[str, Any]
) -> None:
    """Validate `data` as a whole manual trade and write it into `trade`."""
    errors: dict[str, str] = {}
    account = await _account(session, user_id, data.get("account_id"))
    if account is None:
        errors["account_id"] = "Choose an account"
    playbook_id, rules = await link_rules(
        session=session,
        user_id=user_id,
        playbook_id=data.get("playbook_id"),
        rules=data.get("rules_followed"),
        errors=errors,
    )
    try:
        built = build_manual_trade(
            data, default_stop_ticks=None if account is None else account.default_stop_ticks
        )
    except TradeInputError as exc:
        raise _invalid({**exc.details, **errors}) from exc
    if errors or account is None:
        raise _invalid(errors)
    trade.account_id = account.id  # type: ignore[assignment]
    for name in (
        "root", "symbol", "currency", "direction", "quantity", "entry_price", "exit_price",
        "entry_time", "exit_time", "gross_pnl", "commission", "net_pnl", "stop", "target",
        "risk", "r_multiple",
    ):  # fmt: skip
        setattr(trade, name, getattr(built, name))
    trade.legs = [leg.as_json() for leg in built.legs]
    trade.playbook_id, trade.rules_followed = playbook_id, rules
    trade.source, trade.updated_at = "manual", utcnow()


async def _annotate(
    session: AsyncSession, user_id: int, trade: Trade, data: Mapping[str, Any]
) -> None:
    """Change a paper/import trade's playbook, rules, stop and target (keys missing from
    `data` keep their value; a blank stop means the account's default rule, if any) and
    recompute R and risk."""
    errors: dict[str, str] = {
        name: f"A {trade.source} trade's {name.replace('_', ' ')} cannot be changed"
        for name in MANUAL_ONLY_FIELDS
        if name in data
    }
    kept_rules = [] if "playbook_id" in data else trade.rules_followed
    playbook_id, rules = await link_rules(
        session=session,
        user_id=user_id,
        playbook_id=data.get("playbook_id", trade.playbook_id),
        rules=data.get("rules_followed", kept_rules),
        errors=errors,
    )
    stop = read_price(data["stop"], "stop", errors) if "stop" in data else trade.stop
    target = read_price(data["target"], "target", errors) if "target" in data else trade.target
    direction: risk.Direction = "long" if trade.direction == "long" else "short"
    check_stop_target(
        direction=direction, entry_price=trade.entry_price, stop=stop, target=target, errors=errors
    )
    spec = contract_specs().get(trade.root)
    if stop is None and spec is not None:
        account = await get_owned(session, Account, user_id=user_id, row_id=trade.account_id)
        stop = risk.effective_stop(
            stop=None,
            direction=direction,
            entry_price=trade.entry_price,
            default_ticks=account.default_stop_ticks,
            tick_size=spec.tick_size,
        )
    r = risk.r_multiple(
        direction=direction, entry_price=trade.entry_price, exit_price=trade.exit_price, stop=stop
    )
    if r is not None and abs(r) >= MAX_ABS_R:
        errors.setdefault("stop", "The stop is too close to the entry to measure R")
    if errors:
        raise _invalid(errors)
    trade.playbook_id, trade.rules_followed = playbook_id, rules
    trade.stop, trade.target, trade.r_multiple = stop, target, r
    trade.risk = (
        None
        if spec is None
        else risk.initial_risk(
            entry_price=trade.entry_price,
            stop=stop,
            quantity=trade.quantity,
            point_value=spec.point_value,
        )
    )
    trade.updated_at = utcnow()


async def _commit(session: AsyncSession, user_id: int) -> None:
    await session.commit()
    await analytics_cache.invalidate(user_id=user_id)


async def create_manual_trade(
    *, session: AsyncSession, user_id: int, data: Mapping[str, Any]
) -> Trade:
    """Validate and store a manual trade; InvalidInputError names every bad field.

    `data`: account_id, symbol, direction, legs (list of {kind, time, price, quantity}),
    commission, stop, target, playbook_id, rules_followed (list of rule texts).
    """
    trade = new_owned(
        Trade,
        user_id=user_id,
        account_id=0,
        root="",
        symbol="",
        direction="long",
        quantity=0,
        entry_price=0,
        exit_price=0,
        entry_time=utcnow(),
        exit_time=utcnow(),
        currency="USD",
        source="manual",
    )
    await _fill_manual(session, user_id, trade, data)
    session.add(trade)
    await _commit(session, user_id)
    return trade


async def update_trade(
    *, session: AsyncSession, user_id: int, trade_id: int, data: Mapping[str, Any]
) -> Trade:
    """Edit the user's trade: every field of a manual trade (`data` as for create); only
    playbook_id, rules_followed, stop and target of a paper or imported trade (the other
    fields are refused at the field; missing keys keep their value)."""
    trade = await get_trade(session=session, user_id=user_id, trade_id=trade_id)
    if trade.source == "manual":
        await _fill_manual(session, user_id, trade, data)
    else:
        await _annotate(session, user_id, trade, data)
    session.add(trade)
    await _commit(session, user_id)
    return trade


async def delete_trade(*, session: AsyncSession, user_id: int, trade_id: int) -> None:
    """Delete the user's manual trade (and its journal entry); paper and imported trades
    are records of what happened and raise ConflictError."""
    trade = await get_trade(session=session, user_id=user_id, trade_id=trade_id)
    if trade.source != "manual":
        raise ConflictError(
            f"Only manual trades can be deleted: this {trade.source} trade is the record of "
            "what your account did. You can still change its playbook, rules, stop and target."
        )
    entries = await journal.entries_of_trades(
        session=session, user_id=user_id, trade_ids=[trade_id]
    )
    files = await screenshots.storage_names_for_entries(
        session=session, user_id=user_id, entry_ids=[e.id for e in entries if e.id is not None]
    )
    screenshots.remove_files_on_commit(session, files)  # rows go by cascade, files after commit
    await session.delete(trade)
    await _commit(session, user_id)
