"""Tables: a row of figures under a row of periods gives each figure its column's period."""

import pytest

from store import Lexicon, extract_facts, fold, parse_period, parse_quantities
from store.numbers import format_value, in_declared_unit
from store.tables import TableReader, is_table_row


def reader() -> TableReader:
    return TableReader(lambda cell: parse_period(fold(cell), None, None, None))


def read(lines: list[str]) -> list[list[tuple[str, str]]]:
    r, out, at = reader(), [], 0
    text = "\n".join(lines)
    for line in lines:
        out.append([(text[c.start : c.end], c.period.label) for c in r.row(line, at)])
        at += len(line) + 1
    return out


@pytest.mark.parametrize(
    ("lines", "cells"),
    [
        # reporting dates head the columns
        (
            ["项目 | 20221231 | 20231231 | 20241231 |", "归母净利润(元) | -4.47亿 | -3.83亿 | -5.79亿 |"],
            [[], [("-4.47亿", "2022"), ("-3.83亿", "2023"), ("-5.79亿", "2024")]],
        ),
        # years, and a half year's reporting date
        (
            ["指标 | 2023年 | 20240630 |", "营收 | 5.06亿 | 3.1亿 |"],
            [[], [("5.06亿", "2023"), ("3.1亿", "2024 H1")]],
        ),
        # a line that is no table row ends the table: the next row has no header
        (
            ["项目 | 2023 | 2024 |", "营收 | 1亿 | 2亿 |", "正文一句话。", "营收 | 3亿 | 4亿 |"],
            [[], [("1亿", "2023"), ("2亿", "2024")], [], []],
        ),
        # a table without periods at its head gives no cells
        (["产品 | 收入 | 占比 |", "智慧金融 | 2.2亿 | 83.98% |"], [[], []]),
    ],
)
def test_a_figure_in_a_table_row_is_its_column_s(lines, cells):
    assert read(lines) == cells


def test_a_table_row_has_two_separators():
    assert is_table_row("项目 | 2023 | 2024 |") and not is_table_row("A|B")


@pytest.mark.parametrize(
    ("label", "cell", "shown"),
    [
        ("归母净利润(元) |", "-4.47亿", "-¥447 million"),
        ("营业收入(万元) |", "91,700", "¥917 million"),
        ("营收（百万美元）|", "1,234", "US$1.23 billion"),
        ("员工人数 |", "1,234", "1,234"),  # no declared unit: a number stays one
        ("营收(元) |", "81.3%", "81.3%"),  # a figure stating its own unit keeps it
    ],
)
def test_a_table_s_declared_unit_reads_its_bare_figures(label, cell, shown):
    (v,) = parse_quantities(fold(cell), cell)
    assert format_value(in_declared_unit(v, label)) == shown


def test_extraction_gives_each_cell_a_fact_with_its_column_s_period():
    text = (
        "云天励飞发布2024年年度报告。\n"
        "项目 | 20221231 | 20231231 | 20241231 |\n"
        "归母净利润(元) | -4.47亿 | -3.83亿 | -5.79亿 |\n"
    )
    doc = extract_facts(text, "t.txt", Lexicon.load())
    cells = [(f.period, [v.text for v in f.values], f.quote) for f in doc.facts if "|" in f.quote]
    assert cells == [
        ("2022", ["-4.47亿"], "归母净利润(元) | -4.47亿"),
        ("2023", ["-3.83亿"], "归母净利润(元) | -4.47亿 | -3.83亿"),
        ("2024", ["-5.79亿"], "归母净利润(元) | -4.47亿 | -3.83亿 | -5.79亿"),
    ]
    assert all(v.kind == "money" and v.currency == "CNY" for f in doc.facts if "|" in f.quote for v in f.values)
