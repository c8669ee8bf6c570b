"""Analytics chart builders: trace types, colours by sign, hover values, empty states."""

from __future__ import annotations

import pytest

from components.analytics_charts import (
    NO_TRADES,
    WEEKDAYS,
    breakdown_figure,
    bucket_figure,
    calendar_figure,
    equity_figure,
    excursion_figure,
    r_histogram_figure,
)
from components.charts import DOWN_COLOUR, UP_COLOUR


def annotation_texts(figure) -> list[str]:
    return [a.text for a in figure.layout.annotations]


def test_equity_curve_with_drawdown_underneath() -> None:
    figure = equity_figure(
        ["2026-03-02T15:00:00", "2026-03-03T15:00:00", "2026-03-04T15:00:00"],
        [10100.0, 9900.0, 10300.0],
        [0.0, 200.0, 0.0],
        currency="USD",
    )
    equity, drawdown = figure.data
    assert (equity.type, drawdown.type) == ("scatter", "scatter")
    assert drawdown.fill == "tozeroy"
    assert list(drawdown.y) == [0.0, -200.0, 0.0]  # drawn downwards
    assert equity.yaxis == "y" and drawdown.yaxis == "y2"
    assert figure.layout.xaxis.matches == "x2" or figure.layout.xaxis2.matches == "x"
    assert "USD" in equity.hovertemplate


def test_calendar_places_days_by_week_and_weekday() -> None:
    # Mon 2026-03-02 +120 (3 trades), Wed 03-04 -80, Mon 03-09 +10.
    figure = calendar_figure(
        ["2026-03-02", "2026-03-04", "2026-03-09"], [120.0, -80.0, 10.0], [3, 1, 2], currency="EUR"
    )
    [heat] = figure.data
    assert heat.type == "heatmap"
    assert list(heat.y) == list(WEEKDAYS)
    assert list(heat.x) == ["2026-03-02", "2026-03-09"]
    assert list(heat.z[0]) == [120.0, 10.0]  # Mondays
    assert list(heat.z[2]) == [-80.0, None]  # Wednesday of week 1; nothing in week 2
    assert list(heat.customdata[0][0]) == ["2026-03-02", 3]
    assert heat.zmid == 0
    assert "trades" in heat.hovertemplate and "EUR" in heat.hovertemplate


def test_calendar_keeps_the_last_53_weeks() -> None:
    figure = calendar_figure(["2024-01-01", "2026-03-02"], [1.0, 2.0], [1, 1], currency="USD")
    assert len(figure.data[0].x) == 53
    assert figure.data[0].x[-1] == "2026-03-02"


def test_bars_are_coloured_by_sign() -> None:
    hist = r_histogram_figure(["-1R", "0R", "+1R"], [-1.0, 0.25, 1.0], [2, 0, 5], unknown=3)
    assert hist.data[0].type == "bar"
    assert list(hist.data[0].marker.color) == [DOWN_COLOUR, UP_COLOUR, UP_COLOUR]
    assert any("3 trades without R" in t for t in annotation_texts(hist))

    hours = bucket_figure(
        ["09:00", "10:00", "11:00"], [50.0, -20.0, 0.0], [2, 1, 0], [0.5, 0.0, None], currency="USD"
    )
    assert list(hours.data[0].marker.color)[:2] == [UP_COLOUR, DOWN_COLOUR]
    assert list(hours.data[0].customdata[0]) == [2, "50%"]

    groups = breakdown_figure(
        ["Breakout", "Fade"], [300.0, -100.0], [10, 4], [0.6, 0.25], currency="USD"
    )
    bar = groups.data[0]
    assert bar.orientation == "h" and list(bar.y) == ["Breakout", "Fade"]
    assert "win rate" in bar.hovertemplate


def test_excursion_scatter() -> None:
    figure = excursion_figure([-100.0, -20.0], [50.0, 300.0], [-80.0, 250.0], currency="USD")
    assert figure.data[0].type == "scatter" and figure.data[0].mode == "markers"


@pytest.mark.parametrize(
    "figure",
    [
        equity_figure([], [], [], currency="USD"),
        calendar_figure([], [], [], currency="USD"),
        r_histogram_figure([], [], []),
        bucket_figure(["Mon"], [0.0], [0], [None], currency="USD"),
        breakdown_figure([], [], [], [], currency="USD"),
    ],
)
def test_empty_states_say_so(figure) -> None:
    assert figure.data == ()
    assert annotation_texts(figure) == [NO_TRADES]
    assert figure.layout.xaxis.visible is False


def test_histogram_with_only_unknown_r_says_why() -> None:
    figure = r_histogram_figure(["-1R", "+1R"], [-1.0, 1.0], [0, 0], unknown=4)
    assert annotation_texts(figure) == ["No R multiples known (4 trades)"]
