"""Dates and times as brokers write them, converted to UTC. Pure: no I/O.

Accepted dates: ISO `2026-01-05` (also `2026/01/05`, `2026.01.05`), compact
`20260105`, and numeric `05/01/2026`, `5.1.2026`, `05-01-26` whose order (day-first or
month-first) is a property of the whole file (`DateOrder`). Accepted times: `9:30`,
`09:30:15`, `09:30:15.083`, `9:30:15 AM`, compact `093015`; the date and the time may
be separated by a space, `T`, `;` or `,` (Interactive Brokers writes `20260105;093015`).
A trailing `Z`, offset (`+01:00`) or zone abbreviation (`EST`, `EDT`, `CET`, ...; read
as the North American / European zones) fixes the moment; otherwise the time is local
to the `tz` the caller names (an IANA zone) and converted to UTC. In the hour repeated
when clocks go back the first occurrence is taken.

Numeric dates read two ways when day and month are both 12 or less and differ
(`03/04/2026`). A value with a day above 12 (`23/04/2026`) settles the order for the
file; if none does, `resolve_date_order` asks instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trendedge.domain.broker_csv.executions import DateOrder, Question

_DATE = re.compile(
    r"(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"|(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})(?!\d)"
    r"|(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<yy>\d{4}|\d{2})(?!\d))"
)
_TIME = re.compile(
    r"(?:(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"|(?P<ch>\d{2})(?P<cmi>\d{2})(?P<cs>\d{2})?)"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|[A-Za-z]{3,4})?"
)
_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2,
    "EET": 2, "EEST": 3,
}  # fmt: skip


@cache
def time_zone(name: str) -> tzinfo:
    """The IANA zone `name`; ValueError naming it when unknown."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin"
        ) from None


def _zone(text: str) -> tzinfo:
    upper = text.upper()
    if upper in _ABBREVIATIONS:
        return timezone(timedelta(hours=_ABBREVIATIONS[upper]))
    if upper[0] in "+-":
        digits = upper[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        return timezone(timedelta(minutes=-minutes if upper[0] == "-" else minutes))
    raise ValueError(f"unknown time zone abbreviation {text!r}")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _readings(text: str) -> str:
    """ "03/04/2026" -> "3 April or 4 March"."""
    match = _DATE.match(text.strip())
    assert match and match["a"]
    first, second = int(match["a"]), int(match["b"])
    return f"{first} {_MONTHS[second - 1]} or {second} {_MONTHS[first - 1]}"


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def parse_when(text: str, order: DateOrder | None, zone: tzinfo) -> datetime:
    """The UTC moment `text` names (a date and a time of day, see the module doc).

    `order` reads numeric dates; `zone` is used when `text` carries no zone of its own.
    ValueError with a message fit to show beside the line otherwise.
    """
    value = text.strip()
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"not a date: {value!r}")
    if match["y"]:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    elif match["cy"]:
        year, month, day = int(match["cy"]), int(match["cm"]), int(match["cd"])
    else:
        first, second = int(match["a"]), int(match["b"])
        if order is None and first != second:
            raise ValueError(f"day-first or month-first? {value!r}")
        day, month = (first, second) if order == "day_first" else (second, first)
        year = _year(match["yy"])
    rest = value[match.end() :].lstrip(" T;,")
    if not rest:
        raise ValueError(f"no time of day in {value!r}")
    clock = _TIME.fullmatch(rest)
    if not clock:
        raise ValueError(f"not a time of day: {rest!r}")
    hour = int(clock["h"] or clock["ch"])
    minute = int(clock["mi"] or clock["cmi"])
    second = int(clock["s"] or clock["cs"] or 0)
    micro = int((clock["f"] or "0")[:6].ljust(6, "0"))
    if clock["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"not a time of day: {rest!r}")
        hour = hour % 12 + (12 if clock["ampm"][0] in "Pp" else 0)
    try:
        local = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        raise ValueError(f"not a valid date and time: {value!r}") from None
    where = _zone(clock["zone"]) if clock["zone"] else zone
    return local.replace(tzinfo=where).astimezone(UTC)


def order_evidence(text: str) -> DateOrder | Literal["ambiguous"] | None:
    """The order a value proves; None if it proves nothing (not a numeric date, or day
    equal to month); "ambiguous" when both are 12 or less and differ."""
    match = _DATE.match(text.strip())
    if not match or not match["a"]:
        return None
    first, second = int(match["a"]), int(match["b"])
    if first > 12 >= second:
        return "day_first"
    if second > 12 >= first:
        return "month_first"
    if first <= 12 and second <= 12 and first != second:
        return "ambiguous"
    return None


@dataclass(frozen=True, slots=True)
class OrderChoice:
    """The date order to read a file with, or the question to ask, or the contradiction."""

    order: DateOrder | None
    question: Question | None = None
    note: str | None = None
    conflict: str | None = None


def resolve_date_order(
    values: Iterable[tuple[int, str]],
    *,
    chosen: DateOrder | None,
    default: DateOrder | None,
    default_reason: str = "",
) -> OrderChoice:
    """Decide how to read the numeric dates of a file from its date cells `(line, text)`.

    `chosen` (the user's answer) wins; then the evidence of the values (said in `note`);
    then, if values are ambiguous, the format's documented `default`; else a question.
    """
    if chosen is not None:
        return OrderChoice(chosen)
    proof: dict[DateOrder, tuple[int, str]] = {}
    ambiguous: list[str] = []
    for line, text in values:
        evidence = order_evidence(text)
        if evidence == "ambiguous":
            if len(ambiguous) < 3:
                ambiguous.append(text.strip())
        elif evidence is not None:
            proof.setdefault(evidence, (line, text.strip()))
    if len(proof) == 2:
        (dl, dv), (ml, mv) = proof["day_first"], proof["month_first"]
        return OrderChoice(
            None,
            conflict=f"dates contradict each other: line {dl} has {dv!r} (day first), "
            f"line {ml} has {mv!r} (month first)",
        )
    if proof:
        order, (line, text) = next(iter(proof.items()))
        words = "day-first" if order == "day_first" else "month-first"
        return OrderChoice(order, note=f"dates read {words}: line {line} has {text!r}")
    if not ambiguous:
        return OrderChoice(default)
    if default is not None:
        return OrderChoice(default, note=default_reason or None)
    example = ambiguous[0]
    return OrderChoice(
        None,
        question=Question(
            "date_order",
            f"dates like {example!r} could be {_readings(example)}: "
            "choose day-first or month-first",
            tuple(ambiguous),
        ),
    )
