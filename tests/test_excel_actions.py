"""The ribbon actions on a real, messy .xlsx, run through the real xlwings remote engine.

Each test builds the workbook with openpyxl, clicks a button through the harness
(tests/helpers/remote.py: payload → ``xw.Book(json=…)`` → action → returned actions
replayed onto the openpyxl workbook) and looks at the result: the 检查结果 sheet
against the CLI's findings for the same file, the marks, the user's own content, and
that 清除标记 gives back the original workbook exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from addin import __version__
from addin.chain.run import finding_owner_texts
from addin.check import check_book
from addin.excel import actions, marks, ribbon
from addin.excel.book import read_book
from addin.excel.findings_sheet import link_formula
from addin.ledger.idcard import check_digit
from addin.ledger.table import cell_address, column_index
from addin.ledger.workbook import read_workbook
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET, cell_marks, findings_rows
from addin.rules.catalog import default_rules
from addin.settings import load_settings
from tests.helpers.remote import HYPERLINK, Click, Replayer, UnknownAction, book_payload, click, workbook_state

AS_OF = "2024-07-17"
USER_SHEETS = ["整改台账", "家庭成员", "填表说明"]
FLAG_RULE = re.compile(r"^INDEX\('_zhenggai'!\$([A-Z]+)\$1:\$([A-Z]+)\$(\d+),ROW\(\),COLUMN\(\)(?:-(\d+))?\)=(\d)$")


def pid(birth: str, male: bool, seq: int) -> str:
    first17 = f"420624{birth}{seq:02d}{1 if male else 2}"
    return first17 + check_digit(first17)


def messy_workbook(path: Path) -> Path:
    """A township's workbook: a rectification ledger with a title block, a two-row merged header,
    a section row, a 合计 row and an overdue item; a member roster with ID numbers as text, one with
    a wrong check digit and one corrupted to a number; a notes sheet. The user's own fills, notes,
    conditional formats and a data validation sit on and around the cells we will flag."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws["A1"], ws["A2"], ws["A3"] = "附件2", "沙窝镇脱贫攻坚问题整改台账", "（截至2024年6月30日）"
    ws.merge_cells("A2:M2")
    ws["A4"], ws["I4"] = "填报单位（盖章）：沙窝镇人民政府", "填报日期：2024年7月1日"
    ws.append(["序号", "问题类别", "问题描述", "问题来源", "整改措施", "责任落实", None, None, "整改\n时限"])
    ws["J5"], ws["M5"] = "整改情况", "备注"
    ws.append(
        [None, None, None, None, None, "责任单位", "责任领导", "责任人", None, "整改进度", "完成时间", "佐证材料"]
    )
    for col in "ABCDEIM":
        ws.merge_cells(f"{col}5:{col}6")
    ws.merge_cells("F5:H5")
    ws.merge_cells("J5:L5")
    ws.append(["一、精准识别方面（共3项）"])
    ws.merge_cells("A7:M7")
    ws.append([1, "精准识别", "无房户未纳入建档立卡", "省级督查", "对全镇无房户逐户排查，符合条件的及时纳入", "扶贫办"])
    ws.append([2, "精准识别", "错评一户", "第三方评估", "开展回头看", "乡扶贫站", "王明", "李四"])
    ws.append([3, "精准退出", "脱贫户收入不达标", "县级自查", "落实产业帮扶", "农业站", "赵六", None])
    for row, deadline, status, done in (
        (8, dt.datetime(2024, 5, 31), "已完成", "2024.5.20"),
        (9, dt.datetime(2024, 5, 31), "正在整改", None),
        (10, dt.datetime(2024, 7, 20), "未整改", None),
    ):
        ws.cell(row, 9).value, ws.cell(row, 10).value, ws.cell(row, 11).value = deadline, status, done
    ws["G8"], ws["H8"], ws["L8"] = "王明", "张三", "排查表、纳入审批表"
    ws.append(["合计"])
    ws.append(["填报人：李四      审核人：王五      联系电话：13812345678"])
    ws["A5"].fill = PatternFill("solid", fgColor="FFDDEBF7")
    ws["I9"].fill = PatternFill("solid", fgColor="FFBDD7EE")  # the user's own fill on a cell we flag
    ws["J9"].font = Font(bold=True, color="FFC00000")
    ws["C8"].comment = Comment("已上报县扶贫办", "李四")
    ws["E9"].comment = Comment("措施待细化", "王五")  # the user's own note on a cell we flag
    status = DataValidation(type="list", formula1='"已完成,正在整改,未整改"', allow_blank=True)
    status.add("J8:J10")
    ws.add_data_validation(status)
    ws.conditional_formatting.add(
        "A8:A10", CellIsRule(operator="greaterThan", formula=["2"], fill=PatternFill(bgColor="FFC6EFCE"))
    )

    members = wb.create_sheet("家庭成员")
    members["A1"] = "沙窝镇建档立卡户家庭成员信息表"
    members.append(["序号", "户编号", "姓名", "性别", "身份证号码", "与户主关系", "民族", "文化程度", "健康状况"])
    members["J2"], members["K2"] = "劳动技能", "人员状态"
    well, chronic = ("健康", "普通劳动力", "正常"), ("长期慢性病", "弱劳动力或半劳动力", "正常")
    bad_check_digit = pid("19650707", True, 3)[:-1] + "0"
    for row in (
        [1, "H001", "张大山", "男", pid("19700101", True, 1), "户主", "汉族", "初中", *well],
        [2, "H001", "王秀英", "女", pid("19720305", False, 2), "配偶", "汉族", "小学", *well],
        [3, "H002", "李小明", "男", bad_check_digit, "户主", "汉族", "初中", *chronic],
        [4, "H002", "李芳", "女", 4.20624199501012e17, "之女", "汉族", "高中", *well],
    ):
        members.append(row)
    for r in (3, 4, 5):
        members.cell(r, 5).number_format = "@"
    members["E3"].comment = Comment("身份证复印件已存档", "王五")
    members.conditional_formatting.add(
        "K3:K6", FormulaRule(formula=['$K3="死亡"'], fill=PatternFill(bgColor="FFD9D9D9"))
    )

    notes = wb.create_sheet("填表说明")
    notes["A1"] = "本表按月更新，报镇扶贫办。"
    notes["A1"].fill = PatternFill("solid", fgColor="FFFCE4D6")
    wb.save(path)
    (path.parent / "zhenggai.json").write_text(json.dumps({"as_of": AS_OF}), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No developer settings leak in, and the support log lands in the test's folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.setenv("APPDATA", str(folder))
    return folder / "zhenggai"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return messy_workbook(tmp_path / "沙窝镇台账.xlsx")


def press(wb: openpyxl.Workbook, tag: str, path: Path) -> Click:
    """Click a ribbon button: the dispatcher runs on the workbook through the remote engine."""
    return click(wb, lambda book: ribbon.dispatch(tag, book), name=str(path))


def cli_findings(path: Path) -> list:
    return check_book(path, settings=load_settings(near=path), today=dt.date.fromisoformat(AS_OF))[1]


def coloured_cells(wb: openpyxl.Workbook) -> dict[tuple[str, str], tuple[str, str]]:
    """Which cells our conditional formats colour, and with which fill, evaluated from ``_zhenggai``."""
    flags = wb[marks.FLAGS_SHEET]
    out: dict[tuple[str, str], str] = {}
    for ws in wb.worksheets:
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                found = FLAG_RULE.match(rule.formula[0]) if rule.formula else None
                if found is None:
                    continue
                first_flag_col = column_index(f"{found.group(1)}1")[1]
                shift, flag = int(found.group(4) or 0), int(found.group(5))
                for rng in cf.sqref.ranges:
                    for row in range(rng.min_row, rng.max_row + 1):
                        for col in range(rng.min_col, rng.max_col + 1):
                            if flags.cell(row, first_flag_col + col - shift - 1).value == flag:
                                assert (ws.title, cell_address(row, col)) not in out, "two rules colour one cell"
                                out[(ws.title, cell_address(row, col))] = (
                                    rule.dxf.fill.bgColor.rgb,
                                    rule.dxf.font.color.rgb,
                                )
    return out


# --------------------------------------------------------------------------- 检查台账
def test_findings_sheet_has_the_cli_rows_and_links(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    result = press(wb, "check_ledgers", sample)

    settings, today = load_settings(near=sample), dt.date.fromisoformat(AS_OF)
    ledgers, findings = check_book(sample, settings=settings, today=today)
    expected = findings_rows(findings, owners=finding_owner_texts(ledgers, findings, settings=settings, today=today))
    assert len(expected) >= 8
    owner_col = FINDINGS_HEADER.index("责任人")
    assert all(row.values[owner_col] for row in expected), "every finding names its owner or says why not"
    sheet = wb[FINDINGS_SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == FINDINGS_HEADER
    assert len(rows) - 1 == len(expected)
    cell_col = FINDINGS_HEADER.index("单元格")
    for got, want in zip(rows[1:], expected, strict=True):
        link = HYPERLINK.match(got[cell_col])
        assert link is not None, got
        location = link.group(1)
        assert link.group(2) == want.values[cell_col]
        sheet_name, cell = re.fullmatch(r"#'(.+)'!([A-Z]+\d+)", location).groups()
        assert (sheet_name.replace("''", "'"), cell) == want.link
        assert sheet_name in wb.sheetnames
        others = [v for i, v in enumerate(got) if i != cell_col]
        assert others == [None if v == "" else v for i, v in enumerate(want.values) if i != cell_col]
    assert all(sheet.cell(1, c).font.b for c in range(1, len(FINDINGS_HEADER) + 1))
    assert sheet.freeze_panes == "A2"
    assert wb.active.title == FINDINGS_SHEET
    assert wb.sheetnames == [*USER_SHEETS, FINDINGS_SHEET, marks.FLAGS_SHEET]
    assert wb[marks.FLAGS_SHEET].sheet_state == "hidden"
    assert result.warnings == [], "an ID number or a date turned into a number on the way into Excel"
    assert {r[FINDINGS_HEADER.index("当前值")] for r in rows[1:]} >= {"2024-05-31", "420624196507070310"}
    ((prompt, title, mode),) = result.alerts
    assert title == "整改台账助手" and mode == "info"
    assert "2024-07-17" in prompt and "整改台账、家庭成员" in prompt and "填表说明" in prompt


def test_marks_colour_exactly_the_flagged_cells(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    press(wb, "check_ledgers", sample)
    want = {
        (m.sheet, cell_address(m.row, m.column)): ("FFFFC7CE", "FF9C0006")
        if str(m.severity) == "error"
        else ("FFFFEB9C", "FF9C5700")
        for m in cell_marks(cli_findings(sample))
    }
    assert ("整改台账", "I9") in want and ("家庭成员", "E6") in want
    assert coloured_cells(wb) == want


def test_user_content_is_untouched_and_notes_go_only_where_there_were_none(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    before = workbook_state(wb, sheets=USER_SHEETS)
    press(wb, "check_ledgers", sample)
    after = workbook_state(wb, sheets=USER_SHEETS)

    flagged = {(m.sheet, cell_address(m.row, m.column)): m.text for m in cell_marks(cli_findings(sample))}
    assert before["sheets"] == [(s, "visible") for s in USER_SHEETS]
    for name in USER_SHEETS:
        old, new = before[name], after[name]
        assert new["merged"] == old["merged"] and new["validations"] == old["validations"]
        assert new["widths"] == old["widths"] and new["freeze"] == old["freeze"]
        assert [r for r in new["conditional_formats"] if "_zhenggai" not in str(r[2])] == old["conditional_formats"]
        assert set(new["cells"]) == set(old["cells"]) | {c for s, c in flagged if s == name}
        for address, was in old["cells"].items():
            now = new["cells"][address]
            assert now[:4] == was[:4] and now[5:] == was[5:], (name, address)  # value, format, fill, font, link
            if was[4] is not None or (name, address) not in flagged:
                assert now[4] == was[4], (name, address)  # the user's own note stays as it was
    e9 = wb["整改台账"]["E9"].comment
    assert (e9.text, e9.author) == ("措施待细化", "王五")
    i9 = wb["整改台账"]["I9"].comment.text
    assert i9.startswith(marks.NOTE_HEADER) and "整改逾期47天" in i9
    assert wb["整改台账"]["I9"].fill.fgColor.rgb == "FFBDD7EE"
    assert wb["家庭成员"]["E5"].value == pid("19650707", True, 3)[:-1] + "0"


def test_rerun_replaces_the_previous_results(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    press(wb, "check_ledgers", sample)
    once = workbook_state(wb)
    again = press(wb, "check_ledgers", sample)
    assert workbook_state(wb) == once, "a second run must leave exactly what one run leaves"
    assert again.funcs.count("addSheet") == 2 and again.funcs.count("sheetDelete") == 2
    assert wb.sheetnames.count(FINDINGS_SHEET) == 1
    ours = [
        r for ws in wb.worksheets for cf in ws.conditional_formatting for r in cf.rules if "_zhenggai" in r.formula[0]
    ]
    assert len(ours) == 3  # errors and warnings on 整改台账, errors on 家庭成员


def test_clear_marks_restores_the_original_workbook_exactly(sample: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    original = workbook_state(wb)
    press(wb, "check_ledgers", sample)
    saved = tmp_path / "checked.xlsx"
    wb.save(saved)  # the user saves the checked workbook and opens it again later
    wb = openpyxl.load_workbook(saved)
    cleared = press(wb, "clear_marks", sample)
    assert workbook_state(wb) == original
    assert set(cleared.funcs) == {"clearConditionalFormats", "deleteNote", "sheetDelete", "alert"}
    assert "已清除" in cleared.alerts[0][0]
    again = press(wb, "clear_marks", sample)
    assert again.funcs == ["alert"] and again.alerts[0][0] == actions.messages.NOTHING_TO_CLEAR


def test_book_snapshot_reads_like_the_file_reader(sample: Path) -> None:
    payload = json.loads(json.dumps(book_payload(openpyxl.load_workbook(sample), str(sample))))
    import xlwings as xw

    from_book, from_file = read_book(xw.Book(json=payload)), read_workbook(sample)
    assert [s.name for s in from_book] == [s.name for s in from_file]
    for got, want in zip(from_book, from_file, strict=True):
        assert got.merged == want.merged
        typed = [[(type(v), v) for v in row] for row in got.cells]
        assert typed == [[(type(v), v) for v in row] for row in want.cells], got.name  # 1.0 is not 1


# --------------------------------------------------------------------------- failures and messages
def test_an_action_that_raises_shows_a_summary_logs_and_writes_nothing(
    sample: Path, monkeypatch: pytest.MonkeyPatch, own_config_dir: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom in the rules")

    monkeypatch.setattr(actions, "check_book", broken)
    wb = openpyxl.load_workbook(sample)
    before = workbook_state(wb)
    result = press(wb, "check_ledgers", sample)
    assert result.funcs == ["alert"]
    ((prompt, _title, mode),) = result.alerts
    assert mode == "critical" and "“检查台账”没有完成" in prompt and "RuntimeError: boom in the rules" in prompt
    assert "Traceback" not in prompt and "工作簿保持原样" in prompt
    log = own_config_dir / "logs" / ribbon.LOG_NAME
    assert str(log) in prompt and "RuntimeError: boom in the rules" in log.read_text(encoding="utf-8")
    assert workbook_state(wb) == before


def test_a_write_failing_midway_leaves_the_previous_run_in_place(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.load_workbook(sample)
    press(wb, "check_ledgers", sample)
    after_first = workbook_state(wb)
    real_write = marks.write_marks

    def failing_write(book: object, plan: marks.MarkPlan, journal: marks.MarkState) -> None:
        real_write(book, plan, journal)  # everything written, then the last call fails
        raise OSError("Excel stopped responding")

    monkeypatch.setattr(marks, "write_marks", failing_write)
    result = press(wb, "check_ledgers", sample)
    assert result.funcs == ["alert"], "every queued write of the failed run must be dropped"
    assert "OSError: Excel stopped responding" in result.alerts[0][0]
    assert workbook_state(wb) == after_first


def test_a_settings_mistake_is_shown_as_it_is_without_a_log(sample: Path, own_config_dir: Path) -> None:
    (sample.parent / "zhenggai.json").write_text('{"as_of": "明天"}', encoding="utf-8")
    wb = openpyxl.load_workbook(sample)
    result = press(wb, "check_ledgers", sample)
    assert result.funcs == ["alert"]
    assert "zhenggai.json" in result.alerts[0][0] and "as_of" in result.alerts[0][0]
    assert not (own_config_dir / "logs").exists()


def test_workbook_without_ledgers_lists_every_sheet_and_why(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表按月更新。"
    wb.create_sheet("空白")
    other = wb.create_sheet("统计")
    other.append(["日期", "天气", "气温"])
    other.append(["2024-07-01", "晴", 30])
    result = press(wb, "check_ledgers", tmp_path / "x.xlsx")
    assert result.funcs == ["alert"]
    prompt = result.alerts[0][0]
    assert "没有找到可以检查的台账" in prompt
    assert "说明：未找到表头" in prompt and "空白：空工作表" in prompt and "统计：" in prompt
    assert wb.sheetnames == ["说明", "空白", "统计"]


def test_unknown_tag_shows_a_message_and_does_nothing(sample: Path) -> None:
    result = press(openpyxl.load_workbook(sample), "delete_everything", sample)
    assert result.funcs == ["alert"] and "未知的按钮“delete_everything”" in result.alerts[0][0]


def test_settings_button_shows_the_file_and_what_is_in_force(sample: Path) -> None:
    (sample.parent / "zhenggai.json").write_text(
        json.dumps({"as_of": AS_OF, "params": {"immediate_days": 5}, "rules": {"PR-NO-LEADER": {"enabled": False}}}),
        encoding="utf-8",
    )
    result = press(openpyxl.load_workbook(sample), "show_settings", sample)
    prompt = result.alerts[0][0]
    assert result.funcs == ["alert"]
    assert str(sample.parent / "zhenggai.json") in prompt and "2024-07-17（设置文件中的 as_of）" in prompt
    assert "immediate_days = 5" in prompt and "PR-NO-LEADER" in prompt


def test_about_shows_version_rule_count_and_ledger_kinds(sample: Path) -> None:
    prompt = press(openpyxl.load_workbook(sample), "about", sample).alerts[0][0]
    assert __version__ in prompt and f"检查规则：{len(default_rules())} 条" in prompt
    assert "问题整改台账" in prompt and "家庭成员表" in prompt


def test_registry_is_the_ribbon_contract() -> None:
    assert [(a.tag, a.label) for a in actions.ACTIONS.values()] == [
        ("check_ledgers", "检查台账"),
        ("clear_marks", "清除标记"),
        ("assign_owners", "分配责任人"),
        ("undo_assignment", "撤销上次分配"),
        ("make_summary", "生成汇总"),
        ("monthly_ranking", "月度排名"),
        ("export_report", "导出上报"),
        ("show_settings", "设置"),
        ("rule_docs", "规则说明"),
        ("about", "关于"),
    ]


# --------------------------------------------------------------------------- details
def test_links_survive_quotes_in_sheet_names(tmp_path: Path) -> None:
    assert link_formula("一村'台账", "K12", "K12") == "=HYPERLINK(\"#'一村''台账'!K12\",\"K12\")"
    assert link_formula('甲"乙', "A1", '整"行') == '=HYPERLINK("#\'甲""乙\'!A1","整""行")'
    path = messy_workbook(tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["整改台账"].title = "沙窝'整改台账"
    wb.save(path)
    press(wb, "check_ledgers", path)
    locations = {
        HYPERLINK.match(v).group(1)
        for (v,) in wb[FINDINGS_SHEET].iter_rows(min_row=2, min_col=3, max_col=3, values_only=True)
    }
    assert "#'沙窝''整改台账'!I9" in locations


def test_notes_are_capped_and_the_message_says_so(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(marks, "NOTE_LIMIT", 2)
    wb = openpyxl.load_workbook(sample)
    result = press(wb, "check_ledgers", sample)
    assert result.funcs.count("addNote") == 2
    assert "未添加说明批注" in result.alerts[0][0]


def test_harness_refuses_actions_it_cannot_model() -> None:
    wb = openpyxl.Workbook()
    with pytest.raises(UnknownAction, match="rangeSort"):
        Replayer(wb).apply([{"func": "rangeSort", "args": [], "sheet_position": 0}])


def test_harness_models_excel_turning_text_into_numbers() -> None:
    wb = openpyxl.Workbook()

    def write(book: object) -> None:
        sheet = book.sheets[0]  # type: ignore[attr-defined]
        sheet["B1"].number_format = "@"
        sheet["A1"].value = [["420624199501011234", "420624199501011234", "2024-05-31"]]

    result = click(wb, write)
    ws = wb.active
    assert ws["A1"].value == 4.20624199501011e17 and ws["B1"].value == "420624199501011234"
    assert ws["C1"].value == dt.datetime(2024, 5, 31) and len(result.warnings) == 1


def test_remote_clear_trims_a_user_rule_overlapping_a_flagged_area(sample: Path) -> None:
    """Documented limit of the remote engine (xlwings 0.37.8 cannot list or delete single rules there):
    清除标记 clears the flagged areas, so a user's rule overlapping one loses those cells. On Windows
    Excel our rules are found by their formula and deleted one by one instead."""
    wb = openpyxl.load_workbook(sample)
    wb["整改台账"].conditional_formatting.add(
        "A8:M10", FormulaRule(formula=['$J8="未整改"'], fill=PatternFill(bgColor="FFFFFF00"))
    )
    press(wb, "check_ledgers", sample)
    press(wb, "clear_marks", sample)
    covered = {
        str(cf.rules[0].formula[0]): {c for rng in cf.sqref.ranges for c in rng.cells}
        for cf in wb["整改台账"].conditional_formatting
    }
    area = {(r, c) for r in range(9, 11) for c in range(5, 10)}  # E9:I10, the flagged area
    assert covered['$J8="未整改"'] == {(r, c) for r in range(8, 11) for c in range(1, 14)} - area
    assert covered["2"] == {(r, 1) for r in range(8, 11)}


class _Rule:
    """A conditional-format rule as a live engine lists it (type, formula, delete)."""

    def __init__(self, rules: list[_Rule], formula: str, kind: str = "custom") -> None:
        self.rules, self.formula, self.type = rules, formula, kind
        rules.append(self)

    def delete(self) -> None:
        self.rules.remove(self)


class _LiveSheet:
    """Just enough of a COM sheet for rule removal: it can list its rules."""

    def __init__(self) -> None:
        self.rules: list[_Rule] = []
        self.cells = self

    @property
    def conditional_formats(self) -> list[_Rule]:
        return list(self.rules)

    def range(self, *args: object) -> object:
        raise AssertionError("an engine that lists rules must not clear ranges")


def test_live_engine_deletes_only_our_rules_even_where_the_users_overlap() -> None:
    sheet = _LiveSheet()
    area = marks.Area("整改台账", 9, 5, 10, 9, 6)
    user = _Rule(sheet.rules, '=$J8="未整改"')
    _Rule(sheet.rules, area.formula(marks.FLAG_WARNING))
    bar = _Rule(sheet.rules, "", kind="data_bar")
    _Rule(sheet.rules, area.formula(marks.FLAG_ERROR))
    marks._remove_rules(sheet, [area])  # type: ignore[arg-type]
    assert sheet.rules == [user, bar]


def test_a_live_engine_takes_back_what_it_wrote(monkeypatch: pytest.MonkeyPatch) -> None:
    taken_back: list[marks.MarkState] = []
    monkeypatch.setattr(marks, "remove_marks", lambda book, state: taken_back.append(state))
    with pytest.raises(OSError), marks.all_or_nothing(object()) as journal:  # type: ignore[arg-type]
        journal.findings_sheet = True
        journal.notes.append(("整改台账", "I9"))
        raise OSError("Excel stopped responding")
    assert taken_back == [marks.MarkState(notes=[("整改台账", "I9")], findings_sheet=True)]


def test_file_payload_sends_what_the_workbook_payload_sends(sample: Path) -> None:
    """The benchmark's fast payload (calamine) carries the same values as the openpyxl one."""
    from tests.helpers.remote import file_payload

    slow, fast = book_payload(openpyxl.load_workbook(sample), str(sample)), file_payload(sample)
    assert [s["name"] for s in fast["sheets"]] == [s["name"] for s in slow["sheets"]]
    for a, b in zip(fast["sheets"], slow["sheets"], strict=True):
        typed = [[(type(v), v) for v in row] for row in a["values"]]
        assert typed == [[(type(v), v) for v in row] for row in b["values"]], a["name"]
        assert a["visibility"] == b["visibility"]
