"""Pure parsing of journal input: labels, rating, notes, day."""

from __future__ import annotations

from datetime import date

import pytest

from trendedge.domain.journal_input import (
    MAX_LABELS,
    MAX_NOTES_CHARS,
    clean_notes,
    normalise_labels,
    parse_day,
    parse_rating,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, []),
        ("", []),
        (" , ;\n", []),
        (" Breakout, breakout ,FOMO;  late \t Entry\n", ["breakout", "fomo", "late entry"]),
        (["A+", " a+ ", "News\x07"], ["a+", "news"]),
        ("x" * 40, ["x" * 40]),
        (",".join(f"t{i}" for i in range(MAX_LABELS)), [f"t{i}" for i in range(MAX_LABELS)]),
    ],
)
def test_labels_are_trimmed_lowercased_and_deduplicated(raw, expected) -> None:
    assert normalise_labels(raw) == expected


def test_label_limits_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"The mistake 'y{40}…' is 41 characters; the limit is 40"):
        normalise_labels("ok, " + "Y" * 41, noun="mistake")
    with pytest.raises(ValueError, match=r"At most 20 tags per entry \(got 21\)"):
        normalise_labels([f"t{i}" for i in range(21)])
    # Duplicates do not count against the limit.
    assert len(normalise_labels([f"t{i % 20}" for i in range(40)])) == 20
    with pytest.raises(ValueError, match="must be text"):
        normalise_labels(42)


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, None), ("", None), (" none ", None), ("3", 3), (5, 5), (" 1", 1)]
)
def test_rating_accepts_none_or_one_to_five(raw, expected) -> None:
    assert parse_rating(raw) == expected


@pytest.mark.parametrize("raw", ["0", "6", 0, -1, "4.5", 4.0, "four", True, [3]])
def test_rating_refuses_everything_else(raw) -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        parse_rating(raw)


def test_notes_are_kept_as_typed_within_the_limit() -> None:
    text = "<script>alert(1)</script>\n**bold**"
    assert clean_notes(text) == text
    assert clean_notes("a\x00b") == "ab"
    assert clean_notes(None) == ""
    assert clean_notes("x" * MAX_NOTES_CHARS) == "x" * MAX_NOTES_CHARS
    with pytest.raises(ValueError, match="Notes are 50,001 characters; the limit is 50,000"):
        clean_notes("x" * (MAX_NOTES_CHARS + 1))


def test_day_must_be_a_real_iso_date() -> None:
    assert parse_day(" 2024-02-29 ") == date(2024, 2, 29)
    for bad in ("2023-02-29", "2025-13-01", "20250301", "2025-3-1", "", "../etc", "2025-03-01x"):
        with pytest.raises(ValueError, match="not a valid day; write it as YYYY-MM-DD"):
            parse_day(bad)
