"""The ribbon's 规则说明 through the real xlwings remote engine (tests/helpers/remote.py).

The sheet it writes must say what docs/rules.md says (one row per rule: 编号, 台账,
级别, 检查内容, 为什么, 错误示例, 正确示例, 怎样改), with the county's own rules and
overrides from the zhenggai.json next to the workbook. A 规则说明 sheet of the user's
own is never touched; our own one is replaced on a rerun; 检查台账 does not take it
for a ledger.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.excel import marks, ribbon
from addin.excel.rule_docs_action import FALLBACK_SHEET, RULE_DOCS_SHEET
from addin.resources import template_path
from tests.helpers.ranking_books import problems_book
from tests.helpers.remote import Click, click, workbook_state

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["编号", "台账", "级别", "检查内容", "为什么", "错误示例", "正确示例", "怎样改"]
COUNTY_RULE: dict[str, Any] = {
    "id": "XD-NO-PHONE", "ref": "县定", "ledger": "problems", "check": "condition", "severity": "info",
    "title": "责任人未留电话", "target": "phone", "fields": ["resp_person", "phone"],
    "message": "责任人{resp_person}未填写联系电话",
    "why": "督查组要能随时联系到责任人。", "fix": "补填责任人的手机号码。",
    "when": {"all": [{"filled": "resp_person"}, {"empty": "phone"}]},
}  # fmt: skip


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "config"))


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return problems_book(tmp_path / "台账.xlsx", [])


def press(wb: openpyxl.Workbook, tag: str, path: Path) -> Click:
    return click(wb, lambda b: ribbon.dispatch(tag, b), name=str(path))


def sheet_rows(wb: openpyxl.Workbook, name: str = RULE_DOCS_SHEET) -> dict[str, dict[str, Any]]:
    ws = wb[name]
    assert [c.value for c in ws[2]] == HEADER
    return {r[0]: dict(zip(HEADER, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)}


def documented() -> dict[str, dict[str, str]]:
    """docs/rules.md as the generator writes it (tests/test_catalogue.py keeps the file equal to this), read back:
    per rule id, its 级别, 为什么 and 怎样改 lines."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_rule_docs
    finally:
        sys.path.pop(0)
    text = gen_rule_docs.render().split("\n## 字段名", 1)[0]
    out = {}
    for block in text.split("\n### ")[1:]:
        rule_id = block.split(None, 1)[0]
        level = re.search(r"级别：(\S+)", block)
        why = re.search(r"^- 为什么：(.*)$", block, re.M)
        fix = re.search(r"^怎样改：(.*)$", block, re.M)
        assert level and why and fix, rule_id
        out[rule_id] = {"级别": level.group(1), "为什么": why.group(1), "怎样改": fix.group(1)}
    return out


