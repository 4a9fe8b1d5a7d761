"""Member-roster rules (templates/rules/members.json, domain §3.4 RY-01…RY-26) and the
household↔member cross-table rules (templates/rules/household_members.json: HH-01…HH-44,
RISK-03/04), checked on real .xlsx workbooks in both roster layouts: a 户表 sheet plus a
成员表 sheet, and one person-per-row 花名册 whose household columns are merged down.

Ages are at the default age reference date (= as-of date 2024-07-17).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from addin.ledger.idcard import check_digit
from addin.ledger.table import column_letter
from addin.resources import template_path
from addin.settings import Settings
from tests.helpers.book import SheetSpec, check_sheets

MY_RULES = frozenset(
    rule["id"]
    for name in ("members.json", "household_members.json")
    for rule in json.loads((template_path("rules") / name).read_text(encoding="utf-8"))["rules"]
)


def pid(birth: str, male: bool = True, seq: int = 1) -> str:
    """A valid 18-digit ID number born on ``birth`` (yyyymmdd)."""
    first17 = f"420624{birth}{seq:02d}{1 if male else 2}"
    return first17 + check_digit(first17)


# --------------------------------------------------------------------------- sheet builders
MEMBER_COLUMNS: list[tuple[str, str]] = [
    ("seq", "序号"),
    ("hh", "户编号"),
    ("name", "姓名"),
    ("sex", "性别"),
    ("id", "身份证号码"),
    ("rel", "与户主\n关系"),
    ("eth", "民族"),
    ("school", "在校生状况"),
    ("edu", "文化程度"),
    ("health", "健康状况"),
    ("labour", "劳动技能"),
    ("months", "务工时间\n（月）"),
    ("place", "务工地点"),
    ("dibao", "是否享受低保"),
    ("med", "是否参加城乡居民基本医疗保险"),
    ("pension", "是否参加城乡居民\n基本养老保险"),
    ("recv", "是否领取养老金"),
    ("status", "人员状态"),
]

HOUSEHOLD_COLUMNS: list[tuple[str, str]] = [
    ("seq", "序号"),
    ("hh", "户编号"),
    ("head", "户主姓名"),
    ("head_id", "户主身份证号"),
    ("size", "家庭人口数（人）"),
    ("attr", "贫困户属性"),
    ("exit", "脱贫状态"),
    ("cause", "主要致贫原因"),
    ("wage", "工资性收入（元）"),
    ("dibao_amt", "低保金（元）"),
    ("pension_amt", "养老保险金（元）"),
]


def person(hh: str, name: str, birth: str, male: bool, rel: str, seq: int = 1, **kw: Any) -> dict[str, Any]:
    """A member row with the values of a healthy working-age adult unless overridden."""
    row = {
        "hh": hh,
        "name": name,
        "sex": "男" if male else "女",
        "id": pid(birth, male, seq),
        "rel": rel,
        "eth": "汉族",
        "school": "非在校生",
        "edu": "初中",
        "health": "健康",
        "labour": "普通劳动力",
        "months": 0,
        "dibao": "否",
        "med": "是",
        "pension": "是",
        "recv": "否",
        "status": "正常",
    }
    row.update(kw)
    return row


def child(hh: str, name: str, birth: str, male: bool, rel: str, seq: int = 1, **kw: Any) -> dict[str, Any]:
    values = {"school": "小学", "edu": None, "labour": "无劳动力", "pension": "否"}
    values.update(kw)
    return person(hh, name, birth, male, rel, seq, **values)


def elder(hh: str, name: str, birth: str, male: bool, rel: str, seq: int = 1, **kw: Any) -> dict[str, Any]:
    values = {"edu": "小学", "labour": "无劳动力", "recv": "是"}
    values.update(kw)
    return person(hh, name, birth, male, rel, seq, **values)


def household(hh: str, head: str, head_id: str, size: int, **kw: Any) -> dict[str, Any]:
    row = {
        "hh": hh,
        "head": head,
        "head_id": head_id,
        "size": size,
        "attr": "一般脱贫户",
        "exit": "已脱贫（享受政策）",
        "cause": "缺技术",
        "wage": 0,
        "dibao_amt": 0,
        "pension_amt": None,
    }
    row.update(kw)
    return row


def table_sheet(name: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> SheetSpec:
    keys = [k for k, _ in columns]
    data = [[i + 1 if k == "seq" else row.get(k) for k in keys] for i, row in enumerate(rows)]
    text_cols = [keys.index(k) + 1 for k in ("hh", "id", "head_id") if k in keys]
    return SheetSpec(name, [h for _, h in columns], data, text_columns=text_cols)


def members_sheet(rows: Sequence[dict[str, Any]], extra: Sequence[tuple[str, str]] = ()) -> SheetSpec:
    return table_sheet("家庭成员", [*MEMBER_COLUMNS, *extra], rows)


def households_sheet(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]] = ()) -> SheetSpec:
    return table_sheet("脱贫户信息", list(columns) or HOUSEHOLD_COLUMNS, rows)


def letter(columns: Sequence[tuple[str, str]], key: str) -> str:
    return column_letter([k for k, _ in columns].index(key) + 1)


def mcell(key: str, row: int, extra: Sequence[tuple[str, str]] = ()) -> str:
    """The cell of member field ``key`` on data row ``row`` (0-based) of a members_sheet."""
    return f"{letter([*MEMBER_COLUMNS, *extra], key)}{row + 2}"


# The person-per-row 花名册: household columns first (merged down over the household's
# members), then the member columns. The generic 身份证号码 column is the member's.
ROSTER_HOUSEHOLD = [
    ("seq", "序号"),
    ("hh", "户编号"),
    ("head", "户主姓名"),
    ("size", "家庭\n人口数"),
    ("attr", "贫困户属性"),
    ("exit", "脱贫状态"),
    ("cause", "主要致贫原因"),
]
ROSTER_MEMBER = [
    ("name", "成员姓名"),
    ("rel", "与户主关系"),
    ("sex", "性别"),
    ("id", "身份证号码"),
    ("eth", "民族"),
    ("school", "在校生状况"),
    ("health", "健康状况"),
    ("labour", "劳动技能"),
    ("dibao", "是否享受低保"),
    ("med", "是否参加城乡居民基本医疗保险"),
    ("pension", "是否参加城乡居民基本养老保险"),
    ("status", "人员状态"),
]
ROSTER_COLUMNS = [*ROSTER_HOUSEHOLD, *ROSTER_MEMBER]
ROSTER_ABOVE = [["××县2024年脱贫人口花名册"], ["填报单位：城关镇", None, None, None, "填报日期：2024年7月10日"]]


def roster_sheet(families: Sequence[tuple[dict[str, Any], Sequence[dict[str, Any]]]], merged: bool = True) -> SheetSpec:
    """One sheet, one person per row; each household's own cells are merged down (or repeated)."""
    keys = [k for k, _ in ROSTER_COLUMNS]
    household_keys = dict(ROSTER_HOUSEHOLD)
    first = len(ROSTER_ABOVE) + 2
    rows: list[list[Any]] = []
    merges: list[str] = []
    for n, (hh, members) in enumerate(families, start=1):
        top = first + len(rows)
        for i, m in enumerate(members):
            own = i == 0 or not merged
            rows.append(
                [((n if k == "seq" else hh.get(k)) if own else None) if k in household_keys else m.get(k) for k in keys]
            )
        if merged and len(members) > 1:
            merges += [
                f"{letter(ROSTER_COLUMNS, k)}{top}:{letter(ROSTER_COLUMNS, k)}{top + len(members) - 1}"
                for k in household_keys
            ]
    text_cols = [keys.index("hh") + 1, keys.index("id") + 1]
    return SheetSpec(
        "花名册", [h for _, h in ROSTER_COLUMNS], rows, above=ROSTER_ABOVE, merges=merges, text_columns=text_cols
    )


