"""Daily FX rates in PostgreSQL: shared reference rates and a user's own rates.

Rates are units of currency per 1 EUR (see trendedge/domain/fx.py). Shared rows
(`user_id` NULL) come from the bundled ECB history or an operator's ECB file; a user's
rows (uploaded ECB file or typed by hand) apply to that user only and win over shared
rows of the same day and currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.currencies import normalise_currency
from trendedge.domain.ecb_csv import bundled_rates_text, parse_ecb_csv
from trendedge.domain.fx import BASE, MAX_LOOKBACK_DAYS, DailyRate, RateTable
from trendedge.models import FxRate
from trendedge.models._base import utcnow
from trendedge.services.bulk import insert_unnest
from trendedge.services.errors import InvalidInputError, NotFoundError

BATCH = 20_000
RATE_COLUMNS = (
    ("user_id", "integer"),
    ("day", "date"),
    ("currency", "varchar"),
    ("rate", "numeric"),
    ("source", "varchar"),
    ("created_at", "timestamptz"),
)
CONSTRAINT = "uq_fx_rates_user_day_currency"


@dataclass(frozen=True, slots=True)
class RatesLoaded:
    rates: int
    days: int
    currencies: tuple[str, ...]


async def _upsert(
    session: AsyncSession, rates: list[DailyRate], *, user_id: int | None, source: str
) -> None:
    now = utcnow()
    rows = [(user_id, r.day, r.currency, r.rate, source, now) for r in rates]
    for start in range(0, len(rows), BATCH):
        await insert_unnest(
            session,
            table="fx_rates",
            columns=RATE_COLUMNS,
            rows=rows[start : start + BATCH],
            suffix=f"ON CONFLICT ON CONSTRAINT {CONSTRAINT} "
            "DO UPDATE SET rate = EXCLUDED.rate, source = EXCLUDED.source",
        )


def _parsed_or_error(text: str) -> list[DailyRate]:
    try:
        parsed = parse_ecb_csv(text)
    except ValueError as exc:
        raise InvalidInputError(str(exc), details={"file": str(exc)}) from exc
    if parsed.errors:
        shown = "; ".join(str(e) for e in parsed.errors[:20])
        more = f" (and {len(parsed.errors) - 20} more)" if len(parsed.errors) > 20 else ""
        raise InvalidInputError(
            f"The rate file has {len(parsed.errors)} bad cells; nothing was stored",
            details={"file": shown + more},
        )
    if not parsed.rates:
        raise InvalidInputError("The rate file holds no rates", details={"file": "no rates"})
    return parsed.rates


def _summary(rates: list[DailyRate]) -> RatesLoaded:
    return RatesLoaded(
        rates=len(rates),
        days=len({r.day for r in rates}),
        currencies=tuple(sorted({r.currency for r in rates})),
    )


async def load_ecb_file(
    *, session: AsyncSession, text: str, user_id: int | None, source: str = "ecb"
) -> RatesLoaded:
    """Store every rate of an ECB CSV (all or nothing: any bad cell stores nothing).

    `user_id` None stores shared rates (operator only); otherwise the user's own.
    """
    rates = _parsed_or_error(text)
    await _upsert(session, rates, user_id=user_id, source=source)
    return _summary(rates)


async def ensure_bundled_rates(*, session: AsyncSession) -> bool:
    """Load the bundled ECB history once, when no shared rate exists; True if loaded."""
    exists = (
        await session.exec(select(FxRate.id).where(col(FxRate.user_id).is_(None)).limit(1))
    ).first()
    if exists is not None:
        return False
    await load_ecb_file(session=session, text=bundled_rates_text(), user_id=None, source="bundled")
    return True


async def set_manual_rate(
    *, session: AsyncSession, user_id: int, day: date, currency: str, rate: str | Decimal
) -> FxRate:
    """Store the user's own rate (units of `currency` per 1 EUR on `day`)."""
    errors: dict[str, str] = {}
    try:
        currency = normalise_currency(currency)
        if currency == BASE:
            errors["currency"] = "EUR is the base: its rate is always 1"
    except ValueError as exc:
        errors["currency"] = str(exc)
    try:
        value = Decimal(str(rate).strip().replace(",", "."))
        if not value.is_finite() or value <= 0:
            raise InvalidOperation
    except InvalidOperation:
        errors["rate"] = f"'{rate}' is not a positive number"
    if errors:
        raise InvalidInputError("The rate has invalid fields", details=errors)
    await _upsert(session, [DailyRate(day, currency, value)], user_id=user_id, source="manual")
    row = (
        await session.exec(
            select(FxRate)
            .where(FxRate.user_id == user_id, FxRate.day == day, FxRate.currency == currency)
            .execution_options(populate_existing=True)
        )
    ).one()
    return row


async def list_own_rates(*, session: AsyncSession, user_id: int, limit: int = 200) -> list[FxRate]:
    """The user's own rates, newest first."""
    query = (
        select(FxRate)
        .where(FxRate.user_id == user_id)
        .order_by(col(FxRate.day).desc(), col(FxRate.currency))
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def delete_own_rate(*, session: AsyncSession, user_id: int, rate_id: int) -> None:
    """Delete one of the user's own rates; another user's (or a shared) one is not found."""
    row = (
        await session.exec(select(FxRate).where(FxRate.id == rate_id, FxRate.user_id == user_id))
    ).first()
    if row is None:
        raise NotFoundError(f"FX rate {rate_id} not found")
    await session.delete(row)
    await session.flush()


async def rate_table(
    *, session: AsyncSession, user_id: int, currencies: set[str], start: date, end: date
) -> RateTable:
    """Rates for `currencies` from `start` (minus the lookback) to `end`, as the user sees
    them: shared rates overridden by the user's own."""
    wanted = {c.upper() for c in currencies} - {BASE}
    if not wanted:
        return RateTable([])
    query: Any = (
        sa_select(col(FxRate.user_id), col(FxRate.day), col(FxRate.currency), col(FxRate.rate))
        .where(
            or_(col(FxRate.user_id).is_(None), col(FxRate.user_id) == user_id),
            col(FxRate.currency).in_(sorted(wanted)),
            col(FxRate.day) >= start - timedelta(days=MAX_LOOKBACK_DAYS),
            col(FxRate.day) <= end,
        )
        .order_by(col(FxRate.user_id).nulls_first())
    )
    latest: dict[tuple[date, str], Decimal] = {}
    for _owner, day, currency, rate in (await session.exec(query)).all():
        latest[(day, currency)] = rate  # the user's rows come last and win
    return RateTable(DailyRate(day, currency, rate) for (day, currency), rate in latest.items())
