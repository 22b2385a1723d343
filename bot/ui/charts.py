"""PNG charts for admins, drawn with matplotlib's Agg backend.

CPU-bound and blocking: call :func:`signatures_chart` through
``asyncio.to_thread``. It builds a ``Figure`` directly rather than through
pyplot, so no global figure state is shared between threads; matplotlib is
imported on first use, because importing it takes a noticeable fraction of a
second that a bot which never draws should not pay.
"""

from __future__ import annotations

import datetime as dt
import io


def signatures_chart(days: list[tuple[dt.date, int]], title: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar([d for d, _ in days], [n for _, n in days], color="#3b6ea5", width=0.8)
    axes.set_title(title)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
