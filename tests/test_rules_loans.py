"""The 金融扶贫 rules (domain.md §3.7, templates/rules/loans.json) on real workbooks.

Two ledgers the way counties keep them: the 扶贫小额信贷 (到户) ledger, amounts in
元, and the 带贫企业贷款 ledger, amounts in 万元. Each test asserts the exact cells a
rule marks and clean or borderline rows where it must stay silent. As-of date:
2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from addin.ledger.table import column_letter
from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets, keyed_cell
from tests.helpers.ids import make_id

D = dt.date

# ------------------------------------------------------------------ 到户 ledger
HH_COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("贷款类型", "loan_kind"),
    ("借款人", "borrower"),
    ("身份证号", "borrower_id"),
    ("户属性", "hh_attr"),
    ("乡镇", "township"),
    ("村", "village"),
    ("贷款银行", "bank"),
    ("合同编号", "contract_no"),
    ("贷款金额\n（元）", "amount"),
    ("放款日期", "loan_date"),
    ("到期日期", "due_date"),
    ("贷款期限（月）", "term"),
    ("贷款用途", "purpose"),
    ("扶贫项目", "project"),
    ("还款情况", "repay_status"),
    ("分红金额", "dividend"),
]

MICRO: dict[str, Any] = {
    "seq": "1",
    "loan_kind": "扶贫小额信贷",
    "borrower": "张大山",
    "borrower_id": make_id("19700312", 31),
    "hh_attr": "脱贫户",
    "township": "新集镇",
    "village": "王岗村",
    "bank": "新县农商银行",
    "contract_no": "XJ2023-0156",
    "amount": 50000,
    "loan_date": D(2023, 3, 15),
    "due_date": D(2026, 3, 15),
    "term": 36,
    "purpose": "发展养牛",
    "project": "肉牛养殖",
    "repay_status": "正常",
    "dividend": None,
}

# ------------------------------------------------------------------ enterprise ledger
ENT_COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("贷款类型", "loan_kind"),
    ("企业名称", "borrower"),
    ("统一社会信用代码", "credit_code"),
    ("乡镇", "township"),
    ("村", "village"),
    ("承贷银行", "bank"),
    ("贷款金额（万元）", "amount"),
    ("放款日期", "loan_date"),
    ("到期日期", "due_date"),
    ("贷款用途", "purpose"),
    ("带贫项目", "project"),
    ("还款情况", "repay_status"),
    ("企业注册地", "ent_local"),
    ("是否有本地\n生产基地", "ent_base"),
    ("是否有扶贫车间", "ent_workshop"),
    ("用工总数", "staff_total"),
    ("贫困群众用工人数", "staff_poor"),
]

ENTERPRISE: dict[str, Any] = {
    "seq": "1",
    "loan_kind": "带贫企业贷款",
    "borrower": "新县羚锐茶业有限公司",
    "credit_code": "91411523MA44XXXX1K",
    "township": "新集镇",
    "village": "王岗村",
    "bank": "中国农业银行新县支行",
    "amount": 300,
    "loan_date": D(2023, 4, 20),
    "due_date": D(2026, 4, 19),
    "purpose": "收购茶青、购置加工设备",
    "project": "茶叶加工带贫项目",
    "repay_status": "正常",
    "ent_local": "是",
    "ent_base": "有",
    "ent_workshop": "有",
    "staff_total": 120,
    "staff_poor": 30,
}


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = HH_COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def sheet(
    name: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], above: list[list[Any]] | None = None
) -> SheetSpec:
    keys = [k for _, k in columns]
    return SheetSpec(
        name,
        [h for h, _ in columns],
        [[r.get(k) for k in keys] for r in rows],
        above=above or [],
        text_columns=[i + 1 for i, k in enumerate(keys) if k in ("borrower_id", "credit_code", "contract_no")],
    )


def micro(**changes: Any) -> dict[str, Any]:
    return {**MICRO, **changes}


def ent(**changes: Any) -> dict[str, Any]:
    return {**ENTERPRISE, **changes}


def check_micro(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None) -> Checked:
    return check_sheets(tmp_path, sheet("小额信贷", HH_COLUMNS, list(rows)), settings=settings)


def check_ent(tmp_path: Path, *rows: dict[str, Any], columns: list[tuple[str, str]] = ENT_COLUMNS) -> Checked:
    return check_sheets(tmp_path, sheet("企业贷款", columns, list(rows)))


def ln_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("LN-")}


def ecell(key: str, excel_row: int) -> str:
    return cell(key, excel_row, ENT_COLUMNS)


# ------------------------------------------------------------------ clean ledgers
def test_clean_household_loans_raise_nothing(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(),
        micro(seq="2", borrower="李桂英", borrower_id=make_id("19681105", 42), amount="5万元", term="3年"),
        micro(seq="3", borrower="王有福", borrower_id=make_id("19590718", 15), hh_attr="监测户",
              loan_date=D(2021, 5, 10), due_date=D(2024, 5, 9), repay_status="已结清", purpose="种植油茶"),
    )  # fmt: skip
    assert ln_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


def test_clean_enterprise_loans_raise_nothing(tmp_path: Path) -> None:
    checked = check_ent(
        tmp_path,
        ent(),
        ent(seq="2", borrower="新县大别山板栗合作社", amount=550, ent_local="新集镇王岗村",
            ent_base=None, ent_workshop=None, staff_total=40, staff_poor=4),
        ent(seq="3", ent_local="信阳市浉河区", ent_base="王岗村茶园基地", ent_workshop="就业帮扶车间（居家式）"),
    )  # fmt: skip
    assert ln_rules(checked) == set()


# ------------------------------------------------------------------ JR-01
def test_ln_no_project(tmp_path: Path) -> None:
    checked = check_micro(tmp_path, micro(), micro(seq="2", project=None), micro(seq="3", project="/"))
    assert checked.cells("LN-NO-PROJECT") == {cell("project", 3), cell("project", 4)}
    assert checked.by_rule("LN-NO-PROJECT")[0].message == "无扶贫项目，一律不贷"


def test_ln_nonproductive_purpose_of_enterprise_loans(tmp_path: Path) -> None:
    checked = check_ent(
        tmp_path,
        ent(purpose="归还他行贷款"),
        ent(seq="2", purpose="购买理财产品"),
        ent(seq="3", purpose="购买原料、支付务工人员工资"),
    )
    assert checked.cells("LN-NONPRODUCTIVE-PURPOSE") == {ecell("purpose", 2), ecell("purpose", 3)}
    assert "LN-HH-NONPRODUCTIVE" not in ln_rules(checked)


# ------------------------------------------------------------------ JR-02 / JR-03 / JR-04
def test_ln_enterprise_not_local_needs_base_and_workshop(tmp_path: Path) -> None:
    checked = check_ent(
        tmp_path,
        ent(ent_local="信阳市浉河区", ent_base="有", ent_workshop="无"),
        ent(seq="2", ent_local="否", ent_base=None, ent_workshop="有（厂房式）"),
        ent(seq="3", ent_local="新集镇王岗村", ent_base=None, ent_workshop=None),  # registered here
        ent(seq="4", ent_local="本地", ent_base="否", ent_workshop="否"),
        ent(seq="5", ent_local="郑州市金水区", ent_base="否", ent_workshop="否"),
    )
    assert checked.cells("LN-ENT-NO-WORKSHOP") == {ecell("ent_workshop", 2), ecell("ent_workshop", 6)}
    assert checked.cells("LN-ENT-NO-LOCAL-BASE") == {ecell("ent_base", 3), ecell("ent_base", 6)}
    assert "注册地：信阳市浉河区" in checked.by_rule("LN-ENT-NO-WORKSHOP")[0].message


def test_ln_enterprise_poor_employment_share(tmp_path: Path) -> None:
    checked = check_ent(
        tmp_path,
        ent(staff_total=100, staff_poor=8),
        ent(seq="2", staff_total=100, staff_poor=10),
        ent(seq="3", staff_total=50, staff_poor=None),
    )
    assert checked.cells("LN-ENT-LOW-POOR-EMPLOYMENT") == {ecell("staff_poor", 2)}
    assert checked.by_rule("LN-ENT-LOW-POOR-EMPLOYMENT")[0].message == "贫困群众用工占比不足10%（8.0%）"


def test_ln_enterprise_over_cap_in_wan_and_yuan(tmp_path: Path) -> None:
    checked = check_ent(tmp_path, ent(amount=600), ent(seq="2", amount=550), ent(seq="3", amount="800万"))
    assert checked.cells("LN-ENT-OVER-CAP") == {ecell("amount", 2), ecell("amount", 4)}
    assert checked.by_rule("LN-ENT-OVER-CAP")[0].message == "贷款额600万元，超过县定控制额度（500万元左右）"

    yuan = [(h.replace("（万元）", "（元）"), k) for h, k in ENT_COLUMNS]
    checked = check_sheets(
        tmp_path,
        sheet("企业贷款", yuan, [ent(amount=6_000_000), ent(seq="2", amount=3_000_000)]),
        name="元.xlsx",
    )
    assert checked.cells("LN-ENT-OVER-CAP") == {ecell("amount", 2)}
    assert "600万元" in checked.by_rule("LN-ENT-OVER-CAP")[0].message


def test_ln_enterprise_rules_skip_household_loans(tmp_path: Path) -> None:
    extra = [("用工总数", "staff_total"), ("贫困群众用工人数", "staff_poor"), ("企业注册地", "ent_local")]
    columns = [*HH_COLUMNS, *extra]
    checked = check_sheets(
        tmp_path,
        sheet("小额信贷", columns, [micro(staff_total=10, staff_poor=0, ent_local="否", amount=6_000_000)]),
    )
    assert not {"LN-ENT-LOW-POOR-EMPLOYMENT", "LN-ENT-NO-LOCAL-BASE", "LN-ENT-OVER-CAP"} & ln_rules(checked)


# ------------------------------------------------------------------ JR-05
def test_ln_micro_over_amount(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(amount=60000),
        micro(seq="2", amount=50000),
        micro(seq="3", amount="8万元"),
    )
    assert checked.cells("LN-MICRO-OVER-AMOUNT") == {cell("amount", 2), cell("amount", 4)}
    assert checked.by_rule("LN-MICRO-OVER-AMOUNT")[0].message == "扶贫小额信贷超过5万元（6万元）"


def test_ln_micro_amount_without_unit_in_header(tmp_path: Path) -> None:
    """A header without a unit defaults to 万元; 50000 there is obviously 元, "8万" is 8 万元."""
    columns = [("贷款金额" if k == "amount" else h, k) for h, k in HH_COLUMNS]
    rows = [
        micro(amount=50000),
        micro(seq="2", amount="8万"),
        micro(seq="3", amount=3),
        micro(seq="4", amount="60000元"),
    ]
    checked = check_sheets(tmp_path, sheet("小额信贷", columns, rows))
    assert checked.cells("LN-MICRO-OVER-AMOUNT") == {cell("amount", 3), cell("amount", 5)}


def test_ln_micro_over_term_and_duration(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(term=60, due_date=D(2028, 3, 15)),  # the term says it: marked there only
        micro(seq="2", term=None, due_date=D(2027, 3, 15)),
        micro(seq="3", term="3年", due_date=D(2026, 3, 16)),  # 36 months and a day: accepted
    )
    assert checked.cells("LN-MICRO-OVER-TERM") == {cell("term", 2)}
    assert checked.cells("LN-MICRO-OVER-DURATION") == {cell("due_date", 3)}
    assert checked.by_rule("LN-MICRO-OVER-TERM")[0].message == "扶贫小额信贷超过3年期（期限60个月）"
    assert checked.by_rule("LN-MICRO-OVER-DURATION")[0].message == "扶贫小额信贷超过3年期（放款至到期48个月）"


def test_ln_micro_term_in_years(tmp_path: Path) -> None:
    columns = [("贷款期限（年）" if k == "term" else h, k) for h, k in HH_COLUMNS]
    checked = check_sheets(
        tmp_path,
        sheet("小额信贷", columns, [micro(term=3), micro(seq="2", term=5, due_date=D(2028, 3, 15))]),
    )
    assert checked.cells("LN-MICRO-OVER-TERM") == {cell("term", 3)}
    assert "LN-TERM-MISMATCH" not in ln_rules(checked)


# ------------------------------------------------------------------ JR-06
def test_ln_borrower_age(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(borrower_id=make_id("19550110", 31)),  # 68 at the loan date
        micro(seq="2", borrower_id=make_id("20050801", 42)),  # 17
        micro(seq="3", borrower_id=make_id("19570410", 53)),  # 65 (birthday after the loan date)
        micro(seq="4", borrower_id=make_id("20050315", 64)),  # 18 on the loan date
    )
    assert checked.cells("LN-BORROWER-AGE") == {cell("borrower_id", 2), cell("borrower_id", 3)}
    assert checked.by_rule("LN-BORROWER-AGE")[0].message == "借款人年龄不在18—65周岁（县定口径）：放款时68周岁"


# ------------------------------------------------------------------ JR-07 with the roster
ROSTER_COLUMNS: list[tuple[str, str]] = [
    ("乡镇", "township"),
    ("行政村", "village"),
    ("户编号", "hh_no"),
    ("户主姓名", "head_name"),
    ("户主身份证号", "head_id"),
    ("家庭人口数", "hh_size"),
    ("脱贫状态", "exit_status"),
    ("户类型", "hh_type"),
]
MEMBER_COLUMNS: list[tuple[str, str]] = [
    ("户编号", "hh_no"),
    ("姓名", "name"),
    ("性别", "sex"),
    ("证件号码", "id_no"),
    ("与户主关系", "relation"),
    ("民族", "ethnicity"),
    ("劳动技能", "labour"),
    ("健康状况", "health"),
]

HEAD_A, WIFE_A, HEAD_B, STRANGER = (
    make_id("19700312", 31),
    make_id("19720506", 42),
    make_id("19660909", 15),
    make_id("19750101", 77),
)


def roster_sheets(with_members: bool = True) -> list[SheetSpec]:
    households = [
        {"township": "新集镇", "village": "王岗村", "hh_no": "411523101001", "head_name": "张大山",
         "head_id": HEAD_A, "hh_size": 2, "exit_status": "已脱贫（享受政策）", "hh_type": "脱贫户"},
        {"township": "新集镇", "village": "王岗村", "hh_no": "411523101002", "head_name": "王有福",
         "head_id": HEAD_B, "hh_size": 1, "exit_status": None, "hh_type": "一般农户"},
    ]  # fmt: skip
    members = [
        {"hh_no": "411523101001", "name": "张大山", "sex": "男", "id_no": HEAD_A, "relation": "户主",
         "ethnicity": "汉族", "labour": "普通劳动力", "health": "健康"},
        {"hh_no": "411523101001", "name": "刘秀英", "sex": "女", "id_no": WIFE_A, "relation": "配偶",
         "ethnicity": "汉族", "labour": "普通劳动力", "health": "健康"},
        {"hh_no": "411523101002", "name": "王有福", "sex": "男", "id_no": HEAD_B, "relation": "户主",
         "ethnicity": "汉族", "labour": "普通劳动力", "health": "健康"},
    ]  # fmt: skip
    out = [sheet("户表", ROSTER_COLUMNS, households)]
    if with_members:
        out.append(sheet("人表", MEMBER_COLUMNS, members))
    return out


def test_ln_borrower_not_in_roster_or_not_poor(tmp_path: Path) -> None:
    loans = [
        micro(),  # the head of a 脱贫户
        micro(seq="2", borrower="刘秀英", borrower_id=WIFE_A),  # his wife, a member
        micro(seq="3", borrower="王有福", borrower_id=HEAD_B),  # the head of a 一般农户
        micro(seq="4", borrower="陈明", borrower_id=STRANGER),  # nobody of 王岗村
        micro(seq="5", borrower="陈明", borrower_id=STRANGER, village="大栗园村"),  # the roster does not cover it
    ]
    checked = check_sheets(tmp_path, *roster_sheets(), sheet("小额信贷", HH_COLUMNS, loans))
    assert checked.cells("LN-BORROWER-NOT-POOR") == {cell("borrower_id", 4)}
    assert checked.cells("LN-BORROWER-NOT-IN-ROSTER") == {cell("borrower_id", 5)}
    assert all(f.sheet == "小额信贷" for f in checked.by_rule("LN-BORROWER-NOT-IN-ROSTER"))


def test_ln_borrower_roster_rules_need_the_roster(tmp_path: Path) -> None:
    loans = [micro(seq="4", borrower="陈明", borrower_id=STRANGER)]
    alone = check_sheets(tmp_path, sheet("小额信贷", HH_COLUMNS, loans))
    assert not {"LN-BORROWER-NOT-IN-ROSTER", "LN-BORROWER-NOT-POOR"} & ln_rules(alone)
    # without the member roster a borrower who heads no household may still be a member
    no_members = check_sheets(
        tmp_path, *roster_sheets(with_members=False), sheet("小额信贷", HH_COLUMNS, loans), name="b.xlsx"
    )
    assert "LN-BORROWER-NOT-IN-ROSTER" not in ln_rules(no_members)


def test_ln_household_attribute_not_poor(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(hh_attr="一般农户"),
        micro(seq="2", hh_attr="非贫困户"),
        micro(seq="3", hh_attr="一般农户（边缘易致贫户）"),
        micro(seq="4", hh_attr="一般贫困户"),
    )
    assert checked.cells("LN-HH-ATTR-NOT-POOR") == {cell("hh_attr", 2), cell("hh_attr", 3)}


# ------------------------------------------------------------------ JR-08
def test_ln_household_purpose(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(purpose="儿子结婚"),
        micro(seq="2", purpose="建房"),
        micro(seq="3", purpose="入股合作社分红"),
        micro(seq="4", purpose="交由企业统一经营", dividend=None),
        micro(seq="5", purpose="发展养殖", dividend=3000),
        micro(seq="6", purpose="购买仔猪、饲料"),
    )
    assert checked.cells("LN-HH-NONPRODUCTIVE") == {cell("purpose", 2), cell("purpose", 3)}
    assert checked.cells("LN-HH-TO-ENTERPRISE") == {cell("purpose", 4), cell("purpose", 5)}
    assert checked.cells("LN-HH-DIVIDEND") == {cell("dividend", 6)}
    assert checked.by_rule("LN-HH-NONPRODUCTIVE")[0].message == "贷款用途违规（非生产性）：“儿子结婚”"
    assert "LN-NONPRODUCTIVE-PURPOSE" not in ln_rules(checked)


# ------------------------------------------------------------------ JR-09 / JR-10
def test_ln_overdue(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(loan_date=D(2021, 6, 30), due_date=D(2024, 6, 30), repay_status="正常"),
        micro(seq="2", loan_date=D(2021, 6, 30), due_date=D(2024, 6, 30), repay_status="已结清"),
        micro(seq="3", loan_date=D(2021, 6, 30), due_date=D(2024, 6, 30), repay_status="展期"),
        micro(seq="4", loan_date=D(2021, 7, 17), due_date=D(2024, 7, 17), repay_status="正常"),
    )
    assert checked.cells("LN-OVERDUE") == {cell("due_date", 2)}
    assert checked.by_rule("LN-OVERDUE")[0].message == "贷款已逾期（2024-06-30到期，还款情况：正常）"


def test_ln_term_mismatch(tmp_path: Path) -> None:
    checked = check_micro(
        tmp_path,
        micro(term=36, due_date=D(2025, 3, 15)),
        micro(seq="2", term=36, due_date=D(2026, 3, 14)),  # a day short of 36 months: fine
    )
    assert checked.cells("LN-TERM-MISMATCH") == {cell("term", 2)}
    assert checked.by_rule("LN-TERM-MISMATCH")[0].message == "贷款期限与起止日期不符（期限36个月，放款至到期24个月）"


# ------------------------------------------------------------------ loan kind from the title
def test_ln_loan_kind_from_the_sheet_title(tmp_path: Path) -> None:
    columns = [c for c in HH_COLUMNS if c[1] != "loan_kind"]
    rows = [micro(amount=80000)]
    title = [["2023年度扶贫小额信贷发放台账"], ["填报单位：新集镇人民政府"]]
    checked = check_sheets(tmp_path, sheet("Sheet1", columns, rows, above=title))
    keys = [k for _, k in columns]
    assert checked.cells("LN-MICRO-OVER-AMOUNT") == {f"{column_letter(keys.index('amount') + 1)}4"}