def test_the_sheet_says_what_docs_rules_md_says(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    result = press(wb, "rule_docs", book)
    rows = sheet_rows(wb)
    docs = documented()
    assert list(rows) and set(rows) == set(docs)
    for rule_id, doc in docs.items():
        row = rows[rule_id]
        assert row["级别"] == doc["级别"], rule_id
        assert (row["为什么"] or "（待补充）") == doc["为什么"].replace("\\|", "|"), rule_id
        assert (row["怎样改"] or "（待补充）") == doc["怎样改"].replace("\\|", "|"), rule_id
    assert wb.active.title == RULE_DOCS_SHEET and result.warnings == []
    assert "条检查规则的说明写入“规则说明”工作表" in result.alerts[0][0]


def test_a_rule_reads_as_its_file_says(book: Path) -> None:
    """PR-OVERDUE's row, against the rule file read independently."""
    rule = next(r for r in raw_rules() if r["id"] == "PR-OVERDUE")
    wb = openpyxl.load_workbook(book)
    press(wb, "rule_docs", book)
    row = sheet_rows(wb)["PR-OVERDUE"]
    assert (row["台账"], row["级别"]) == ("问题整改台账", "错误")
    assert row["检查内容"] == f"{rule['title']}（检查结果显示：{re.sub(r'[{][^}]*[}]', '…', rule['message'])}）"
    assert (row["为什么"], row["怎样改"]) == (rule["why"], rule["fix"])
    assert row["错误示例"] == line(rule["examples"]["fail"][0])  # dates stay the text they were written as
    assert row["正确示例"] == line(rule["examples"]["pass"][0])


def raw_rules() -> list[dict[str, Any]]:
    """Every rule object of the bundled rule files, read as plain JSON."""
    return [r for p in sorted(template_path("rules").glob("*.json")) for r in json.loads(p.read_text("utf-8"))["rules"]]


def line(row: dict[str, Any]) -> str:
    return "；".join(f"{k}：{v}" for k, v in row.items() if v not in ("", None))


def test_a_workbook_example_lists_each_sheet(book: Path) -> None:
    rule = next(
        r for r in raw_rules() if len(r.get("examples", {}).get("fail", [{}])[0].get("sheets", {})) >= 2
    )  # a rule that looks across ledgers, e.g. households against members
    sheets = rule["examples"]["fail"][0]["sheets"]
    labels = {
        kind: json.loads((template_path("ledgers") / f"{kind}.json").read_text("utf-8"))["label"] for kind in sheets
    }
    expected = [text for kind, rows in sheets.items() for text in (f"【{labels[kind]}】", *map(line, rows))]
    wb = openpyxl.load_workbook(book)
    press(wb, "rule_docs", book)
    assert sheet_rows(wb)[rule["id"]]["错误示例"].split("\n") == expected


def test_county_rules_and_overrides_are_in_the_sheet(book: Path) -> None:
    (book.parent / "zhenggai.json").write_text(
        json.dumps(
            {
                "custom_rules": [COUNTY_RULE],
                "rules": {
                    "PR-OVERDUE": {"title": "超期", "message": "超过整改时限{days}天", "severity": "warning"},
                    "PR-NO-LEADER": {"enabled": False},
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    wb = openpyxl.load_workbook(book)
    result = press(wb, "rule_docs", book)
    rows = sheet_rows(wb)
    assert rows["XD-NO-PHONE"] == {
        "编号": "XD-NO-PHONE",
        "台账": "问题整改台账",
        "级别": "提示",
        "检查内容": "责任人未留电话（检查结果显示：责任人…未填写联系电话）",
        "为什么": "督查组要能随时联系到责任人。",
        "错误示例": "（暂无示例）",
        "正确示例": "（暂无示例）",
        "怎样改": "补填责任人的手机号码。",
    }
    assert (rows["PR-OVERDUE"]["级别"], rows["PR-OVERDUE"]["检查内容"]) == (
        "警告",
        "超期（检查结果显示：超过整改时限…天）",
    )
    assert "PR-NO-LEADER" not in rows
    assert "其中本县自定 1 条" in wb[RULE_DOCS_SHEET]["A1"].value
    assert len(rows) == len(documented())  # one added, one switched off
    assert result.alerts[0][2] == "info"


def test_a_rerun_replaces_our_sheet(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    press(wb, "rule_docs", book)
    first = [list(r) for r in wb[RULE_DOCS_SHEET].iter_rows(values_only=True)]
    press(wb, "rule_docs", book)
    assert [ws.title for ws in wb.worksheets].count(RULE_DOCS_SHEET) == 1 and FALLBACK_SHEET not in wb.sheetnames
    assert [list(r) for r in wb[RULE_DOCS_SHEET].iter_rows(values_only=True)] == first
    index = [r[:2] for r in wb[marks.FLAGS_SHEET].iter_rows(values_only=True)]
    assert index.count((marks.KIND_SHEET, RULE_DOCS_SHEET)) == 1  # recorded as ours, once


def test_a_users_own_sheet_of_that_name_is_never_touched(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    mine = wb.create_sheet(RULE_DOCS_SHEET)
    mine.append(["本镇填表规则"])
    mine.append(["1", "户编号按村编号+户序号填写"])
    wb.save(book)
    wb = openpyxl.load_workbook(book)
    before = workbook_state(wb, sheets=[RULE_DOCS_SHEET])
    result = press(wb, "rule_docs", book)
    assert workbook_state(wb, sheets=[RULE_DOCS_SHEET])[RULE_DOCS_SHEET] == before[RULE_DOCS_SHEET]
    assert "PR-OVERDUE" in sheet_rows(wb, FALLBACK_SHEET)
    assert "没有改动它" in result.alerts[0][0]
    press(wb, "rule_docs", book)  # the rerun replaces our fallback sheet, still leaves the user's alone
    assert wb.sheetnames.count(FALLBACK_SHEET) == 1
    assert workbook_state(wb, sheets=[RULE_DOCS_SHEET])[RULE_DOCS_SHEET] == before[RULE_DOCS_SHEET]


def test_two_foreign_sheets_stop_the_button_without_a_change(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for name in (RULE_DOCS_SHEET, FALLBACK_SHEET):
        wb.create_sheet(name).append(["我们自己的说明"])
    wb.save(book)
    wb = openpyxl.load_workbook(book)
    before = workbook_state(wb)
    result = press(wb, "rule_docs", book)
    assert workbook_state(wb) == before
    assert "为避免覆盖，没有写入规则说明" in result.alerts[0][0]


def test_check_ledgers_does_not_take_the_sheet_for_a_ledger(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    press(wb, "rule_docs", book)
    prompt = press(wb, "check_ledgers", book).alerts[0][0]
    assert "规则说明" not in prompt and "未发现问题" in prompt
