"""Playbooks, tags and journal text of the demo trader (pure: seeded, no I/O)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PlaybookSpec:
    name: str
    description: str
    rules: tuple[str, ...]


PLAYBOOKS = (
    PlaybookSpec(
        "Opening Range Breakout",
        "Trade the break of the first 15-minute range in the first hour of the session.",
        (
            "Wait for the first 15-minute range",
            "Enter only on a close outside the range",
            "Stop on the other side of the range",
            "Volume above the 20-bar average",
        ),
    ),
    PlaybookSpec(
        "Trendline Bounce",
        "Fade a test of a trendline with at least three touches, with the trend.",
        (
            "Line has at least 3 touches",
            "Enter on a rejection candle at the line",
            "Stop beyond the line",
            "Target at least 2R",
        ),
    ),
    PlaybookSpec(
        "VWAP Pullback",
        "Join the trend of the day on a pullback to VWAP.",
        (
            "Trade in the direction of the trend",
            "Wait for a pullback to VWAP",
            "Risk at most 1% of the account",
            "No entries in the last 30 minutes",
        ),
    ),
)

WIN_TAGS = ("trend-day", "a-plus-setup", "patient-entry", "high-volume", "followed-plan")
LOSS_TAGS = ("choppy", "news", "range-day", "low-volume", "early-entry")
COMMON_TAGS = ("gap-up", "gap-down", "fomc-week", "opening-drive", "afternoon")
MISTAKES = (
    "moved stop",
    "chased entry",
    "oversized",
    "exited early",
    "ignored plan",
    "revenge trade",
    "fomo",
)


@dataclass(frozen=True, slots=True)
class Annotation:
    """A journal entry's content; `uid` is deterministic for the seed."""

    uid: str
    notes: str
    tags: tuple[str, ...]
    mistakes: tuple[str, ...]
    rating: int


def demo_uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rules_followed(rng: random.Random, rules: tuple[str, ...], *, won: bool) -> tuple[str, ...]:
    """A subset of `rules`: winners tend to have followed more of them."""
    keep = 0.9 if won else 0.6
    return tuple(rule for rule in rules if rng.random() < keep)


_ENTRY = (
    "waited for the bar to close before entering",
    "entered on the first pullback after the signal",
    "took the entry a tick early, anticipating the close",
    "entry was clean, right at the level",
)
_MANAGEMENT = (
    "left the stop alone and let the trade work",
    "trailed the stop under the last swing",
    "took partial profits at 1R",
    "watched every tick instead of trusting the plan",
)
_LESSON = (
    "size down when the range is this wide",
    "the first hour gives the best follow-through",
    "no trades into the lunch lull",
    "respect the higher-timeframe level",
    "patience pays: the best entries come to you",
)


def trade_annotation(
    rng: random.Random,
    *,
    setup: str,
    direction: str,
    quantity: int,
    root: str,
    r_result: float,
) -> Annotation:
    """Notes, tags, mistakes and a rating for one trade whose result was `r_result` R."""
    won = r_result > 0
    tags = [rng.choice(WIN_TAGS if won else LOSS_TAGS)]
    if rng.random() < 0.4:
        tags.append(rng.choice(COMMON_TAGS))
    mistakes: list[str] = []
    if rng.random() < (0.15 if won else 0.6):
        mistakes = rng.sample(MISTAKES, k=1 if rng.random() < 0.7 else 2)
    rating = (
        (4 if won else 2) + (1 if r_result >= 2 else 0) - len(mistakes) + rng.choice((0, 0, 1, -1))
    )
    result = f"{'won' if won else 'lost'} {abs(r_result):.1f}R"
    notes = (
        f"**{setup}** — {direction} {quantity} {root}, {result}.\n\n"
        f"- Entry: {rng.choice(_ENTRY)}\n"
        f"- Management: {rng.choice(_MANAGEMENT)}\n"
        f"- Lesson: _{rng.choice(_LESSON)}_\n"
    )
    return Annotation(
        demo_uid(rng), notes, tuple(dict.fromkeys(tags)), tuple(mistakes), min(5, max(1, rating))
    )


_MARKET = (
    "Strong trend from the open; pullbacks were shallow.",
    "Choppy, two-sided session inside yesterday's range.",
    "Gap and go in the first hour, then a slow grind.",
    "News spike at 10:00 reversed the morning move.",
)
_FOCUS = (
    "Only A+ setups, maximum three trades.",
    "Let winners run to the target.",
    "Stop trading after two losses in a row.",
    "Wait for the first 15-minute range before any trade.",
)


def day_annotation(rng: random.Random, *, day: date, trades: int, r_total: float) -> Annotation:
    """A trading-day review for `day` with `trades` trades netting `r_total` R."""
    tags = ["trend-day" if rng.random() < 0.5 else "range-day"]
    if rng.random() < 0.3:
        tags.append(rng.choice(COMMON_TAGS))
    mistakes = (rng.choice(MISTAKES),) if r_total < 0 and rng.random() < 0.5 else ()
    rating = 3 + (1 if r_total > 1 else 0) - (1 if r_total < -1 else 0) - len(mistakes)
    notes = (
        f"## {day:%A} review\n\n"
        f"{trades} trade{'s' if trades != 1 else ''}, net **{r_total:+.1f}R**. "
        f"{rng.choice(_MARKET)}\n\n"
        f"**Focus tomorrow:** {rng.choice(_FOCUS)}\n"
    )
    return Annotation(demo_uid(rng), notes, tuple(tags), mistakes, min(5, max(1, rating)))
