"""Candlestick charts with trendlines, as Plotly figures built from plain data.

`candlestick_figure` is a pure function: bars (parallel arrays, oldest first,
times as UTC `datetime64`) and lines in, a `plotly.graph_objects.Figure` out.
A line is drawn bar by bar (its slope is per bar, so it stays exact across
weekends and session breaks) from its first anchor (or the first loaded bar)
to the last bar, or to the bar it broke on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np
import plotly.graph_objects as go

SUPPORT_COLOUR = "#2f9e44"
RESISTANCE_COLOUR = "#e03131"
BROKEN_COLOUR = "#868e96"
UP_COLOUR = "#12b886"
DOWN_COLOUR = "#fa5252"
CHART_HEIGHT = 520


class OhlcSeries(Protocol):
    """Bars as parallel arrays, oldest first (e.g. `services.bars.BarArrays`)."""

    @property
    def ts(self) -> Any: ...
    @property
    def open(self) -> Any: ...
    @property
    def high(self) -> Any: ...
    @property
    def low(self) -> Any: ...
    @property
    def close(self) -> Any: ...
    def __len__(self) -> int: ...


class ChartLine(Protocol):
    """A trendline as the chart needs it (e.g. `services.trendline_views.LineView`)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def anchor1_ts(self) -> datetime: ...
    @property
    def anchor1_price(self) -> float: ...
    @property
    def anchor2_ts(self) -> datetime: ...
    @property
    def anchor2_price(self) -> float: ...
    @property
    def slope_per_bar(self) -> float: ...
    @property
    def touches(self) -> Sequence[datetime]: ...
    @property
    def status(self) -> str: ...
    @property
    def broken_at(self) -> datetime | None: ...
    @property
    def hidden(self) -> bool: ...
    @property
    def favourite(self) -> bool: ...


def _np_time(value: datetime) -> np.datetime64:
    naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return np.datetime64(naive, "us")


def _index_of(ts: np.ndarray, when: datetime) -> int | None:
    """The bar index whose time is exactly `when`, else None."""
    target = _np_time(when)
    i = int(np.searchsorted(ts, target))
    return i if i < len(ts) and ts[i] == target else None


def line_colour(line: ChartLine) -> str:
    if line.status != "active":
        return BROKEN_COLOUR
    return SUPPORT_COLOUR if line.kind == "support" else RESISTANCE_COLOUR


def line_path(ts: np.ndarray, line: ChartLine) -> tuple[int, np.ndarray] | None:
    """(first bar index, prices from there on) of the line over the loaded bars,
    or None when neither anchor is among them (its position is unknown)."""
    i1 = _index_of(ts, line.anchor1_ts)
    if i1 is not None:
        ref_i, ref_p, start = i1, line.anchor1_price, i1
    else:
        i2 = _index_of(ts, line.anchor2_ts)
        if i2 is None:
            return None
        ref_i, ref_p = i2, line.anchor2_price
        start = 0 if _np_time(line.anchor1_ts) < ts[0] else i2
    end = len(ts) - 1
    if line.status != "active" and line.broken_at is not None:
        end = min(end, int(np.searchsorted(ts, _np_time(line.broken_at))))
    if end < start:
        return None
    index = np.arange(start, end + 1)
    return start, ref_p + line.slope_per_bar * (index - ref_i)


