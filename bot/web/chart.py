"""The overview's chart: stacked horizontal bars in inline SVG (no JavaScript, no image file),
one bar per plan or unit, one colour per category, with the counts in the tooltip and a legend."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from bot.digest.model import Standing
from bot.web.queries import Row

COLOURS = {
    Standing.DONE_ON_TIME: "#2e7d32",
    Standing.DONE_LATE: "#9ccc65",
    Standing.OPEN_IN_TIME: "#1e88e5",
    Standing.OPEN_OVERDUE: "#e53935",
    Standing.NO_DEADLINE: "#9e9e9e",
}
BAR = 22
GAP = 8
LABEL = 260
WIDTH = 560
MAX_BARS = 40
"""More bars than this do not read as a chart; the table beside it has every row."""


def stacked_bars(rows: Sequence[Row], label: Callable[[Standing], str], title: str) -> Markup:
    shown = list(rows)[:MAX_BARS]
    height = max(1, len(shown)) * (BAR + GAP) + 40
    biggest = max((row.counts.total for row in shown), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{LABEL + WIDTH + 60}" '
        f'height="{height}" viewBox="0 0 {LABEL + WIDTH + 60} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, row in enumerate(shown):
        y = index * (BAR + GAP)
        name = row.label if len(row.label) <= 40 else row.label[:39] + "…"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.7:.0f}" text-anchor="end" font-size="13">'
            f"{escape(name)}</text>"
        )
        x = float(LABEL)
        for standing in Standing:
            count = row.counts.of(standing)
            if not count:
                continue
            width = WIDTH * count / biggest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{COLOURS[standing]}">'
                f"<title>{escape(row.label)} — {escape(label(standing))}: {count}</title></rect>"
            )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR * 0.7:.0f}" font-size="12">{row.counts.total}</text>'
        )
    legend_y = len(shown) * (BAR + GAP) + 16
    x = 0.0
    for standing in Standing:
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y}" width="12" height="12" fill="{COLOURS[standing]}"/>'
            f'<text x="{x + 16:.0f}" y="{legend_y + 11}" font-size="12">{escape(label(standing))}</text>'
        )
        x += 16 + 7.2 * len(label(standing)) + 18
    parts.append("</svg>")
    return Markup("".join(parts))
