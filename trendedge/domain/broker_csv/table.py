"""Split a CSV text into a header and numbered rows. Pure: no I/O.

* The delimiter is the most frequent of `,`, `;` and tab in the header line (European
  spreadsheets write `;` when the decimal mark is a comma).
* A UTF-8 byte-order mark, blank lines and trailing empty header cells (NinjaTrader
  ends every line with a comma) are ignored; header names are stripped.
* Line numbers are physical lines, 1-based, the first line of the file being 1, so a
  message can point at the line the user sees in an editor.
* Interactive Brokers Flex wrappers are unwrapped: `BOF/BOA/BOS/EOS/EOA/EOF` records
  are skipped, and in the "section code and line descriptor" layout only the first
  section's `HEADER`/`DATA` rows are kept, without their two leading cells. A row equal
  to the header (Flex repeats it per account) is skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FLEX_MARKERS = frozenset({"BOF", "BOA", "BOS", "EOS", "EOA", "EOF"})


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class Table:
    """A header (stripped names) and the rows under it."""

    header: list[str]
    header_line: int
    rows: list[Row]

    def index(self, *names: str) -> int | None:
        """Position of the first of `names` present in the header (case-insensitive)."""
        lowered = [name.lower() for name in self.header]
        for name in names:
            if name.lower() in lowered:
                return lowered.index(name.lower())
        return None

    def has(self, *names: str) -> bool:
        return all(self.index(name) is not None for name in names)

    def name(self, index: int) -> str:
        return self.header[index]


def cell(cells: Sequence[str], index: int | None) -> str:
    """The stripped cell at `index`, or "" when the column is absent or the row short."""
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first physical line, cells) of every non-blank record."""
    body = text.lstrip("\ufeff")
    first = next((line for line in body.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=_delimiter(first))
    start = 1
    for cells in reader:
        line = start
        start = reader.line_num + 1
        if any(c.strip() for c in cells):
            yield line, cells


def read_table(text: str | Table) -> Table | None:
    """The header and rows of `text`, or None when it holds no header at all. A `Table`
    is returned as it is (detection reads the file once and hands the table on)."""
    if isinstance(text, Table):
        return text
    header: list[str] | None = None
    header_line = 0
    section: str | None = None
    rows: list[Row] = []
    for line, cells in _records(text):
        first = cells[0].strip().upper() if cells else ""
        if first in FLEX_MARKERS:
            continue
        if first in ("HEADER", "DATA") and len(cells) > 2:
            code = cells[1].strip()
            if section is None:
                section = code
            if code != section:
                continue
            if first == "HEADER":
                if header is None:
                    header, header_line = _names(cells[2:]), line
                continue
            cells = cells[2:]
        if header is None:
            header, header_line = _names(cells), line
            continue
        if cells[0].strip() == header[0] and _names(cells) == header:
            continue
        rows.append(Row(line, cells))
    if header is None:
        return None
    return Table(header, header_line, rows)


def _names(cells: Sequence[str]) -> list[str]:
    names = [c.strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    return names


def missing_columns(table: Table, *groups: tuple[str, ...]) -> list[str]:
    """The first name of every group (a column and its aliases) absent from the header."""
    return [group[0] for group in groups if table.index(*group) is None]


def header_error(table: Table, missing: Sequence[str]) -> str:
    return f"missing column(s): {', '.join(missing)} (found: {', '.join(table.header)})"
