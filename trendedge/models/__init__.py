"""SQLModel tables; importing this package registers every table on the metadata."""

from trendedge.models.account import Account, AccountCreate, AccountPublic, AccountUpdate
from trendedge.models.session import UserSession
from trendedge.models.user import User, UserPublic

__all__ = [
    "Account",
    "AccountCreate",
    "AccountPublic",
    "AccountUpdate",
    "User",
    "UserPublic",
    "UserSession",
]
