"""``zhenggai template``: blank standard workbooks that the reader recognises and LibreOffice opens.

Every ledger kind's template is generated, read back with the same reader the
checks use (its one sheet is that kind, every column is mapped, nothing is
reported on the empty sheet), and its formats and drop-downs are read with
openpyxl: ID-like columns are text, dates are dates, coded columns offer their list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from addin.check import check_book
from addin.cli import main
from addin.ledger.definitions import default_catalog
from addin.ledger.template import FIELDS_SHEET, LISTS_SHEET
from addin.resources import template_path
from addin.settings import Settings
from tests.helpers.libreoffice import convert

KINDS = sorted(default_catalog().ledgers)


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_is_read_back_as_its_kind_with_every_column(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.xlsx"
    assert main(["template", kind, "--out", str(out)]) == 0
    ledger = default_catalog().ledger(kind)
    ledgers, findings = check_book(out, settings=Settings(), today=dt.date(2024, 7, 17))
    tables = [t for t in ledgers.tables if t.kind == kind]
    assert len(tables) == 1, [(t.sheet, t.kind) for t in ledgers.tables]
    assert set(tables[0].columns) == {f.key for f in ledger.fields}
    assert len(tables[0]) == 0
    assert findings == []
    wb = openpyxl.load_workbook(out)
    assert wb[FIELDS_SHEET].sheet_state == "hidden"


def test_formats_and_drop_downs_of_the_problem_ledger(tmp_path: Path) -> None:
    out = tmp_path / "问题整改台账.xlsx"
    assert main(["template", "problems", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    header = {c.value: c.column_letter for c in ws[3] if c.value}
    assert ws["A1"].value.endswith("问题整改台账") and ws.freeze_panes == "A4"
    assert ws.column_dimensions[header["身份证号"]].number_format == "@"
    assert ws.column_dimensions[header["发现时间"]].number_format == "yyyy-mm-dd"
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    validations = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
    status = validations[header["整改进度"]]
    column = status.formula1.split("!")[1].split(":")[0].replace("$", "")[:-1]
    offered = [c.value for c in lists[column][1:] if c.value]
    assert "已完成" in offered and "整改中" in offered
    assert validations[header["是否销号"]].formula1 == '"是,否"'


def test_roster_template_is_the_shipped_one(tmp_path: Path) -> None:
    out = tmp_path / "花名册.xlsx"
    assert main(["template", "roster", "--out", str(out)]) == 0
    assert out.read_bytes() == template_path("责任体系花名册.xlsx").read_bytes()


def test_list_unknown_kind_and_no_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "roster" in listed and "problems" in listed and "问题整改台账" in listed
    assert main(["template", "nonsense", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "没有这种台账类型" in capsys.readouterr().err
    existing = tmp_path / "已有.xlsx"
    existing.write_bytes(b"mine")
    assert main(["template", "visits", "--out", str(existing)]) == 2
    assert existing.read_bytes() == b"mine" and "文件已存在" in capsys.readouterr().err


def test_a_template_opens_in_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "建档立卡户.xlsx"
    assert main(["template", "households", "--out", str(out)]) == 0
    converted = convert(out, "xlsx", tmp_path / "lo")
    assert converted and openpyxl.load_workbook(converted[0]).worksheets[0]["A1"].value.startswith("××县")
