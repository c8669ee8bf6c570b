"""Rows shown on /trendlines (plain dataclasses) and how stored objects become them."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from trendedge.domain.bars import BarIssue
from trendedge.models.trendline import ScanRun, TrendlineAlert, WatchlistItem
from trendedge.services.trendline_views import LineView
from trendedge.state.display_time import show_time
from trendedge.state.trading import fmt_price


def fmt_when(value: datetime | None) -> str:
    return show_time(value)


def pair_key(instrument: str, timeframe: str) -> str:
    return f"{instrument} {timeframe}"


@dataclasses.dataclass
class WatchRow:
    id: int
    key: str
    instrument: str
    timeframe: str
    alerts_enabled: bool
    scan_status: str
    scan_text: str
    scan_error: str


@dataclasses.dataclass
class LineRow:
    id: int
    kind: str
    anchor1: str
    anchor1_price: str
    anchor2: str
    anchor2_price: str
    touches: int
    score: str
    status: str
    hidden: bool
    favourite: bool


@dataclasses.dataclass
class AlertRow:
    id: int
    when: str
    bar: str
    pair: str
    event: str
    price: str
    line_price: str


@dataclasses.dataclass
class CoverageRow:
    key: str
    instrument: str
    timeframe: str
    count: str
    span: str
    watched: bool


@dataclasses.dataclass
class IssueRow:
    line: int
    field: str
    message: str


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def scan_text(scan: ScanRun | None) -> str:
    """One line about a scan (its status is shown beside it): since when it waits
    or runs, or when it finished and what it found."""
    if scan is None:
        return ""
    if scan.status == "queued":
        retry = f" (will retry: {scan.error})" if scan.error else ""
        return f"since {fmt_when(scan.queued_at)}{retry}"
    if scan.status == "running":
        return f"since {fmt_when(scan.started_at)}"
    if scan.status == "failed":
        return f"at {fmt_when(scan.finished_at)}"
    return (
        f"at {fmt_when(scan.finished_at)} · {plural(scan.bars, 'bar')} · "
        f"{plural(scan.lines_found, 'line')} · {plural(scan.alerts_fired, 'alert')}"
    )


def fmt_like(value: Decimal, like: Decimal) -> str:
    """`value` with as many decimals as `like` (at least 2): a line's price next to a close."""
    exponent = like.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{value:,.{places}f}"


def watch_row(item: WatchlistItem, scan: ScanRun | None) -> WatchRow:
    assert item.id is not None
    return WatchRow(
        id=item.id,
        key=pair_key(item.instrument, item.timeframe),
        instrument=item.instrument,
        timeframe=item.timeframe,
        alerts_enabled=item.alerts_enabled,
        scan_status="" if scan is None else scan.status,
        scan_text=scan_text(scan),
        scan_error=scan.error if scan is not None and scan.status == "failed" else "",
    )


def fmt_anchor(when: datetime, *, intraday: bool) -> str:
    """A line anchor's bar time: with the time of day only for intraday bars."""
    return f"{when:%Y-%m-%d %H:%M}" if intraday else f"{when:%Y-%m-%d}"


def line_row(line: LineView, *, intraday: bool = True) -> LineRow:
    return LineRow(
        id=line.id,
        kind=line.kind,
        anchor1=fmt_anchor(line.anchor1_ts, intraday=intraday),
        anchor1_price=f"{line.anchor1_price:,.2f}",
        anchor2=fmt_anchor(line.anchor2_ts, intraday=intraday),
        anchor2_price=f"{line.anchor2_price:,.2f}",
        touches=len(line.touches),
        score=f"{line.score:.2f}",
        status=line.status,
        hidden=line.hidden,
        favourite=line.favourite,
    )


def alert_row(alert: TrendlineAlert) -> AlertRow:
    assert alert.id is not None
    return AlertRow(
        id=alert.id,
        when=fmt_when(alert.created_at),
        bar=fmt_when(alert.bar_ts),
        pair=pair_key(alert.instrument, alert.timeframe),
        event=alert.event,
        price=fmt_price(Decimal(alert.price)),
        line_price=fmt_like(Decimal(alert.line_price), Decimal(alert.price)),
    )


def issue_row(issue: BarIssue) -> IssueRow:
    return IssueRow(line=issue.line, field=issue.field, message=issue.message)
