"""Tables in an article's text: a row of figures under a row of periods.

Financial pages print results as pipe tables ("项目 | 20221231 | 20231231 | 20241231 |", then
"归母净利润(元) | -4.47亿 | -3.83亿 | -5.79亿 |"). A figure in such a row is stated for the period
at the head of its column, which no sentence says. ``TableReader`` walks an article's lines in
order and, for each data row under a header of periods, gives the cells: where each ends and the
period of its column. Pure and stateful only in the order of lines: one reader per article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .periods import Period

__all__ = ["Cell", "TableReader", "is_table_row"]

_SEPARATOR = re.compile(r"[|｜]")
# a reporting date as financial tables head their columns: 20241231 (the year), 20240630 …
_REPORT_DATE = re.compile(r"^((?:19|20)\d\d)[-/.]?(03|06|09|12)[-/.]?(31|30)$")
_REPORT_PERIOD = {"03": "第一季度", "06": "上半年", "09": "前三季度", "12": ""}


@dataclass(frozen=True)
class Cell:
    """One figure cell of a data row: its span in the text and its column's period."""

    start: int
    end: int
    period: Period


def is_table_row(line: str) -> bool:
    """Tell whether a line is a row of a pipe table (two separators at least)."""
    return len(_SEPARATOR.findall(line)) >= 2


def _cells(line: str) -> list[tuple[int, int]]:
    """Return each cell's span in ``line`` (stripped of the spaces around it)."""
    spans, at = [], 0
    for piece in _SEPARATOR.split(line):
        start = at + len(piece) - len(piece.lstrip())
        end = at + len(piece.rstrip())
        spans.append((start, end))
        at += len(piece) + 1
    return spans


class TableReader:
    """Reads a table's header of periods and gives its data rows' cells (see the module)."""

    def __init__(self, parse_period: Callable[[str], Period | None]) -> None:
        self._parse_period = parse_period
        self._columns: list[Period | None] | None = None  # the header's period per column

    def row(self, line: str, line_start: int) -> list[Cell]:
        """Return the figure cells of ``line`` (at ``line_start`` in the text) with their columns'
        periods; [] for a header, a row outside a table, or any other line (which ends a table)."""
        if not is_table_row(line):
            self._columns = None
            return []
        spans = _cells(line)
        periods = [self._period_of(line[a:b]) for a, b in spans]
        if sum(p is not None for p in periods) >= 2:
            self._columns = periods  # a header: each column's period
            return []
        if self._columns is None:
            return []
        out = []
        for (a, b), period in zip(spans, self._columns, strict=False):
            if period is not None and a < b and re.search(r"\d", line[a:b]):
                out.append(Cell(start=line_start + a, end=line_start + b, period=period))
        return out

    def _period_of(self, cell: str) -> Period | None:
        cell = cell.strip()
        date = _REPORT_DATE.match(cell)
        if date:
            return self._parse_period(f"{date.group(1)}年{_REPORT_PERIOD[date.group(2)]}")
        if len(cell) > 12 or not re.match(r"(?:fy)?\s?(?:19|20)\d\d", cell, re.IGNORECASE):
            return None  # a period heads a column on its own: "2024年", "2024Q3", "FY2024"
        return self._parse_period(cell)
