"""Ready-to-paste TradingView alert messages (pure).

Every template is a JSON object whose fields are those of
`trendedge.domain.signals.TradingViewAlert`; `{{…}}` placeholders are filled in
by TradingView when the alert fires (numbers arrive as strings, which is accepted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

STRATEGY_ALERT: dict[str, str] = {
    "action": "{{strategy.order.action}}",
    "ticker": "{{ticker}}",
    "contracts": "{{strategy.order.contracts}}",
    "price": "{{strategy.order.price}}",
    "close": "{{close}}",
    "market_position": "{{strategy.market_position}}",
    "position_size": "{{strategy.position_size}}",
    "id": "{{strategy.order.id}}-{{timenow}}",
    "time": "{{timenow}}",
}


@dataclass(frozen=True, slots=True)
class AlertTemplate:
    title: str
    description: str
    json_text: str


def _price_alert(action: str, *, contracts: str | None, with_levels: bool) -> dict[str, str]:
    body = {"action": action, "ticker": "{{ticker}}"}
    if contracts is not None:
        body["contracts"] = contracts
    body.update(price="{{close}}", close="{{close}}", time="{{timenow}}")
    if with_levels:
        body.update(stop="", target="", setup="")
    return body


def to_json_text(body: dict[str, Any]) -> str:
    """Pretty JSON as it should be pasted into TradingView's message box."""
    return json.dumps(body, indent=2, ensure_ascii=False)


def alert_templates() -> list[tuple[str, str, str]]:
    """(title, description, json_text) for every template, strategy alert first."""
    templates = [
        AlertTemplate(
            "Strategy alert",
            "For a Pine strategy: one alert on the strategy with this message follows every "
            "order. TrendEdge trades to the position the strategy reports "
            "(market_position + position_size), so missed alerts heal themselves.",
            to_json_text(STRATEGY_ALERT),
        ),
        AlertTemplate(
            "Buy (price alert)",
            "Buys `contracts` at the alert price. Optional stop, target (prices) and setup "
            "(a label) are kept on the position; leave them empty or remove them.",
            to_json_text(_price_alert("buy", contracts="1", with_levels=True)),
        ),
        AlertTemplate(
            "Sell (price alert)",
            "Sells `contracts`: reduces or closes a long, or opens/adds to a short.",
            to_json_text(_price_alert("sell", contracts="1", with_levels=True)),
        ),
        AlertTemplate(
            "Exit / flatten",
            "exit closes the position (or reduces it by `contracts` when given); "
            'use "flatten" to always close everything. Nothing happens when flat.',
            to_json_text(_price_alert("exit", contracts=None, with_levels=False)),
        ),
        AlertTemplate(
            "Reverse",
            "Flips a long into a short (or back) with `contracts`, default the current size. "
            "Nothing happens when flat.",
            to_json_text(_price_alert("reverse", contracts="1", with_levels=True)),
        ),
    ]
    return [(t.title, t.description, t.json_text) for t in templates]
