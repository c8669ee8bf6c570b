"""Cells and records of the CSV files TrendEdge writes and reads back (pure: no I/O).

Shared by every TrendEdge CSV format (trades, journal entries; later broker formats):

* **Formula-injection guard.** A spreadsheet runs a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return as a formula. `guard` puts a ``'`` in front
  of such a text cell on export (plain numbers such as ``-12.5`` stay as they are);
  `unguard` takes exactly that ``'`` away again on import. So that the pair is exact, a
  cell that *already* starts with one or more ``'`` followed by a trigger character
  gets one more ``'`` too. A hand-made cell such as ``'=1+1`` is therefore read as
  ``=1+1``.
* **Lists** (tags, mistakes, rules) are one cell, items separated by ``|``; a ``|`` or
  ``\\`` inside an item is written ``\\|`` or ``\\\\``.
* **Line numbers** are physical lines of the file, the header being line 1; a record
  whose quoted cell spans several lines is reported by the line it starts on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_LIST_SEPARATOR = "|"


@dataclass(frozen=True, slots=True, order=True)
class LineError:
    """One problem of one line: ``line 7: exit_time: not a date``."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class CellError(ValueError):
    """A cell that cannot be read; `field` names its column."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def guard(cell: str) -> str:
    """`cell` made safe to open in a spreadsheet (see the module doc)."""
    if _NEEDS_GUARD.match(cell) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def unguard(cell: str) -> str:
    """The inverse of `guard`: drop the one ``'`` it added."""
    return cell[1:] if _GUARDED.match(cell) else cell


def join_list(items: Iterable[str]) -> str:
    """Items as one cell, ``|``-separated, with ``\\`` and ``|`` escaped."""
    return _LIST_SEPARATOR.join(
        item.replace("\\", "\\\\").replace(_LIST_SEPARATOR, "\\|") for item in items
    )


def split_list(cell: str) -> list[str]:
    """The items of a `join_list` cell; blank items are dropped, items are stripped."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == _LIST_SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def format_decimal(value: Decimal | None) -> str:
    """A plain decimal without exponent or trailing zeros; blank for None."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: ``2026-07-01T14:35:00Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_decimal(
    text: str, field: str, *, minimum: Decimal | None = None, limit: Decimal
) -> Decimal:
    """A finite decimal with ``abs(value) < limit`` (and ``>= minimum`` when given)."""
    raw = text.strip()
    if not raw:
        raise CellError(field, "is required")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise CellError(field, f"{raw!r} is not a number") from None
    if not value.is_finite():
        raise CellError(field, f"{raw!r} is not a number")
    if abs(value) >= limit:
        raise CellError(field, f"{raw} is too large")
    if minimum is not None and value < minimum:
        raise CellError(field, f"must be at least {minimum}")
    return value


def parse_positive(text: str, field: str, *, limit: Decimal) -> Decimal:
    value = parse_decimal(text, field, limit=limit)
    if value <= 0:
        raise CellError(field, "must be greater than 0")
    return value


def parse_time(text: str, field: str) -> datetime:
    """ISO 8601 date and time; one without a zone is taken as UTC. Returned in UTC."""
    raw = text.strip()
    if not raw:
        raise CellError(field, "is required")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise CellError(field, f"{raw!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_day(text: str, field: str) -> date:
    raw = text.strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(field, f"{raw!r} is not a date (YYYY-MM-DD)") from None


def parse_text(text: str, field: str, *, max_length: int, required: bool = True) -> str:
    value = text.strip()
    if required and not value:
        raise CellError(field, "is required")
    if len(value) > max_length:
        raise CellError(field, f"is longer than {max_length} characters")
    return value


def iter_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    with_header: bool = True,
    chunk: int = 500,
) -> Iterator[str]:
    """CSV text in chunks of `chunk` rows (the header first unless `with_header` is
    False); every cell is guarded. Lines end in CRLF, as RFC 4180 says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if with_header:
        writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([guard(cell) for cell in row])
        if count % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Records:
    """The data rows of a file as {column: unguarded cell}, each with its line number."""

    header: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]
    errors: list[LineError]


def read_header(text: str) -> tuple[str, ...]:
    """The column names of the first non-blank line (for format detection)."""
    for cells in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        if any(cell.strip() for cell in cells):
            return tuple(cell.strip().lower() for cell in cells)
    return ()


def read_records(
    text: str, *, required: Sequence[str], optional: Sequence[str], max_rows: int
) -> Records:
    """Split `text` into records of the known columns; header and shape problems are
    `LineError`s (a bad header stops reading, so `rows` is then empty)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    errors: list[LineError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    header: tuple[str, ...] = ()
    previous_end = 0
    try:
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if not header:
                header = tuple(cell.strip().lower() for cell in cells)
                errors.extend(_header_errors(header, line, required, optional))
                if errors:
                    return Records(header, [], errors)
                continue
            if len(rows) >= max_rows:
                errors.append(LineError(line, "file", f"more than {max_rows:,} rows"))
                break
            if len(cells) > len(header):
                errors.append(
                    LineError(line, "row", f"{len(cells)} cells, the header has {len(header)}")
                )
                continue
            padded = [*cells, *([""] * (len(header) - len(cells)))]
            rows.append(
                (line, {name: unguard(cell) for name, cell in zip(header, padded, strict=True)})
            )
    except csv.Error as exc:
        errors.append(LineError(previous_end + 1, "file", f"not readable as CSV ({exc})"))
    if not header:
        errors.append(LineError(1, "header", "the file is empty"))
    return Records(header, rows, errors)


def _header_errors(
    header: tuple[str, ...], line: int, required: Sequence[str], optional: Sequence[str]
) -> list[LineError]:
    known = set(required) | set(optional)
    errors = [LineError(line, name, "column is missing") for name in required if name not in header]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(LineError(line, name, "column appears twice"))
        elif name not in known:
            errors.append(LineError(line, name or "(blank)", "unknown column"))
        seen.add(name)
    return errors
