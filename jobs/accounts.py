"""Account jobs; every one takes the user id and goes through the tenant layer."""

from __future__ import annotations

from typing import Any

from jobs.runner import run_async
from trendedge.db import session_scope
from trendedge.services import accounts


def account_summary(user_id: int, account_id: int) -> dict[str, Any]:
    """Summary of one of `user_id`'s accounts; fails with NotFoundError for anyone else's."""

    async def work() -> dict[str, Any]:
        async with session_scope() as session:
            account = await accounts.get_account(
                session=session, user_id=user_id, account_id=account_id
            )
            return {
                "id": account.id,
                "name": account.name,
                "currency": account.currency,
                "initial_balance": str(account.initial_balance),
            }

    return run_async(work)
