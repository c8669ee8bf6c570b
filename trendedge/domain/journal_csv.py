"""TrendEdge's own journal-entries CSV: columns, writer and validating reader (pure).

Format (``trendedge-journal``, version 1): UTF-8, a header row, one entry per row:

``uid, trade_uid, day, notes, tags, mistakes, rating``

* exactly one of ``trade_uid`` (the ``uid`` of a trade in the trades CSV) and ``day``
  (``YYYY-MM-DD``) is filled: an entry is about one trade or one trading day;
* ``notes`` is markdown (line breaks are kept inside the quoted cell);
* ``tags`` and ``mistakes`` are ``|``-separated labels (trimmed, inner spaces collapsed,
  lower-cased, duplicates dropped; at most 20 of at most 40 characters each);
* ``rating`` is a whole number from 1 to 5, or blank.

Screenshots are not part of the CSV. Cells are formula-guarded like every TrendEdge CSV
(`trendedge.domain.csv_cells`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from trendedge.domain.csv_cells import (
    CellError,
    LineError,
    iter_csv,
    join_list,
    parse_day,
    read_records,
    split_list,
)
from trendedge.domain.trade_csv import MAX_ROWS, ParsedCsv, parse_uid

FORMAT_NAME = "trendedge-journal"
JOURNAL_COLUMNS = ("uid", "trade_uid", "day", "notes", "tags", "mistakes", "rating")
REQUIRED_JOURNAL_COLUMNS = ("uid", "trade_uid", "day")
MAX_LABELS = 20
MAX_LABEL_CHARS = 40
MAX_NOTES_CHARS = 50_000
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """One journal entry as plain values; `trade_uid` is "" for a day entry."""

    uid: str
    trade_uid: str = ""
    day: date | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    rating: int | None = None


def journal_cells(record: JournalRecord) -> list[str]:
    return [
        record.uid,
        record.trade_uid,
        record.day.isoformat() if record.day else "",
        record.notes,
        join_list(record.tags),
        join_list(record.mistakes),
        "" if record.rating is None else str(record.rating),
    ]


def iter_journal_csv(
    records: Iterable[JournalRecord], *, with_header: bool = True
) -> Iterator[str]:
    """The CSV text of `records` (header first unless not `with_header`), in chunks,
    formula-guarded."""
    return iter_csv(JOURNAL_COLUMNS, (journal_cells(r) for r in records), with_header=with_header)


def is_journal_header(header: Sequence[str]) -> bool:
    return set(REQUIRED_JOURNAL_COLUMNS) <= set(header) and set(header) <= set(JOURNAL_COLUMNS)


def parse_journal_csv(text: str, *, max_rows: int = MAX_ROWS) -> ParsedCsv[JournalRecord]:
    """Every row checked; also errors: a uid, trade_uid or day on two lines."""
    optional = [c for c in JOURNAL_COLUMNS if c not in REQUIRED_JOURNAL_COLUMNS]
    records = read_records(
        text, required=REQUIRED_JOURNAL_COLUMNS, optional=optional, max_rows=max_rows
    )
    errors = list(records.errors)
    rows: list[tuple[int, JournalRecord]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in records.rows:
        try:
            record = _entry(cells)
        except CellError as exc:
            errors.append(LineError(line, exc.field, exc.message))
            continue
        subject = ("trade_uid", record.trade_uid) if record.trade_uid else ("day", str(record.day))
        clash = next((k for k in (("uid", record.uid), subject) if k in seen), None)
        if clash is not None:
            errors.append(LineError(line, clash[0], f"{clash[1]} already on line {seen[clash]}"))
            continue
        seen[("uid", record.uid)] = seen[subject] = line
        rows.append((line, record))
    return ParsedCsv(rows, sorted(errors))


def clean_labels(text: str, field: str) -> tuple[str, ...]:
    """Labels of a ``|`` cell, normalised (see the module doc); CellError when too many/long."""
    labels: list[str] = []
    for item in split_list(text):
        label = _SPACES.sub(" ", item).strip().lower()
        if len(label) > MAX_LABEL_CHARS:
            raise CellError(field, f"{label[:20]!r}… is longer than {MAX_LABEL_CHARS} characters")
        if label not in labels:
            labels.append(label)
    if len(labels) > MAX_LABELS:
        raise CellError(field, f"more than {MAX_LABELS} labels")
    return tuple(labels)


def _rating(text: str) -> int | None:
    raw = text.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 5:
        raise CellError("rating", "must be a whole number from 1 to 5")
    return int(raw)


def _entry(cells: dict[str, str]) -> JournalRecord:
    uid = parse_uid(cells["uid"])
    trade_uid = cells["trade_uid"].strip()
    day_text = cells["day"].strip()
    if bool(trade_uid) == bool(day_text):
        raise CellError("trade_uid", "fill exactly one of trade_uid and day")
    notes = cells.get("notes", "").replace("\x00", "")
    if len(notes) > MAX_NOTES_CHARS:
        raise CellError("notes", f"is longer than {MAX_NOTES_CHARS:,} characters")
    return JournalRecord(
        uid=uid,
        trade_uid=parse_uid(trade_uid, "trade_uid") if trade_uid else "",
        day=parse_day(day_text, "day") if day_text else None,
        notes=notes,
        tags=clean_labels(cells.get("tags", ""), "tags"),
        mistakes=clean_labels(cells.get("mistakes", ""), "mistakes"),
        rating=_rating(cells.get("rating", "")),
    )
