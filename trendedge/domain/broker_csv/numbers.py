"""Numbers as brokers and spreadsheets write them. Pure: no I/O.

Accepted: `1234.5`, `1,234.50`, `1.234,50`, `1234,5`, `1 234,50` (space, no-break
space or apostrophe group thousands), a sign before or after, parentheses for negatives
(`(20.00)`, `$(20.00)`), and a currency symbol or ISO code before or after
(`$2.15`, `-$18.98`, `2,15 €`, `USD 12.50`).

Which mark is decimal is a property of the whole file (`DecimalStyle`). A value shows it
when it has both marks (`1.234,50`), a repeated mark (`1,234,567`), or a single mark
that cannot group thousands (`4850.25`, `0,125`, `12345,678`). A value such as `1,234`
or `4.500` reads two ways; if no value of the file settles it, `resolve_decimal_style`
asks instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from trendedge.domain.broker_csv.executions import DecimalStyle, Question

_CURRENCY = re.compile(r"^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$|[$€£¥₣₤₹]")
_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_DIGITS = re.compile(r"^[0-9.,]+$")
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_POINT = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?$")
_COMMA = re.compile(r"^(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)?(?:,[0-9]+)?$")


def _split_sign(text: str) -> tuple[bool, str]:
    """(negative, unsigned core) with currency marks and grouping spaces removed."""
    core = _GROUPING.sub("", _CURRENCY.sub("", text.strip()))
    negative = False
    if core.startswith("(") and core.endswith(")"):
        negative, core = True, core[1:-1]
    core = _CURRENCY.sub("", core)
    if core.startswith(("-", "+")):
        negative, core = core[0] == "-" or negative, core[1:]
    elif core.endswith(("-", "+")):
        negative, core = core[-1] == "-" or negative, core[:-1]
    if core.startswith("(") and core.endswith(")"):
        negative, core = True, core[1:-1]
    return negative, core


def style_evidence(text: str) -> DecimalStyle | Literal["ambiguous"] | None:
    """The style a value proves, None if it proves nothing either way (no mark at all or
    not a number), or "ambiguous" when it reads differently in each style."""
    if "." not in text and "," not in text:
        return None
    if _PLAIN.fullmatch(text):  # fast path: the common "5712.25", "-2", "3"
        core = text.lstrip("-")
    else:
        _, core = _split_sign(text)
    if not core or not _DIGITS.match(core):
        return None
    points, commas = core.count("."), core.count(",")
    if points and commas:
        return "point" if core.rfind(".") > core.rfind(",") else "comma"
    if not points and not commas:
        return None
    mark = "." if points else ","
    if core.count(mark) > 1:
        return "comma" if mark == "." else "point"
    whole, fraction = core.split(mark)
    if len(fraction) != 3 or not whole or len(whole) > 3 or whole.startswith("0"):
        return "point" if mark == "." else "comma"
    return "ambiguous"


def parse_number(text: str, style: DecimalStyle) -> Decimal:
    """The value of `text` in `style`; ValueError "not a number: 'x'" otherwise."""
    if _PLAIN.fullmatch(text) and (style == "point" or "." not in text):
        return Decimal(text)  # fast path: the common "5712.25", "-2", "3"
    negative, core = _split_sign(text)
    pattern = _POINT if style == "point" else _COMMA
    if not core or core in (".", ",") or not pattern.match(core):
        raise ValueError(f"not a number: {text.strip()!r}")
    plain = core.replace(",", "") if style == "point" else core.replace(".", "")
    try:
        value = Decimal(plain.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not a number: {text.strip()!r}") from None
    return -value if negative else value


@dataclass(frozen=True, slots=True)
class StyleChoice:
    """The style to read a file with, or the question to ask, or the contradiction."""

    style: DecimalStyle | None
    question: Question | None = None
    note: str | None = None
    conflict: str | None = None


def resolve_decimal_style(
    values: Iterable[tuple[int, str]],
    *,
    chosen: DecimalStyle | None,
    default: DecimalStyle | None,
    default_reason: str = "",
) -> StyleChoice:
    """Decide the decimal style of a file from its numeric cells `(line, text)`.

    `chosen` (the user's answer) wins. Otherwise the values decide; if they contradict
    each other the result names both lines; if they are only ambiguous the format's
    documented `default` is used, and without one a question is returned. A file with
    no ambiguous value needs no decision: it is read with the point style.
    """
    if chosen is not None:
        return StyleChoice(chosen)
    proof: dict[DecimalStyle, tuple[int, str]] = {}
    ambiguous: list[str] = []
    known: dict[str, DecimalStyle | Literal["ambiguous"] | None] = {}
    for line, text in values:
        if text in known:
            evidence = known[text]
            if evidence is None or evidence in proof:
                continue
        else:
            evidence = known[text] = style_evidence(text)
        if evidence == "ambiguous":
            if len(ambiguous) < 3:
                ambiguous.append(text.strip())
        elif evidence is not None:  # "point" or "comma"
            proof.setdefault(evidence, (line, text.strip()))
    if len(proof) == 2:
        (pl, pv), (cl, cv) = proof["point"], proof["comma"]
        return StyleChoice(
            None,
            conflict=f"numbers mix decimal styles: line {pl} has {pv!r} (decimal point), "
            f"line {cl} has {cv!r} (decimal comma)",
        )
    if proof:
        style, (line, text) = next(iter(proof.items()))
        mark = "decimal point" if style == "point" else "decimal comma"
        note = f"numbers read with a {mark}: line {line} has {text!r}" if ambiguous else None
        return StyleChoice(style, note=note)
    if not ambiguous:
        return StyleChoice("point")
    if default is not None:
        return StyleChoice(default, note=default_reason or None)
    example = ambiguous[0]
    return StyleChoice(
        None,
        question=Question(
            "decimal_style",
            f"numbers like {example!r} could use a decimal point (thousands grouped by "
            "commas) or a decimal comma (thousands grouped by points): choose the "
            "decimal point or the decimal comma",
            tuple(ambiguous),
        ),
    )
