"""A bar chart of a comparison's figures, as a PNG — when matplotlib is installed (`factbot[charts]`)
and the rows share a unit; otherwise None, and the comparison is its table alone."""

from __future__ import annotations

import io
import json
import threading
from typing import Any

from store import Value

from . import wording
from .lookup import Comparison
from .messages import language_of
from .render import chart_title, row_label

# The PNG's text chunk holding the bars as data (label, amount, the figure as the table shows it):
# what a terminal draws instead of the picture (the local console: bot/console.py).
BARS_KEY = "factbot-bars"

Figure: Any
try:  # the optional extra
    import matplotlib

    matplotlib.use("Agg")  # no display: draw into memory
    from matplotlib.figure import Figure
except ImportError:  # a plain install; the table-alone test sets Figure to None to be one
    Figure = None

_draw = threading.Lock()  # matplotlib's text layout is not thread-safe across figures


def available() -> bool:
    """True when matplotlib is installed."""
    return Figure is not None


def _figure_value(values: list[Value]) -> Value | None:
    return next((v for v in values if v.amount is not None and not v.change), None)


def _unit(v: Value) -> tuple:
    return (v.kind, v.currency, v.unit)


def chart_values(comparison: Comparison) -> list[tuple[str, float]] | None:
    """(label, amount) per row when every row has a figure of one unit (money in one currency, a
    count of one thing, a percentage); None when they do not share one, or fewer than two rows."""
    points = []
    units = set()
    for row in comparison.rows:
        v = _figure_value(row.answer.headline or row.answer.values)
        if v is None:
            return None
        units.add(_unit(v))
        amount = v.high if v.high is not None else v.amount
        assert amount is not None  # _figure_value picks only values with an amount
        points.append((row.label, float(amount)))
    if len(points) < 2 or len(units) != 1:
        return None
    return points


def bar_chart_png(comparison: Comparison) -> bytes | None:
    """The comparison as a bar chart PNG, or None (no matplotlib, rows without a shared unit)."""
    points = chart_values(comparison)
    if Figure is None or points is None:
        return None
    lang = language_of(comparison.query)
    sample = _figure_value(comparison.rows[0].answer.headline or comparison.rows[0].answer.values)
    scale, suffix = 1.0, ""
    top = max(abs(p[1]) for p in points)
    for factor, name in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if top >= factor:
            scale, suffix = factor, name
            break
    unit = (
        (sample.currency or "")
        if sample and sample.kind == "money"
        else (sample.unit or "")
        if sample
        else ""
    )
    if sample and sample.kind == "percent":
        unit = "%"
    with _draw:
        fig = Figure(figsize=(6, 0.5 + 0.45 * len(points)), dpi=100)
        ax = fig.subplots()
        labels = [p[0] for p in points]
        ax.barh(labels, [p[1] / scale for p in points], color="#2c7be5")
        ax.invert_yaxis()
        ax.set_xlabel(f"{unit}{suffix}".strip())
        # Chinese labels need a CJK font the host may lack; the English title always renders
        ax.set_title(chart_title(comparison, "en" if lang != "en" else lang))
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={BARS_KEY: bars_json(comparison, points)})
    return out.getvalue()


def bars_json(comparison: Comparison, points: list[tuple[str, float]]) -> str:
    """The chart's bars as ASCII JSON: each row's label and figure as the table shows them, and its amount."""
    lang = language_of(comparison.query)
    bars = [
        {
            "label": row_label(row, comparison.by, lang),
            "amount": amount,
            "text": wording.answer_figure(row.answer, lang),
        }
        for row, (_, amount) in zip(comparison.rows, points, strict=True)
    ]
    return json.dumps({"title": chart_title(comparison, lang), "bars": bars})
