"""The rectification-ledger rules added with issue 6 (domain §3.2 ZG-21, ZG-23, ZG-26, ZG-27) on
real .xlsx ledgers laid out as townships keep them: a title, a two-row header whose 整改情况
group is merged over its columns, descriptions merged down over the villages of one item,
佐证材料 given as file names or as hyperlinks (written by openpyxl, read back from the file).
As-of date 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.check import check_book
from addin.ledger.table import column_letter
from addin.rules.catalog import load_rules
from addin.rules.model import Severity
from addin.settings import Settings
from tests.helpers.book import AS_OF, Checked, SheetSpec, check_sheets, write_book

D = dt.date

COLUMNS: list[tuple[str, str, str]] = [
    ("", "序号", "seq"),
    ("", "问题类别", "category"),
    ("", "乡镇", "township"),
    ("", "村", "village"),
    ("", "户主", "household_head"),
    ("", "存在问题", "description"),
    ("", "整改措施", "measures"),
    ("", "责任单位", "resp_unit"),
    ("", "责任人", "resp_person"),
    ("", "整改时限", "deadline"),
    ("整改情况", "整改进度", "status"),
    ("整改情况", "完成时间", "done_date"),
    ("整改情况", "佐证材料", "evidence"),
]
KEYS = [k for _, _, k in COLUMNS]
FIRST = 4  # title, two header rows

ITEM: dict[str, Any] = {
    "seq": "1",
    "category": "饮水安全",
    "township": "沙窝镇",
    "village": "沙坪村",
    "household_head": "王德山",
    "description": "王德山户饮水不安全，水龙头生锈无水",
    "measures": "7月底前完成入户管网改造并试水",
    "resp_unit": "沙窝镇人民政府",
    "resp_person": "李明",
    "deadline": D(2024, 7, 31),
    "status": "整改中",
    "done_date": None,
    "evidence": None,
}


def spec(rows: list[dict[str, Any]], *, merges: tuple[str, ...] = (), name: str = "整改台账") -> SheetSpec:
    top = [g or t for g, t, _ in COLUMNS]
    top[KEYS.index("done_date")] = top[KEYS.index("evidence")] = None
    leaf = [t if g else None for g, t, _ in COLUMNS]
    spans = [f"{column_letter(c + 1)}2:{column_letter(c + 1)}3" for c, (g, _, _) in enumerate(COLUMNS) if not g]
    spans.append(f"{column_letter(KEYS.index('status') + 1)}2:{column_letter(KEYS.index('evidence') + 1)}2")
    return SheetSpec(
        name,
        top,
        [[r.get(k) for k in KEYS] for r in rows],
        above=[["沙窝镇脱贫攻坚问题整改台账"]],
        header2=leaf,
        merges=[*spans, *merges],
    )


def item(n: int, **changes: Any) -> dict[str, Any]:
    return {**ITEM, "seq": str(n), **changes}


def cell(key: str, n: int) -> str:
    return f"{column_letter(KEYS.index(key) + 1)}{FIRST + n - 1}"


def ledger(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None, merges: tuple = ()) -> Checked:
    return check_sheets(tmp_path, spec(list(rows), merges=merges), settings=settings)


def test_the_messy_ledger_is_read_as_problems(tmp_path: Path) -> None:
    checked = ledger(tmp_path, item(1), item(2, household_head="李守成", description="李守成户危房未改造"))
    (table,) = checked.ledgers.tables
    assert table.kind == "problems" and table.header_rows == [2, 3]
    assert set(KEYS) <= set(table.columns)


# ------------------------------------------------------------------ ZG-21 duplicates
def test_pr_duplicate_problem_in_the_same_village_and_household(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        item(1),
        item(2, description="王德山户饮水不安全：水龙头生锈、无水。", measures="更换入户水管"),  # punctuation only
        item(3, village="李店村"),  # the same words in another village: another problem
        item(4, household_head="李守成", description="李守成户饮水不安全，水龙头生锈无水"),  # another household
        item(5, description="王德山户饮水不安全，水龙头生锈无水；另需硬化入户路约30米"),  # clearly more than that
        item(6, household_head=None, description="沙坪村文化服务中心去年建成未验收"),
        item(7, household_head=None, description="沙坪村文化服务中心去年建成未验收。"),  # village-level, twice
    )
    assert checked.cells("PR-DUPLICATE-PROBLEM") == {cell("description", 2), cell("description", 7)}
    messages = {f.cell: f.message for f in checked.by_rule("PR-DUPLICATE-PROBLEM")}
    assert messages[cell("description", 2)] == f"疑似重复问题（与第{FIRST}行的问题描述基本相同）"
    assert checked.by_rule("PR-DUPLICATE-PROBLEM")[0].severity == Severity.WARNING


def test_pr_duplicate_threshold_is_a_parameter(tmp_path: Path) -> None:
    near = item(2, description="王德山户饮水不安全，水笼头生锈无水")  # one character differs (a typo)
    assert ledger(tmp_path, item(1), near).cells("PR-DUPLICATE-PROBLEM") == {cell("description", 2)}
    strict = check_sheets(
        tmp_path, spec([item(1), near]), settings=Settings(params={"dup_similarity": 0.99}), name="严.xlsx"
    )
    assert strict.by_rule("PR-DUPLICATE-PROBLEM") == []


def test_pr_a_description_merged_over_several_rows_is_one_problem(tmp_path: Path) -> None:
    rows = [
        item(1, household_head=None, description="全镇饮水工程水质检测报告缺失", resp_unit="沙窝镇人民政府"),
        item(2, household_head=None, description=None, resp_unit="县水利局"),
        item(3, household_head=None, description=None, resp_unit="县卫健委"),
    ]
    col = column_letter(KEYS.index("description") + 1)
    checked = ledger(tmp_path, *rows, merges=(f"{col}{FIRST}:{col}{FIRST + 2}",))
    assert checked.ledgers.tables[0].values("description").tolist() == ["全镇饮水工程水质检测报告缺失"] * 3
    assert checked.by_rule("PR-DUPLICATE-PROBLEM") == []


# ------------------------------------------------------------------ ZG-23 evidence files
def _with_links(path: Path, links: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["整改台账"]
    for address, target in links.items():
        ws[address].hyperlink = target
    wb.save(path)


def test_pr_evidence_pointing_at_files_that_are_not_there(tmp_path: Path) -> None:
    (tmp_path / "佐证材料").mkdir()
    (tmp_path / "佐证材料" / "沙坪村验收单.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "会议记录.docx").write_bytes(b"PK")
    done = {"status": "已完成", "done_date": D(2024, 7, 10)}
    rows = [
        item(1, **done, evidence="佐证材料/沙坪村验收单.pdf"),  # there
        item(2, **done, evidence="佐证材料\\李店村验收单.pdf"),  # not there (Windows separators)
        item(3, **done, evidence="会议记录.docx、公示照片.jpg"),  # the photo is missing
        item(4, **done, evidence="点击查看验收照片"),  # a link to a missing file
        item(5, **done, evidence="点击查看"),  # a link to a file that is there
        item(6, **done, evidence="县扶贫信息平台"),  # a web link: not checkable
        item(7, **done, evidence="照片3张，原件存镇扶贫办"),  # no file named
        item(8, **done, evidence="D:\\佐证\\8.jpg"),  # another computer's drive
    ]
    path = write_book(tmp_path / "台账.xlsx", [spec(rows)])
    ev = column_letter(KEYS.index("evidence") + 1)
    _with_links(
        path,
        {
            f"{ev}{FIRST + 3}": "照片/验收照片.jpg",
            f"{ev}{FIRST + 4}": "佐证材料/沙坪村验收单.pdf",
            f"{ev}{FIRST + 5}": "http://fpxx.xinxian.gov.cn/zz/123",
        },
    )
    _, findings = check_book(path, settings=Settings(), today=AS_OF)
    found = {f.cell: f.message for f in findings if f.rule == "PR-EVIDENCE-MISSING-FILE"}
    expected = {
        cell("evidence", 2): "佐证材料链接无效：找不到文件“佐证材料\\李店村验收单.pdf”",
        cell("evidence", 3): "佐证材料链接无效：找不到文件“公示照片.jpg”",
        cell("evidence", 4): "佐证材料链接无效：找不到文件“照片/验收照片.jpg”",
    }
    if os.name == "nt":  # a drive path can only be checked on Windows
        expected[cell("evidence", 8)] = "佐证材料链接无效：找不到文件“D:\\佐证\\8.jpg”"
    assert found == expected


def test_pr_evidence_in_a_merged_cell_with_a_link(tmp_path: Path) -> None:
    rows = [item(1, status="已完成", done_date=D(2024, 7, 1), evidence="验收材料"), item(2, status="已完成")]
    ev = column_letter(KEYS.index("evidence") + 1)
    path = write_book(tmp_path / "合并.xlsx", [spec(rows, merges=(f"{ev}{FIRST}:{ev}{FIRST + 1}",))])
    _with_links(path, {f"{ev}{FIRST}": "材料/验收.pdf"})
    _, findings = check_book(path, settings=Settings(), today=AS_OF)
    assert {(f.row, f.cell) for f in findings if f.rule == "PR-EVIDENCE-MISSING-FILE"} == {
        (FIRST, cell("evidence", 1))
    }  # both rows name the one merged cell: one finding there


# ------------------------------------------------------------------ ZG-26 plan totals
def _plan_items(n: int, categories: int) -> list[dict[str, Any]]:
    names = ["精准识别", "饮水安全", "住房安全", "产业扶贫", "帮扶工作", "项目资金"][:categories]
    return [item(i + 1, category=names[i % categories], household_head=None, description=f"第{i + 1}项问题的具体表现")
            for i in range(n)]  # fmt: skip


def test_pr_plan_totals_across_the_sheets_of_a_workbook(tmp_path: Path) -> None:
    settings = Settings(params={"expected_categories": 5, "expected_items": 40})
    items = _plan_items(38, 5)
    checked = check_sheets(
        tmp_path, spec(items[:20], name="一至三类"), spec(items[20:], name="四至五类"), settings=settings
    )
    (finding,) = checked.by_rule("PR-PLAN-TOTALS")
    assert finding.sheet == "一至三类" and finding.cell is None and finding.row == 3
    assert finding.message == "台账共5类38项，与整改方案（5类40项）不一致"
    assert finding.severity == Severity.INFO


@pytest.mark.parametrize(
    ("n", "categories", "reported"),
    [(40, 5, False), (40, 4, True), (19, 5, False), (81, 5, False), (80, 5, True)],
)
def test_pr_plan_totals_compares_only_a_ledger_of_the_plans_size(
    tmp_path: Path, n: int, categories: int, reported: bool
) -> None:
    settings = Settings(params={"expected_categories": 5, "expected_items": 40})
    checked = check_sheets(tmp_path, spec(_plan_items(n, categories)), settings=settings)
    assert bool(checked.by_rule("PR-PLAN-TOTALS")) is reported


def test_pr_plan_totals_default_is_the_seed_countys_plan(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, spec(_plan_items(300, 6)))
    (finding,) = checked.by_rule("PR-PLAN-TOTALS")
    assert finding.message == "台账共6类300项，与整改方案（39类367项）不一致"


# ------------------------------------------------------------------ ZG-27
def test_pr_yi_unknown_implements_zg_27(tmp_path: Path) -> None:
    refs = {t.rule.id: t.rule.ref for t in load_rules()}
    assert refs["PR-YI-UNKNOWN"] == "ZG-27"
    checked = ledger(tmp_path, item(1, category="其他", description="村部会议室桌椅破损", household_head=None))
    (finding,) = checked.by_rule("PR-YI-UNKNOWN")
    assert finding.ref == "ZG-27" and finding.message.startswith("无法确定所属“六个一”")
