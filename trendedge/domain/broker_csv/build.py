"""Turn the text cells every format extracts into checked `Execution`s. Pure: no I/O.

A format module reads its own columns into `RawFill`s (strings, as in the file) and
calls `build`, which decides the file's decimal style and date order once (or returns
the questions), then converts every fill, rejecting a line with the column at fault:
empty symbol, unknown side, a quantity that is not a number or not above zero, a price
that is not a number, a negative fee, an unknown currency, a bad date or time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal

from trendedge.domain.broker_csv.dates import parse_when, resolve_date_order, time_zone
from trendedge.domain.broker_csv.executions import (
    DateOrder,
    DecimalStyle,
    Execution,
    LineError,
    ParseResult,
    Question,
    Side,
)
from trendedge.domain.broker_csv.numbers import parse_number, resolve_decimal_style
from trendedge.domain.currencies import normalise_currency

_BUY = {"buy", "b", "bot", "bought", "buy to cover", "buytocover", "buy to open", "cover"}
_SELL = {"sell", "s", "sld", "sold", "sell short", "sellshort", "short sell", "sell to close"}


@dataclass(frozen=True, slots=True)
class Labels:
    """The header names of a format, used in error messages ("line 7: Price: ...")."""

    when: str
    symbol: str
    side: str
    quantity: str
    price: str
    fee: str = "Commission"
    currency: str = "Currency"


@dataclass(slots=True)
class RawFill:
    """One fill's cells as text. `when` holds date and time ("05/01/2026 09:30:15").

    `signed_quantity`: the quantity may carry a sign, which must agree with the side
    (Interactive Brokers). `fee_negative`: the file writes fees as negative amounts.
    `fee_share`: the part of `fee` that belongs to this fill (a round trip's commission
    is split in halves between its entry and exit). `labels` overrides the format's
    column names for this fill's messages.
    """

    line: int
    when: str
    symbol: str
    side: str
    quantity: str
    price: str
    fee: str = ""
    currency: str = ""
    account: str = ""
    execution_id: str = ""
    order_id: str = ""
    signed_quantity: bool = False
    fee_negative: bool = False
    fee_share: Decimal = Decimal(1)
    labels: Labels | None = None


class _Reject(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def parse_side(text: str) -> Side:
    """ "buy" or "sell" from the usual spellings (Buy, B, BOT, Sell Short, SLD, ...)."""
    word = " ".join(text.strip().lower().replace("_", " ").split())
    if word in _BUY:
        return "buy"
    if word in _SELL:
        return "sell"
    raise ValueError(f"not a side: {text.strip()!r} (expected Buy or Sell)")


def nothing_filled(quantity: str) -> bool:
    """True for an order row whose filled quantity is empty or zero (not an execution);
    a quantity that is not a number is left for `build` to report."""
    if not quantity:
        return True
    try:
        return parse_number(quantity, "point") == 0
    except ValueError:
        return False


def build(
    format_name: str,
    raws: list[RawFill],
    labels: Labels,
    *,
    tz: str,
    date_order: DateOrder | None,
    decimal_style: DecimalStyle | None,
    default_date_order: DateOrder | None = None,
    default_decimal_style: DecimalStyle | None = None,
    errors: Iterable[LineError] = (),
    notes: Iterable[str] = (),
) -> ParseResult:
    """Check and convert `raws` (see the module doc); `errors` and `notes` already found
    by the format are kept. Raises ValueError for an unknown `tz`."""
    zone = time_zone(tz)
    found = list(errors)
    said = list(notes)
    questions: list[Question] = []
    style = resolve_decimal_style(
        ((r.line, v) for r in raws for v in (r.quantity, r.price, r.fee) if v),
        chosen=decimal_style,
        default=default_decimal_style,
        default_reason=f"numbers read with a decimal point, as {format_name} writes them",
    )
    order = resolve_date_order(
        ((r.line, r.when) for r in raws),
        chosen=date_order,
        default=default_date_order,
        default_reason=f"dates read {(default_date_order or '').replace('_', '-')}, "
        f"as {format_name} writes them",
    )
    for choice in (style, order):
        if choice.question:
            questions.append(choice.question)
        if choice.note:
            said.append(choice.note)
    conflicts = [c.conflict for c in (style, order) if c.conflict]
    if conflicts or questions or style.style is None:
        first = raws[0].line if raws else 1
        found.extend(LineError(first, "file", conflict) for conflict in conflicts)
        return ParseResult(format_name, [], _sorted(found), questions, said)
    executions: list[Execution] = []
    for raw in raws:
        try:
            executions.append(_convert(raw, raw.labels or labels, style.style, order.order, zone))
        except _Reject as reject:
            found.append(LineError(raw.line, reject.column, reject.message))
    return ParseResult(format_name, executions, _sorted(found), [], said)


def _sorted(errors: list[LineError]) -> list[LineError]:
    return sorted(errors, key=lambda error: error.line)


def _number(text: str, column: str, style: DecimalStyle) -> Decimal:
    if not text:
        raise _Reject(column, "missing value")
    try:
        return parse_number(text, style)
    except ValueError as exc:
        raise _Reject(column, str(exc)) from None


def _convert(
    raw: RawFill, labels: Labels, style: DecimalStyle, order: DateOrder | None, zone: tzinfo
) -> Execution:
    symbol = raw.symbol.strip()
    if not symbol:
        raise _Reject(labels.symbol, "missing symbol")
    try:
        side = parse_side(raw.side)
    except ValueError as exc:
        raise _Reject(labels.side, str(exc)) from None
    quantity = _number(raw.quantity, labels.quantity, style)
    if raw.signed_quantity and quantity < 0:
        if side == "buy":
            raise _Reject(labels.quantity, f"negative quantity {raw.quantity!r} on a buy")
        quantity = -quantity
    if quantity <= 0:
        raise _Reject(labels.quantity, f"must be more than zero, got {raw.quantity!r}")
    price = _number(raw.price, labels.price, style)
    fee = _number(raw.fee, labels.fee, style) if raw.fee else Decimal(0)
    if raw.fee_negative:
        fee = -fee
    fee *= raw.fee_share
    if fee < 0:
        hint = "a rebate is not supported" if raw.fee_negative else "write fees as positive"
        raise _Reject(labels.fee, f"negative fee {raw.fee!r}: {hint}")
    currency = None
    if raw.currency:
        try:
            currency = normalise_currency(raw.currency)
        except ValueError as exc:
            raise _Reject(labels.currency, str(exc)) from None
    try:
        time = parse_when(raw.when, order, zone)
    except ValueError as exc:
        raise _Reject(labels.when, str(exc)) from None
    return Execution(
        line=raw.line,
        account=raw.account or None,
        execution_id=raw.execution_id or None,
        order_id=raw.order_id or None,
        time=time,
        symbol=symbol,
        side=side,
        quantity=quantity,
        price=price,
        fee=fee,
        currency=currency,
    )