def _weekend_free(ts: np.ndarray) -> bool:
    """True when no bar falls on a Saturday or Sunday (UTC): weekends can be hidden."""
    weekday = (ts.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    return bool(len(ts)) and not bool(np.any(weekday >= 5))


def empty_figure(message: str, *, height: int = CHART_HEIGHT) -> go.Figure:
    """A blank chart with `message` in the middle."""
    figure = go.Figure()
    figure.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": "#868e96"},
    )
    figure.update_layout(
        height=height,
        margin={"l": 20, "r": 20, "t": 20, "b": 20},
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return figure


def _line_trace(ts: np.ndarray, line: ChartLine, start: int, prices: np.ndarray) -> go.Scatter:
    broken = line.status != "active"
    label = f"{line.kind} #{line.id}" + (" (broken)" if broken else "")
    return go.Scatter(
        x=ts[start : start + len(prices)],
        y=np.round(prices, 6),
        mode="lines",
        name=("★ " if line.favourite else "") + label,
        line={
            "color": line_colour(line),
            "width": 3.2 if line.favourite else 1.6,
            "dash": "dash" if broken else "solid",
        },
        opacity=0.75 if broken else 1.0,
        hovertemplate=f"{label}: %{{y:.2f}}<extra></extra>",
        meta={"trendline_id": line.id},
    )


def _touch_trace(ts: np.ndarray, drawn: list[tuple[ChartLine, int, np.ndarray]]) -> go.Scatter:
    xs: list[Any] = []
    ys: list[float] = []
    colours: list[str] = []
    labels: list[str] = []
    for line, start, prices in drawn:
        for when in line.touches:
            i = _index_of(ts, when)
            if i is None or not start <= i < start + len(prices):
                continue
            xs.append(ts[i])
            ys.append(round(float(prices[i - start]), 6))
            colours.append(line_colour(line))
            labels.append(f"{line.kind} #{line.id}")
    return go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        name="touches",
        marker={
            "size": 9,
            "color": "white",
            "line": {"color": colours, "width": 2},
            "symbol": "circle",
        },
        text=labels,
        hovertemplate="touch of %{text}: %{y:.2f}<extra></extra>",
    )


def candlestick_figure(
    bars: OhlcSeries,
    lines: Sequence[ChartLine],
    *,
    revision: str = "chart",
    visible_bars: int | None = None,
    empty_message: str = "No bars stored for this pair yet",
    height: int = CHART_HEIGHT,
) -> go.Figure:
    """Candles plus every non-hidden line (support green, resistance red, broken
    dashed gray, favourites thicker) and its touches; pan by dragging, zoom by
    scrolling. It opens on the newest `visible_bars` bars (all by default); zoom
    and pan survive redraws with the same `revision`. With no bars:
    `empty_figure(empty_message)`."""
    if len(bars) == 0:
        return empty_figure(empty_message, height=height)
    ts = np.asarray(bars.ts, dtype="datetime64[us]")
    figure = go.Figure(
        go.Candlestick(
            x=ts,
            open=bars.open,
            high=bars.high,
            low=bars.low,
            close=bars.close,
            name="price",
            increasing={"line": {"color": UP_COLOUR}, "fillcolor": UP_COLOUR},
            decreasing={"line": {"color": DOWN_COLOUR}, "fillcolor": DOWN_COLOUR},
            showlegend=False,
        )
    )
    drawn = []
    for line in lines:
        if line.hidden:
            continue
        path = line_path(ts, line)
        if path is None:
            continue
        start, prices = path
        figure.add_trace(_line_trace(ts, line, start, prices))
        drawn.append((line, start, prices))
    if drawn:
        figure.add_trace(_touch_trace(ts, drawn))
    xaxis: dict[str, Any] = {"rangeslider": {"visible": False}, "showgrid": True}
    if _weekend_free(ts):
        xaxis["rangebreaks"] = [{"bounds": ["sat", "mon"]}]
    first = max(0, len(ts) - (visible_bars or len(ts)))
    if first > 0:
        xaxis["range"] = [ts[first], ts[-1] + (ts[-1] - ts[first]) / 50]
    low = float(np.min(np.asarray(bars.low)[first:]))
    high = float(np.max(np.asarray(bars.high)[first:]))
    pad = (high - low) * 0.05 or 1.0
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 60, "t": 16, "b": 30},
        dragmode="pan",
        hovermode="x",
        xaxis=xaxis,
        yaxis={"side": "right", "range": [low - pad, high + pad], "fixedrange": False},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
        showlegend=bool(drawn),
        plot_bgcolor="white",
        paper_bgcolor="white",
        uirevision=revision,
    )
    return figure
