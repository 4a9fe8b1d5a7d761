"""``zhenggai summary`` end to end: a folder of 17 township workbooks → 汇总.xlsx, read back with real libraries.

The numbers in the file are compared with what the generator put into each
township's workbook (items, households, overdue items, dangerous houses), not with
our own computation; the file is opened with openpyxl (values, formats, no
formulas), its charts are read from the package XML, and LibreOffice must open it.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from tests.helpers.libreoffice import convert
from tests.helpers.summary_sheet import read_block
from tests.helpers.township_books import DONE, TownshipBook, write_township_books

AS_OF = "2024-07-17"
STATUS = ["问题总数", "已完成", "整改中", "未整改", "长期坚持", "无需整改", "逾期未完成", "完成率"]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TownshipBook]]:
    folder = tmp_path_factory.mktemp("county") / "各乡镇台账"
    return folder, write_township_books(folder)


@pytest.fixture(scope="module")
def summary(county: tuple[Path, list[TownshipBook]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    assert main(["summary", str(county[0]), "--as-of", AS_OF, "--out", str(out), "-q"]) == 0
    return out


def test_a_folder_of_17_townships_gives_each_townships_numbers(county: tuple, summary: Path) -> None:
    _folder, books = county
    ws = openpyxl.load_workbook(summary)["汇总"]
    header, rows, total = read_block(ws, "一、按乡镇统计整改进度")
    assert header == ["乡镇", *STATUS]
    assert [r[0] for r in rows] == [b.township for b in books]
    for book, row in zip(books, rows, strict=True):
        got = dict(zip(header, row, strict=True))
        assert got["问题总数"] == len(book.items)
        assert got["已完成"] == book.count(*DONE)
        assert got["整改中"] == book.count("整改中")
        assert got["未整改"] == book.count("未整改")
        assert got["长期坚持"] == book.count("长期坚持")
        assert got["无需整改"] == book.count("无需整改")
        assert got["逾期未完成"] == book.overdue, book.township
    assert sum(b.overdue for b in books) == 16
    for i, name in enumerate(header[1:-1], start=1):
        assert total[i] == sum(r[i] for r in rows), name
    want_rate = total[2] / (total[1] - total[6])
    assert total[8] == pytest.approx(want_rate)


def test_households_and_gaps_per_township(county: tuple, summary: Path) -> None:
    _folder, books = county
    ws = openpyxl.load_workbook(summary)["汇总"]
    header, rows, total = read_block(ws, "六、数据质量")
    assert {r[0]: r[1] for r in rows} == {b.township: b.households for b in books}
    assert total[1] == sum(b.households for b in books)
    header, rows, total = read_block(ws, "八、“两不愁三保障”缺口")
    housing = header.index("住房安全")
    want = {b.township: sum(1 for i in b.injections if i.rule == "HH-EXITED-DANGER-HOUSE") for b in books}
    assert {r[0]: r[housing] for r in rows} == want
    assert total[housing] == sum(want.values()) >= 4


def test_values_not_formulas_with_number_formats(summary: Path) -> None:
    ws = openpyxl.load_workbook(summary)["汇总"]
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    header, rows, _total = read_block(ws, "一、按乡镇统计整改进度")
    first_value_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == rows[0][0])
    rate = ws.cell(first_value_row, header.index("完成率") + 1)
    assert isinstance(rate.value, int | float) and rate.number_format == "0.0%"
    assert 0 <= rate.value <= 1
    assert ws.cell(first_value_row, 2).number_format == "0" and isinstance(ws.cell(first_value_row, 2).value, int)
    assert ws.freeze_panes == "A3"
    assert ws["A1"].font.b and ws["A2"].value.startswith(f"统计日期：{AS_OF}")
    months = read_block(ws, "五、逾期趋势")[1]
    assert all(isinstance(r[0], str) for r in months) and months[-1][0] == "2024-07"


def test_native_charts_draw_the_sheets_cells(summary: Path) -> None:
    with zipfile.ZipFile(summary) as zf:
        charts = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = {n: zf.read(n).decode("utf-8") for n in charts}
        drawing = [n for n in zf.namelist() if n.startswith("xl/drawings/drawing")]
    assert len(charts) == 2 and drawing
    bar = next(x for x in xml.values() if "<barChart>" in x)
    line = next(x for x in xml.values() if "<lineChart>" in x)
    assert "各乡镇整改完成率" in bar and "逾期趋势" in line
    assert '<delete val="0" />' in bar, "axes visible"
    ws = openpyxl.load_workbook(summary)["汇总"]
    col_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    first = col_a.index("新集镇") + 1
    ranges = re.findall(r"<f>'汇总'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)</f>", bar)
    assert ("A", str(first), "A", str(first + 16)) in ranges  # categories: the 17 townships, 合计 left out
    assert ("I", str(first), "I", str(first + 16)) in ranges  # values: the 完成率 column
    assert ws.cell(first - 1, 9).value == "完成率" and ws.cell(first + 17, 1).value == "合计"


def test_libreoffice_opens_the_summary(summary: Path, tmp_path: Path) -> None:
    produced = convert(summary, "csv", tmp_path)
    (sheet,) = [p for p in produced if p.suffix == ".csv"]
    with sheet.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    total = next(r for r in rows if r and r[0] == "合计")
    assert total[1] == str(17 * 5)
    assert any(r and r[0] == "城关街道" for r in rows)


def test_bad_files_are_reported_and_the_rest_summarised(county: tuple, tmp_path: Path, capsys) -> None:
    _folder, books = county
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for book in books[:3]:
        (mixed / book.path.name).write_bytes(book.path.read_bytes())
    (mixed / "损坏的台账.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out.xlsx"
    assert main(["summary", str(mixed), "--as-of", AS_OF, "--out", str(out), "-q"]) == 2
    printed = capsys.readouterr().out
    assert "损坏的台账.xlsx" in printed and "已汇总 3 个" in printed
    ws = openpyxl.load_workbook(out)["汇总"]
    assert "损坏的台账.xlsx" in " ".join(str(ws.cell(r, 1).value) for r in range(2, 5))
    _header, rows, total = read_block(ws, "一、按乡镇统计整改进度")
    assert [r[0] for r in rows] == [b.township for b in books[:3]] and total[1] == 15


def test_default_output_and_the_printed_key_figures(county: tuple, tmp_path: Path, monkeypatch, capsys) -> None:
    _folder, books = county
    monkeypatch.chdir(tmp_path)
    (tmp_path / "zhenggai.json").write_text(json.dumps({"as_of": AS_OF}), encoding="utf-8")
    assert main(["summary", str(books[0].path), "--settings", "zhenggai.json", "-q"]) == 0
    assert (tmp_path / "out" / "汇总.xlsx").is_file()
    printed = capsys.readouterr().out
    assert f"统计日期 {AS_OF}" in printed and f"问题 {len(books[0].items)} 项" in printed
    assert "零漏评" in printed and "汇总表：out/汇总.xlsx" in printed


def test_the_output_never_replaces_an_input(county: tuple, capsys) -> None:
    _folder, books = county
    before = books[0].path.read_bytes()
    assert main(["summary", str(books[0].path), "--out", str(books[0].path), "--as-of", AS_OF, "-q"]) == 2
    assert "输出文件与输入的台账是同一个文件" in capsys.readouterr().err
    assert books[0].path.read_bytes() == before


def test_the_summary_file_is_not_read_back_as_a_ledger(summary: Path) -> None:
    from addin.ledger.reader import read_ledgers
    from tests.helpers.book import AS_OF as DATE

    assert read_ledgers(summary, today=DATE).tables == []
