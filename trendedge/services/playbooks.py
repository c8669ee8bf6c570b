"""Playbooks of one user: named setups with a description and a checklist of rules.

Create, update and delete commit their own transaction and then invalidate the user's
analytics cache (playbooks group the analytics). Deleting a playbook unlinks its trades
(playbook_id and rules_followed cleared); editing its rules drops, from its trades'
rules_followed, the rules that no longer exist. `link_rules` checks what a trade may
record: only a playbook of the same user, only rules of that playbook.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import Playbook, Trade
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.services.tenancy import get_owned, new_owned, owned_by

MAX_NAME = 100
MAX_DESCRIPTION = 10_000
MAX_RULES = 50
MAX_RULE_CHARS = 200


@dataclass(frozen=True)
class PlaybookListItem:
    """A playbook with its number of trades, net P&L and the currencies of those trades."""

    playbook: Playbook
    trades: int
    net_pnl: Decimal
    currencies: tuple[str, ...]


def parse_rules(value: Any) -> tuple[list[str], str | None]:
    """Rules from a list or from text with one rule per line (blank lines skipped).

    Returns (rules, error message or None); the message names the offending line.
    """
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    rules: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        rule = " ".join(str(raw).split())
        if not rule:
            continue
        if len(rule) > MAX_RULE_CHARS:
            return rules, f"Line {number}: a rule has at most {MAX_RULE_CHARS} characters"
        if rule.casefold() in seen:
            return rules, f"Line {number}: '{rule}' is listed twice"
        seen.add(rule.casefold())
        rules.append(rule)
    if len(rules) > MAX_RULES:
        return rules, f"At most {MAX_RULES} rules"
    return rules, None


def _validated(data: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    errors: dict[str, str] = {}
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = "Enter a name"
    elif len(name) > MAX_NAME:
        errors["name"] = f"At most {MAX_NAME} characters"
    description = str(data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"At most {MAX_DESCRIPTION:,} characters"
    rules, problem = parse_rules(data.get("rules"))
    if problem:
        errors["rules"] = problem
    if errors:
        raise InvalidInputError("The playbook has invalid fields", details=errors)
    return name, description, rules


async def _commit(session: AsyncSession, user_id: int, name: str) -> None:
    try:
        await session.commit()
    except IntegrityError as exc:
        raise ConflictError(
            f"A playbook named '{name}' already exists",
            details={"name": "You already have a playbook with this name"},
        ) from exc
    await analytics_cache.invalidate(user_id=user_id)


async def get_playbook(*, session: AsyncSession, user_id: int, playbook_id: int) -> Playbook:
    """One playbook of the user; NotFoundError when it is not theirs."""
    return await get_owned(session, Playbook, user_id=user_id, row_id=playbook_id)


async def list_playbooks(*, session: AsyncSession, user_id: int) -> list[PlaybookListItem]:
    """The user's playbooks by name, each with its trade count and net P&L (one query)."""
    query = (
        select(
            Playbook,
            func.count(col(Trade.id)),
            func.coalesce(func.sum(Trade.net_pnl), 0),
            func.array_remove(func.array_agg(func.distinct(Trade.currency)), None),
        )
        .outerjoin(
            Trade, and_(col(Trade.playbook_id) == Playbook.id, col(Trade.user_id) == user_id)
        )
        .where(Playbook.user_id == user_id)
        .group_by(col(Playbook.id))
        .order_by(func.lower(Playbook.name))
    )
    rows = (await session.exec(query)).all()
    return [
        PlaybookListItem(pb, int(n), Decimal(pnl), tuple(sorted(cur or ())))
        for pb, n, pnl, cur in rows
    ]


async def playbook_names(*, session: AsyncSession, user_id: int) -> dict[int, str]:
    """{playbook id: name} of the user's playbooks."""
    rows = (
        await session.exec(select(Playbook.id, Playbook.name).where(Playbook.user_id == user_id))
    ).all()
    return {int(pid): name for pid, name in rows if pid is not None}


async def create_playbook(
    *, session: AsyncSession, user_id: int, data: Mapping[str, Any]
) -> Playbook:
    """Validate and store a new playbook (name unique per user); commits."""
    name, description, rules = _validated(data)
    playbook = new_owned(Playbook, user_id=user_id, name=name, description=description, rules=rules)
    session.add(playbook)
    await _commit(session, user_id, name)
    return playbook


async def update_playbook(
    *, session: AsyncSession, user_id: int, playbook_id: int, data: Mapping[str, Any]
) -> Playbook:
    """Replace name, description and rules; trades keep only rules that still exist."""
    playbook = await get_playbook(session=session, user_id=user_id, playbook_id=playbook_id)
    name, description, rules = _validated(data)
    playbook.name, playbook.description, playbook.rules = name, description, rules
    playbook.updated_at = utcnow()
    session.add(playbook)
    await session.exec(  # type: ignore[call-overload]
        text(
            "UPDATE trades SET updated_at = now(), rules_followed = COALESCE(("
            " SELECT jsonb_agg(e.rule ORDER BY e.ord)"
            " FROM jsonb_array_elements_text(trades.rules_followed) WITH ORDINALITY AS e(rule, ord)"
            " WHERE jsonb_exists(CAST(:rules AS jsonb), e.rule)), '[]'::jsonb)"
            " WHERE user_id = :user_id AND playbook_id = :playbook_id"
            " AND NOT (rules_followed <@ CAST(:rules AS jsonb))"
        ).bindparams(rules=json.dumps(rules), user_id=user_id, playbook_id=playbook_id)
    )
    await _commit(session, user_id, name)
    return playbook


async def delete_playbook(*, session: AsyncSession, user_id: int, playbook_id: int) -> None:
    """Delete the playbook; its trades stay, unlinked (no playbook, no rules followed)."""
    playbook = await get_playbook(session=session, user_id=user_id, playbook_id=playbook_id)
    await session.exec(  # type: ignore[call-overload]
        update(Trade)
        .where(col(Trade.user_id) == user_id, col(Trade.playbook_id) == playbook_id)
        .values(playbook_id=None, rules_followed=[], updated_at=utcnow())
    )
    await session.delete(playbook)
    await session.commit()
    await analytics_cache.invalidate(user_id=user_id)


async def link_rules(
    *,
    session: AsyncSession,
    user_id: int,
    playbook_id: Any,
    rules: Sequence[str] | None,
    errors: dict[str, str],
) -> tuple[int | None, list[str]]:
    """(playbook id or None, the rules followed in the playbook's order) for a trade.

    A blank `playbook_id` means none. Another user's or a missing playbook raises
    NotFoundError; an unknown rule, or rules without a playbook, go into
    `errors["rules_followed"]`; a malformed id into `errors["playbook_id"]`.
    """
    chosen = [str(rule) for rule in rules or []]
    if playbook_id in (None, "", "none", 0):
        if chosen:
            errors["rules_followed"] = "Choose a playbook to record its rules"
        return None, []
    try:
        pid = int(playbook_id)
    except (TypeError, ValueError):
        errors["playbook_id"] = "Choose a playbook"
        return None, []
    found = (
        await session.exec(owned_by(Playbook, user_id=user_id).where(Playbook.id == pid))
    ).first()
    if found is None:
        raise NotFoundError(
            f"Playbook {pid} not found", details={"playbook_id": "No such playbook"}
        )
    unknown = [rule for rule in chosen if rule not in found.rules]
    if unknown:
        errors["rules_followed"] = f"'{unknown[0]}' is not a rule of playbook '{found.name}'"
    return pid, [rule for rule in found.rules if rule in chosen]
