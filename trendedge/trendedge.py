"""The Reflex app: pages, the HTTP routes (api_transformer) and lifespan tasks."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

import reflex as rx

from trendedge.api.app import build_routes_app, wrap_with_middleware
from trendedge.db import dispose_engines
from trendedge.logging import configure_logging
from trendedge.pages.accounts import account_edit_page, accounts_page
from trendedge.pages.dashboard import dashboard_page
from trendedge.pages.data_transfer import data_transfer_page
from trendedge.pages.imports import imports_page
from trendedge.pages.journal import journal_day_page, journal_page, journal_trade_page
from trendedge.pages.money import money_page
from trendedge.pages.playbooks import playbook_page, playbooks_page
from trendedge.pages.settings import settings_page
from trendedge.pages.signals import signals_page
from trendedge.pages.signin import signin_page
from trendedge.pages.trade_detail import trade_detail_page, trade_new_page
from trendedge.pages.trading import trading_page
from trendedge.pages.trendlines import trendlines_page
from trendedge.pages.webhooks import webhooks_page
from trendedge.settings import get_settings, require_startable
from trendedge.state.accounts import AccountEditState, AccountsState
from trendedge.state.analytics import AnalyticsState
from trendedge.state.auth import AuthState
from trendedge.state.data_transfer import DataTransferState
from trendedge.state.imports import ImportsState
from trendedge.state.journal import JournalEntryState, JournalState
from trendedge.state.live import LiveState
from trendedge.state.manual_trades import TradeDetailState
from trendedge.state.money import MoneyState
from trendedge.state.playbooks import PlaybookDetailState, PlaybooksState
from trendedge.state.preferences import SettingsState
from trendedge.state.signals import SignalsState
from trendedge.state.signin import SignInState
from trendedge.state.trading import TradingState
from trendedge.state.trendlines import TrendlinesState
from trendedge.state.webhooks import WebhooksState

_settings = get_settings()
configure_logging(level=_settings.log_level, json=_settings.log_json)
require_startable(_settings)


@asynccontextmanager
async def database_lifespan():
    # Start-up objects (the compiled app, models, modules) live for the whole process:
    # keep them out of the garbage collector's full passes, which otherwise pause
    # requests for ~100 ms (measured in bench/analytics_bench.py, see BENCHMARKS.md).
    gc.collect()
    gc.freeze()
    yield
    await dispose_engines()


app = rx.App(
    api_transformer=[build_routes_app(), wrap_with_middleware],
)
app.register_lifespan_task(database_lifespan)
app.add_page(signin_page, route="/signin", title="Sign in · TrendEdge", on_load=SignInState.load)
app.add_page(
    dashboard_page,
    route="/",
    title="TrendEdge",
    on_load=[AuthState.require_user, AccountsState.load, AnalyticsState.load, LiveState.listen],
)
app.add_page(
    accounts_page,
    route="/accounts",
    title="Accounts · TrendEdge",
    on_load=[AuthState.require_user, AccountsState.load],
)
app.add_page(
    account_edit_page,
    route="/accounts/[account_id]",
    title="Account · TrendEdge",
    on_load=[AuthState.require_user, AccountEditState.load],
)
app.add_page(
    trading_page,
    route="/trades",
    title="Trades · TrendEdge",
    on_load=[AuthState.require_user, TradingState.load, LiveState.listen],
)
app.add_page(
    signals_page,
    route="/signals",
    title="Signals · TrendEdge",
    on_load=[AuthState.require_user, SignalsState.load, LiveState.listen],
)
app.add_page(
    trendlines_page,
    route="/trendlines",
    title="Trendlines · TrendEdge",
    on_load=[AuthState.require_user, TrendlinesState.load, LiveState.listen],
)
app.add_page(
    webhooks_page,
    route="/webhooks",
    title="Webhooks · TrendEdge",
    on_load=[AuthState.require_user, WebhooksState.load],
)
app.add_page(
    trade_new_page,
    route="/trades/new",
    title="New trade · TrendEdge",
    on_load=[AuthState.require_user, TradeDetailState.load_new],
)
app.add_page(
    trade_detail_page,
    route="/trades/[trade_id]",
    title="Trade · TrendEdge",
    on_load=[AuthState.require_user, TradeDetailState.load_trade],
)
app.add_page(
    journal_page,
    route="/journal",
    title="Journal · TrendEdge",
    on_load=[AuthState.require_user, JournalState.load],
)
app.add_page(
    journal_trade_page,
    route="/journal/trade/[trade_id]",
    title="Trade journal · TrendEdge",
    on_load=[AuthState.require_user, JournalEntryState.load_for_trade],
)
app.add_page(
    journal_day_page,
    route="/journal/day/[day]",
    title="Day journal · TrendEdge",
    on_load=[AuthState.require_user, JournalEntryState.load_for_day],
)
app.add_page(
    playbooks_page,
    route="/playbooks",
    title="Playbooks · TrendEdge",
    on_load=[AuthState.require_user, PlaybooksState.load],
)
app.add_page(
    playbook_page,
    route="/playbooks/[playbook_id]",
    title="Playbook · TrendEdge",
    on_load=[AuthState.require_user, PlaybookDetailState.load],
)
app.add_page(
    imports_page,
    route="/imports",
    title="Import statements · TrendEdge",
    on_load=[AuthState.require_user, ImportsState.load],
)
app.add_page(
    money_page,
    route="/money",
    title="Money · TrendEdge",
    on_load=[AuthState.require_user, MoneyState.load],
)
app.add_page(
    settings_page,
    route="/settings",
    title="Settings · TrendEdge",
    on_load=[AuthState.require_user, SettingsState.load],
)
app.add_page(
    data_transfer_page,
    route="/data",
    title="Import & export · TrendEdge",
    on_load=[AuthState.require_user, DataTransferState.load],
)
