"""Reading bars from CSV files (pure: no I/O).

`parse_bars_csv` reads two CSV layouts and says which one it saw:

* ``tradingview`` - a TradingView chart export ("Export chart data"): header
  ``time,open,high,low,close`` with an optional ``Volume`` column and any
  number of indicator columns (ignored); ``time`` is UNIX seconds or ISO 8601.
* ``plain`` - ``time,open,high,low,close[,volume]`` (``date``, ``datetime``
  and ``timestamp`` are accepted for ``time``; any column order; case does not
  matter); times are ISO 8601 or ``YYYY-MM-DD[ HH:MM[:SS]]``.

Times without a zone are UTC; every time is returned in UTC. A daily bar's
``ts`` is the time in the file (midnight UTC for a bare date).

Nothing is dropped silently: a line that is rejected is in ``issues`` as an
``error`` with its 1-based line number (the header is line 1) and the field at
fault; a line that was kept but changed (moved by sorting) or superseded (an
earlier line with the same time) is a ``warning``. Gaps in the series are
information, never issues: ``ParsedBars.gaps`` has their count and the largest.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from trendedge.domain.bars import (
    BarIssue,
    BarRow,
    Format,
    GapReport,
    Timeframe,
    find_gaps,
    validate_bar,
)


@dataclass(frozen=True, slots=True)
class ParsedBars:
    """Rows sorted by time with unique `ts`, every issue by line, and the gaps."""

    rows: list[BarRow]
    issues: list[BarIssue]
    detected_format: Format
    gaps: GapReport = field(default_factory=GapReport)

    @property
    def errors(self) -> list[BarIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[BarIssue]:
        return [issue for issue in self.issues if issue.severity == "warning"]


_TIME_NAMES = ("time", "date", "datetime", "timestamp")
_PRICE_NAMES = ("open", "high", "low", "close")


class _LineError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def parse_time(text: str) -> datetime:
    """A UTC datetime from UNIX seconds (or milliseconds), ISO 8601 or
    `YYYY-MM-DD[ HH:MM[:SS]]`; naive times are UTC. `ValueError` if neither."""
    value = text.strip()
    if not value:
        raise ValueError("empty time")
    if value.isdigit() or (value.startswith("-") and value[1:].isdigit()):
        seconds = int(value)
        if abs(seconds) >= 10**11:  # milliseconds
            return datetime.fromtimestamp(seconds / 1000, UTC)
        return datetime.fromtimestamp(seconds, UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"time {value!r} is not UNIX seconds, ISO 8601 or YYYY-MM-DD[ HH:MM[:SS]]"
        ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _number(cells: Sequence[str], index: int | None, name: str) -> Decimal:
    if index is None:
        return Decimal(0)  # only volume can be absent from the header
    if index >= len(cells) or not cells[index].strip():
        raise _LineError(name, f"missing {name}")
    raw = cells[index].strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _LineError(name, f"{name} {raw!r} is not a number") from None
    if not value.is_finite():
        raise _LineError(name, f"{name} {raw!r} is not a number")
    return value


@dataclass(frozen=True, slots=True)
class _Layout:
    format: Format
    time: int
    prices: tuple[int, int, int, int]
    volume: int | None


def _layout(header: Sequence[str], first_time: str | None) -> _Layout | str:
    """Column positions from the header, or the reason it is not usable."""
    names = [cell.strip().lstrip("\ufeff") for cell in header]
    lowered = [name.lower() for name in names]
    time_index = next((lowered.index(n) for n in _TIME_NAMES if n in lowered), None)
    missing = [n for n in _PRICE_NAMES if n not in lowered]
    if time_index is None:
        missing.insert(0, "time")
    if missing or time_index is None:
        return f"the header has no {', '.join(missing)} column (found: {', '.join(names)})"
    prices = (
        lowered.index("open"),
        lowered.index("high"),
        lowered.index("low"),
        lowered.index("close"),
    )
    volume = lowered.index("volume") if "volume" in lowered else None
    known = {time_index, *prices} | ({volume} if volume is not None else set())
    extra = [i for i in range(len(names)) if i not in known and names[i]]
    tradingview = names[time_index] == "time" and (
        bool(extra)
        or (volume is not None and names[volume] == "Volume")
        or (first_time is not None and first_time.strip().isdigit())
    )
    return _Layout("tradingview" if tradingview else "plain", time_index, prices, volume)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse_bars_csv(text: str, *, timeframe: Timeframe | str) -> ParsedBars:
    """Parse a TradingView export or a plain OHLCV CSV (see the module doc)."""
    tf = Timeframe.parse(timeframe)
    lines = text.splitlines()
    header_no = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_no is None:
        return ParsedBars([], [BarIssue(1, "header", "the file is empty")], "unknown")
    delimiter = _delimiter(lines[header_no])
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    # csv.reader and splitlines agree on line numbers as long as no cell holds a
    # line break; OHLCV files never quote multi-line cells.
    numbered = [(n + 1, cells) for n, cells in enumerate(records) if any(c.strip() for c in cells)]
    header_line, header = numbered[0]
    first_time: str | None = None
    body = numbered[1:]
    layout = _layout(header, None)
    if isinstance(layout, _Layout) and body and layout.time < len(body[0][1]):
        first_time = body[0][1][layout.time]
        layout = _layout(header, first_time)
    if isinstance(layout, str):
        return ParsedBars([], [BarIssue(header_line, "header", layout)], "unknown")

    issues: list[BarIssue] = []
    candidates: list[tuple[int, BarRow]] = []
    for line_no, cells in body:
        try:
            bar = _parse_line(cells, layout)
        except _LineError as exc:
            issues.append(BarIssue(line_no, exc.field, exc.message))
            continue
        problems = validate_bar(bar, line=line_no)
        if problems:
            issues.extend(problems)
            continue
        candidates.append((line_no, bar))
    if not candidates and not issues:
        issues.append(BarIssue(header_line, "header", "the file has a header but no bars"))

    rows, order_issues = _sorted_unique(candidates)
    issues.extend(order_issues)
    issues.sort(key=lambda issue: (issue.line, issue.severity != "error"))
    return ParsedBars(rows, issues, layout.format, find_gaps(rows, tf))


def _parse_line(cells: Sequence[str], layout: _Layout) -> BarRow:
    if layout.time >= len(cells) or not cells[layout.time].strip():
        raise _LineError("time", "missing time")
    try:
        ts = parse_time(cells[layout.time])
    except (ValueError, OverflowError, OSError) as exc:
        raise _LineError("time", str(exc)) from None
    o, h, low, c = (
        _number(cells, i, name) for i, name in zip(layout.prices, _PRICE_NAMES, strict=True)
    )
    return BarRow(ts, o, h, low, c, _number(cells, layout.volume, "volume"))


def _sorted_unique(candidates: list[tuple[int, BarRow]]) -> tuple[list[BarRow], list[BarIssue]]:
    """Sort by time (warning per moved line), keep the last of equal times
    (warning on each superseded line)."""
    issues: list[BarIssue] = []
    if len(candidates) > 1 and all(
        later[1].ts < earlier[1].ts for earlier, later in pairwise(candidates)
    ):
        first = candidates[0][0]
        issues.append(
            BarIssue(first, "time", "rows are newest first; sorted oldest first", "warning")
        )
    else:
        newest: tuple[int, datetime] | None = None
        for line_no, bar in candidates:
            if newest is not None and bar.ts < newest[1]:
                issues.append(
                    BarIssue(
                        line_no,
                        "time",
                        f"out of order: {bar.ts.isoformat()} is before line {newest[0]}; "
                        "rows are sorted by time",
                        "warning",
                    )
                )
            elif newest is None or bar.ts > newest[1]:
                newest = (line_no, bar.ts)

    kept: dict[datetime, tuple[int, BarRow]] = {}
    for line_no, bar in candidates:
        previous = kept.get(bar.ts)
        if previous is not None:
            issues.append(
                BarIssue(
                    previous[0],
                    "time",
                    f"duplicate time {bar.ts.isoformat()}: replaced by line {line_no}",
                    "warning",
                )
            )
        kept[bar.ts] = (line_no, bar)
    rows = [bar for _, bar in sorted(kept.values(), key=lambda item: item[1].ts)]
    return rows, issues


# --------------------------------------------------------------------------- gaps
