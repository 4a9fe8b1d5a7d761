"""The generic and ID-number rules (domain.md §3.1, templates/rules/generic.json) on real workbooks.

Member rosters carry most ID checks; the problems ledger and a household roster
carry the sheet-shape rules (missing/duplicate columns, 合计 rows, money units,
duplicate rows). Other rule files may add findings on these sheets, so assertions
look at the GEN-/ID- rules only. As-of date: 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from addin.ledger.idcard import check_digit, upgrade_15_to_18
from addin.ledger.table import column_letter
from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets
from tests.test_rules_problems import COLUMNS as PROBLEM_COLUMNS
from tests.test_rules_problems import DONE, ONGOING
from tests.test_rules_problems import cell as problem_cell
from tests.test_rules_problems import row as problem_row
from tests.test_rules_problems import spec as problem_spec

D = dt.date


def ident(first17: str) -> str:
    """A well-formed 18-character ID: the 17 digits plus their check character."""
    return first17 + check_digit(first17)


def wrong_check(first17: str) -> str:
    good = check_digit(first17)
    return first17 + ("0" if good != "0" else "1")


def generic(checked: Checked, where: str | None = None, row: int | None = None) -> set[str]:
    """The GEN-/ID- rules at a cell (or on a row)."""
    found = checked.rules_at(where) if where is not None else checked.rules_on_row(row or 0)
    return {r for r in found if r.startswith(("GEN-", "ID-"))}


# ------------------------------------------------------------------ member roster
MEMBER_COLUMNS: list[tuple[str, str]] = [
    ("户编号", "hh_no"),
    ("姓名", "name"),
    ("性别", "sex"),
    ("证件号码", "id_no"),
    ("出生日期", "birth"),
    ("与户主关系", "relation"),
    ("民族", "ethnicity"),
    ("在校生状况", "school_status"),
    ("健康状况", "health"),
    ("劳动技能", "labour"),
    ("是否享受低保", "dibao_member"),
    ("是否参加城乡居民\n基本医疗保险", "med_ins"),
    ("是否参加城乡居民\n基本养老保险", "pension_ins"),
    ("残疾证号", "disability_cert"),
    ("联系电话", "phone"),
]
MEMBER_KEYS = [k for _, k in MEMBER_COLUMNS]
ID_COL = MEMBER_KEYS.index("id_no") + 1
CERT_COL = MEMBER_KEYS.index("disability_cert") + 1

HEAD_ID = ident("41152219800315231")  # 1980-03-15, sequence 231: odd → 男
WIFE_ID = ident("41152219820704152")  # 1982-07-04, sequence 152: even → 女

HEAD: dict[str, Any] = {
    "hh_no": "4115220101001",
    "name": "张建华",
    "sex": "男",
    "id_no": HEAD_ID,
    "birth": D(1980, 3, 15),
    "relation": "户主",
    "ethnicity": "汉族",
    "school_status": "非在校生",
    "health": "健康",
    "labour": "普通劳动力",
    "dibao_member": "否",
    "med_ins": "是",
    "pension_ins": "是",
    "disability_cert": None,
    "phone": "13812345678",
}
WIFE: dict[str, Any] = {
    **HEAD,
    "name": "李秀英",
    "sex": "女",
    "id_no": WIFE_ID,
    "birth": D(1982, 7, 4),
    "relation": "配偶",
    "health": "残疾",
    "labour": "弱劳动力或半劳动力",
    "disability_cert": WIFE_ID + "42",  # 肢体残疾 (4), 二级 (2)
    "phone": None,
}


def member(base: dict[str, Any] = HEAD, **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def mcell(key: str, excel_row: int) -> str:
    return f"{column_letter(MEMBER_KEYS.index(key) + 1)}{excel_row}"


def roster(tmp_path: Path, *people: dict[str, Any], name: str = "台账.xlsx") -> Checked:
    spec = SheetSpec(
        "家庭成员信息",
        [h for h, _ in MEMBER_COLUMNS],
        [[p.get(k) for k in MEMBER_KEYS] for p in people],
        text_columns=[ID_COL, CERT_COL],
    )
    return check_sheets(tmp_path, spec, name=name)


M1 = 2  # first data row of a roster (one header row)


def test_clean_roster_raises_no_generic_finding(tmp_path: Path) -> None:
    checked = roster(
        tmp_path,
        HEAD,
        WIFE,
        member(
            hh_no="4115220101002",
            name="王强",
            id_no=ident("41152219750512233"),
            birth="1975年5月",  # month precision agrees with the ID
            phone="0376-2912345",
        ),
        member(hh_no="4115220101003", name="刘洋", id_no=ident("11010519491001001").lower(), birth="1949.10.01"),
    )
    assert {f.rule for f in checked.findings if f.rule.startswith(("GEN-", "ID-"))} == set()


def test_id_shape_rules_each_at_its_cell(tmp_path: Path) -> None:
    """Every malformed ID gets exactly its own finding (the ID module's precedence), nothing else."""
    old15 = "411522800315231"
    people = [
        (ident("41152219800315231"), set()),
        (411522198003152319, {"GEN-ID-AS-NUMBER"}),  # written as a number: Excel kept 15 digits
        ("4115221980031523", {"ID-LENGTH"}),
        ("41152219800315231Y", {"ID-CHARS"}),
        (wrong_check("41152219800315231"), {"ID-CHECKSUM"}),
        (ident("41152219801315231"), {"ID-BIRTH"}),  # month 13
        (ident("41152220300101231"), {"ID-BIRTH"}),  # born after the as-of date
        (ident("41152220111111111"), {"ID-PLACEHOLDER"}),  # nine 1s in a row
        (old15, {"ID-OLD-15"}),
        (ident("99152219800315231"), {"ID-PROVINCE"}),
    ]
    rows = [
        member(hh_no=f"41152201010{i:02d}", name=f"成员{i}", id_no=value, birth=None)
        for i, (value, _) in enumerate(people)
    ]
    checked = roster(tmp_path, *rows)
    for i, (value, expected) in enumerate(people):
        assert generic(checked, mcell("id_no", M1 + i)) == expected, value
    assert generic(checked, row=M1) == set()
    messages = {f.rule: f.message for f in checked.findings}
    assert messages["ID-LENGTH"] == "证件号码长度异常（16位）"
    assert messages["ID-OLD-15"] == f"15位旧身份证号，建议升级为18位（自动换算：{upgrade_15_to_18(old15)}）"
    assert messages["ID-PROVINCE"] == "身份证号地址码无效（前两位“99”不是省级代码）"
    assert messages["GEN-ID-AS-NUMBER"] == "身份证号被存为数字，末位可能已丢失，请改为文本重新录入"


def test_id_as_number_hides_the_other_id_findings(tmp_path: Path) -> None:
    """An ID stored as a number never also counts as too short or a bad checksum."""
    checked = roster(tmp_path, member(id_no=4115221980031523))
    assert generic(checked, mcell("id_no", M1)) == {"GEN-ID-AS-NUMBER"}


def test_id_birth_mismatch(tmp_path: Path) -> None:
    checked = roster(
        tmp_path,
        member(birth=D(1980, 3, 16)),
        member(hh_no="4115220101002", name="王强", birth="1980年3月"),  # month precision: agrees
        member(hh_no="4115220101003", name="赵刚", birth="1980.03.15"),
        member(hh_no="4115220101004", name="孙丽", birth=D(1981, 3, 15), id_no="41152219800315231Y"),
    )
    assert checked.cells("ID-BIRTH-MISMATCH") == {mcell("birth", M1)}
    assert checked.by_rule("ID-BIRTH-MISMATCH")[0].message == "身份证号出生日期与“出生日期”不一致"


def test_id_sex_mismatch(tmp_path: Path) -> None:
    checked = roster(
        tmp_path,
        member(sex="女"),  # the ID says 男
        member(WIFE, sex="男"),  # the ID says 女
        member(hh_no="4115220101002", name="王芳", sex="女", id_no=wrong_check("41152219800315231")),
        member(hh_no="4115220101003", name="赵刚", sex=None),
        WIFE,
    )
    assert checked.cells("ID-SEX-MISMATCH") == {mcell("sex", M1), mcell("sex", M1 + 1)}
    messages = sorted(f.message for f in checked.by_rule("ID-SEX-MISMATCH"))
    assert messages == ["性别与身份证号不一致（身份证号为女）", "性别与身份证号不一致（身份证号为男）"]


def test_id_in_two_households(tmp_path: Path) -> None:
    checked = roster(
        tmp_path,
        HEAD,
        WIFE,
        member(hh_no="4115220102007", name="张建华", relation="之子"),  # same ID, other household
        member(hh_no="4115220102008", name="王强", id_no=ident("41152219750512233")),
    )
    assert checked.cells("ID-MULTI-HOUSEHOLD") == {mcell("id_no", M1), mcell("id_no", M1 + 2)}
    assert checked.by_rule("ID-MULTI-HOUSEHOLD")[0].message == "同一身份证号出现在2个户中（户编号不同）"
    assert checked.by_rule("ID-DUPLICATE-IN-HOUSEHOLD") == []


def test_id_twice_in_one_household(tmp_path: Path) -> None:
    checked = roster(
        tmp_path,
        HEAD,
        WIFE,
        member(WIFE, name="张小丽", relation="之女", birth=None),  # the wife's ID copied onto the daughter
        member(hh_no="4115220101002", name="王强", id_no=ident("41152219750512233")),
    )
    assert checked.cells("ID-DUPLICATE-IN-HOUSEHOLD") == {mcell("id_no", M1 + 1), mcell("id_no", M1 + 2)}
    assert checked.by_rule("ID-DUPLICATE-IN-HOUSEHOLD")[0].message == "同户成员身份证号重复（2次）"
    assert checked.by_rule("ID-MULTI-HOUSEHOLD") == []


def test_id_disability_cert(tmp_path: Path) -> None:
    other = ident("41152219750512233")
    checked = roster(
        tmp_path,
        WIFE,  # 20 characters: her ID + category 4 + grade 2
        member(WIFE, hh_no="4115220101002", name="王芳", disability_cert=other + "42"),  # someone else's ID
        member(WIFE, hh_no="4115220101003", name="赵敏", disability_cert=WIFE_ID + "82"),  # category 8
        member(WIFE, hh_no="4115220101004", name="孙丽", disability_cert=WIFE_ID + "45"),  # grade 5
        member(WIFE, hh_no="4115220101005", name="周梅", disability_cert=WIFE_ID),  # 18 characters only
        member(WIFE, hh_no="4115220101006", name="吴芳", disability_cert=WIFE_ID.replace("X", "x") + "11"),
        member(HEAD, hh_no="4115220101007", disability_cert=None),
    )
    assert checked.cells("ID-DISABILITY-CERT") == {mcell("disability_cert", M1 + i) for i in (1, 2, 3, 4)}


# ------------------------------------------------------------------ problems ledger
PROBLEM_FIRST = 3  # a title line above the header


def test_missing_required_column(tmp_path: Path) -> None:
    columns = [c for c in PROBLEM_COLUMNS if c[1] != "resp_person"]
    checked = check_sheets(tmp_path, problem_spec(problem_row(DONE), columns=columns))
    (finding,) = checked.by_rule("GEN-MISSING-COLUMN")
    assert (finding.row, finding.column, finding.cell) == (2, "责任人", None)
    assert finding.message == "缺少必填列：责任人"
    assert finding.severity == "error"


def test_no_missing_column_on_a_complete_ledger(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, problem_spec(problem_row(DONE)))
    assert checked.by_rule("GEN-MISSING-COLUMN") == []


def test_duplicate_columns_with_different_contents(tmp_path: Path) -> None:
    columns = [*PROBLEM_COLUMNS, ("手机号码", "phone2")]
    checked = check_sheets(
        tmp_path,
        problem_spec(
            problem_row(DONE, phone2="13812345678"),  # same number twice: fine
            problem_row(ONGOING, phone2="13900001111"),  # two different numbers
            problem_row(ONGOING, seq="3", description="另一问题", phone2=None),  # second column empty: fine
            columns=columns,
        ),
    )
    dup_col = column_letter(len(columns))
    assert checked.cells("GEN-DUPLICATE-COLUMN") == {f"{dup_col}{PROBLEM_FIRST + 1}"}
    assert checked.by_rule("GEN-DUPLICATE-COLUMN")[0].message == "列“联系电话”与“手机号码”含义重复且内容不一致"


def test_event_dates_bad_future_and_early(tmp_path: Path) -> None:
    checked = check_sheets(
        tmp_path,
        problem_spec(
            problem_row(DONE, found_date="2024年13月5日"),
            problem_row(
                DONE, found_date=D(2024, 7, 18), deadline=D(2024, 7, 31), done_date=None, status="整改中", evidence=None
            ),
            problem_row(DONE, found_date=D(2012, 12, 31)),
            problem_row(DONE, found_date="2013年1月"),  # the month reaches into 2013: fine
            problem_row(DONE, found_date=D(2024, 7, 17), deadline=D(2024, 7, 31), done_date=D(2024, 7, 17)),
            problem_row(DONE, found_date="2024.5.12"),
        ),
    )
    found = lambda r: problem_cell("found_date", PROBLEM_FIRST + r)  # noqa: E731
    assert checked.cells("GEN-BAD-DATE") == {found(0)}
    assert checked.by_rule("GEN-BAD-DATE")[0].message == "日期无法识别：“2024年13月5日”"
    assert checked.cells("GEN-FUTURE-DATE") == {found(1)}
    assert checked.by_rule("GEN-FUTURE-DATE")[0].message == "日期晚于填报日期（2024-07-18），请核实"
    assert checked.cells("GEN-EARLY-DATE") == {found(2)}
    assert checked.by_rule("GEN-EARLY-DATE")[0].severity == "warning"
    for r in (3, 4, 5):
        assert generic(checked, row=PROBLEM_FIRST + r) == set()


def test_future_done_date_is_left_to_the_problems_rule(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, problem_spec(problem_row(DONE, done_date=D(2024, 8, 1), deadline=D(2024, 8, 31))))
    assert checked.by_rule("GEN-FUTURE-DATE") == []
    assert checked.cells("PR-DONE-DATE-FUTURE") == {problem_cell("done_date", PROBLEM_FIRST)}


def test_birth_dates_are_not_too_early(tmp_path: Path) -> None:
    """出生日期 is an event date (for future dates) but of course lies before 2013."""
    checked = roster(tmp_path, HEAD, member(hh_no="4115220101002", name="张小宝", birth=D(2030, 1, 1)))
    assert checked.by_rule("GEN-EARLY-DATE") == []
    assert checked.cells("GEN-FUTURE-DATE") == {mcell("birth", M1 + 1)}


def test_unknown_township(tmp_path: Path) -> None:
    checked = check_sheets(
        tmp_path,
        problem_spec(
            problem_row(DONE, township="东风镇"),
            problem_row(DONE, township="沙窝"),  # short form of 沙窝镇
            problem_row(DONE, township="新集镇人民政府"),
        ),
    )
    assert checked.cells("GEN-UNKNOWN-TOWNSHIP") == {problem_cell("township", PROBLEM_FIRST)}
    assert checked.by_rule("GEN-UNKNOWN-TOWNSHIP")[0].message == "乡镇名称“东风镇”不在本县乡镇清单中"


def test_unknown_village_needs_a_configured_list(tmp_path: Path) -> None:
    rows = (
        problem_row(ONGOING, township="沙窝镇", village="李湾村"),
        problem_row(ONGOING, township="沙窝", village="沙坪村"),
        problem_row(DONE, township="新集镇", village="张湾村"),  # township without a list: not judged
    )
    checked = check_sheets(
        tmp_path, problem_spec(*rows), settings=Settings(params={"villages": {"沙窝镇": ["沙坪村"]}})
    )
    assert checked.cells("GEN-UNKNOWN-VILLAGE") == {problem_cell("village", PROBLEM_FIRST)}
    assert checked.by_rule("GEN-UNKNOWN-VILLAGE")[0].message == "村名“李湾村”不在沙窝镇村名清单中"
    unconfigured = check_sheets(tmp_path, problem_spec(*rows), name="未配置.xlsx")
    assert unconfigured.by_rule("GEN-UNKNOWN-VILLAGE") == []


@pytest.mark.parametrize("phone", ["1381234567", "138-1234-5678", "2912345", "13812345678、"])
def test_bad_phone(tmp_path: Path, phone: str) -> None:
    checked = check_sheets(tmp_path, problem_spec(problem_row(DONE, phone=phone)))
    assert checked.cells("GEN-BAD-PHONE") == {problem_cell("phone", PROBLEM_FIRST)}
    assert checked.by_rule("GEN-BAD-PHONE")[0].message == f"联系电话格式异常：“{phone}”"


@pytest.mark.parametrize(
    "phone", ["13812345678", "0376-2912345", "03762912345", "13812345678、13900001111", 13812345678]
)
def test_good_phone(tmp_path: Path, phone: Any) -> None:
    checked = check_sheets(tmp_path, problem_spec(problem_row(DONE, phone=phone)))
    assert checked.by_rule("GEN-BAD-PHONE") == []


def test_duplicate_rows(tmp_path: Path) -> None:
    checked = check_sheets(
        tmp_path,
        problem_spec(
            problem_row(DONE),
            problem_row(ONGOING),
            problem_row(DONE, seq="3"),  # row 1 again under another number
            problem_row(DONE, seq="4", village="李湾村"),  # differs in one cell
        ),
    )
    assert checked.rows("GEN-DUPLICATE-ROW") == {PROBLEM_FIRST + 2}
    assert checked.by_rule("GEN-DUPLICATE-ROW")[0].message == f"重复行（与第{PROBLEM_FIRST}行完全相同）"


def test_id_rules_apply_to_every_ledger_with_an_id_column(tmp_path: Path) -> None:
    columns = [*PROBLEM_COLUMNS[:7], ("户主", "household_head"), ("身份证号", "household_id_no"), *PROBLEM_COLUMNS[7:]]
    checked = check_sheets(
        tmp_path,
        SheetSpec(
            "整改台账",
            [h for h, _ in columns],
            [
                [
                    problem_row(DONE, household_head="张建华", household_id_no=wrong_check("41152219800315231")).get(k)
                    for _, k in columns
                ],
                [problem_row(ONGOING, household_head="张建华", household_id_no=HEAD_ID).get(k) for _, k in columns],
            ],
            above=[["新集镇脱贫攻坚问题整改台账"]],
            text_columns=[9],
        ),
    )
    assert checked.cells("ID-CHECKSUM") == {f"I{PROBLEM_FIRST}"}
    assert checked.by_rule("ID-CHECKSUM")[0].message == "身份证号校验位错误"


# ------------------------------------------------------------------ household roster: totals and units
HOUSEHOLD_HEADER = [
    "乡镇",
    "行政村",
    "户编号",
    "户主姓名",
    "户主证件号码",
    "家庭人口数",
    "工资性收入",
    "转移性收入（元）",
    "人均纯收入（元）",
]


def households(tmp_path: Path, rows: list[list[Any]], below: list[list[Any]], name: str = "户.xlsx") -> Checked:
    spec = SheetSpec("脱贫户信息", HOUSEHOLD_HEADER, rows, above=[["沙窝镇脱贫户花名册"]], below=below,
                     text_columns=[3, 5])  # fmt: skip
    return check_sheets(tmp_path, spec, name=name)


HH_ROWS = [
    ["沙窝镇", "沙坪村", "4115220101001", "张建华", HEAD_ID, 4, 1500, 3200, 6500],
    ["沙窝镇", "沙坪村", "4115220101002", "王强", ident("41152219750512233"), 3, 24000, 2800, 9800],
]


def test_subtotal_mismatch(tmp_path: Path) -> None:
    checked = households(tmp_path, HH_ROWS, below=[["合计", None, None, None, None, 9, 25500, 6100, None]])
    total_row = 3 + len(HH_ROWS)
    assert checked.cells("GEN-SUBTOTAL-MISMATCH") == {f"F{total_row}", f"H{total_row}"}
    messages = {f.cell: f.message for f in checked.by_rule("GEN-SUBTOTAL-MISMATCH")}
    assert messages[f"H{total_row}"] == "合计行与明细不一致：转移性收入(元)（合计 6100，明细之和 6000）"


def test_subtotal_that_adds_up(tmp_path: Path) -> None:
    checked = households(tmp_path, HH_ROWS, below=[["合计", None, None, None, None, 7, 25500, 6000.4, None]])
    assert checked.by_rule("GEN-SUBTOTAL-MISMATCH") == []


def test_money_unit_mix(tmp_path: Path) -> None:
    rows = [[*HH_ROWS[0][:6], 1.5, 3200, 6500], HH_ROWS[1]]  # 1.5 (万元?) next to 24000 (元?)
    checked = households(tmp_path, rows, below=[])
    assert checked.cells("GEN-MONEY-UNIT") == {"G2"}
    assert checked.by_rule("GEN-MONEY-UNIT")[0].message == "金额单位不明（元/万元混用？）：工资性收入"
    clean = households(tmp_path, HH_ROWS, below=[], name="户2.xlsx")
    assert clean.by_rule("GEN-MONEY-UNIT") == []
