"""CSV export and re-import of trades and journal entries on the real database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import col, select

from tests.support.web_client import session_cookie, signed_in_token
from trendedge.api.app import build_routes_app
from trendedge.db import session_scope
from trendedge.domain.trade_csv import TRADE_COLUMNS
from trendedge.models import Account, JournalEntry, Playbook, Trade, User
from trendedge.services import accounts, analytics_cache, trade_export, trade_import, users
from trendedge.services.errors import InvalidInputError, NotFoundError

D = Decimal
START = datetime(2026, 3, 2, 14, 35, tzinfo=UTC)
COMPARED = [
    "uid",
    "source",
    "symbol",
    "root",
    "direction",
    "quantity",
    "entry_price",
    "exit_price",
    "entry_time",
    "exit_time",
    "gross_pnl",
    "commission",
    "net_pnl",
    "r_multiple",
    "stop",
    "target",
    "risk",
    "mae",
    "mfe",
    "currency",
    "setup",
    "rules_followed",
    "legs",
]


@dataclass
class Owner:
    user_id: int
    accounts: dict[str, int]


async def owner(subject: str, *names: str) -> Owner:
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session, issuer="urn:test", subject=subject, email=None, name=None
        )
        assert user.id is not None
        ids = {}
        for name in names:
            account = await accounts.create_account(
                session=session, user_id=user.id, data={"name": name}
            )
            assert account.id is not None
            ids[name] = account.id
    return Owner(user.id, ids)


async def fill_journal(who: Owner) -> list[str]:
    """Five trades (one with a formula-like setup, one scale-out with legs), a playbook,
    two journal entries; the trade uids."""
    async with session_scope() as session:
        book = Playbook(
            user_id=who.user_id, name="ORB", rules=["wait", "stop | other side", "unused"]
        )
        session.add(book)
        await session.flush()
        trades = []
        for n in range(5):
            entry = START + timedelta(days=n, minutes=n)
            gross = D("312.5") * (1 if n % 2 else -1)
            trade = Trade(
                user_id=who.user_id,
                account_id=who.accounts["Main" if n < 4 else "Micro"],
                root="ES" if n < 4 else "MES",
                symbol="ES1!" if n < 4 else "MESZ2026",
                direction="long" if n % 3 else "short",
                quantity=D(n + 1),
                entry_price=D("6000.25") + n,
                exit_price=D("6006.50") + n,
                entry_time=entry,
                exit_time=entry + timedelta(minutes=17, microseconds=n),
                gross_pnl=gross,
                commission=D("4.5"),
                net_pnl=gross - D("4.5"),
                r_multiple=D("1.25") if n else None,
                stop=D("5995.25") if n else None,
                target=D("6010") if n else None,
                risk=D("250") if n else None,
                mae=D("-87.5") if n else None,
                mfe=D("400") if n else None,
                setup="=HYPERLINK(1)" if n == 2 else None,
                currency="USD",
                source="paper" if n < 3 else "manual",
                playbook_id=book.id if n in (1, 2) else None,
                rules_followed=["wait", "stop | other side"] if n == 1 else [],
                legs=[{"side": "buy", "qty": "1"}, {"side": "sell", "qty": "1"}] if n == 3 else [],
            )
            session.add(trade)
            trades.append(trade)
        await session.flush()
        session.add(
            JournalEntry(
                user_id=who.user_id,
                uid="entry-1",
                trade_id=trades[1].id,
                notes="**Good**, patient.\n\n- =not a formula",
                tags=["a-plus-setup", "trend day"],
                mistakes=["moved stop"],
                rating=4,
            )
        )
        session.add(JournalEntry(user_id=who.user_id, uid="day-1", day=date(2026, 3, 2)))
    return [t.uid for t in trades]


async def trades_of(user_id: int) -> dict[str, dict[str, Any]]:
    async with session_scope() as session:
        names = {
            a.id: a.name
            for a in (await session.exec(select(Account).where(Account.user_id == user_id)))
        }
        books = {
            p.id: p.name
            for p in (await session.exec(select(Playbook).where(Playbook.user_id == user_id)))
        }
        rows = (await session.exec(select(Trade).where(Trade.user_id == user_id))).all()
    return {
        t.uid: {
            **{name: getattr(t, name) for name in COMPARED},
            "account": names[t.account_id],
            "playbook": books.get(t.playbook_id) if t.playbook_id else None,
            "close_fill_id": t.close_fill_id,
        }
        for t in rows
    }


async def counts(user_id: int) -> tuple[int, int, int]:
    async with session_scope() as session:
        out = []
        for model in (Trade, JournalEntry, Playbook):
            query = select(func.count()).select_from(model).where(col(model.user_id) == user_id)
            out.append((await session.exec(query)).one())
    return out[0], out[1], out[2]


async def export(user_id: int, *, journal: bool = False, **filters: Any) -> str:
    async with session_scope() as session:
        if journal:
            return await trade_export.journal_csv(session=session, user_id=user_id, **filters)
        return await trade_export.trades_csv(session=session, user_id=user_id, **filters)


async def test_export_then_import_into_a_fresh_user_gives_the_same_trades(clean) -> None:
    alice = await owner("alice", "Main", "Micro")
    await fill_journal(alice)
    trades_csv, journal_csv = await export(alice.user_id), await export(alice.user_id, journal=True)
    assert "'=HYPERLINK(1)" in trades_csv and "'- =not a formula" not in journal_csv

    bob = await owner("bob", "Main", "Micro")
    report = await trade_import.import_file(user_id=bob.user_id, data=trades_csv.encode())
    journal = await trade_import.import_file(user_id=bob.user_id, data=journal_csv.encode())

    assert (report.kind, report.rows_read, report.created, report.duplicates) == ("trades", 5, 5, 0)
    assert report.playbooks_created == 1 and report.errors == []
    assert (journal.kind, journal.created, journal.duplicates) == ("journal", 2, 0)
    expected = await trades_of(alice.user_id)
    got = await trades_of(bob.user_id)
    assert got.keys() == expected.keys()
    for uid, row in expected.items():
        assert got[uid] == {**row, "close_fill_id": None}, uid
    # The same data exports to the same text; the created playbook has the used rules.
    assert await export(bob.user_id) == trades_csv
    assert await export(bob.user_id, journal=True) == journal_csv
    async with session_scope() as session:
        book = (await session.exec(select(Playbook).where(Playbook.user_id == bob.user_id))).one()
    assert (book.name, book.rules) == ("ORB", ["wait", "stop | other side"])


async def test_reimporting_the_same_files_creates_nothing(clean) -> None:
    alice = await owner("alice", "Main", "Micro")
    await fill_journal(alice)
    trades_csv = (await export(alice.user_id)).encode()
    journal_csv = (await export(alice.user_id, journal=True)).encode()
    generation = await analytics_cache.generation(user_id=alice.user_id)
    before = await counts(alice.user_id)

    for _ in range(2):
        report = await trade_import.import_file(user_id=alice.user_id, data=trades_csv)
        assert (report.created, report.duplicates, report.playbooks_created) == (0, 5, 0)
        again = await trade_import.import_file(user_id=alice.user_id, data=journal_csv)
        assert (again.created, again.duplicates) == (0, 2)

    assert await counts(alice.user_id) == before
    assert await analytics_cache.generation(user_id=alice.user_id) == generation

    bob = await owner("bob", "Main", "Micro")
    await trade_import.import_file(user_id=bob.user_id, data=trades_csv)
    first = await analytics_cache.generation(user_id=bob.user_id)
    await trade_import.import_file(user_id=bob.user_id, data=trades_csv)
    assert first > 0 and await analytics_cache.generation(user_id=bob.user_id) == first


def edit(line: str, **cells: str) -> str:
    """One CSV line of the trades format with some cells replaced."""
    values = next(csv.reader([line]))
    for name, value in cells.items():
        values[TRADE_COLUMNS.index(name)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


async def test_a_bad_line_writes_nothing_and_names_its_line(clean) -> None:
    alice = await owner("alice", "Main", "Micro")
    await fill_journal(alice)
    lines = (await export(alice.user_id)).split("\r\n")
    lines[3] = edit(lines[3], exit_time="tomorrow")
    lines[5] = edit(lines[5], account="Nowhere")
    bob = await owner("bob", "Main", "Micro")

    report = await trade_import.import_file(user_id=bob.user_id, data="\r\n".join(lines).encode())

    assert [str(e) for e in report.errors] == [
        "line 4: exit_time: 'tomorrow' is not an ISO 8601 date and time",
        "line 6: account: you have no account named 'Nowhere'",
    ]
    assert report.created == 0 and report.rows_read == 5
    assert "Nothing imported: 2 line(s)" in report.summary()
    assert await counts(bob.user_id) == (0, 0, 0)

    # The same file with a target account: every row goes there (the bad time still fails).
    lines[3] = edit(lines[3], exit_time="2026-03-04T14:55:00Z")
    fixed = "\r\n".join(lines).encode()
    report = await trade_import.import_file(user_id=bob.user_id, data=fixed, account_name="Micro")
    assert report.errors == [] and report.created == 5
    assert {row["account"] for row in (await trades_of(bob.user_id)).values()} == {"Micro"}


async def test_file_level_problems_are_refused_before_reading_rows(clean) -> None:
    bob = await owner("bob", "Main")
    cases = [
        (b"x" * (trade_import.MAX_BYTES + 1), "the limit is 10 MB"),
        ("uid,account\n\xe9".encode("latin-1"), "not UTF-8"),
        (b"time,open,high,low,close\n", "Not a TrendEdge CSV"),
    ]
    for data, message in cases:
        with pytest.raises(InvalidInputError, match=message) as refused:
            await trade_import.import_file(user_id=bob.user_id, data=data)
        assert "file" in refused.value.details
    with pytest.raises(InvalidInputError, match="no account named 'Main2'"):
        await trade_import.import_file(
            user_id=bob.user_id, data=(await export(bob.user_id)).encode(), account_name="Main2"
        )
    assert await counts(bob.user_id) == (0, 0, 0)


async def test_tenants_never_see_or_touch_each_other(clean) -> None:
    alice = await owner("alice", "Main", "Micro")
    alice_uids = await fill_journal(alice)
    bob = await owner("bob", "Main", "Micro", "Bob only")
    bob_uids = await fill_journal(bob)
    alice_rows = await trades_of(alice.user_id)

    text = await export(alice.user_id)
    assert all(uid in text for uid in alice_uids)
    assert not any(uid in text for uid in bob_uids)
    assert "entry-1" in await export(alice.user_id, journal=True)
    with pytest.raises(NotFoundError):
        await export(alice.user_id, account_id=bob.accounts["Main"])

    # Bob imports Alice's file: he gets copies; her rows stay exactly as they were.
    report = await trade_import.import_file(user_id=bob.user_id, data=text.encode())
    assert report.created == 5
    assert await trades_of(alice.user_id) == alice_rows
    assert await counts(alice.user_id) == (5, 2, 1)
    with pytest.raises(InvalidInputError, match="no account named 'Bob only'"):
        await trade_import.import_file(
            user_id=alice.user_id, data=text.encode(), account_name="Bob only"
        )

    # A journal entry pointing at a trade only Bob has is a line error for Alice.
    journal = (
        f"uid,trade_uid,day,notes\nnew-1,{bob_uids[0]},,hi\nnew-2,{alice_uids[4]},,fine\n"
    ).encode()
    report = await trade_import.import_file(user_id=alice.user_id, data=journal)
    assert [str(e) for e in report.errors] == [
        f"line 2: trade_uid: you have no trade {bob_uids[0]} (import the trades first)"
    ]
    assert await counts(alice.user_id) == (5, 2, 1)


async def test_journal_entry_for_a_trade_or_day_that_has_one_is_a_duplicate(clean) -> None:
    alice = await owner("alice", "Main", "Micro")
    uids = await fill_journal(alice)
    text = (
        "uid,trade_uid,day,notes\n"
        f"other-1,{uids[1]},,again\n"
        "other-2,,2026-03-02,again\n"
        f"other-3,{uids[0]},,first\n"
    ).encode()

    report = await trade_import.import_file(user_id=alice.user_id, data=text)

    assert (report.created, report.duplicates) == (1, 2)
    assert await counts(alice.user_id) == (5, 3, 1)


async def test_export_filters_by_account_and_exit_day(clean) -> None:
    alice = await owner("alice", "Main", "Micro")
    uids = await fill_journal(alice)

    micro = await export(alice.user_id, account_id=alice.accounts["Micro"])
    days = await export(alice.user_id, start=date(2026, 3, 3), end=date(2026, 3, 4))
    journal = await export(alice.user_id, journal=True, start=date(2026, 3, 4))

    assert [uid for uid in uids if uid in micro] == [uids[4]]
    assert [uid for uid in uids if uid in days] == [uids[1], uids[2]]
    assert journal.splitlines()[0] == "uid,trade_uid,day,notes,tags,mistakes,rating"
    assert len(journal.splitlines()) == 1
    with pytest.raises(InvalidInputError, match="before the start"):
        await export(alice.user_id, start=date(2026, 3, 4), end=date(2026, 3, 3))


async def test_export_routes_stream_the_signed_in_users_csv_only(clean) -> None:
    token = await signed_in_token("carol")
    async with session_scope() as session:
        carol_id = (await session.exec(select(User.id).where(User.subject == "carol"))).one()
        account = await accounts.create_account(
            session=session, user_id=carol_id, data={"name": "Main"}
        )
        micro = await accounts.create_account(
            session=session, user_id=carol_id, data={"name": "Micro"}
        )
    assert account.id is not None and micro.id is not None
    carol = Owner(carol_id, {"Main": account.id, "Micro": micro.id})
    await fill_journal(carol)
    dave = await owner("dave", "Main")
    app = build_routes_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        anonymous = await http.get("/api/v1/export/trades.csv")
        signed = session_cookie(token)
        trades = await http.get("/api/v1/export/trades.csv", headers=signed)
        journal = await http.get(
            "/api/v1/export/journal.csv", params={"from": "2026-03-02"}, headers=signed
        )
        foreign = await http.get(
            "/api/v1/export/trades.csv",
            params={"account": dave.accounts["Main"]},
            headers=signed,
        )
        bad = await http.get(
            "/api/v1/export/trades.csv", params={"from": "soon", "account": "x"}, headers=signed
        )

    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"
    assert trades.status_code == 200
    assert trades.headers["content-type"] == "text/csv; charset=utf-8"
    assert trades.headers["content-disposition"].startswith('attachment; filename="trendedge-')
    assert trades.text == await export(carol.user_id)
    assert journal.text == await export(carol.user_id, journal=True, start=date(2026, 3, 2))
    assert foreign.status_code == 404
    assert bad.status_code == 400
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"from", "account"}
