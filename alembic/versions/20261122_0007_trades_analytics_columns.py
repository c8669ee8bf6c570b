"""trades.analytics_row: the analytics dashboard's binary copy of each trade's numbers

A STORED generated column (PostgreSQL keeps it in step with the trade on every INSERT
and UPDATE): one fixed-width 80-byte record of binary send formats that the dashboard
reads for all of a user's trades with a single string_agg (see the layout at
trendedge.models.trading.ANALYTICS_ROW_SQL). The money columns stay numeric.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of trendedge.models.trading.ANALYTICS_ROW_SQL as of this revision.
ANALYTICS_ROW_SQL = (
    "int4send(id) || timestamptz_send(entry_time) || timestamptz_send(exit_time)"
    " || float8send(coalesce(net_pnl::float8, 'NaN'))"
    " || float8send(coalesce(commission::float8, 'NaN'))"
    " || float8send(coalesce(r_multiple::float8, 'NaN'))"
    " || float8send(coalesce(risk::float8, 'NaN'))"
    " || float8send(coalesce(mae::float8, 'NaN'))"
    " || float8send(coalesce(mfe::float8, 'NaN'))"
    " || int4send(CASE WHEN direction = 'short' THEN -1 ELSE 1 END)"
    " || int4send(coalesce(playbook_id, -1)) || int4send(account_id)"
)


def upgrade() -> None:
    op.add_column(
        "trades",
        sa.Column(
            "analytics_row",
            sa.LargeBinary(),
            sa.Computed(ANALYTICS_ROW_SQL, persisted=True),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("trades", "analytics_row")
