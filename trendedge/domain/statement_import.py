"""What the user chose for one statement import, and reading the statement with it. Pure.

`ImportOptions` is stored with the import run (JSON), so answering a question
(date order, decimal style) re-runs the same file with the answer added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from trendedge.domain.broker_csv.detect import BY_NAME, detect_format
from trendedge.domain.broker_csv.detect import parse_statement as parse_detected
from trendedge.domain.broker_csv.executions import (
    DATE_ORDERS,
    DECIMAL_STYLES,
    DateOrder,
    DecimalStyle,
    ParseResult,
)
from trendedge.domain.broker_csv.mapping import ColumnMapping, parse_with_mapping
from trendedge.domain.broker_csv.table import read_table

MAPPED = "mapped"


class UnknownLayout(ValueError):
    """The header matches no format and no column mapping was given."""

    def __init__(self, message: str, header: list[str]) -> None:
        super().__init__(message)
        self.header = header


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """`time_zone`: the zone the broker wrote times in; `accept_partial`: import the
    good rows of a file with bad ones; `mapping`: a column mapping (ColumnMapping.to_dict)
    for a file of unknown layout; `format_name`: force a known format."""

    time_zone: str = "UTC"
    date_order: DateOrder | None = None
    decimal_style: DecimalStyle | None = None
    accept_partial: bool = False
    mapping: dict[str, Any] | None = None
    format_name: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ImportOptions:
        """Options from form/JSON data; ValueError names a bad option."""
        date_order = data.get("date_order") or None
        if date_order not in (None, *DATE_ORDERS):
            raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}")
        decimal_style = data.get("decimal_style") or None
        if decimal_style not in (None, *DECIMAL_STYLES):
            raise ValueError(f"decimal_style must be one of {', '.join(DECIMAL_STYLES)}")
        format_name = data.get("format_name") or None
        if format_name not in (None, *BY_NAME):
            raise ValueError(f"format_name must be one of {', '.join(BY_NAME)}")
        mapping = data.get("mapping") or None
        if mapping is not None:
            mapping = ColumnMapping.from_dict(mapping).to_dict()
        accept = data.get("accept_partial", False)
        if isinstance(accept, str):
            accept = accept.strip().lower() in {"1", "true", "yes", "on"}
        return cls(
            time_zone=str(data.get("time_zone") or "UTC"),
            date_order=date_order,
            decimal_style=decimal_style,
            accept_partial=bool(accept),
            mapping=mapping,
            format_name=format_name,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def answered(self, **answers: str) -> ImportOptions:
        """These options plus answers to questions (`date_order=`, `decimal_style=`)."""
        return replace(self, **answers)  # type: ignore[arg-type]


def sniff_format(text: str, *, options: ImportOptions) -> str:
    """The format name that will read `text` ("mapped" with a mapping).

    Raises UnknownLayout (with the header found) when nothing can read it.
    """
    if options.mapping is not None:
        return MAPPED
    if options.format_name is not None:
        return options.format_name
    detection = detect_format(text)
    if detection.format is None:
        raise UnknownLayout(detection.message, detection.header)
    return detection.format.name


def parse_statement(text: str, *, options: ImportOptions) -> ParseResult:
    """Every execution, line error and question of `text` read with `options`."""
    if options.mapping is not None:
        return parse_with_mapping(
            text,
            ColumnMapping.from_dict(options.mapping),
            tz=options.time_zone,
            date_order=options.date_order,
            decimal_style=options.decimal_style,
        )
    return parse_detected(
        text,
        tz=options.time_zone,
        date_order=options.date_order,
        decimal_style=options.decimal_style,
        format_name=options.format_name,
    )


def header_of(text: str) -> list[str]:
    """The header row of `text` as the parsers see it (for the column mapper)."""
    table = read_table(text)
    return [] if table is None else list(table.header)
