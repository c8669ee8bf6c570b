"""Initial risk and R multiples: the one definition used by paper, manual and imported trades.

Definitions (also in docs/trades-and-playbooks.md and docs/metrics.md):

* **Stop** — the price at which the trade would have been cut. When a trade has none and
  its account has a *default stop rule* of N ticks, the stop is assumed N ticks against the
  average entry: ``entry - N * tick_size`` for a long, ``entry + N * tick_size`` for a short.
* **Risk** (initial risk, in the contract currency) = ``|entry - stop| * quantity *
  point_value``; unknown without a stop, or when the stop equals the entry.
* **R multiple** = ``(exit - entry) * direction / |entry - stop|`` = ``gross_pnl / risk``:
  the price result in units of initial risk, **before commission** (it measures the trade,
  not the costs; the costs are in net P&L). Unknown whenever risk is unknown.

Pure: Decimal in, Decimal out, no I/O.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

Direction = Literal["long", "short"]


def direction_sign(direction: Direction | int) -> int:
    """+1 for a long ("long" or a positive number), -1 for a short."""
    if isinstance(direction, str):
        if direction not in ("long", "short"):
            raise ValueError(f"direction must be 'long' or 'short', got {direction!r}")
        return 1 if direction == "long" else -1
    if direction == 0:
        raise ValueError("direction must not be 0")
    return 1 if direction > 0 else -1


def default_stop(
    *, direction: Direction | int, entry_price: Decimal, ticks: int, tick_size: Decimal
) -> Decimal:
    """The stop `ticks` ticks against `entry_price` (below for a long, above for a short).

    Raises ValueError when `ticks` or `tick_size` is not positive.
    """
    if ticks <= 0 or tick_size <= 0:
        raise ValueError("a default stop needs a positive number of ticks and tick size")
    return entry_price - direction_sign(direction) * ticks * tick_size


def effective_stop(
    *,
    stop: Decimal | None,
    direction: Direction | int,
    entry_price: Decimal,
    default_ticks: int | None,
    tick_size: Decimal,
) -> Decimal | None:
    """The trade's own `stop` when it has one, else the default-rule stop, else None."""
    if stop is not None:
        return stop
    if default_ticks is None:
        return None
    return default_stop(
        direction=direction, entry_price=entry_price, ticks=default_ticks, tick_size=tick_size
    )


def stop_on_wrong_side(*, direction: Direction | int, entry_price: Decimal, stop: Decimal) -> bool:
    """True when `stop` defines no risk: at or above a long's entry, at or below a short's."""
    return (entry_price - stop) * direction_sign(direction) <= 0


def initial_risk(
    *,
    entry_price: Decimal,
    stop: Decimal | None,
    quantity: Decimal,
    point_value: Decimal,
) -> Decimal | None:
    """``|entry - stop| * quantity * point_value``; None without a stop or when it is 0."""
    if stop is None or stop == entry_price:
        return None
    return abs(entry_price - stop) * quantity * point_value


def r_multiple(
    *,
    direction: Direction | int,
    entry_price: Decimal,
    exit_price: Decimal,
    stop: Decimal | None,
) -> Decimal | None:
    """``(exit - entry) * direction / |entry - stop|`` (= gross P&L / risk); None without
    a stop or when the stop equals the entry."""
    if stop is None or stop == entry_price:
        return None
    return (exit_price - entry_price) * direction_sign(direction) / abs(entry_price - stop)
