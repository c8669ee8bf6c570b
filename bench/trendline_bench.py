"""Trendline detector vs trendln: speed, quality on planted lines, overlap on real data.

Real data: daily OHLC of IBM, MSFT, GOOG and AAPL, 2000-2013, from the `bokeh-sampledata`
package (Quandl WIKI prices, public domain; package BSD-3), adjusted for splits and
dividends with its adj_close / close ratio. 500 and 2,000 bars are IBM's first bars as
they are; 5,000 bars are IBM then MSFT, each ticker rescaled to start at the previous
one's last close (stitched); 20,000 bars repeat the 11,958 stitched bars of the four
tickers (stitched the same way), so that size is partly synthetic.

trendln: `trendln.calc_support_resistance((low, high))` with its defaults (extrema by
numerical differentiation, METHOD_NSQUREDLOGN, window 125, errpct 0.005), numpy arrays
in. Its support lines are its `mintrend` entries, resistance its `maxtrend` entries,
each ``(touch indices, (slope, intercept, ...))`` in index space, first touch to last.

Quality: `trendedge.domain.synthetic.planted_series` seeds 0..29; a planted line is found
when a reported line of its kind is within 0.3 ATR (our touch tolerance) of it at its
first and last planted touch. trendln reports every trend it finds, so its precision is
given for all its lines and for its first 5 per side (its own order: least area on the
wrong side of the line first).

Overlap on real data (5,000 bars): share of our lines that a trendln line of the same
kind matches, i.e. is within our tolerance at both our anchors; and the share of
trendln's lines that one of ours matches at both of trendln's end points.

Usage: .venv/bin/python bench/trendline_bench.py [--trendln-timeout 120]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trendedge.domain.synthetic import MatchStats, match_stats, planted_series
from trendedge.domain.trendlines import (
    DetectorParams,
    Trendline,
    detect_trendlines,
    touch_tolerances,
)

SIZES = (500, 2_000, 5_000, 20_000)
TICKERS = ("IBM", "MSFT", "GOOG", "AAPL")
Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Line:
    """A line from trendln, in our terms."""

    kind: str
    slope: float
    intercept: float
    i1: int
    i2: int

    def price_at(self, index: float) -> float:
        return self.intercept + self.slope * index


def adjusted(ticker: str) -> Arrays:
    from bokeh_sampledata import stocks

    data = getattr(stocks, ticker)
    close = np.array(data["close"], dtype=float)
    factor = np.array(data["adj_close"], dtype=float) / close
    return np.array(data["high"]) * factor, np.array(data["low"]) * factor, close * factor


def real_bars(n: int) -> tuple[Arrays, str]:
    parts = [adjusted(t) for t in TICKERS]
    chunks: list[Arrays] = []
    used: list[str] = []
    total, i = 0, 0
    while total < n:
        h, lo, c = parts[i % len(parts)]
        scale = chunks[-1][2][-1] / c[0] if chunks else 1.0
        chunks.append((h * scale, lo * scale, c * scale))
        used.append(TICKERS[i % len(parts)])
        total += len(c)
        i += 1
    high, low, close = (np.concatenate(col)[:n] for col in zip(*chunks, strict=True))
    if len(used) > len(TICKERS):
        note = f"{len(TICKERS)} tickers stitched, repeated"
    else:
        note = used[0] if len(used) == 1 else "+".join(used) + " stitched"
    return (high, low, close), note


def timed_detect(bars: Arrays, params: DetectorParams, runs: int) -> tuple[float, list[Trendline]]:
    """Median seconds over `runs` calls (after one warm-up call) and the lines found."""
    out = detect_trendlines(*bars, params)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = detect_trendlines(*bars, params)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def trendln_lines(high: np.ndarray, low: np.ndarray) -> tuple[list[Line], list[Line]]:
    """trendln's support and resistance lines, each in trendln's own order."""
    import trendln

    (_, _, mintrend, _), (_, _, maxtrend, _) = trendln.calc_support_resistance((low, high))
    sup, res = (
        [Line(kind, float(r[0]), float(r[1]), int(p[0]), int(p[-1])) for p, r in trend]
        for kind, trend in (("support", mintrend), ("resistance", maxtrend))
    )
    return sup, res


def _trendln_worker(high: np.ndarray, low: np.ndarray, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    trendln_lines(high[:300], low[:300])  # warm-up: trendln imports findiff/sympy lazily

    start = time.perf_counter()
    lines = trendln_lines(high, low)
    queue.put((time.perf_counter() - start, lines))


def trendln_timed(
    high: np.ndarray, low: np.ndarray, timeout: float
) -> tuple[float, tuple[list[Line], list[Line]]] | None:
    """(seconds, lines) from a child process, or None if it ran past `timeout`."""
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    proc = mp.Process(target=_trendln_worker, args=(high, low, queue))
    proc.start()
    try:
        return queue.get(timeout=timeout)  # type: ignore[no-any-return]
    except Exception:
        return None
    finally:
        proc.kill()
        proc.join()


def matched(lines: Sequence[Line], others: Sequence[Line], tol: np.ndarray) -> int:
    """How many of `lines` some line of `others` (same kind) matches: within `tol` of it at
    both of its end points."""
    return sum(
        any(
            o.kind == x.kind
            and all(abs(o.price_at(e) - x.price_at(e)) <= tol[e] for e in (x.i1, x.i2))
            for o in others
        )
        for x in lines
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trendln-timeout", type=float, default=120.0)
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args()
    params = DetectorParams()
    print(f"detector params: {params}\n")

    print("speed (median of runs; trendln one run in a child process)")
    print(f"{'bars':>7} {'data':<34} {'ours ms':>9} {'lines':>5} {'trendln s':>10} {'ratio':>8}")
    real: dict[int, tuple[Arrays, list[Trendline], tuple[list[Line], list[Line]] | None]] = {}
    for n in SIZES:
        (high, low, close), note = real_bars(n)
        ours_s, ours = timed_detect((high, low, close), params, runs=7)
        got = trendln_timed(high, low, args.trendln_timeout)
        if got is None:
            theirs_txt, ratio_txt, theirs = f">{args.trendln_timeout:.0f} (cut)", "-", None
        else:
            theirs_s, theirs = got
            theirs_txt, ratio_txt = f"{theirs_s:10.2f}", f"{theirs_s / ours_s:7.0f}x"
        real[n] = ((high, low, close), ours, theirs)
        print(
            f"{n:>7} {note:<34} {ours_s * 1e3:9.1f} {len(ours):>5} {theirs_txt:>10} {ratio_txt:>8}"
        )

    print(f"\nquality on planted lines (planted_series seeds 0..{args.seeds - 1})")
    ours_q, all_q, top_q = MatchStats(), MatchStats(), MatchStats()
    for seed in range(args.seeds):
        s = planted_series(seed)
        tol = touch_tolerances(s.high, s.low, s.close, params)
        ours_q += match_stats(s.lines, list(detect_trendlines(s.high, s.low, s.close)), tol)
        sup, res = trendln_lines(s.high, s.low)
        all_q += match_stats(s.lines, [*sup, *res], tol)
        top_q += match_stats(s.lines, [*sup[:5], *res[:5]], tol)
    for name, q in (("ours", ours_q), ("trendln all", all_q), ("trendln first 5/side", top_q)):
        print(
            f"  {name:<22} planted {q.planted:>4} found {q.planted_found:>4} "
            f"recall {q.recall:.3f} | reported {q.detected:>5} true {q.detected_true:>5} "
            f"precision {q.precision:.3f}"
        )

    print("\noverlap with trendln on real data (5,000 bars)")
    (high, low, close), ours, theirs = real[5_000]
    if theirs is None:
        print("  trendln did not finish")
        return
    tol = touch_tolerances(high, low, close, params)
    tl = [*theirs[0], *theirs[1]]
    mine = [Line(x.kind, x.slope, x.intercept, x.i1, x.i2) for x in ours]
    ours_hit = matched(mine, tl, tol)
    theirs_hit = matched(tl, mine, tol)
    spans = sorted(x.i2 - x.i1 for x in ours)
    print(f"  our line spans (bars): {spans}; trendln's longest: {max(x.i2 - x.i1 for x in tl)}")
    print(f"  ours matched by a trendln line: {ours_hit}/{len(ours)}")
    print(f"  trendln lines matched by ours:  {theirs_hit}/{len(tl)}")


if __name__ == "__main__":
    main()
