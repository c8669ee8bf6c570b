"""Broker statement imports end to end on the real database (runner in-process), plus
one run through a real worker on the `low` queue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.models import Account, Execution, ImportRun, Trade
from trendedge.services import imports
from trendedge.services.errors import InvalidInputError, NotFoundError
from trendedge.services.import_runner import run_import
from trendedge.services.tenancy import new_owned
from trendedge.services.users import upsert_oidc_user

# Two identical one-lot fills in the same second (lines 3 and 4) are both real.
GENERIC = """Date,Time,Symbol,Quantity,Price,Side,Commission
2026-03-02,09:30:00,ESH6,1,5000.00,Buy,2.10
2026-03-02,09:31:00,ESH6,1,4990.00,Buy,2.10
2026-03-02,09:31:00,ESH6,1,4990.00,Buy,2.10
2026-03-02,09:45:00,ESH6,3,5010.00,Sell,6.30
2026-03-02,10:00:00,NQH6,2,18000.00,Sell,4.20
2026-03-02,10:20:00,NQH6,2,17950.00,Buy,4.20
"""


async def make_user(session: AsyncSession, subject: str) -> int:
    user = await upsert_oidc_user(
        session=session, issuer="https://issuer.test", subject=subject, email=None, name=None
    )
    assert user.id is not None
    return user.id


async def make_account(session: AsyncSession, user_id: int, name: str = "Broker") -> int:
    account = new_owned(Account, user_id=user_id, name=name, currency="USD")
    session.add(account)
    await session.flush()
    assert account.id is not None
    return account.id


async def import_text(user_id: int, account_id: int, text: str, **options: object) -> ImportRun:
    async with session_scope() as session:
        run = await imports.start_import(
            session=session,
            user_id=user_id,
            account_id=account_id,
            filename="statement.csv",
            content=text.encode(),
            options=options,
        )
    assert run.id is not None
    return await run_import(import_id=run.id)


async def trades_of(account_id: int) -> list[Trade]:
    async with session_scope() as session:
        query = select(Trade).where(Trade.account_id == account_id).order_by(Trade.entry_time)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def executions_of(account_id: int) -> list[Execution]:
    async with session_scope() as session:
        query = select(Execution).where(Execution.account_id == account_id)
        return list((await session.exec(query)).all())


async def test_generic_file_becomes_fifo_trades_with_fees(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()

    run = await import_text(alice, account, GENERIC)
    assert (run.status, run.format) == ("done", "generic")
    assert (run.executions_created, run.duplicates, run.trades_created, run.rejected) == (
        6,
        0,
        2,
        0,
    )

    es, nq = await trades_of(account)
    # ES: 1 @ 5000 + 2 @ 4990 long, out 3 @ 5010: 10 + 20 + 20 = 50 points x $50
    assert (es.direction, es.quantity, es.source) == ("long", 3, "import")
    assert es.gross_pnl == Decimal(2500)
    assert es.commission == Decimal("12.60")
    assert es.net_pnl == Decimal("2487.40")
    # NQ short 2 @ 18000 -> 17950: 100 points x $20
    assert (nq.direction, nq.gross_pnl, nq.commission) == ("short", Decimal(2000), Decimal("8.40"))
    assert len({e.key for e in await executions_of(account)}) == 6  # identical fills both kept


async def test_reimport_and_overlap_create_nothing_twice(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    await import_text(alice, account, GENERIC)
    first_uids = [t.uid for t in await trades_of(account)]

    again = await import_text(alice, account, GENERIC)
    assert (again.executions_created, again.duplicates, again.trades_created) == (0, 6, 0)

    lines = GENERIC.splitlines()
    overlap = "\n".join([lines[0], *lines[3:], "2026-03-03,09:30:00,ESH6,1,5020.00,Buy,2.10",
                         "2026-03-03,09:40:00,ESH6,1,5030.00,Sell,2.10"]) + "\n"  # fmt: skip
    third = await import_text(alice, account, overlap)
    assert (third.executions_created, third.duplicates, third.trades_created) == (2, 4, 1)
    trades = await trades_of(account)
    assert len(trades) == 3
    assert [t.uid for t in trades[:2]] == first_uids  # earlier trades untouched


async def test_bad_rows_reject_the_whole_file_unless_partial_is_chosen(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    bad = GENERIC + "2026-03-02,11:00:00,ESH6,abc,5000,Buy,2\n2026-03-02,11:05:00,ZZZ9,1,5,Buy,1\n"

    rejected = await import_text(alice, account, bad)
    assert rejected.status == "rejected"
    assert rejected.rejected == 2
    assert [(e["line"], e["column"]) for e in rejected.errors] == [(8, "Quantity"), (9, "symbol")]
    assert await executions_of(account) == [] and await trades_of(account) == []

    partial = await import_text(alice, account, bad, accept_partial=True)
    assert (partial.status, partial.executions_created, partial.rejected) == ("done", 6, 2)
    assert len(partial.errors) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary"),
        (b"Foo,Bar\n1,2\n", "unknown format"),
        (b"Date,Time,Symbol,Quantity,Price,Side\n", "no data rows"),
    ],
)
async def test_refused_uploads_write_nothing(
    db: AsyncSession, content: bytes, message: str
) -> None:
    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    with pytest.raises(InvalidInputError) as caught:
        await imports.start_import(
            session=db, user_id=alice, account_id=account, filename="x.csv", content=content,
            options={},
        )  # fmt: skip
    assert message in caught.value.message
    await db.rollback()
    assert await imports.list_imports(session=db, user_id=alice) == []


async def test_row_and_size_limits_are_checked_before_writing(db: AsyncSession) -> None:
    from trendedge.settings import get_settings

    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    limit = get_settings().import_max_rows
    row = "2026-03-02,09:30:00,ESH6,1,5000.00,Buy\n"
    too_many = "Date,Time,Symbol,Quantity,Price,Side\n" + row * (limit + 1)
    with pytest.raises(InvalidInputError, match=f"{limit + 1:,} rows"):
        await imports.start_import(
            session=db, user_id=alice, account_id=account, filename="big.csv",
            content=too_many.encode(), options={},
        )  # fmt: skip
    huge = b"Date,Time,Symbol,Quantity,Price,Side\n" + b"x" * get_settings().import_max_bytes
    with pytest.raises(InvalidInputError, match=r"limit is 10\.0 MB"):
        await imports.start_import(
            session=db, user_id=alice, account_id=account, filename="huge.csv", content=huge,
            options={},
        )  # fmt: skip


async def test_imports_are_tenant_isolated(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    account = await make_account(db, alice)
    await db.commit()
    with pytest.raises(NotFoundError):
        await imports.start_import(
            session=db, user_id=bob, account_id=account, filename="x.csv",
            content=GENERIC.encode(), options={},
        )  # fmt: skip
    run = await import_text(alice, account, GENERIC)
    with pytest.raises(NotFoundError):
        await imports.get_import(session=db, user_id=bob, import_id=run.id or 0)
    assert await imports.list_imports(session=db, user_id=bob) == []
    bob_account = await make_account(db, bob, "Bob's")
    await db.commit()
    await import_text(bob, bob_account, GENERIC)  # the same keys in another account: stored
    assert len(await executions_of(bob_account)) == 6
    assert len(await executions_of(account)) == 6


async def test_a_real_worker_runs_the_import_on_the_low_queue(db: AsyncSession, worker) -> None:
    from jobs.imports import enqueue_import
    from tests.support.jobs import wait_job

    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    run = await imports.start_import(
        session=db, user_id=alice, account_id=account, filename="s.csv",
        content=GENERIC.encode(), options={},
    )  # fmt: skip
    await db.commit()
    job = enqueue_import(run.id or 0)
    assert job.origin == "low"
    wait_job(job, worker)
    finished = await imports.get_import(session=db, user_id=alice, import_id=run.id or 0)
    assert (finished.status, finished.trades_created, finished.rows_done) == ("done", 2, 6)
    assert finished.finished_at is not None and finished.started_at is not None


async def test_an_ambiguous_file_asks_and_runs_again_with_the_answer(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    ambiguous = (
        "Date,Time,Symbol,Quantity,Price,Side\n"
        "03/04/2026,09:30:00,ESM6,1,5000,Buy\n"
        "03/04/2026,09:40:00,ESM6,1,5004,Sell\n"
    )
    asked = await import_text(alice, account, ambiguous)
    assert asked.status == "needs_input"
    assert asked.errors[0]["column"] == "date_order"
    assert await executions_of(account) == []

    async with session_scope() as session:
        await imports.resubmit_import(
            session=session, user_id=alice, import_id=asked.id or 0,
            answers={"date_order": "day_first"},
        )  # fmt: skip
    done = await run_import(import_id=asked.id or 0)
    assert (done.status, done.trades_created) == ("done", 1)
    (trade,) = await trades_of(account)
    assert trade.entry_time.month == 4 and trade.entry_time.day == 3  # 3 April
    with pytest.raises(InvalidInputError, match="only an unfinished import"):
        await imports.resubmit_import(
            session=db, user_id=alice, import_id=asked.id or 0, answers={}
        )


FIXTURES = __import__("pathlib").Path(__file__).parents[1] / "fixtures" / "broker_csv"


@pytest.mark.parametrize(
    ("name", "expected_format", "options"),
    [
        ("generic.csv", "generic", {}),
        ("generic_eu.csv", "generic", {}),
        ("tradovate_fills.csv", "tradovate_fills", {}),
        ("tradovate_orders.csv", "tradovate_orders", {}),
        ("ninjatrader_executions.csv", "ninjatrader_executions", {"date_order": "month_first"}),
        ("ninjatrader_trades.csv", "ninjatrader_trades", {"date_order": "month_first"}),
        ("ibkr_flex_trades.csv", "ibkr_flex_trades", {"accept_partial": True}),
        ("tradestation.csv", "tradestation", {}),
    ],
)
async def test_every_sample_format_imports_into_trades(
    db: AsyncSession, name: str, expected_format: str, options: dict[str, object]
) -> None:
    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    text = (FIXTURES / name).read_text()
    run = await import_text(alice, account, text, **options)
    assert run.format == expected_format, run.message
    assert run.status == "done", (run.message, run.errors)
    assert run.trades_created > 0 and run.executions_created > 0
    trades = await trades_of(account)
    assert len(trades) == run.trades_created
    assert all(t.source == "import" and t.quantity > 0 for t in trades)
    again = await import_text(alice, account, text, **options)
    assert (again.executions_created, again.trades_created) == (0, 0)
    assert again.duplicates == run.executions_created


async def test_files_of_imports_left_unfinished_for_a_week_are_purged(db: AsyncSession) -> None:
    from datetime import timedelta

    from trendedge.models import ImportFile
    from trendedge.models._base import utcnow

    alice = await make_user(db, "alice")
    account = await make_account(db, alice)
    await db.commit()
    bad = GENERIC + "2026-03-02,11:00:00,ESH6,abc,5000,Buy,2\n"
    old = await import_text(alice, account, bad)  # rejected: its file is kept for a rerun
    recent = await import_text(alice, account, bad)
    assert (old.status, recent.status) == ("rejected", "rejected")
    async with session_scope() as session:
        stale = await session.get(ImportRun, old.id)
        assert stale is not None
        stale.finished_at = utcnow() - timedelta(days=8)
        session.add(stale)
    async with session_scope() as session:
        removed = await imports.purge_unfinished_files(
            session=session, older_than=timedelta(days=7)
        )
    assert removed == 1
    async with session_scope() as session:
        assert await session.get(ImportFile, old.id) is None
        assert await session.get(ImportFile, recent.id) is not None
        assert await session.get(ImportRun, old.id) is not None  # the summary stays
