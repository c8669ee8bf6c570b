"""SQLModel tables; importing this package registers every table on the metadata."""

from trendedge.models.account import Account, AccountCreate, AccountPublic, AccountUpdate
from trendedge.models.imports import Execution, ImportFile, ImportRun
from trendedge.models.journal import JournalEntry, Playbook, Screenshot
from trendedge.models.market_data import Bar
from trendedge.models.money import AccountTransaction, FxRate, UserPreferences
from trendedge.models.session import UserSession
from trendedge.models.signal import Signal, SignalDedup, SignalStatus
from trendedge.models.trading import Fill, Order, Position, Trade
from trendedge.models.trendline import (
    ScanRun,
    Trendline,
    TrendlineAlert,
    TrendlinePreference,
    WatchlistItem,
)
from trendedge.models.user import User, UserPublic
from trendedge.models.webhook import WebhookToken

__all__ = [
    "Account",
    "AccountCreate",
    "AccountPublic",
    "AccountTransaction",
    "AccountUpdate",
    "Bar",
    "Execution",
    "Fill",
    "FxRate",
    "ImportFile",
    "ImportRun",
    "JournalEntry",
    "Order",
    "Playbook",
    "Position",
    "ScanRun",
    "Screenshot",
    "Signal",
    "SignalDedup",
    "SignalStatus",
    "Trade",
    "Trendline",
    "TrendlineAlert",
    "TrendlinePreference",
    "User",
    "UserPreferences",
    "UserPublic",
    "UserSession",
    "WatchlistItem",
    "WebhookToken",
]
