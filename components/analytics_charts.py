"""Plotly figures of the analytics dashboard, built from plain data (pure functions).

Every builder returns `components.charts.empty_figure(NO_TRADES)` when there is nothing
to draw, so an empty range reads as a message, never as an empty axis. Gains are green,
losses red, everywhere; hover labels carry the exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts import DOWN_COLOUR, UP_COLOUR, empty_figure

NO_TRADES = "No closed trades in this range"
FLAT_COLOUR = "#adb5bd"
LINE_COLOUR = "#1c7ed6"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CALENDAR_WEEKS = 53
HEIGHT = 320
# Red (loss) - white (zero) - green (gain); zmid=0 keeps white at zero.
DIVERGING = [[0.0, "#c92a2a"], [0.5, "#f8f9fa"], [1.0, "#2b8a3e"]]


def _layout(figure: go.Figure, *, height: int = HEIGHT, **extra: Any) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        hoverlabel={"font": {"size": 12}},
        **extra,
    )
    return figure


def sign_colours(values: Sequence[float]) -> list[str]:
    """Green for > 0, red for < 0, gray for 0."""
    return [UP_COLOUR if v > 0 else DOWN_COLOUR if v < 0 else FLAT_COLOUR for v in values]


def equity_figure(
    times: Sequence[str], equity: Sequence[float], drawdown: Sequence[float], *, currency: str
) -> go.Figure:
    """Equity after each trade (top) and the drawdown below its running peak (bottom,
    drawn downwards), sharing the time axis."""
    if not times:
        return empty_figure(NO_TRADES, height=HEIGHT + 120)
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.04
    )
    figure.add_trace(
        go.Scatter(
            x=list(times),
            y=list(equity),
            mode="lines",
            name="equity",
            line={"color": LINE_COLOUR, "width": 2},
            hovertemplate=f"%{{x}}<br>Equity %{{y:,.2f}} {currency}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=list(times),
            y=[-d for d in drawdown],
            mode="lines",
            name="drawdown",
            fill="tozeroy",
            line={"color": DOWN_COLOUR, "width": 1},
            hovertemplate=f"%{{x}}<br>Drawdown %{{y:,.2f}} {currency}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    figure.update_yaxes(title_text=f"Equity ({currency})", row=1, col=1, tickformat=",.0f")
    figure.update_yaxes(title_text="Drawdown", row=2, col=1, tickformat=",.0f")
    return _layout(figure, height=HEIGHT + 120, hovermode="x unified")


def calendar_figure(
    days: Sequence[str], nets: Sequence[float], trades: Sequence[int], *, currency: str
) -> go.Figure:
    """Daily net P&L as a heat map: one column per week (its Monday), one row per
    weekday; days without trades are blank. Shows the last CALENDAR_WEEKS weeks."""
    if not days:
        return empty_figure(NO_TRADES, height=HEIGHT)
    parsed = [date.fromisoformat(d) for d in days]
    last_monday = parsed[-1] - timedelta(days=parsed[-1].weekday())
    first_monday = max(
        parsed[0] - timedelta(days=parsed[0].weekday()),
        last_monday - timedelta(weeks=CALENDAR_WEEKS - 1),
    )
    weeks = (last_monday - first_monday).days // 7 + 1
    z: list[list[float | None]] = [[None] * weeks for _ in WEEKDAYS]
    info: list[list[list[Any]]] = [
        [[(first_monday + timedelta(weeks=w, days=d)).isoformat(), 0] for w in range(weeks)]
        for d in range(7)
    ]
    for day, net, count in zip(parsed, nets, trades, strict=True):
        week = (day - first_monday).days // 7
        if week < 0:
            continue
        z[day.weekday()][week] = net
        info[day.weekday()][week][1] = count
    limit = max((abs(v) for row in z for v in row if v is not None), default=1.0) or 1.0
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[(first_monday + timedelta(weeks=w)).isoformat() for w in range(weeks)],
            y=list(WEEKDAYS),
            customdata=info,
            colorscale=DIVERGING,
            zmid=0,
            zmin=-limit,
            zmax=limit,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            colorbar={"title": {"text": currency}, "thickness": 12},
            hovertemplate=(
                f"%{{customdata[0]}}<br>P&L %{{z:,.2f}} {currency}"
                "<br>%{customdata[1]} trades<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(autorange="reversed", fixedrange=True)
    figure.update_xaxes(type="category", showticklabels=weeks <= 26, title_text="Week of")
    return _layout(figure)


def r_histogram_figure(
    labels: Sequence[str], centres: Sequence[float], counts: Sequence[int], *, unknown: int = 0
) -> go.Figure:
    """Trades per R-multiple bin (losses red, gains green); trades without R noted."""
    if not counts or sum(counts) == 0:
        message = NO_TRADES if not unknown else f"No R multiples known ({unknown} trades)"
        return empty_figure(message, height=HEIGHT)
    figure = go.Figure(
        go.Bar(
            x=list(labels),
            y=list(counts),
            marker_color=sign_colours(centres),
            hovertemplate="%{x}<br>%{y} trades<extra></extra>",
        )
    )
    figure.update_xaxes(type="category", tickangle=-45)
    figure.update_yaxes(title_text="Trades")
    if unknown:
        figure.add_annotation(
            text=f"{unknown} trades without R not shown",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            showarrow=False,
            font={"size": 11, "color": "#868e96"},
            xanchor="right",
        )
    return _layout(figure)


def bucket_figure(
    labels: Sequence[str],
    nets: Sequence[float],
    trades: Sequence[int],
    win_rates: Sequence[float | None],
    *,
    currency: str,
) -> go.Figure:
    """Net P&L per bucket (hour of entry, weekday) as vertical bars coloured by sign."""
    if not trades or sum(trades) == 0:
        return empty_figure(NO_TRADES, height=HEIGHT)
    figure = go.Figure(
        go.Bar(
            x=list(labels),
            y=list(nets),
            marker_color=sign_colours(nets),
            customdata=[[n, _pct(w)] for n, w in zip(trades, win_rates, strict=True)],
            hovertemplate=(
                f"%{{x}}<br>Net %{{y:,.2f}} {currency}<br>%{{customdata[0]}} trades, "
                "win rate %{customdata[1]}<extra></extra>"
            ),
        )
    )
    figure.update_xaxes(type="category")
    figure.update_yaxes(title_text=f"Net P&L ({currency})", tickformat=",.0f", zeroline=True)
    return _layout(figure)


def breakdown_figure(
    labels: Sequence[str],
    nets: Sequence[float],
    trades: Sequence[int],
    win_rates: Sequence[float | None],
    *,
    currency: str,
) -> go.Figure:
    """Net P&L per group (playbook, instrument, tag, ...) as horizontal bars, best on
    top; hover shows trade count and win rate."""
    if not trades or sum(trades) == 0:
        return empty_figure(NO_TRADES, height=HEIGHT)
    figure = go.Figure(
        go.Bar(
            y=list(labels),
            x=list(nets),
            orientation="h",
            marker_color=sign_colours(nets),
            customdata=[[n, _pct(w)] for n, w in zip(trades, win_rates, strict=True)],
            hovertemplate=(
                f"%{{y}}<br>Net %{{x:,.2f}} {currency}<br>%{{customdata[0]}} trades, "
                "win rate %{customdata[1]}<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(type="category", autorange="reversed", automargin=True)
    figure.update_xaxes(title_text=f"Net P&L ({currency})", tickformat=",.0f", zeroline=True)
    height = max(180, min(HEIGHT + 200, 60 + 28 * len(labels)))
    return _layout(figure, height=height)


def excursion_figure(
    mae: Sequence[float], mfe: Sequence[float], nets: Sequence[float], *, currency: str
) -> go.Figure:
    """MAE (x) against final net P&L (y) per trade, coloured by outcome; MFE in hover."""
    if not mae:
        return empty_figure(
            "No MAE / MFE yet: it needs stored bars of the instrument", height=HEIGHT
        )
    figure = go.Figure(
        go.Scatter(
            x=list(mae),
            y=list(nets),
            mode="markers",
            marker={"color": sign_colours(nets), "size": 7, "opacity": 0.75},
            customdata=list(mfe),
            hovertemplate=(
                f"MAE %{{x:,.2f}} {currency}<br>MFE %{{customdata:,.2f}} {currency}"
                f"<br>Net %{{y:,.2f}} {currency}<extra></extra>"
            ),
        )
    )
    figure.update_xaxes(title_text=f"MAE ({currency})", tickformat=",.0f")
    figure.update_yaxes(title_text=f"Net P&L ({currency})", tickformat=",.0f")
    return _layout(figure)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"
