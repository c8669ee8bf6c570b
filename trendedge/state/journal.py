"""The journal list `/journal` with its filters; the entry editor lives in `journal_entry`.

Filters come from the form (or the page's query string on first load, e.g.
`/journal?tag=fomo`); values are kept as strings, "all" meaning no filter.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.domain.journal_input import parse_day
from trendedge.models._base import utcnow
from trendedge.services import journal
from trendedge.services.journal import JournalFilter, JournalRow
from trendedge.state.auth import require_user_id
from trendedge.state.journal_entry import JournalEntryState

__all__ = ["JournalEntryState", "JournalState"]

ALL = "all"
FILTER_KEYS = ("tag", "date_from", "date_to", "account", "instrument", "setup", "text")
NO_FILTERS = {**dict.fromkeys(FILTER_KEYS, ""), "tag": ALL, "account": ALL, "setup": ALL}
NO_FILTERS["instrument"] = ALL
PAGE_SIZE = 200


@dataclasses.dataclass
class JournalListRow:
    entry_id: int
    href: str
    kind: str
    title: str
    date: str
    account: str
    pnl: str
    pnl_sign: int
    tags: list[str]
    mistakes: list[str]
    stars: str
    excerpt: str


@dataclasses.dataclass
class Option:
    value: str
    label: str


def stars(rating: int | None) -> str:
    return "" if rating is None else "★" * rating + "☆" * (5 - rating)


def to_list_row(row: JournalRow) -> JournalListRow:
    if row.trade_id is None:
        href, kind, title = f"/journal/day/{row.entry_date}", "day", "Day journal"
        account = pnl = ""
        sign = 0
    else:
        href, kind = f"/journal/trade/{row.trade_id}", "trade"
        title = f"{row.symbol} {row.direction}"
        account = row.account_name
        pnl = f"{row.net_pnl:+,.2f} {row.currency}" if row.net_pnl is not None else ""
        sign = 0 if not row.net_pnl else (1 if row.net_pnl > 0 else -1)
    return JournalListRow(
        entry_id=row.entry_id,
        href=href,
        kind=kind,
        title=title,
        date=row.entry_date.isoformat(),
        account=account,
        pnl=pnl,
        pnl_sign=sign,
        tags=list(row.tags),
        mistakes=list(row.mistakes),
        stars=stars(row.rating),
        excerpt=row.excerpt,
    )


def _day_or_none(raw: str, field: str, errors: dict[str, str]) -> date | None:
    if not raw.strip():
        return None
    try:
        return parse_day(raw)
    except ValueError as exc:
        errors[field] = str(exc)
        return None


def _id_or_none(raw: str, prefix: str) -> int | None:
    value = raw.removeprefix(prefix)
    return int(value) if raw.startswith(prefix) and value.isdigit() else None


def to_filter(values: dict[str, str]) -> tuple[JournalFilter, dict[str, str]]:
    """The service filter of the form's strings, and errors by field (bad dates)."""
    errors: dict[str, str] = {}
    setup = values.get("setup", ALL)

    def chosen(key: str) -> str | None:
        raw = values.get(key, "").strip()
        return None if raw in ("", ALL) else raw

    account = chosen("account")
    result = JournalFilter(
        tag=chosen("tag"),
        date_from=_day_or_none(values.get("date_from", ""), "date_from", errors),
        date_to=_day_or_none(values.get("date_to", ""), "date_to", errors),
        account_id=int(account) if account and account.isdigit() else None,
        instrument=chosen("instrument"),
        playbook_id=_id_or_none(setup, "playbook:"),
        setup=setup.removeprefix("setup:") if setup.startswith("setup:") else None,
        text=chosen("text"),
    )
    return result, errors


class JournalState(rx.State):
    """The filtered list of the user's journal entries."""

    rows: list[JournalListRow] = []
    loaded: bool = False
    filters: dict[str, str] = NO_FILTERS
    filter_errors: dict[str, str] = {"date_from": "", "date_to": ""}
    tag_options: list[str] = []
    account_options: list[Option] = []
    setup_options: list[Option] = []
    instrument_options: list[str] = []
    today: str = ""

    async def _reload(self, user_id: int) -> None:
        wanted, errors = to_filter(self.filters)
        self.filter_errors = {"date_from": "", "date_to": "", **errors}
        async with session_scope() as session:
            found = await journal.search(
                session=session, user_id=user_id, filters=wanted, limit=PAGE_SIZE
            )
            options = await journal.filter_options(session=session, user_id=user_id)
        self.rows = [to_list_row(r) for r in found]
        self.tag_options = options.tags
        self.account_options = [Option(str(i), name) for i, name in options.accounts]
        self.setup_options = [Option(f"playbook:{i}", name) for i, name in options.playbooks] + [
            Option(f"setup:{s}", f"{s} (setup text)") for s in options.setups
        ]
        self.instrument_options = options.instruments
        self.loaded = True

    @rx.event
    async def load(self):
        self.loaded, self.today = False, utcnow().date().isoformat()
        user_id = await require_user_id(self)
        if user_id is None:
            return
        query = self.router.url.query_parameters
        self.filters = {
            **NO_FILTERS,
            **{k: str(query[k]) for k in FILTER_KEYS if query.get(k)},
        }
        await self._reload(user_id)

    @rx.event
    async def set_filter(self, key: str, value: str):
        """Change one filter (a control of the filter bar) and reload the list."""
        user_id = await require_user_id(self)
        if user_id is None or key not in FILTER_KEYS:
            return
        self.filters = {**self.filters, key: str(value or "")}
        await self._reload(user_id)

    @rx.event
    async def show_tag(self, tag: str):
        """Filter the list to one tag (a click on a tag badge)."""
        user_id = await require_user_id(self)
        if user_id is None:
            return
        self.filters = {**NO_FILTERS, "tag": tag}
        await self._reload(user_id)

    @rx.event
    async def clear_filters(self):
        user_id = await require_user_id(self)
        if user_id is None:
            return
        self.filters = dict(NO_FILTERS)
        await self._reload(user_id)

    @rx.event
    def open_day(self, form_data: dict[str, Any]):
        """Go to the day journal of the picked day."""
        day = str(form_data.get("day") or self.today)
        return rx.redirect(f"/journal/day/{day}")
