"""The common output of every broker-statement parser. Pure values, no I/O.

A parser reads one CSV text (or a `table.Table` already read from it) and returns a
`ParseResult`:

* `executions` - the fills it could read, in file order, times in UTC;
* `errors` - one `LineError` per rejected line (the header is line 1), naming the
  column at fault; the caller decides whether to keep the good lines;
* `questions` - things the file leaves open (day-first or month-first dates, decimal
  comma or point) that the user must answer; when there is a question the parser
  returns no executions, and the caller parses again with the answer
  (`date_order=...`, `decimal_style=...`);
* `notes` - what the parser decided on its own and why (an inferred date order, rows
  it skipped because they are not executions, such as cancelled orders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

Side = Literal["buy", "sell"]
DateOrder = Literal["day_first", "month_first"]
DecimalStyle = Literal["point", "comma"]
"""`point`: 1,234.50 (comma groups thousands); `comma`: 1.234,50 (point groups thousands)."""

DATE_ORDERS: tuple[DateOrder, ...] = ("day_first", "month_first")
DECIMAL_STYLES: tuple[DecimalStyle, ...] = ("point", "comma")


@dataclass(frozen=True, slots=True)
class Execution:
    """One fill as the broker reported it.

    `time` is timezone-aware UTC; `symbol` is the text of the file (resolving it to a
    contract is the importer's job); `quantity` > 0; `fee` >= 0 in `currency` (None when
    the file does not say). `execution_id` is the broker's own fill id when the format
    has one; `order_id` the broker's order id when present.
    """

    line: int
    account: str | None
    execution_id: str | None
    order_id: str | None
    time: datetime
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    fee: Decimal
    currency: str | None


@dataclass(frozen=True, slots=True)
class LineError:
    """A rejected line: `str()` gives "line 7: Price: not a number: 'x'"."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class Question:
    """Something the file leaves ambiguous; answer it by parsing again with `parameter`.

    `kind` is "date_order" (answer with a `DateOrder`) or "decimal_style" (answer with a
    `DecimalStyle`); `examples` are a few values from the file that show the ambiguity.
    """

    kind: Literal["date_order", "decimal_style"]
    message: str
    examples: tuple[str, ...] = ()

    @property
    def parameter(self) -> str:
        return self.kind

    @property
    def choices(self) -> tuple[str, ...]:
        return DATE_ORDERS if self.kind == "date_order" else DECIMAL_STYLES


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything a parser found in one file (see the module doc)."""

    format_name: str
    executions: list[Execution]
    errors: list[LineError]
    questions: list[Question] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def needs_answers(self) -> bool:
        return bool(self.questions)

    @property
    def clean(self) -> bool:
        """True when every line was read and nothing needs an answer."""
        return not self.errors and not self.questions
