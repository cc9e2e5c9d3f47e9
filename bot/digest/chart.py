"""Task status by lead unit as a PNG (stacked horizontal bars) for the Telegram digest.

Drawn with matplotlib's Agg canvas directly (no pyplot: no global state, safe in a server), in
DejaVu Sans, which has every Vietnamese letter. The size is fixed by the number of bars, so a
caller knows it in advance (`chart_size`).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.datefmt import short_date
from bot.digest import messages as msg
from bot.digest.model import Standing, StandingCounts, UnitSummary

DPI = 100
WIDTH_INCHES = 12.0
MAX_BARS = 15
COLOURS = {
    Standing.DONE_ON_TIME: "#2e7d32",
    Standing.DONE_LATE: "#9ccc65",
    Standing.OPEN_IN_TIME: "#42a5f5",
    Standing.OPEN_OVERDUE: "#e53935",
    Standing.NO_DEADLINE: "#bdbdbd",
}


def chart_size(bars: int) -> tuple[int, int]:
    """Width and height in pixels of a chart with `bars` bars."""
    return int(WIDTH_INCHES * DPI), 200 + 45 * max(bars, 1)


def _height_inches(bars: int) -> float:
    return chart_size(bars)[1] / DPI


def chart_bars(
    units: Sequence[UnitSummary], lang: str, limit: int = MAX_BARS
) -> list[tuple[str, StandingCounts]]:
    """The units with most tasks (as `units` is ordered), the rest summed into one bar."""
    bars = [(unit.unit_name, unit.counts) for unit in units[:limit]]
    rest = units[limit:]
    if rest:
        others = sum((unit.counts for unit in rest), StandingCounts())
        bars.append((msg.render(lang, msg.CHART_OTHERS, count=len(rest)), others))
    return bars


def status_chart_png(units: Sequence[UnitSummary], *, as_of: dt.date, lang: str) -> bytes:
    bars = chart_bars(units, lang)
    with rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        figure = Figure(figsize=(WIDTH_INCHES, _height_inches(len(bars))), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        labels = [textwrap.shorten(name, width=45, placeholder="…") for name, _ in bars]
        positions = list(range(len(bars)))
        left = [0] * len(bars)
        for standing in Standing:
            values = [counts.of(standing) for _, counts in bars]
            axes.barh(
                positions,
                values,
                left=left,
                color=COLOURS[standing],
                label=msg.standing_label(lang, standing),
                height=0.7,
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()  # the unit with most tasks on top
        axes.set_xlabel(msg.render(lang, msg.CHART_AXIS))
        axes.set_title(msg.render(lang, msg.CHART_TITLE, date=short_date(as_of, lang)), fontweight="bold")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="x", alpha=0.3)
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.9 / _height_inches(len(bars))), ncol=3, frameon=False
        )
        figure.subplots_adjust(
            left=0.3,
            right=0.97,
            top=1 - 0.6 / _height_inches(len(bars)),
            bottom=1.4 / _height_inches(len(bars)),
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
