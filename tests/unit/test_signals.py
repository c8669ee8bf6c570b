"""TradingView alerts: validation, order planning, dedup keys, payload depth."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from trendedge.domain.fills import Side
from trendedge.domain.signals import (
    AlertAction,
    MarketPosition,
    PlannedOrder,
    SignalError,
    TradingViewAlert,
    dedup_key,
    payload_depth,
    plan_order,
)
from trendedge.domain.validation import field_errors

D = Decimal


def alert(**fields: Any) -> TradingViewAlert:
    body: dict[str, Any] = {"action": "buy", "ticker": "NQ1!", "price": "18250.25"}
    body.update(fields)
    return TradingViewAlert.model_validate(body)


def errors_of(**fields: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        alert(**fields)
    return field_errors(info.value)


# --- parsing ---------------------------------------------------------------------------


def test_numbers_as_strings_are_accepted() -> None:
    parsed = alert(
        contracts="2", close="18250.5", stop="18200", target="18300.75", position_size="2"
    )
    assert parsed.contracts == D(2)
    assert parsed.price == D("18250.25")
    assert parsed.close == D("18250.5")
    assert parsed.stop == D(18200)
    assert parsed.target == D("18300.75")
    assert parsed.position_size == D(2)


def test_json_numbers_are_accepted_exactly() -> None:
    parsed = alert(contracts=2, price=18250.25)
    assert parsed.contracts == D(2)
    assert parsed.price == D("18250.25")


def test_empty_optional_strings_mean_absent() -> None:
    parsed = alert(
        contracts="",
        close="",
        stop=" ",
        target="",
        setup="",
        comment="",
        id="",
        time="",
        market_position="",
        position_size="",
        market_position_size="",
    )
    for name in (
        "contracts",
        "close",
        "stop",
        "target",
        "setup",
        "comment",
        "id",
        "time",
        "market_position",
        "position_size",
        "market_position_size",
    ):
        assert getattr(parsed, name) is None, name


def test_case_insensitive_action_and_market_position() -> None:
    parsed = alert(action=" SELL ", market_position="Long", position_size="1")
    assert parsed.action is AlertAction.SELL
    assert parsed.market_position is MarketPosition.LONG


def test_extra_fields_are_kept() -> None:
    parsed = alert(strategy="ORB v2", interval="5")
    assert parsed.model_extra == {"strategy": "ORB v2", "interval": "5"}


def test_time_parsing() -> None:
    assert alert(time="2026-03-02T14:30:00Z").time == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    naive = alert(time="2026-03-02T14:30:00").time
    assert naive == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    offset = alert(time="2026-03-02T15:30:00+01:00").time
    assert offset is not None
    assert offset.utcoffset() == timedelta(hours=1)
    assert offset == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    assert offset.tzinfo == timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"action": "long"}, "action"),
        ({"action": ""}, "action"),
        ({"action": None}, "action"),
        ({"ticker": ""}, "ticker"),
        ({"ticker": "X" * 101}, "ticker"),
        ({"price": ""}, "price"),
        ({"price": "0"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": "{{close}}"}, "price"),
        ({"contracts": "0"}, "contracts"),
        ({"contracts": "-2"}, "contracts"),
        ({"contracts": "two"}, "contracts"),
        ({"contracts": "Infinity"}, "contracts"),
        ({"close": "0"}, "close"),
        ({"stop": "-5"}, "stop"),
        ({"target": "0"}, "target"),
        ({"setup": "s" * 101}, "setup"),
        ({"comment": "c" * 501}, "comment"),
        ({"id": "i" * 201}, "id"),
        ({"time": "yesterday"}, "time"),
        ({"market_position": "sideways"}, "market_position"),
        ({"position_size": "abc"}, "position_size"),
        ({"market_position_size": "-1"}, "market_position_size"),
    ],
)
def test_validation_errors_name_the_field(fields: dict[str, Any], field: str) -> None:
    assert field in errors_of(**fields)


@pytest.mark.parametrize("field", ["action", "ticker", "price"])
def test_required_fields(field: str) -> None:
    body = {"action": "buy", "ticker": "NQ1!", "price": "1"}
    del body[field]
    with pytest.raises(ValidationError) as info:
        TradingViewAlert.model_validate(body)
    assert field in field_errors(info.value)


# --- planning --------------------------------------------------------------------------

FLAT, LONG3, SHORT2 = D(0), D(3), D(-2)


@pytest.mark.parametrize(
    ("fields", "current", "expected"),
    [
        # buy / sell trade exactly what they say, whatever is held
        ({"action": "buy", "contracts": "2"}, FLAT, (Side.BUY, "2")),
        ({"action": "buy", "contracts": "2"}, LONG3, (Side.BUY, "2")),
        ({"action": "buy", "contracts": "2"}, SHORT2, (Side.BUY, "2")),
        ({"action": "sell", "contracts": "1"}, FLAT, (Side.SELL, "1")),
        ({"action": "sell", "contracts": "1"}, LONG3, (Side.SELL, "1")),
        ({"action": "sell", "contracts": "1"}, SHORT2, (Side.SELL, "1")),
        # exit closes, or reduces by contracts capped at the position
        ({"action": "exit"}, FLAT, None),
        ({"action": "exit", "contracts": "1"}, FLAT, None),
        ({"action": "exit"}, LONG3, (Side.SELL, "3")),
        ({"action": "exit", "contracts": "1"}, LONG3, (Side.SELL, "1")),
        ({"action": "exit", "contracts": "5"}, LONG3, (Side.SELL, "3")),
        ({"action": "exit"}, SHORT2, (Side.BUY, "2")),
        ({"action": "exit", "contracts": "1"}, SHORT2, (Side.BUY, "1")),
        # flatten closes all
        ({"action": "flatten"}, FLAT, None),
        ({"action": "flatten", "contracts": "1"}, LONG3, (Side.SELL, "3")),
        ({"action": "flatten"}, SHORT2, (Side.BUY, "2")),
        # reverse goes to the other side with contracts (default: the current size)
        ({"action": "reverse"}, FLAT, None),
        ({"action": "reverse", "contracts": "1"}, FLAT, None),
        ({"action": "reverse"}, LONG3, (Side.SELL, "6")),
        ({"action": "reverse", "contracts": "1"}, LONG3, (Side.SELL, "4")),
        ({"action": "reverse"}, SHORT2, (Side.BUY, "4")),
        ({"action": "reverse", "contracts": "5"}, SHORT2, (Side.BUY, "7")),
    ],
)
def test_plan_order(
    fields: dict[str, Any], current: Decimal, expected: tuple[Side, str] | None
) -> None:
    planned = plan_order(alert(**fields), current)
    if expected is None:
        assert planned is None
    else:
        assert isinstance(planned, PlannedOrder)
        assert (planned.side, planned.quantity) == (expected[0], D(expected[1]))
        assert planned.reason


@pytest.mark.parametrize(
    ("fields", "current", "expected"),
    [
        ({"market_position": "long", "position_size": "2"}, FLAT, (Side.BUY, "2")),
        ({"market_position": "long", "position_size": "2"}, LONG3, (Side.SELL, "1")),
        ({"market_position": "long", "position_size": "3"}, LONG3, None),
        ({"market_position": "long", "position_size": "2"}, SHORT2, (Side.BUY, "4")),
        ({"market_position": "short", "position_size": "1"}, FLAT, (Side.SELL, "1")),
        ({"market_position": "short", "position_size": "1"}, LONG3, (Side.SELL, "4")),
        ({"market_position": "short", "position_size": "2"}, SHORT2, None),
        # Pine's strategy.position_size is negative when short
        ({"market_position": "short", "position_size": "-3"}, SHORT2, (Side.SELL, "1")),
        ({"market_position": "short", "market_position_size": "3"}, FLAT, (Side.SELL, "3")),
        ({"market_position": "flat"}, LONG3, (Side.SELL, "3")),
        ({"market_position": "flat", "position_size": "0"}, SHORT2, (Side.BUY, "2")),
        ({"market_position": "flat", "position_size": "0"}, FLAT, None),
        # the action is informational in strategy mode; contracts are not needed
        (
            {"action": "sell", "market_position": "long", "position_size": "1"},
            LONG3,
            (Side.SELL, "2"),
        ),
        ({"action": "buy", "contracts": "", "market_position": "flat"}, SHORT2, (Side.BUY, "2")),
    ],
)
def test_strategy_mode_trades_to_the_reported_position(
    fields: dict[str, Any], current: Decimal, expected: tuple[Side, str] | None
) -> None:
    planned = plan_order(alert(**fields), current)
    if expected is None:
        assert planned is None
    else:
        assert planned is not None
        assert (planned.side, planned.quantity) == (expected[0], D(expected[1]))
        assert "strategy" in planned.reason


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"action": "buy"}, "contracts"),
        ({"action": "sell", "contracts": ""}, "contracts"),
        ({"market_position": "long"}, "position_size"),
        ({"market_position": "short", "position_size": "0"}, "position_size"),
        ({"market_position": "long", "position_size": "-1"}, "position_size"),
        ({"market_position": "flat", "position_size": "2"}, "position_size"),
        ({"market_position": "flat", "market_position_size": "2"}, "market_position_size"),
    ],
)
def test_impossible_combinations_raise_signal_error(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(SignalError) as info:
        plan_order(alert(**fields), D(0))
    assert info.value.field == field
    assert field in str(info.value)
    assert isinstance(info.value, ValueError)


# --- dedup -----------------------------------------------------------------------------


def test_dedup_key_ignores_time_and_key_order() -> None:
    first = {
        "action": "buy",
        "ticker": "NQ1!",
        "price": "18250.25",
        "contracts": "1",
        "time": "2026-03-02T14:30:00Z",
    }
    again = {
        "time": "2026-03-02T14:30:07Z",
        "contracts": "1",
        "price": "18250.25",
        "ticker": "NQ1!",
        "action": "buy",
    }
    key = dedup_key(TradingViewAlert.model_validate(first), first)
    assert key.startswith("sha256:")
    assert key == dedup_key(TradingViewAlert.model_validate(again), again)


def test_dedup_key_differs_on_content() -> None:
    one = {"action": "buy", "ticker": "NQ1!", "price": "18250.25", "contracts": "1"}
    two = {**one, "price": "18250.50"}
    extra = {**one, "note": "x"}
    keys = {dedup_key(TradingViewAlert.model_validate(body), body) for body in (one, two, extra)}
    assert len(keys) == 3


def test_dedup_key_is_stable() -> None:
    body = {
        "action": "buy",
        "ticker": "ES1!",
        "price": "5000",
        "contracts": "1",
        "n": [1, {"a": 2}],
    }
    parsed = TradingViewAlert.model_validate(body)
    assert dedup_key(parsed, body) == dedup_key(parsed, dict(body))
    assert dedup_key(parsed, body) == dedup_key(parsed, dict(reversed(list(body.items()))))
    # pinned: stored keys must keep matching, so the canonical form (sorted keys, compact
    # separators, UTF-8) must not change between releases
    canonical = b'{"action":"buy","contracts":"1","n":[1,{"a":2}],"price":"5000","ticker":"ES1!"}'
    assert dedup_key(parsed, body) == "sha256:" + hashlib.sha256(canonical).hexdigest()
    assert dedup_key(parsed, body) == (
        "sha256:9a6c65960e93c8a528454947c6309a77de4fd668fc5fe55d1c14d13e60e971ec"
    )


def test_explicit_id_wins() -> None:
    body = {"action": "buy", "ticker": "NQ1!", "price": "1", "contracts": "1", "id": "abc-1"}
    other = {**body, "price": "2"}
    assert dedup_key(TradingViewAlert.model_validate(body), body) == "id:abc-1"
    assert dedup_key(TradingViewAlert.model_validate(other), other) == "id:abc-1"
    blank = {**body, "id": ""}
    assert dedup_key(TradingViewAlert.model_validate(blank), blank).startswith("sha256:")


# --- depth -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "depth"),
    [
        ("x", 0),
        (5, 0),
        (None, 0),
        ({}, 1),
        ([], 1),
        ({"a": 1, "b": "2"}, 1),
        ({"a": [1, 2]}, 2),
        ({"a": {"b": {"c": {}}}}, 4),
        ([[[[[[]]]]]], 6),
        ({"a": 1, "b": [{"c": [1]}], "d": {}}, 4),
    ],
)
def test_payload_depth(obj: object, depth: int) -> None:
    assert payload_depth(obj) == depth


def test_payload_depth_survives_hostile_nesting() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert payload_depth(deep) == 100_001
