"""Lose nothing, fill once: guarantees of signal processing on real PostgreSQL/Redis/RQ."""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from rq.job import Job
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from jobs.queues import HIGH, enqueue
from jobs.signals import on_failure, process, requeue_stale_signals
from tests.integration.test_webhooks import BUY_NQ, wait_status
from tests.support.jobs import wait_job
from tests.support.processes import cli, free_port, running, wait_http
from tests.support.trading import Fill, Order, Position, Signal, make_trader, rows
from trendedge.db import session_scope
from trendedge.models import SignalStatus, WebhookToken
from trendedge.models._base import utcnow
from trendedge.runtime.embedded import start_redis
from trendedge.services import signal_intake, trading_views
from trendedge.services.paper_trading import execute_signal


async def _accepted_signal(trader, payload: dict, key: str) -> int:
    async with session_scope() as session:
        token = await session.get(WebhookToken, trader.token_id)
        assert token is not None
        received = await signal_intake.receive(
            session=session,
            token=token,
            payload=payload,
            source_ip="127.0.0.1",
            dedup_key=key,
            ticker=payload.get("ticker", ""),
            action=payload.get("action", ""),
            window=timedelta(seconds=60),
        )
        assert received.signal.id is not None
        return received.signal.id


async def test_dedup_claim_is_exclusive_under_concurrency(clean) -> None:
    trader = await make_trader("ana")

    async def attempt() -> str:
        async with session_scope() as session:
            token = await session.get(WebhookToken, trader.token_id)
            assert token is not None
            received = await signal_intake.receive(
                session=session,
                token=token,
                payload=BUY_NQ,
                source_ip="127.0.0.1",
                dedup_key="same",
                ticker="NQ1!",
                action="buy",
                window=timedelta(seconds=60),
            )
            return received.signal.status

    statuses = await asyncio.gather(*(attempt() for _ in range(8)))
    assert sorted(statuses) == ["accepted"] + ["duplicate"] * 7


async def test_expired_claim_can_be_taken_again(clean) -> None:
    trader = await make_trader("ben")
    await _accepted_signal(trader, BUY_NQ, "k")
    async with session_scope() as session:
        from trendedge.models import SignalDedup

        await session.exec(update(SignalDedup).values(expires_at=utcnow() - timedelta(seconds=1)))  # type: ignore[call-overload]
    again = await _accepted_signal(trader, BUY_NQ, "k")
    [signal] = await rows(Signal, id=again)
    assert signal.status == SignalStatus.accepted


async def test_processing_twice_fills_once(clean) -> None:
    trader = await make_trader("cid")
    signal_id = await _accepted_signal(trader, BUY_NQ, "once")
    async with session_scope() as session:
        first = await execute_signal(session=session, signal_id=signal_id)
    async with session_scope() as session:
        second = await execute_signal(session=session, signal_id=signal_id)
    assert first is not None and first.fill is not None
    assert second is None
    assert len(await rows(Fill, account_id=trader.account_id)) == 1


async def test_database_refuses_a_second_order_for_one_signal(clean) -> None:
    trader = await make_trader("dee")
    signal_id = await _accepted_signal(trader, BUY_NQ, "dup-order")
    async with session_scope() as session:
        await execute_signal(session=session, signal_id=signal_id)
    with pytest.raises(IntegrityError):
        async with session_scope() as session:
            session.add(
                Order(
                    user_id=trader.user_id,
                    account_id=trader.account_id,
                    signal_id=signal_id,
                    symbol="NQ1!",
                    root="NQ",
                    side="buy",
                    quantity=1,
                )
            )
            await session.flush()


async def test_concurrent_processing_of_one_account_is_serialised(clean) -> None:
    trader = await make_trader("eve")
    ids = [
        await _accepted_signal(trader, {**BUY_NQ, "contracts": "1", "id": str(i)}, str(i))
        for i in range(6)
    ]

    async def run(signal_id: int) -> None:
        async with session_scope() as session:
            await execute_signal(session=session, signal_id=signal_id)

    await asyncio.gather(*(run(i) for i in ids))
    [position] = await rows(Position, account_id=trader.account_id)
    assert position.quantity == 6
    assert len(await rows(Fill, account_id=trader.account_id)) == 6


async def test_signal_left_accepted_is_resubmitted_and_filled(worker, clean) -> None:
    """A job lost with a dead worker: the scheduler's sweep finds the signal and fills it."""
    trader = await make_trader("fay")
    signal_id = await _accepted_signal(trader, BUY_NQ, "lost")
    async with session_scope() as session:
        await session.exec(  # type: ignore[call-overload]
            update(Signal)
            .where(Signal.id == signal_id)
            .values(received_at=utcnow() - timedelta(minutes=5))
        )
    assert await asyncio.to_thread(requeue_stale_signals) == 1
    await wait_status(signal_id, "filled")
    assert len(await rows(Fill, account_id=trader.account_id)) == 1


async def test_final_failure_is_recorded_on_the_signal(worker, clean) -> None:
    trader = await make_trader("gus")
    signal_id = await _accepted_signal(trader, BUY_NQ, "doomed")
    # Make processing fail for real: the signal's account disappears under it.
    async with session_scope() as session:
        from trendedge.models import Account

        await session.exec(
            update(Signal)
            .where(Signal.id == signal_id)  # type: ignore[call-overload]
            .values(payload={**BUY_NQ, "contracts": "not-a-number"})
        )
        assert await session.get(Account, trader.account_id) is not None
    job: Job = enqueue(HIGH, process, signal_id, on_failure=on_failure)
    wait_job(job, worker)
    signal = await wait_status(signal_id, "rejected")
    assert "contracts" in signal.reason


async def test_trading_views_are_tenant_scoped(clean) -> None:
    alice = await make_trader("alice2")
    bob = await make_trader("bob2")
    signal_id = await _accepted_signal(alice, BUY_NQ, "a1")
    async with session_scope() as session:
        await execute_signal(session=session, signal_id=signal_id)
    async with session_scope() as session:
        assert await trading_views.open_positions(session=session, user_id=bob.user_id) == []
        assert await trading_views.recent_signals(session=session, user_id=bob.user_id) == []
        assert await trading_views.recent_trades(session=session, user_id=bob.user_id) == []
        mine = await trading_views.open_positions(session=session, user_id=alice.user_id)
        assert [p.position.root for p in mine] == ["NQ"]
        equity = await trading_views.account_equity(session=session, user_id=bob.user_id)
        assert [e.account.id for e in equity] == [bob.account_id]


async def test_webhook_still_fills_when_redis_is_down(base_env, clean) -> None:
    """A web process whose Redis dies answers the webhook by processing inline."""
    trader = await make_trader("hal")
    with tempfile.TemporaryDirectory(prefix="te-redis-") as tmp:
        Path(tmp).chmod(0o755)
        doomed = start_redis(Path(tmp))
        port = free_port()
        env = {**base_env, "REDIS_URL": doomed.url, "TRENDEDGE_PORT": str(port)}
        try:
            with running(cli("web", "--backend-only"), env, "web-backend") as web:
                base = f"http://127.0.0.1:{port}"
                wait_http(f"{base}/health", web, timeout=120)
                doomed.stop()
                async with httpx.AsyncClient(timeout=10) as http:
                    response = await http.post(trader.url(base), content=json.dumps(BUY_NQ))
                    ready = await http.get(f"{base}/health/ready")
        finally:
            doomed.stop()
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "filled"
    assert response.json()["queued"] is False
    assert len(await rows(Fill, account_id=trader.account_id)) == 1
    assert ready.status_code == 503
    assert "redis" in ready.json()["failing"]
