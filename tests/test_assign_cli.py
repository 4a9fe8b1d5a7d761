"""``zhenggai assign`` on the bundled samples with the sample roster, and ``--undo`` back.

The "done when" of the owner issue, checked on real files: every problem row and
every finding either names its owners or says why not; nothing the user typed is
changed; every written cell is in 操作记录; undo gives back the original values
exactly; the copy opens in LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from addin import cli
from addin.chain.audit import AUDIT_SHEET, parse_audit
from addin.chain.stats import STATS_SHEET
from addin.ledger.reader import OWN_SHEETS, read_ledgers
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET
from addin.resources import template_path
from tests.helpers import chain as chain_books
from tests.helpers.book import write_book
from tests.helpers.libreoffice import convert
from tests.helpers.roster_books import ALL_SHEETS

AS_OF = "2024-07-17"
ROSTER_NAME = "责任体系花名册（示例）.xlsx"
OURS = {*OWN_SHEETS, STATS_SHEET, FINDINGS_SHEET, AUDIT_SHEET}


def values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values as python-calamine reads them (trailing empties trimmed)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        rows = [list(r) for r in book.get_sheet_by_name(name).to_python()]
        for r in rows:
            while r and r[-1] == "":
                r.pop()
        while rows and not rows[-1]:
            rows.pop()
        out[name] = rows
    return out


def cell(grid: list[list[Any]], row: int, col: int) -> Any:
    """1-based lookup, "" outside the grid."""
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return ""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The samples copied to a folder, assigned into out/, with the bytes of every input before the run."""
    root = tmp_path_factory.mktemp("assign")
    inputs = root / "台账"
    shutil.copytree(template_path("samples"), inputs, ignore=shutil.ignore_patterns("*.json"))
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    out = root / "out"
    code = cli.main(
        ["assign", str(inputs), "--roster", str(inputs / ROSTER_NAME), "--out", str(out), "--as-of", AS_OF, "-q"]
    )
    return {"inputs": inputs, "out": out, "before": before, "code": code}


def pairs(run: dict[str, Any]) -> list[tuple[Path, Path]]:
    return [(p, run["out"] / f"{p.stem}.assigned.xlsx") for p in sorted(run["inputs"].glob("*.xlsx"))]


def test_every_file_is_assigned_and_no_input_changes(run: dict[str, Any]) -> None:
    assert run["code"] == 0
    for src, dst in pairs(run):
        assert dst.is_file(), dst
        assert src.read_bytes() == run["before"][src.name], f"{src.name} was modified"


def test_every_problem_row_and_finding_names_owners_or_says_why_not(run: dict[str, Any]) -> None:
    problem_rows = 0
    for _src, dst in pairs(run):
        wb = openpyxl.load_workbook(dst, read_only=True)
        results = [list(r) for r in wb[FINDINGS_SHEET].iter_rows(values_only=True)]
        header, rows = results[0], results[1:]
        assert header == FINDINGS_HEADER
        owner, rule, sheet_col, row_col = (header.index(k) for k in ("责任人", "规则", "工作表", "行号"))
        assert all(r[owner] for r in rows), f"{dst.name}: a finding without owner text"
        unresolved = {(r[sheet_col], r[row_col]) for r in rows if r[rule] == "ASSIGN-UNRESOLVED"}
        no_yi = {(r[sheet_col], r[row_col]) for r in rows if r[rule] == "PR-YI-UNKNOWN"}
        for table in read_ledgers(str(dst), today=dt.date.fromisoformat(AS_OF)).of_kind("problems"):
            for i, row in enumerate(table.rows.tolist()):
                if table.empty("description")[i] and table.empty("category")[i]:
                    continue
                problem_rows += 1
                person = table.raw_value("resp_person", i)
                yi = table.raw_value("yi", i)
                assert person not in (None, "") or (table.sheet, row) in unresolved, (dst.name, row)
                assert yi not in (None, "") or (table.sheet, row) in no_yi, (dst.name, row)
    assert problem_rows >= 150  # the county, township and department samples together


def test_typed_values_stay_and_every_written_cell_is_in_the_audit(run: dict[str, Any]) -> None:
    written_somewhere = 0
    for src, dst in pairs(run):
        before, after = values(src), values(dst)
        grid = openpyxl.load_workbook(dst, read_only=True)[AUDIT_SHEET]
        entries = parse_audit([list(r) for r in grid.iter_rows(values_only=True)])
        audited = {(e.sheet, e.row, e.col): e for e in entries}
        for name, old in before.items():
            if name in OURS:
                continue
            new = after[name]
            height = max(len(old), len(new))
            width = max((len(r) for r in [*old, *new]), default=0)
            for r in range(1, height + 1):
                for c in range(1, width + 1):
                    a, b = cell(old, r, c), cell(new, r, c)
                    if a == b:
                        continue
                    assert a == "", f"{dst.name} {name} R{r}C{c}: typed {a!r} became {b!r}"
                    entry = audited.get((name, r, c))
                    assert entry is not None and entry.new == b, f"{dst.name} {name} R{r}C{c} not audited"
                    written_somewhere += 1
        assert len(audited) == len(entries), "one audit row per cell"
    assert written_somewhere >= 250