def rcell(key: str, row: int) -> str:
    """Cell of ``key`` on data row ``row`` (0-based) of a roster_sheet."""
    return f"{letter(ROSTER_COLUMNS, key)}{len(ROSTER_ABOVE) + 2 + row}"


def mine(checked: Any) -> list[tuple[str, str | None, str]]:
    return sorted((f.rule, f.cell, f.message) for f in checked.findings if f.rule in MY_RULES)


# --------------------------------------------------------------------------- clean data
def clean_families() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Three realistic households that break none of the rules."""
    wang = [
        person("421001", "王建国", "19790315", True, "户主", months=10, place="浙江省宁波市"),
        person("421001", "李秀英", "19810620", False, "配偶", health="长期慢性病", labour="弱劳动力或半劳动力"),
        child("421001", "王小明", "20150901", True, "之子", school="小学四年级"),
        person(
            "421001",
            "王丽",
            "20050412",
            False,
            "之女",
            school="中职二年级",
            edu="初中",
            labour="普通劳动力",
            pension="否",
        ),
        elder("421001", "王德福", "19440101", True, "之父", status="死亡", health="患有大病"),
    ]
    zhao = [
        elder("421002", "赵桂兰", "19520808", False, "户主", health="残疾", labour="丧失劳动力"),
        person("421002", "赵强", "19780203", True, "之子", months=12, place="广东省东莞市", dibao="是"),
        child("421002", "赵雨", "20190310", False, "之孙女", school="学前教育", pension="否", dibao="是"),
    ]
    liu = [
        person("421003", "刘志刚", "19850110", True, "本人", months=8, place="县城工业园"),
        person("421003", "陈芳", "19870225", False, "妻子", status="迁出"),
    ]
    return [
        (household("421001", "王建国", wang[0]["id"], 4, cause="因病", wage=42000, pension_amt=0), wang),
        (
            household(
                "421002",
                "赵桂兰",
                zhao[0]["id"],
                3,
                attr="低保脱贫户",
                cause="因残",
                wage=38500,
                dibao_amt=3600,
                pension_amt=1980,
            ),
            zhao,
        ),
        (household("421003", "刘志刚", liu[0]["id"], 1, exit="未脱贫", attr="一般贫困户", wage=12000), liu),
    ]


def test_clean_two_sheet_roster_has_no_findings(tmp_path: Path) -> None:
    families = clean_families()
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet([m for _, ms in families for m in ms]),
    )
    assert {t.kind for t in checked.ledgers.tables} == {"households", "members"}
    assert mine(checked) == []


def test_clean_merged_roster_has_no_findings(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, roster_sheet(clean_families()))
    kinds = sorted((t.kind, len(t)) for t in checked.ledgers.tables)
    assert kinds == [("households", 3), ("members", 10)]
    assert mine(checked) == []


# --------------------------------------------------------------------------- HH-01 / RY-23
def size_families(layout_rows: bool = False) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    a = [
        person("5001", "孙大伟", "19700101", True, "户主"),
        person("5001", "周红", "19720101", False, "配偶"),
        elder("5001", "孙老汉", "19400101", True, "之父", status="死亡"),
    ]
    b = [
        person("5002", "钱进", "19750101", True, "户主"),
        person("5002", "吴梅", "19760101", False, "配偶", status="婚出"),
    ]
    c = [
        person("5003", "郑强", "19800101", True, "户主"),
        child("5003", "郑一", "20140101", True, "之子"),
    ]
    return [
        (household("5001", "孙大伟", a[0]["id"], 3), a),  # counts the dead father
        (household("5002", "钱进", b[0]["id"], 1), b),  # right: 婚出 not counted
        (household("5003", "郑强", c[0]["id"], 4), c),  # two members listed, four declared
    ]


def test_household_size_against_members_in_two_sheets(tmp_path: Path) -> None:
    families = size_families()
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet([m for _, ms in families for m in ms]),
    )
    size = letter(HOUSEHOLD_COLUMNS, "size")
    assert checked.cells("HH-SIZE-VS-MEMBERS") == {f"{size}2", f"{size}4"}
    messages = sorted(f.message for f in checked.by_rule("HH-SIZE-VS-MEMBERS"))
    assert messages == ["家庭人口数（3）与成员人数（2）不一致", "家庭人口数（4）与成员人数（2）不一致"]
    # RY-23: the dead father is still counted (size 3 = all 3 listed rows); 婚出 in 5002 is fine.
    assert checked.cells("MB-DEPARTED-COUNTED") == {mcell("status", 2)}
    assert "死亡" in checked.by_rule("MB-DEPARTED-COUNTED")[0].message


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "repeated"])
def test_household_size_against_members_in_one_roster_sheet(tmp_path: Path, merged: bool) -> None:
    checked = check_sheets(tmp_path, roster_sheet(size_families(), merged=merged))
    # households 5001 (rows 0-2) and 5003 (rows 5-6); the finding is on the household's first row.
    assert checked.cells("HH-SIZE-VS-MEMBERS") == {rcell("size", 0), rcell("size", 5)}
    assert checked.cells("MB-DEPARTED-COUNTED") == {rcell("status", 2)}


def test_household_without_members_in_the_workbook_is_not_checked(tmp_path: Path) -> None:
    families = size_families()
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet(families[1][1]),  # only household 5002's members were handed in
    )
    assert checked.by_rule("HH-SIZE-VS-MEMBERS") == []
    assert checked.by_rule("HH-NO-HEAD") == []


def test_members_alone_without_household_sheet_skip_cross_rules(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, members_sheet([m for _, ms in size_families() for m in ms]))
    assert checked.by_rule("MB-DEPARTED-COUNTED") == []


# --------------------------------------------------------------------------- HH-02 … HH-05
def test_head_rules(tmp_path: Path) -> None:
    no_head = [person("6001", "冯军", "19700101", True, "之子"), person("6001", "冯母", "19450101", False, "之母")]
    two_heads = [person("6002", "陈一", "19700101", True, "户主"), person("6002", "陈二", "19720101", True, "户主")]
    dead_head = [
        elder("6003", "褚老", "19400101", True, "户主", status="死亡"),
        person("6003", "褚妻", "19500101", False, "配偶", recv="是"),
    ]
    wrong_name = [person("6004", "卫东", "19700101", True, "户主"), person("6004", "蒋兰", "19710101", False, "配偶")]
    wrong_id = [person("6005", "沈平", "19690101", True, "户主"), person("6005", "韩梅", "19700101", False, "配偶")]
    same_sex = [
        person("6006", "杨帆", "19700101", True, "户主"),
        person("6006", "朱海", "19710101", True, "配偶", seq=3),
    ]
    fine = [person("6007", "秦川", "19700101", True, "本人"), person("6007", "许燕", "19710101", False, "之妻")]
    families = [
        (household("6001", "冯军", no_head[0]["id"], 2), no_head),
        (household("6002", "陈一", two_heads[0]["id"], 2), two_heads),
        (household("6003", "褚老", dead_head[0]["id"], 1), dead_head),
        (household("6004", "卫冬", wrong_name[0]["id"], 2), wrong_name),
        (household("6005", "沈平", pid("19690101", True, 7), 2), wrong_id),
        (household("6006", "杨帆", same_sex[0]["id"], 2), same_sex),
        (household("6007", "秦川", fine[0]["id"], 2), fine),
    ]
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet([m for _, ms in families for m in ms]),
    )
    head = letter(HOUSEHOLD_COLUMNS, "head")
    # HH-02: 6001 has no head at all; 6003's only head is dead.
    assert checked.cells("HH-NO-HEAD") == {f"{head}2", f"{head}4"}
    assert checked.cells("HH-MULTIPLE-HEADS") == {f"{head}3"}
    assert checked.by_rule("HH-MULTIPLE-HEADS")[0].message == "该户存在多个户主（2人）"
    assert checked.cells("HH-HEAD-NAME-MISMATCH") == {f"{head}5"}
    assert "“卫冬”" in checked.by_rule("HH-HEAD-NAME-MISMATCH")[0].message
    assert checked.cells("HH-HEAD-ID-MISMATCH") == {f"{letter(HOUSEHOLD_COLUMNS, 'head_id')}6"}
    # HH-05 is reported on the spouse's 性别 cell in the member sheet (6006's spouse is row 12).
    assert checked.cells("HH-SPOUSE-SAME-SEX") == {mcell("sex", 11)}


def test_head_rules_in_merged_roster(tmp_path: Path) -> None:
    # The generic 身份证号码 column feeds both the head's and the members' ID: HH-04's ID
    # comparison must not fire just because the head is not listed first.
    spouse_first = [person("7001", "何秀", "19720101", False, "配偶"), person("7001", "吕斌", "19700101", True, "户主")]
    same_sex = [person("7002", "施琴", "19700101", False, "户主"), person("7002", "张丽", "19710101", False, "配偶")]
    families = [
        (household("7001", "吕斌", None, 2), spouse_first),
        (household("7002", "施琴", None, 2), same_sex),
    ]
    checked = check_sheets(tmp_path, roster_sheet(families))
    assert checked.by_rule("HH-HEAD-ID-MISMATCH") == []
    assert checked.by_rule("HH-HEAD-NAME-MISMATCH") == []
    assert checked.cells("HH-SPOUSE-SAME-SEX") == {rcell("sex", 3)}


# --------------------------------------------------------------------------- HH-08, HH-10
def dibao_families() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    a = [person("8001", "曹刚", "19700101", True, "户主"), person("8001", "严梅", "19720101", False, "配偶")]
    b = [
        person("8002", "华强", "19700101", True, "户主", dibao="是"),
        person("8002", "金凤", "19720101", False, "配偶"),
    ]
    c = [
        person("8003", "魏东", "19700101", True, "户主"),
        person("8003", "陶红", "19720101", False, "配偶", dibao="是"),
    ]
    d = [person("8004", "姜涛", "19700101", True, "户主"), person("8004", "戚燕", "19720101", False, "配偶")]
    return [
        (household("8001", "曹刚", a[0]["id"], 2, attr="低保贫困户", exit="未脱贫"), a),  # HH-08
        (household("8002", "华强", b[0]["id"], 2, attr="低保脱贫户"), b),  # fine
        (household("8003", "魏东", c[0]["id"], 2, attr="一般贫困户", exit="未脱贫"), c),  # HH-10 (member)
        (household("8004", "姜涛", d[0]["id"], 2, attr="一般脱贫户", dibao_amt=2400), d),  # HH-10 (income)
    ]


def test_dibao_attribute_against_members_in_two_sheets(tmp_path: Path) -> None:
    families = dibao_families()
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet([m for _, ms in families for m in ms]),
    )
    attr = letter(HOUSEHOLD_COLUMNS, "attr")
    assert checked.cells("HH-DIBAO-NO-MEMBER") == {f"{attr}2"}
    assert checked.cells("HH-GENERAL-WITH-DIBAO-MEMBER") == {f"{attr}4"}
    assert "陶红" in checked.by_rule("HH-GENERAL-WITH-DIBAO-MEMBER")[0].message
    assert checked.cells("HH-GENERAL-WITH-DIBAO-INCOME") == {f"{attr}5"}


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "repeated"])
def test_dibao_attribute_against_members_in_one_roster_sheet(tmp_path: Path, merged: bool) -> None:
    checked = check_sheets(tmp_path, roster_sheet(dibao_families()[:3], merged=merged))
    assert checked.cells("HH-DIBAO-NO-MEMBER") == {rcell("attr", 0)}
    assert checked.cells("HH-GENERAL-WITH-DIBAO-MEMBER") == {rcell("attr", 4)}


def test_dibao_rule_needs_answers_in_the_member_table(tmp_path: Path) -> None:
    members = [person("8101", "曹刚", "19700101", True, "户主", dibao=None)]
    checked = check_sheets(
        tmp_path,
        households_sheet([household("8101", "曹刚", members[0]["id"], 1, attr="低保贫困户")]),
        members_sheet(members),
    )
    assert checked.by_rule("HH-DIBAO-NO-MEMBER") == []
    assert checked.cells("MB-DIBAO-EMPTY") == {mcell("dibao", 0)}


# --------------------------------------------------------------------------- HH-13, 17-20
def test_cause_and_attribute_against_members(tmp_path: Path) -> None:
    ill = [person("9001", "邹平", "19700101", True, "户主"), person("9001", "喻兰", "19720101", False, "配偶")]
    ill_ok = [person("9002", "柏林", "19700101", True, "户主", health="长期慢性病,残疾")]
    study = [
        person("9003", "水生", "19700101", True, "户主"),
        child("9003", "水妹", "20120101", False, "之女", school="初一"),
    ]
    study_none = [person("9004", "窦明", "19700101", True, "户主")]
    study_ok = [
        person("9005", "章华", "19700101", True, "户主"),
        child("9005", "章敏", "20070101", False, "之女", school="高二", labour="无劳动力"),
    ]
    disabled = [person("9006", "云海", "19700101", True, "户主", health="长期慢性病")]
    tekun = [
        elder("9007", "苏婆", "19500101", False, "户主", labour="丧失劳动力"),
        person("9007", "潘壮", "19800101", True, "之子"),
    ]
    many = [
        person("9008", "葛一", "19700101", True, "户主"),
        person("9008", "奚二", "19720101", False, "配偶"),
        person("9008", "葛三", "19950101", True, "之子"),
    ]
    families = [
        (household("9001", "邹平", ill[0]["id"], 2, cause="因病", exit="未脱贫", attr="一般贫困户"), ill),
        (household("9002", "柏林", ill_ok[0]["id"], 1, cause="因病"), ill_ok),
        (household("9003", "水生", study[0]["id"], 2, cause="因学"), study),
        (household("9004", "窦明", study_none[0]["id"], 1, cause="因学"), study_none),
        (household("9005", "章华", study_ok[0]["id"], 2, cause="因学"), study_ok),
        (household("9006", "云海", disabled[0]["id"], 1, cause="因残"), disabled),
        (household("9007", "苏婆", tekun[0]["id"], 2, attr="特困供养脱贫户", cause="缺劳力"), tekun),
        (household("9008", "葛一", many[0]["id"], 3, attr="一般贫困户", exit="未脱贫", cause="缺劳力"), many),
    ]
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet([m for _, ms in families for m in ms]),
    )
    cause = letter(HOUSEHOLD_COLUMNS, "cause")
    assert checked.cells("HH-ILLNESS-NO-PATIENT") == {f"{cause}2"}
    assert checked.cells("HH-STUDY-NO-STUDENT") == {f"{cause}5"}
    assert checked.cells("HH-STUDY-NO-HIGH-SCHOOL") == {f"{cause}4"}
    assert checked.cells("HH-DISABILITY-NO-DISABLED") == {f"{cause}7"}
    assert checked.cells("HH-TEKUN-WITH-LABOUR") == {f"{letter(HOUSEHOLD_COLUMNS, 'attr')}8"}
    assert "潘壮" in checked.by_rule("HH-TEKUN-WITH-LABOUR")[0].message
    # 9007 is exited (特困供养脱贫户): HH-20 needs a poor household; 9008 has 3 labourers.
    assert checked.cells("HH-LABOUR-SHORTAGE-MANY-WORKERS") == {f"{cause}9"}


# --------------------------------------------------------------------------- HH-32, HH-33, RISK
def test_exited_household_guarantees_and_risks(tmp_path: Path) -> None:
    dropout = [
        person("3001", "钟山", "19800101", True, "户主"),
        child("3001", "钟小", "20120101", True, "之子", school="辍学"),
    ]
    uninsured = [person("3002", "汪洋", "19800101", True, "户主", med="否")]
    sick = [person("3003", "田野", "19800101", True, "户主", health="患有大病")]
    chronic = [person("3004", "任重", "19800101", True, "户主", health="长期慢性病")]
    no_labour = [
        elder("3005", "袁老", "19450101", True, "户主", labour="丧失劳动力"),
        elder("3005", "柳婆", "19470101", False, "配偶", labour="无劳动力"),
    ]
    weak = [elder("3006", "邓翁", "19500101", True, "户主", labour="弱劳动力或半劳动力")]
    poor_dropout = [
        person("3007", "方正", "19800101", True, "户主"),
        child("3007", "方圆", "20120101", True, "之子", school="辍学"),
    ]
    families = [
        (household("3001", "钟山", dropout[0]["id"], 2), dropout),
        (household("3002", "汪洋", uninsured[0]["id"], 1), uninsured),
        (household("3003", "田野", sick[0]["id"], 1), sick),
        (household("3004", "任重", chronic[0]["id"], 1), chronic),
        (household("3005", "袁老", no_labour[0]["id"], 2, pension_amt=2400), no_labour),
        (household("3006", "邓翁", weak[0]["id"], 1, pension_amt=1200), weak),
        (household("3007", "方正", poor_dropout[0]["id"], 2, exit="未脱贫", attr="一般贫困户"), poor_dropout),
    ]
    hh = households_sheet([h for h, _ in families])
    mb = members_sheet([m for _, ms in families for m in ms])
    checked = check_sheets(tmp_path, hh, mb)
    exit_col = letter(HOUSEHOLD_COLUMNS, "exit")
    assert checked.cells("HH-EXITED-CHILD-OUT-OF-SCHOOL") == {f"{exit_col}2"}
    assert "钟小" in checked.by_rule("HH-EXITED-CHILD-OUT-OF-SCHOOL")[0].message
    assert checked.cells("HH-EXITED-NO-MED-INS") == {f"{exit_col}3"}
    assert checked.cells("RISK-SERIOUS-ILLNESS") == {f"{exit_col}4"}
    assert checked.cells("RISK-NO-LABOUR") == {f"{exit_col}6"}
    # The member-level rules see the same people.
    assert checked.cells("MB-CHILD-OUT-OF-SCHOOL") == {mcell("school", 1), mcell("school", 9)}
    assert checked.cells("MB-NO-MED-INS") == {mcell("med", 2)}

    settings = Settings(params={"include_chronic": True, "weak_counts_as_none": True})
    (tmp_path / "cfg").mkdir()
    again = check_sheets(tmp_path / "cfg", hh, mb, settings=settings)
    assert again.cells("RISK-SERIOUS-ILLNESS") == {f"{exit_col}4", f"{exit_col}5"}
    assert again.cells("RISK-NO-LABOUR") == {f"{exit_col}6", f"{exit_col}7"}


def test_income_against_members(tmp_path: Path) -> None:
    wage_no_work = [person("4001", "严实", "19800101", True, "户主")]
    work_no_wage = [person("4002", "黎明", "19800101", True, "户主", months=6, place="福建省厦门市")]
    pension_young = [person("4003", "卜凡", "19800101", True, "户主")]
    elder_no_pension = [elder("4004", "毛公", "19560101", True, "户主")]
    fine = [
        person("4005", "常青", "19800101", True, "户主", months=9, place="江苏省苏州市"),
        elder("4005", "常母", "19580101", False, "之母"),
    ]
    families = [
        (household("4001", "严实", wage_no_work[0]["id"], 1, wage=20000), wage_no_work),
        (household("4002", "黎明", work_no_wage[0]["id"], 1, wage=0), work_no_wage),
        (household("4003", "卜凡", pension_young[0]["id"], 1, wage=0, pension_amt=1800), pension_young),
        (household("4004", "毛公", elder_no_pension[0]["id"], 1, wage=0, pension_amt=0), elder_no_pension),
        (household("4005", "常青", fine[0]["id"], 2, wage=30000, pension_amt=1500), fine),
    ]
    checked = check_sheets(
        tmp_path,
        households_sheet([h for h, _ in families]),
        members_sheet([m for _, ms in families for m in ms]),
    )
    wage = letter(HOUSEHOLD_COLUMNS, "wage")
    pension = letter(HOUSEHOLD_COLUMNS, "pension_amt")
    assert checked.cells("HH-WAGE-WITHOUT-WORK") == {f"{wage}2"}
    assert checked.cells("HH-WORK-WITHOUT-WAGE") == {f"{wage}3"}
    assert checked.cells("HH-PENSION-WITHOUT-ELDER") == {f"{pension}4"}
    assert checked.cells("HH-ELDER-WITHOUT-PENSION") == {f"{pension}5"}


def test_wage_threshold_reads_wan_yuan_columns_in_yuan(tmp_path: Path) -> None:
    columns = [(k, "工资性收入（万元）" if k == "wage" else h) for k, h in HOUSEHOLD_COLUMNS]
    members = [person("4101", "黎明", "19800101", True, "户主", months=6, place="福建省厦门市")]
    checked = check_sheets(
        tmp_path,
        households_sheet([household("4101", "黎明", members[0]["id"], 1, wage=2.4)], columns),
        members_sheet(members),
    )
    assert checked.by_rule("HH-WORK-WITHOUT-WAGE") == []


# --------------------------------------------------------------------------- RY-01 … RY-03
def test_pension_insurance_rules(tmp_path: Path) -> None:
    rows = [
        child("1001", "小学生", "20140101", True, "之子", pension="是"),  # 0: RY-01 + RY-02
        child("1001", "高中生", "20070101", False, "之女", school="高二", pension="是"),  # 1: RY-01 only
        child("1001", "大学生", "20040101", True, "之子", school="大二", pension="是", seq=3),  # 2: none
        child(
            "1001", "少年", "20090101", True, "之子", school="非在校生", pension="是", seq=5, no_reason="随父母外出"
        ),  # 3: RY-02 only (15)
        person("1001", "十六岁", "20080101", True, "之子", pension="是", seq=7),  # 4: none (16)
        person("1002", "青年", "19940101", True, "户主", pension="否"),  # 5: RY-03
        person("1002", "五九", "19650101", True, "之父", pension="否", seq=3),  # 6: RY-03 (59)
        person("1002", "六十", "19640101", True, "其他", pension="否", seq=5, recv="是"),  # 7: none (60)
        child("1002", "在读", "20060101", False, "之女", school="高三"),  # 8: none (student)
        person("1002", "已故", "19800101", True, "之兄", pension="否", status="死亡", seq=7),  # 9: none
    ]
    extra = [("no_reason", "义务教育阶段未上学原因")]
    checked = check_sheets(tmp_path, members_sheet(rows, extra))
    assert checked.cells("MB-PUPIL-PENSION") == {mcell("pension", 0), mcell("pension", 1)}
    assert checked.cells("MB-MINOR-PENSION") == {mcell("pension", 0), mcell("pension", 3)}
    assert checked.by_rule("MB-MINOR-PENSION")[1].message == "未满16周岁（15岁）参加了城乡居民养老保险"
    assert checked.cells("MB-PENSION-NOT-INSURED") == {mcell("pension", 5), mcell("pension", 6)}


# --------------------------------------------------------------------------- RY-04 … RY-08
def test_school_and_age_rules(tmp_path: Path) -> None:
    extra = [("no_reason", "义务教育阶段未上学原因")]
    rows = [
        child("2001", "失学", "20140101", True, "之子", school="非在校生", edu="小学"),  # 0: RY-04
        child(
            "2001",
            "送教",
            "20140101",
            False,
            "之女",
            school="非在校生",
            no_reason="重度残疾，送教上门",
            edu="文盲或半文盲",
            seq=3,
        ),  # 1: none
        child("2001", "幼童", "20190101", True, "之孙子", school="非在校生", edu="学龄前儿童", seq=5),  # 2: none
        person("2001", "十六", "20080101", True, "之子", seq=7),  # 3: none (16, non-student)
        person("2002", "博士", "19900101", True, "户主", school="研究生", pension="否"),  # 4: RY-05 (34)
        person("2002", "硕士", "19960101", False, "之妹", school="研究生", pension="否"),  # 5: none (28)
        child("2002", "神童", "20120101", True, "之子", school="高一", seq=3),  # 6: RY-06 error (12)
        child("2002", "十四", "20100101", True, "之子", school="高一", seq=5),  # 7: none (14)
        child("2002", "留级", "20070101", False, "之女", school="小学六年级", seq=7),  # 8: RY-06 warning (17)
        child("2002", "晚读", "20090101", True, "之子", school="小学", seq=9),  # 9: primary at 15
        child("2002", "早读", "20190101", False, "之女", school="一年级", seq=11),  # 10: primary at 5
        child("2002", "正常", "20160101", False, "之女", school="三年级", seq=13),  # 11: none
        person("2003", "无学历", "19800101", True, "户主", edu=None),  # 12: RY-07
        person("2003", "少学", "20050101", False, "之女", edu="小学"),  # 13: RY-08 (19)
        person("2003", "文盲", "19990101", True, "之子", edu="文盲", seq=3),  # 14: none (25)
        person("2003", "初中", "20050101", False, "之女", edu="初中", seq=5),  # 15: none
    ]
    checked = check_sheets(tmp_path, members_sheet(rows, extra))
    assert checked.cells("MB-CHILD-OUT-OF-SCHOOL") == {mcell("school", 0)}
    assert checked.by_rule("MB-CHILD-OUT-OF-SCHOOL")[0].message.startswith("义务教育阶段适龄儿童不在校（10岁")
    assert checked.cells("MB-ADULT-STUDENT") == {mcell("school", 4)}
    assert checked.cells("MB-SCHOOL-TOO-ADVANCED") == {mcell("school", 6)}
    assert checked.cells("MB-SCHOOL-TOO-LOW") == {mcell("school", 8)}
    assert checked.cells("MB-PRIMARY-AGE") == {mcell("school", 9), mcell("school", 10)}
    assert checked.cells("MB-NO-EDUCATION") == {mcell("edu", 12)}
    assert checked.cells("MB-YOUTH-LOW-EDUCATION") == {mcell("edu", 13)}


# --------------------------------------------------------------------------- RY-09 … RY-13
def test_labour_and_work_rules(tmp_path: Path) -> None:
    rows = [
        child("3101", "童工", "20120101", True, "之子", labour="普通劳动力"),  # 0: RY-09
        child("3101", "半劳", "20100101", False, "之女", labour="半劳动力", school="初二", seq=3),  # 1: RY-09
        person("3101", "十六", "20080101", True, "之子", labour="普通劳动力", seq=5),  # 2: none
        person("3102", "闲人", "19840101", True, "户主", labour="丧失劳动力"),  # 3: RY-10
        person("3102", "病人", "19860101", False, "配偶", labour="丧失劳动力", health="长期慢性病"),  # 4: none
        elder("3102", "老人", "19600101", True, "之父", labour="无劳动力"),  # 5: none (64)
        person(
            "3103", "怪事", "19700101", True, "户主", labour="无劳动力", health="残疾", months=6, place="本县"
        ),  # 6: RY-11
        person("3103", "超时", "19720101", False, "配偶", months=13, place="本县"),  # 7: RY-12
        person("3103", "全年", "19950101", True, "之子", months="全年", place="上海市", seq=3),  # 8: RY-12
        person("3103", "半月", "19970101", False, "之女", months=3.5, place="上海市", seq=5),  # 9: RY-12
        person("3103", "满年", "19990101", True, "之子", months="12个月", place="上海市", seq=7),  # 10: none
        person("3104", "无地点", "19800101", True, "户主", months=6, place=None),  # 11: RY-13
    ]
    checked = check_sheets(tmp_path, members_sheet(rows))
    assert checked.cells("MB-CHILD-LABOUR") == {mcell("labour", 0), mcell("labour", 1)}
    assert checked.cells("MB-HEALTHY-NO-LABOUR") == {mcell("labour", 3)}
    assert checked.cells("MB-NO-LABOUR-WORKING") == {mcell("months", 6)}
    assert checked.cells("MB-WORK-MONTHS-RANGE") == {mcell("months", 7), mcell("months", 8), mcell("months", 9)}
    assert checked.cells("MB-WORK-NO-PLACE") == {mcell("place", 11)}


def test_work_place_rule_needs_the_column(tmp_path: Path) -> None:
    columns = [c for c in MEMBER_COLUMNS if c[0] != "place"]
    rows = [person("3201", "务工", "19800101", True, "户主", months=6)]
    checked = check_sheets(tmp_path, table_sheet("家庭成员", columns, rows))
    assert checked.by_rule("MB-WORK-NO-PLACE") == []


# --------------------------------------------------------------------------- RY-14, RY-15
def test_disability_rules(tmp_path: Path) -> None:
    extra = [("cert", "残疾证号"), ("id_type", "证件类型")]
    cert = pid("19800101", True, 3) + "24"
    rows = [
        person("5101", "无证", "19800101", True, "户主", health="残疾", labour="弱劳动力", id_type="身份证"),  # 0
        person(
            "5101",
            "持证",
            "19800101",
            True,
            "之兄",
            health="残疾",
            labour="弱劳动力",
            cert=cert,
            seq=3,
            id_type="身份证",
        ),  # 1: none
        person(
            "5101", "健康持证", "19820101", False, "之姐", cert=pid("19820101", False) + "13", id_type="身份证"
        ),  # 2: RY-15
        person(
            "5101",
            "以证代号",
            "19830101",
            True,
            "之弟",
            health="残疾",
            labour="弱劳动力",
            seq=5,
            id_type="残疾人证",
            id=pid("19830101", True, 5) + "42",
        ),  # 3: none
        person("5101", "写否", "19840101", False, "之妹", cert="否", id_type="身份证"),  # 4: none
    ]
    checked = check_sheets(tmp_path, members_sheet(rows, extra))
    assert checked.cells("MB-DISABLED-NO-CERT") == {mcell("cert", 0, extra)}
    assert checked.cells("MB-CERT-BUT-HEALTHY") == {mcell("health", 2, extra)}


# --------------------------------------------------------------------------- RY-16, RY-17
def test_relation_sex_and_age_rules(tmp_path: Path) -> None:
    rows = [
        person("6101", "户主甲", "19700101", True, "户主"),  # 0
        person("6101", "女儿", "19950101", False, "之子"),  # 1: RY-16 (ID says 女 too)
        person("6101", "错性别", "19960101", True, "之子", sex="女", seq=3),  # 2: sex typo: ID-06, not RY-16
        person("6101", "老儿子", "19650101", True, "之子", seq=5),  # 3: RY-17 (older child)
        elder("6101", "年轻母亲", "19750101", False, "之母"),  # 4: RY-17 (younger parent)
        child(
            "6101",
            "孙子",
            "20000101",
            True,
            "之孙子",
            school="非在校生",
            labour="普通劳动力",
            edu="高中",
            pension="是",
            seq=7,
        ),  # 5: RY-17 (gap 30 → fine)
        child(
            "6101",
            "外孙",
            "20010101",
            True,
            "外孙",
            school="非在校生",
            labour="普通劳动力",
            edu="高中",
            pension="是",
            seq=9,
        ),  # 6: none (gap 31)
        person("6102", "户主乙", "19800101", True, "户主"),  # 7
        person("6102", "早孙", "19960101", False, "孙女"),  # 8: RY-17 (gap 16)
    ]
    checked = check_sheets(tmp_path, members_sheet(rows))
    assert checked.cells("MB-RELATION-SEX") == {mcell("rel", 1)}
    assert checked.by_rule("MB-RELATION-SEX")[0].message == "与户主关系“之子”与性别“女”不符"
    assert mcell("sex", 2) in checked.cells("ID-SEX-MISMATCH")
    assert checked.cells("MB-RELATION-AGE") == {mcell("rel", 3), mcell("rel", 4), mcell("rel", 8)}


# --------------------------------------------------------------------------- RY-18, 19, 21, 22
def test_required_and_insurance_fields(tmp_path: Path) -> None:
    rows = [
        person("7101", "缺项", "19800101", True, "户主", sex=None, health="", labour="/", dibao=None),  # 0
        person("7101", "未参保", "19820101", False, "配偶", med="否"),  # 1: RY-21
        person("7101", "空医保", "19840101", True, "之弟", med=None),  # 2: RY-21 (empty)
        person("7101", "已迁", "19860101", False, "之妹", med=None, status="迁出"),  # 3: none (left)
        elder("7101", "无养老金", "19500101", True, "之父", recv="否"),  # 4: RY-22
        elder("7101", "有养老金", "19520101", False, "之母"),  # 5: none
        person("7101", "五九", "19650101", True, "其他", recv="否", seq=3),  # 6: none (59)
    ]
    checked = check_sheets(tmp_path, members_sheet(rows))
    assert checked.cells("MB-REQUIRED-EMPTY") == {mcell("sex", 0), mcell("health", 0), mcell("labour", 0)}
    assert {f.message for f in checked.by_rule("MB-REQUIRED-EMPTY")} == {
        "成员必填项为空：性别",
        "成员必填项为空：健康状况",
        "成员必填项为空：劳动技能",
    }
    assert checked.cells("MB-DIBAO-EMPTY") == {mcell("dibao", 0)}
    assert checked.cells("MB-NO-MED-INS") == {mcell("med", 1)}
    assert checked.cells("MB-MED-INS-EMPTY") == {mcell("med", 2)}
    assert checked.cells("MB-ELDER-NO-PENSION") == {mcell("recv", 4)}


# --------------------------------------------------------------------------- RY-20, 24, 25, 26
def test_tekun_post_and_yulu_rules(tmp_path: Path) -> None:
    extra = [
        ("tekun", "是否特困供养人员"),
        ("post", "公益岗位"),
        ("yulu", "享受教育资助"),
        ("mode", "供养方式"),
        ("care", "自理能力"),
        ("carer", "是否有人照料"),
        ("deal", "赡养协议"),
    ]
    rows = [
        person("8101", "壮年五保", "19800101", True, "户主", tekun="是", dibao="否"),  # 0: RY-20
        person(
            "8101", "病五保", "19810101", True, "之兄", tekun="是", health="长期慢性病", labour="弱劳动力", seq=3
        ),  # 1: none
        child("8101", "童岗", "20100101", True, "之子", school="初二", post="护林员", seq=5),  # 2: RY-24
        person("8101", "成人岗", "19820101", False, "之姐", post="保洁员"),  # 3: none
        child("8101", "童否", "20110101", False, "之女", school="初一", post="否", seq=7),  # 4: none
        child("8101", "普高", "20060101", False, "之女", school="高三", yulu="雨露计划", seq=9),  # 5: RY-25
        child(
            "8101", "中职", "20060101", True, "之子", school="中职三年级", yulu="雨露计划补助3000元", seq=11
        ),  # 6: none
        elder("8102", "失能五保", "19400101", True, "户主", tekun="是", mode="分散供养", care="全失能"),  # 7
        elder(
            "8102", "集中五保", "19410101", True, "之兄", tekun="是", mode="集中供养", care="全失能", seq=3
        ),  # 8: none
        elder(
            "8102", "无协议", "19420101", False, "之姐", tekun="是", mode="分散", care="自理", carer="是", deal=None
        ),  # 9: RY-26 agreement
        elder(
            "8102",
            "有协议",
            "19430101",
            False,
            "之妹",
            tekun="是",
            mode="分散供养",
            care="自理",
            carer="是",
            deal="赡养协议2023-015",
            seq=3,
        ),  # 10: none
    ]
    checked = check_sheets(tmp_path, members_sheet(rows, extra))
    assert checked.cells("MB-TEKUN-ABLE-BODIED") == {mcell("tekun", 0, extra)}
    assert checked.cells("MB-CHILD-PUBLIC-POST") == {mcell("post", 2, extra)}
    assert checked.cells("MB-YULU-NOT-VOCATIONAL") == {mcell("yulu", 5, extra)}
    assert checked.cells("MB-TEKUN-SHOULD-CENTRAL") == {mcell("mode", 7, extra)}
    assert "全失能" in checked.by_rule("MB-TEKUN-SHOULD-CENTRAL")[0].message
    assert checked.cells("MB-TEKUN-NO-AGREEMENT") == {mcell("deal", 9, extra)}


def test_yulu_yes_no_column(tmp_path: Path) -> None:
    extra = [("yulu", "是否享受\n雨露计划")]
    rows = [
        child("8201", "普高", "20060101", False, "之女", school="高二", yulu="是"),  # 0: RY-25
        child("8201", "高职", "20040101", True, "之子", school="高职高专二年级", yulu="是", seq=3),  # 1: none
        child("8201", "初中", "20100101", True, "之子", school="初二", yulu="否", seq=5),  # 2: none
    ]
    checked = check_sheets(tmp_path, members_sheet(rows, extra))
    assert checked.cells("MB-YULU-NOT-VOCATIONAL") == {mcell("yulu", 0, extra)}
