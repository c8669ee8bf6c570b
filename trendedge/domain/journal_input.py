"""Pure parsing of journal input: labels (tags, mistakes), rating, notes and day.

Every function either returns the clean value or raises `ValueError` whose message
is written for the person who typed the input.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

MAX_LABELS: Final = 20
"""Most labels of one kind (tags or mistakes) on one entry."""

MAX_LABEL_CHARS: Final = 40
"""Longest label, in characters, after trimming."""

MAX_NOTES_CHARS: Final = 50_000
"""Longest markdown note, in characters."""

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEPARATORS = re.compile(r"[,\n;]")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _clean_label(raw: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub("", raw)).strip().lower()


def normalise_labels(raw: object, *, noun: str = "tag") -> list[str]:
    """Labels from a comma/semicolon/newline separated string or a list of strings.

    Each label is trimmed, inner whitespace collapsed to one space, lower-cased;
    empty ones are dropped and duplicates removed (first occurrence kept). Raises
    ValueError naming the offending label when one is longer than
    MAX_LABEL_CHARS, or when more than MAX_LABELS remain.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        parts = _SEPARATORS.split(raw)
    elif isinstance(raw, list | tuple) and all(isinstance(p, str) for p in raw):
        parts = list(raw)
    else:
        raise ValueError(f"The {noun}s must be text separated by commas, or a list of texts.")
    labels: list[str] = []
    for part in parts:
        label = _clean_label(part)
        if not label or label in labels:
            continue
        if len(label) > MAX_LABEL_CHARS:
            shown = label[:MAX_LABEL_CHARS] + "…"
            raise ValueError(
                f"The {noun} '{shown}' is {len(label)} characters; the limit is {MAX_LABEL_CHARS}."
            )
        labels.append(label)
    if len(labels) > MAX_LABELS:
        raise ValueError(f"At most {MAX_LABELS} {noun}s per entry (got {len(labels)}).")
    return labels


def parse_rating(raw: object) -> int | None:
    """None for no rating ('' / 'none' / None), else a whole number from 1 to 5."""
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "none")):
        return None
    message = f"Rating must be a whole number from 1 to 5 (got {str(raw)[:20]!r})."
    if isinstance(raw, bool):
        raise ValueError(message)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        raise ValueError(message)
    if not 1 <= value <= 5:
        raise ValueError(message)
    return value


def clean_notes(raw: object) -> str:
    """The markdown notes as typed (NUL characters removed); ValueError when too long."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValueError("Notes must be text.")
    notes = raw.replace("\x00", "")
    if len(notes) > MAX_NOTES_CHARS:
        raise ValueError(f"Notes are {len(notes):,} characters; the limit is {MAX_NOTES_CHARS:,}.")
    return notes


def parse_day(raw: str) -> date:
    """A calendar day written YYYY-MM-DD; ValueError with the text otherwise."""
    text = (raw or "").strip()
    if _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"'{text[:40]}' is not a valid day; write it as YYYY-MM-DD.")