def test_undo_restores_every_user_sheet_exactly(
    run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = run["inputs"] / "沙窝镇台账.xlsx"
    assigned = run["out"] / "沙窝镇台账.assigned.xlsx"
    assert cli.main(["assign", "--undo", str(assigned), "--out", str(tmp_path), "-q"]) == 0
    undone = tmp_path / "沙窝镇台账.undone.xlsx"
    assert "已撤销批次" in capsys.readouterr().out
    original, restored = values(src), values(undone)
    for name, grid in original.items():
        assert restored[name] == grid, name
    # the undo is recorded, so a second undo has nothing left to take back
    assert cli.main(["assign", "--undo", str(undone), "--out", str(tmp_path / "again"), "-q"]) == 0
    assert "没有可撤销的分配记录" in capsys.readouterr().out
    assert not (tmp_path / "again").exists() or not any((tmp_path / "again").iterdir())


def test_assigned_copy_opens_in_libreoffice(run: dict[str, Any], tmp_path: Path) -> None:
    dst = run["out"] / "全县综合台账（问题示例）.assigned.xlsx"
    converted = convert(dst, "xlsx", tmp_path)
    assert converted and converted[0].stat().st_size > 0
    wb = openpyxl.load_workbook(converted[0], read_only=True)
    assert {FINDINGS_SHEET, STATS_SHEET, AUDIT_SHEET} <= set(wb.sheetnames)


def test_a_typed_owner_is_kept_and_the_suggestion_goes_beside_it(tmp_path: Path) -> None:
    roster = tmp_path / "花名册.xlsx"
    write_book(roster, ALL_SHEETS)
    ledger = chain_books.write_problems(
        tmp_path / "沙窝镇问题台账.xlsx",
        [
            chain_books.problem(category="精准识别", description="无房户未纳入", village="沙坪村", person="王五"),
            chain_books.problem(category="精准识别", description="错评一户", village="沙坪村"),
            # the village's 第一书记 is a co-owner of ①: typing them is no conflict
            chain_books.problem(category="精准识别", description="漏评一户", village="沙坪村", person="陈志强"),
        ],
    )
    out = tmp_path / "out"
    assert cli.main(["assign", str(ledger), "--roster", str(roster), "--out", str(out), "--as-of", AS_OF, "-q"]) == 0
    wb = openpyxl.load_workbook(out / "沙窝镇问题台账.assigned.xlsx")
    ws = wb.worksheets[0]
    header = [c.value for c in ws[chain_books.FIRST_DATA_ROW - 2]]
    person = header.index("责任人") + 1
    first = chain_books.FIRST_DATA_ROW
    assert ws.cell(first, person).value == "王五", "a typed 责任人 is never overwritten"
    assert ws.cell(first + 1, person).value == "刘建国", "an empty 责任人 gets the village's 包村干部 (①)"
    suggestion = header.index("建议责任人") + 1
    assert ws.cell(first, suggestion).value == "刘建国"
    results = [list(r) for r in wb[FINDINGS_SHEET].iter_rows(values_only=True)]
    conflicts = [r for r in results if r[FINDINGS_HEADER.index("规则")] == "ASSIGN-CONFLICT"]
    assert len(conflicts) == 1 and "王五" in conflicts[0][FINDINGS_HEADER.index("问题说明")]
    assert ws.cell(first + 2, person).value == "陈志强" and ws.cell(first + 2, suggestion).value is None


def test_missing_roster_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = chain_books.write_problems(tmp_path / "台账.xlsx", [chain_books.problem(category="精准识别")])
    assert cli.main(["assign", str(ledger), "--roster", str(tmp_path / "无.xlsx"), "--out", str(tmp_path)]) == 2
    assert "找不到责任体系花名册" in capsys.readouterr().err


def test_assigning_an_assigned_copy_again_writes_nothing_new_and_keeps_the_audit(
    run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assigned = run["out"] / "沙窝镇台账.assigned.xlsx"
    roster = str(run["inputs"] / ROSTER_NAME)
    assert cli.main(["assign", str(assigned), "--roster", roster, "--out", str(tmp_path), "--as-of", AS_OF, "-q"]) == 0
    assert "写入 0 个单元格" in capsys.readouterr().out
    again = tmp_path / "沙窝镇台账.assigned.xlsx"
    assert values(again)[AUDIT_SHEET] == values(assigned)[AUDIT_SHEET]
    user_sheets = [name for name in values(assigned) if name not in OURS]
    assert all(values(again)[name] == values(assigned)[name] for name in user_sheets)
