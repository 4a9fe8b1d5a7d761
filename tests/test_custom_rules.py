"""County-defined rules and overrides in ``zhenggai.json``, end to end.

A county writes its own rules under ``custom_rules`` (the same shape as a rule file)
and changes built-in ones under ``rules`` (enabled, severity, params, title,
message). These tests put such a settings file next to a real workbook and run
``zhenggai check`` (JSON report, console, annotated copy) and the ribbon's 检查台账
through the remote engine, and check that every mistake in the settings file is
refused with the exact JSON path of the offending key. The 提示 (info) severity
rides along: listed on 检查结果 and in the console, never in the JSON report, never
a cell mark, never a reason for ``--strict`` to fail.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.cli import main
from addin.errors import SchemaError
from addin.excel import ribbon
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET, cell_marks
from addin.rules.model import Finding, Severity
from addin.settings import load_settings
from tests.helpers.ranking_books import PROBLEM_HEADER, problem_row, problems_book
from tests.helpers.remote import click

AS_OF = "2024-07-17"
D = dt.date
COLUMN = {label: i for i, label in enumerate(PROBLEM_HEADER)}


def col(label: str) -> str:
    return openpyxl.utils.get_column_letter(COLUMN[label] + 1)


# Four county rules, one per kind of condition a clerk writes: text contains + not + date arithmetic,
# a code list with any/in, a fixed date, a date moved by days.
WATER: dict[str, Any] = {
    "id": "XD-WATER-DEADLINE", "ref": "县定", "ledger": "problems", "check": "condition", "severity": "warning",
    "title": "饮水问题整改时限过长", "target": "deadline", "fields": ["description", "found_date", "deadline"],
    "params": {"max_days": 30},
    "let": {"span": {"days": ["deadline", "found_date"]}},
    "message": "饮水问题整改时限距发现{span}天，超过本县要求的{max_days}天",
    "when": {"all": [{"contains": ["description", ["饮水", "自来水"]]}, {"not": "@done"},
                     {">": ["$span", "$max_days"]}]},
}  # fmt: skip
HIGH_SOURCE: dict[str, Any] = {
    "id": "XD-HIGH-SOURCE-NO-GRADE", "ref": "县定", "ledger": "problems", "check": "condition", "severity": "error",
    "title": "上级反馈问题未定等级", "target": "severity", "fields": ["source", "severity"],
    "message": "{source}反馈的问题必须填写问题等级",
    "when": {"all": [{"any": [{"in": ["source", ["国家成效考核", "省级督查"]]}, {"contains": ["source", "巡视"]}]},
                     {"empty": "severity"}]},
}  # fmt: skip
OLD_OPEN: dict[str, Any] = {
    "id": "XD-OLD-OPEN", "ref": "县定", "ledger": "problems", "check": "condition", "severity": "info",
    "title": "年初以前发现仍未完成", "target": "found_date", "fields": ["found_date", "status"],
    "message": "4月1日前发现的问题仍未完成，请关注",
    "when": {"all": [{"<": ["found_date", {"date": "2024-04-01"}]}, {"not": "@done"}]},
}  # fmt: skip
SLOW_DONE: dict[str, Any] = {
    "id": "XD-SLOW-DONE", "ref": "县定", "ledger": "problems", "check": "condition", "severity": "warning",
    "title": "完成用时超过60天", "target": "done_date", "fields": ["found_date", "done_date"],
    "message": "发现后超过60天才完成",
    "when": {">": ["done_date", {"add_days": ["found_date", 60]}]},
}  # fmt: skip
COUNTY_RULES = [WATER, HIGH_SOURCE, OLD_OPEN, SLOW_DONE]


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "config"))


def ledger(path: Path) -> Path:
    """Five items; every built-in rule is satisfied (checked below), so every finding is the county's.

    Data row n is Excel row n + 2 (a title line and the header above)."""
    return problems_book(
        path,
        [
            problem_row(1, "沙窝镇", found=D(2024, 5, 2), deadline=D(2024, 9, 30), status="整改中",
                        description="王湾村2户危房改造未验收"),
            problem_row(2, "沙窝镇", found=D(2024, 3, 2), deadline=D(2024, 6, 30), status="已完成",
                        done=D(2024, 6, 20), description="李店村帮扶手册填写不全"),  # done 110 days after found
            problem_row(3, "新集镇", found=D(2024, 6, 2), deadline=D(2024, 8, 30), status="整改中",
                        description="王湾村饮水管网老化，自来水时断时续"),  # 89 days for a water item
            problem_row(4, "新集镇", found=D(2024, 2, 10), deadline=D(2024, 12, 31), status="整改中",
                        source="省暗访反馈", severity="较重",
                        description="张湾村漏评1户"),  # found before April, still open
            problem_row(5, "新集镇", found=D(2024, 7, 1), deadline=D(2024, 9, 30), status="整改中",
                        source="中央专项巡视", description="扶贫资金项目公示不及时"),  # a high source without a grade
        ],
    )  # fmt: skip


def write_settings(folder: Path, **doc: Any) -> Path:
    path = folder / "zhenggai.json"
    path.write_text(json.dumps({"as_of": AS_OF, **doc}, ensure_ascii=False), encoding="utf-8")
    return path


def check_json(path: Path, tmp_path: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    report = tmp_path / "report.json"
    code = main(["check", str(path), "--json", str(report), "--out", str(tmp_path / "out"), "-q", *extra])
    return code, json.loads(report.read_text(encoding="utf-8"))["findings"]


def test_the_ledger_is_clean_for_the_built_in_rules(tmp_path: Path) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path)
    code, findings = check_json(path, tmp_path, "--strict")
    assert (code, findings) == (0, [])


def test_county_rules_work_in_zhenggai_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path, custom_rules=COUNTY_RULES)
    code, findings = check_json(path, tmp_path)
    got = sorted((f["rule"], f["cell"], f["severity"], f["message"]) for f in findings)
    assert got == [
        ("XD-HIGH-SOURCE-NO-GRADE", f"{col('问题等级')}7", "error", "中央专项巡视反馈的问题必须填写问题等级"),
        ("XD-SLOW-DONE", f"{col('完成时间')}4", "warning", "发现后超过60天才完成"),
        ("XD-WATER-DEADLINE", f"{col('整改时限')}5", "warning", "饮水问题整改时限距发现89天，超过本县要求的30天"),
    ]
    assert code == 0
    out = capsys.readouterr().out
    assert "错误 1 条，警告 2 条，提示 1 条（不计入 JSON 报告）" in out
    assert "XD-OLD-OPEN" in out  # the info finding is in the console's per-rule counts


def test_info_findings_are_listed_on_the_checked_copy_without_a_cell_mark(tmp_path: Path) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path, custom_rules=COUNTY_RULES)
    check_json(path, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "out" / "台账.checked.xlsx")
    results = [
        dict(zip(FINDINGS_HEADER, r, strict=False)) for r in wb[FINDINGS_SHEET].iter_rows(min_row=2, values_only=True)
    ]
    info = [r for r in results if r["规则"] == "XD-OLD-OPEN"]
    assert [(r["单元格"], r["级别"], r["问题说明"]) for r in info] == [
        (f"{col('发现时间')}6", "提示", "4月1日前发现的问题仍未完成，请关注")
    ]
    ws = wb["问题整改台账"]
    assert ws[f"{col('发现时间')}6"].comment is None  # a hint colours and notes nothing
    assert "饮水问题整改时限" in ws[f"{col('整改时限')}5"].comment.text  # a warning does


def test_strict_fails_on_errors_only_never_on_info(tmp_path: Path) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path, custom_rules=[OLD_OPEN])
    code, findings = check_json(path, tmp_path, "--strict")
    assert (code, findings) == (0, [])  # one info finding: not reported, not a failure
    write_settings(tmp_path, custom_rules=[OLD_OPEN, HIGH_SOURCE])
    code, findings = check_json(path, tmp_path, "--strict")
    assert code == 1 and [f["rule"] for f in findings] == ["XD-HIGH-SOURCE-NO-GRADE"]


def test_overrides_change_title_message_severity_params_and_switch_rules(tmp_path: Path) -> None:
    path = problems_book(
        tmp_path / "台账.xlsx",
        [problem_row(1, "沙窝镇", found=D(2024, 3, 20), deadline=D(2024, 6, 30), status="整改中", source="省委巡视")],
    )  # 17 days late; a high source without a grade; found before April
    write_settings(
        tmp_path,
        custom_rules=[{**HIGH_SOURCE, "enabled": False}, {**OLD_OPEN, "id": "XD-OFF-BY-DEFAULT", "enabled": False}],
        rules={
            "PR-OVERDUE": {"message": "超过整改时限{days}天，请说明原因", "severity": "warning", "title": "超期"},
            "XD-OFF-BY-DEFAULT": {"enabled": True, "severity": "warning", "message": "老问题仍未完成"},
        },
    )
    _, findings = check_json(path, tmp_path)
    got = sorted((f["rule"], f["severity"], f["message"]) for f in findings)
    assert got == [
        ("PR-OVERDUE", "warning", "超过整改时限17天，请说明原因"),
        ("XD-OFF-BY-DEFAULT", "warning", "老问题仍未完成"),
    ]
    write_settings(tmp_path, rules={"PR-OVERDUE": {"params": {"grace_days": 20}}})
    assert check_json(path, tmp_path)[1] == []
    write_settings(tmp_path, rules={"PR-OVERDUE": {"enabled": False}})
    assert check_json(path, tmp_path)[1] == []


def test_a_county_rule_works_from_the_ribbon(tmp_path: Path) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path, custom_rules=COUNTY_RULES)
    wb = openpyxl.load_workbook(path)
    result = click(wb, lambda book: ribbon.dispatch("check_ledgers", book), name=str(path))
    rows = [
        dict(zip(FINDINGS_HEADER, r, strict=False)) for r in wb[FINDINGS_SHEET].iter_rows(min_row=2, values_only=True)
    ]
    assert sorted((r["规则"], r["级别"], r["问题说明"]) for r in rows) == [
        ("XD-HIGH-SOURCE-NO-GRADE", "错误", "中央专项巡视反馈的问题必须填写问题等级"),
        ("XD-OLD-OPEN", "提示", "4月1日前发现的问题仍未完成，请关注"),
        ("XD-SLOW-DONE", "警告", "发现后超过60天才完成"),
        ("XD-WATER-DEADLINE", "警告", "饮水问题整改时限距发现89天，超过本县要求的30天"),
    ]
    notes = [a["args"] for a in result.actions if a["func"] == "addNote"]
    assert len(notes) == 3 and not any("4月1日前" in str(n) for n in notes)  # no note for the hint
    prompt = result.alerts[0][0]
    assert "发现 1 个错误、2 个警告" in prompt and "另有 1 条提示" in prompt
    shown = click(wb, lambda book: ribbon.dispatch("show_settings", book), name=str(path)).alerts[0][0]
    assert "本县自定的规则 4 条：XD-WATER-DEADLINE（饮水问题整改时限过长）" in shown


# ------------------------------------------------------------------ mistakes point at their key
def rule(**changes: Any) -> dict[str, Any]:
    """The info rule with some keys changed (None = the key left out)."""
    return {k: v for k, v in {**OLD_OPEN, **changes}.items() if v is not None}


BAD_SETTINGS = [
    ({"custom_rules": [rule(id="PR-OVERDUE")]}, "$.custom_rules[0].id", "与problems.json中的规则重复"),
    ({"custom_rules": [rule(), rule()]}, "$.custom_rules[1].id", "重复"),
    ({"custom_rules": [{k: v for k, v in OLD_OPEN.items() if k != "ledger"}]}, "$.custom_rules[0]", "ledger"),
    ({"custom_rules": [rule(ledger="problem")]}, "$.custom_rules[0].ledger", "未知的台账类型"),
    ({"custom_rules": [rule(severity="fatal")]}, "$.custom_rules[0].severity", "'fatal'"),
    ({"custom_rules": [rule(), rule(id="XD-B", mesage="x")]}, "$.custom_rules[1]", "mesage"),
    ({"custom_rules": [rule(check="conditon")]}, "$.custom_rules[0].check", "未知的检查类型"),
    ({"custom_rules": [rule(id="xd-lower")]}, "$.custom_rules[0].id", "格式不符"),
    ({"custom_rules": [rule(when={"all": ["@done", {"emty": "status"}]})]}, "$.custom_rules[0].when.all[1]", "emty"),
    ({"custom_rules": [rule(when={"any": [{"empty": "fone"}]})]}, "$.custom_rules[0].when.any[0].empty", "fone"),
    ({"custom_rules": [rule(when={"in": ["status"]})]}, "$.custom_rules[0].when.in", "需要两项"),
    ({"custom_rules": [rule(when={"<": ["found_date", {"date": "2024/4/1"}]})]}, "$.custom_rules[0].when.<[1].date",
     "YYYY-MM-DD"),
    ({"custom_rules": [rule(when={">": ["$days", 3]})]}, "$.custom_rules[0].when.>[0]", "$days"),
    ({"custom_rules": [rule(check="duplicate_rows", when=None, options={"ignor": []})]}, "$.custom_rules[0].options",
     "ignor"),
    ({"custom_rules": {"id": "XD-A"}}, "$.custom_rules", "array"),
    ({"rules": {"PR-OVERDU": {"enabled": False}}}, "$.rules.PR-OVERDU", "没有编号为“PR-OVERDU”的规则"),
    ({"rules": {"PR-OVERDUE": {"message": ""}}}, "$.rules.PR-OVERDUE.message", "提示语不能为空"),
    ({"rules": {"PR-OVERDUE": {"severity": "提示"}}}, "$.rules.PR-OVERDUE.severity", "'提示'"),
]  # fmt: skip


@pytest.mark.parametrize(("doc", "where", "says"), BAD_SETTINGS, ids=[w for _, w, _ in BAD_SETTINGS])
def test_a_mistake_in_the_settings_names_its_key(doc: dict[str, Any], where: str, says: str, tmp_path: Path) -> None:
    path = write_settings(tmp_path, **doc)
    with pytest.raises(SchemaError) as caught:
        load_settings(path)
    assert caught.value.json_path == where
    assert says in str(caught.value) and "zhenggai.json" in str(caught.value)


def test_the_cli_reports_a_settings_mistake_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path, custom_rules=[rule(when={"all": [{"empty": "fone"}]})])
    assert main(["check", str(path), "--no-copies", "-q"]) == 2
    err = capsys.readouterr().err
    assert "$.custom_rules[0].when.all[0].empty" in err and "Traceback" not in err


def test_the_examples_in_the_county_guide_work_as_written(tmp_path: Path) -> None:
    """docs/rules-authoring.md's copyable block, loaded as it stands, finds what this file's rules find."""
    guide = (Path(__file__).resolve().parent.parent / "docs" / "rules-authoring.md").read_text(encoding="utf-8")
    county = guide.split("## 县里自己定规则", 1)[1]
    blocks = [json.loads(b.split("```", 1)[0]) for b in county.split("```json\n")[1:]]
    overrides, custom = blocks[0]["rules"], blocks[-1]["custom_rules"]
    assert {r["id"] for r in custom} == {r["id"] for r in COUNTY_RULES}
    path = ledger(tmp_path / "台账.xlsx")
    write_settings(tmp_path, custom_rules=custom)
    ours = check_json(path, tmp_path)[1]
    write_settings(tmp_path, custom_rules=COUNTY_RULES)
    assert ours == check_json(path, tmp_path)[1] != []
    write_settings(tmp_path, rules=overrides)
    assert load_settings(tmp_path / "zhenggai.json").rules == overrides  # the override example is valid


def test_a_hint_joins_the_note_of_a_cell_marked_anyway() -> None:
    def finding(severity: Severity, cell: str, message: str) -> Finding:
        return Finding("台账.xlsx", "问题整改台账", 5, "整改时限", cell, "X", "县定", severity, message)

    marks = cell_marks(
        [
            finding(Severity.INFO, "N5", "时限在节假日"),
            finding(Severity.WARNING, "N5", "时限过长"),
            finding(Severity.INFO, "N6", "只是提示"),
        ]
    )
    assert [(m.row, m.column, m.severity, m.text) for m in marks] == [
        (5, 14, Severity.WARNING, "【提示】时限在节假日\n【警告】时限过长")
    ]
