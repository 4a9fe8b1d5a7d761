"""Household-roster single-table rules (templates/rules/households.json: domain §3.3 HH-06…HH-55
and §5 RISK-01/02/05/06), checked on real .xlsx 户表 workbooks.

Each test builds a small roster of realistic households (incomes balanced unless a test
unbalances them on purpose) and asserts the exact cells a rule marks, plus clean or
borderline rows it must leave alone. As-of date 2024-07-17 (monitoring line 8050 元).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from addin.ledger.idcard import check_digit
from addin.ledger.table import column_letter
from addin.resources import template_path
from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets

MY_RULES = frozenset(
    rule["id"] for rule in json.loads((template_path("rules") / "households.json").read_text(encoding="utf-8"))["rules"]
)

COLUMNS: list[tuple[str, str]] = [
    ("seq", "序号"),
    ("town", "乡镇"),
    ("village", "行政村"),
    ("hh", "户编号"),
    ("head", "户主姓名"),
    ("head_id", "户主身份证号"),
    ("size", "家庭\n人口数"),
    ("phone", "联系电话"),
    ("bank", "开户银行"),
    ("acct", "银行卡号"),
    ("attr", "贫困户属性"),
    ("exit", "脱贫状态"),
    ("id_year", "识别年度"),
    ("exit_year", "脱贫年度"),
    ("cause", "主要致贫原因"),
    ("other", "其他致贫原因"),
    ("farm", "耕地面积（亩）"),
    ("irrig", "有效灌溉面积（亩）"),
    ("forest", "林地面积（亩）"),
    ("area", "住房面积（平方米）"),
    ("danger", "是否危房户"),
    ("grade", "危房等级"),
    ("wdiff", "饮水是否困难"),
    ("wsafe", "饮水是否安全"),
    ("wage", "工资性收入（元）"),
    ("biz", "生产经营性收入（元）"),
    ("exp", "生产经营性支出（元）"),
    ("prop", "财产性收入（元）"),
    ("trans", "转移性收入（元）"),
    ("fp", "计划生育金"),
    ("dibao", "低保金"),
    ("tekun", "特困供养金"),
    ("pension", "养老保险金"),
    ("eco", "生态补偿金"),
    ("tro", "其他转移性收入"),
    ("total", "家庭总收入（元）"),
    ("net", "家庭纯收入（元）"),
    ("pc", "人均纯收入\n（元）"),
    ("prev", "上年人均纯收入"),
    ("prev2", "前年人均纯收入"),
    ("rigid", "刚性支出"),
    ("helper", "帮扶责任人"),
    ("hunit", "帮扶单位"),
    ("measures", "帮扶措施"),
    ("handbook", "是否有扶贫手册"),
    ("eval", "民主评议时间"),
    ("pub", "公示时间"),
    ("ann", "公告时间"),
    ("signed", "户签字确认"),
]

TRANSFER_PARTS = ("fp", "dibao", "tekun", "pension", "eco", "tro")


def pid(birth: str, seq: int, male: bool = True) -> str:
    first17 = f"420624{birth}{seq % 100:02d}{1 if male else 2}"
    return first17 + check_digit(first17)


def _num(v: Any) -> float:
    return float(v) if isinstance(v, int | float) else 0.0


def household(n: int, **kw: Any) -> dict[str, Any]:
    """A clean exited household (number ``n``); transfer, total, net and per-capita income are
    computed from the components unless given."""
    row: dict[str, Any] = {
        "town": "新集镇",
        "village": "王岗村",
        "hh": f"42062410{n:04d}",
        "head": f"王{n}",
        "head_id": pid("19700101", n),
        "size": 3,
        "phone": "13812345678",
        "bank": "县农商银行",
        "acct": f"62284800123456{n:05d}",
        "attr": "一般脱贫户",
        "exit": "已脱贫（享受政策）",
        "id_year": 2014,
        "exit_year": 2016,
        "cause": "因病",
        "other": "缺资金",
        "farm": 4.5,
        "irrig": 3,
        "forest": 10,
        "area": 120,
        "danger": "否",
        "grade": "A",
        "wdiff": "否",
        "wsafe": "是",
        "wage": 24000,
        "biz": 6000,
        "exp": 1500,
        "prop": 300,
        "fp": 0,
        "dibao": 0,
        "tekun": 0,
        "pension": 1200,
        "eco": 200,
        "tro": 1000,
        "prev": 9800,
        "prev2": 9100,
        "rigid": 3000,
        "helper": f"帮扶人{n}",
        "hunit": "县财政局",
        "measures": "家庭医生签约、产业奖补",
        "handbook": "是",
        "eval": dt.date(2016, 10, 8),
        "pub": dt.date(2016, 10, 12),
        "ann": dt.date(2016, 10, 25),
        "signed": "是",
    }
    row.update(kw)
    if "trans" not in kw:
        row["trans"] = sum(_num(row.get(k)) for k in TRANSFER_PARTS)
    if "total" not in kw:
        row["total"] = sum(_num(row.get(k)) for k in ("wage", "biz", "prop", "trans"))
    if "net" not in kw:
        row["net"] = _num(row["total"]) - _num(row.get("exp"))
    if "pc" not in kw and _num(row.get("size")):
        row["pc"] = round(_num(row["net"]) / _num(row["size"]), 2)
    return row


def only_income(n: int, pc: float, **kw: Any) -> dict[str, Any]:
    """A one-person household whose only income is wages of ``pc`` 元."""
    values: dict[str, Any] = {"size": 1, "wage": pc, "biz": 0, "exp": 0, "prop": 0, "prev": None, "prev2": None}
    values.update({k: 0 for k in TRANSFER_PARTS})
    values.update(kw)
    return household(n, **values)


def sheet(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]] = COLUMNS,
    drop: Sequence[str] = (),
    name: str = "脱贫户信息",
) -> SheetSpec:
    cols = [c for c in columns if c[0] not in drop]
    keys = [k for k, _ in cols]
    data = [[i + 1 if k == "seq" else row.get(k) for k in keys] for i, row in enumerate(rows)]
    text_cols = [keys.index(k) + 1 for k in ("hh", "head_id", "acct", "id") if k in keys]
    return SheetSpec(name, [h for _, h in cols], data, text_columns=text_cols)


def cell(key: str, i: int, columns: Sequence[tuple[str, str]] = COLUMNS, drop: Sequence[str] = ()) -> str:
    """Address of field ``key`` on data row ``i`` (0-based) of a sheet() without title lines."""
    keys = [k for k, _ in columns if k not in drop]
    return f"{column_letter(keys.index(key) + 1)}{i + 2}"


def check(tmp_path: Path, rows: Sequence[dict[str, Any]], **kw: Any) -> Checked:
    settings = kw.pop("settings", None)
    return check_sheets(tmp_path, sheet(rows, **kw), settings=settings)


def mine(checked: Checked) -> set[tuple[str, str | None]]:
    return {(f.rule, f.cell) for f in checked.findings if f.rule in MY_RULES}


def message(checked: Checked, rule: str) -> str:
    (finding,) = checked.by_rule(rule)
    return finding.message


# --------------------------------------------------------------------------- clean data
def clean_households() -> list[dict[str, Any]]:
    """Varied realistic households that break none of the rules."""
    return [
        household(1),
        household(2, cause="缺技术", other=None, measures="雨露计划短期技能培训、转移就业"),
        household(3, cause="缺资金", other="缺技术", measures="扶贫小额信贷、技能培训"),
        household(
            4,
            attr="低保脱贫户",
            cause="因残",
            other=None,
            wage=8000,
            biz=2000,
            exp=600,
            dibao=3600,
            pension=1980,
            tro=1200,
            measures="低保、残疾人两项补贴",
            size=2,
            prev=8000,
            prev2=7600,
        ),
        household(
            5,
            attr="特困供养贫困户",
            exit="未脱贫",
            exit_year=None,
            cause="缺劳力",
            other=None,
            size=1,
            wage=0,
            biz=0,
            exp=0,
            tekun=6000,
            pension=1500,
            tro=0,
            eco=0,
            measures="特困供养、医疗救助",
            eval=None,
            pub=None,
            ann=None,
            signed=None,
            prev=None,
            prev2=None,
        ),
        household(6, cause="因学", other="缺资金", measures="两免一补、雨露计划（中高职补助）", id_year="2014年10月"),
        household(
            7,
            exit="已脱贫（不再享受政策）",
            helper=None,
            hunit=None,
            handbook="否",
            cause="缺水",
            measures="入户自来水",
        ),
    ]


def test_clean_roster_has_no_findings(tmp_path: Path) -> None:
    checked = check(tmp_path, clean_households())
    assert [t.kind for t in checked.ledgers.tables] == ["households"]
    assert mine(checked) == set()


def test_rules_do_not_apply_when_columns_are_missing(tmp_path: Path) -> None:
    """A short roster (no measures, helpers, land, housing, procedure, components): nothing to say."""
    keep = {"seq", "village", "hh", "head", "size", "attr", "exit", "cause", "pc"}
    drop = [k for k, _ in COLUMNS if k not in keep]
    rows = [
        household(1, pc=9500),
        household(2, attr="一般贫困户", exit="未脱贫", pc=6200),
        household(3, cause="缺技术", pc=12000),
    ]
    checked = check(tmp_path, rows, drop=drop)
    assert [t.kind for t in checked.ledgers.tables] == ["households"]
    assert mine(checked) == set()


# --------------------------------------------------------------------------- attributes and causes
def test_attribute_rules(tmp_path: Path) -> None:
    rows = [
        household(1, attr=None),  # HH-ATTR-EMPTY
        household(2, attr="困难户"),  # HH-ATTR-INVALID
        household(3, attr="一般贫困户"),  # still says 贫困户 although exited: HH-ATTR-STATUS-MISMATCH
        household(4, attr="低保脱贫户", exit="未脱贫", exit_year=None, dibao=3000),  # says 脱贫户 but poor
        household(5, attr="低保", dibao=3000),  # base name only: no mismatch possible
        household(6, attr="一般贫困户", exit="返贫", exit_year=2016),  # poor again, attribute fits
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-ATTR-EMPTY") == {cell("attr", 0)}
    assert checked.cells("HH-ATTR-INVALID") == {cell("attr", 1)}
    assert message(checked, "HH-ATTR-INVALID") == "贫困户属性不规范：“困难户”不是一般/低保/特困供养贫困户（脱贫户）"
    assert checked.cells("HH-ATTR-STATUS-MISMATCH") == {cell("attr", 2), cell("attr", 3)}


def test_dibao_and_tekun_allowances(tmp_path: Path) -> None:
    rows = [
        household(1, attr="低保脱贫户", dibao=None),  # HH-DIBAO-NO-ALLOWANCE
        household(2, attr="低保脱贫户", dibao=60),  # too low
        household(3, attr="低保脱贫户", dibao=100),  # borderline: fine
        household(4, attr="特困供养贫困户", exit="未脱贫", exit_year=None, tekun=0),  # HH-TEKUN-NO-ALLOWANCE
        household(5, attr="一般脱贫户", tekun=3000),  # HH-TEKUN-ALLOWANCE-NOT-TEKUN
        household(6, attr="低保脱贫户", dibao=2400, tekun=3000),  # both + not tekun: HH-DIBAO-AND-TEKUN
        household(7, attr="低保特困供养贫困户", exit="未脱贫", exit_year=None, dibao=2400, tekun=3000),  # both legit
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-DIBAO-NO-ALLOWANCE") == {cell("dibao", 0), cell("dibao", 1)}
    assert checked.cells("HH-TEKUN-NO-ALLOWANCE") == {cell("tekun", 3)}
    assert checked.cells("HH-TEKUN-ALLOWANCE-NOT-TEKUN") == {cell("attr", 4), cell("attr", 5)}
    assert checked.by_rule("HH-TEKUN-ALLOWANCE-NOT-TEKUN")[0].message == (
        "特困供养属性与特困供养金不符：一般脱贫户领取特困供养金3000元"
    )
    assert checked.cells("HH-DIBAO-AND-TEKUN") == {cell("tekun", 5)}
    assert message(checked, "HH-DIBAO-AND-TEKUN") == "同时领取低保金（2400元）和特困供养金（3000元）"


def test_cause_rules(tmp_path: Path) -> None:
    rows = [
        household(1, cause=None),  # HH-CAUSE-EMPTY
        household(2, cause="懒惰"),  # HH-CAUSE-INVALID
        household(3, cause="因意外事故"),  # a monitoring risk type, not a 建档立卡 cause
        household(4, cause="因病", other="因学、缺资金、缺技术"),  # HH-OTHER-CAUSES-TOO-MANY
        household(5, cause="因病", other="因病、缺资金"),  # HH-OTHER-CAUSE-REPEATS-MAIN
        household(6, cause="因病致贫", other="缺资金、缺技术"),  # synonyms; two others: fine
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-CAUSE-EMPTY") == {cell("cause", 0)}
    assert checked.cells("HH-CAUSE-INVALID") == {cell("cause", 1), cell("cause", 2)}
    assert checked.cells("HH-OTHER-CAUSES-TOO-MANY") == {cell("other", 3)}
    assert message(checked, "HH-OTHER-CAUSES-TOO-MANY") == "其他致贫原因超过2项（3项）"
    assert checked.cells("HH-OTHER-CAUSE-REPEATS-MAIN") == {cell("other", 4)}


def test_cause_checks_skip_households_never_registered(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("type", "户类型"), ("mtype", "监测对象类别")]
    rows = [
        household(1, type="一般农户", attr=None, exit=None, exit_year=None, cause=None, measures=None),
        household(2, type="监测户", mtype="边缘易致贫户", attr=None, exit=None, exit_year=None, cause="因病"),
        household(3, type="监测户", mtype="脱贫不稳定户", attr=None, cause="因病"),  # registered: attr needed
    ]
    checked = check(tmp_path, rows, columns=columns)
    assert checked.cells("HH-ATTR-EMPTY") == {cell("attr", 2, columns)}
    assert checked.by_rule("HH-CAUSE-EMPTY") == []


# --------------------------------------------------------------------------- measures
def test_cause_measure_rules_on_a_measures_column(tmp_path: Path) -> None:
    rows = [
        household(1, cause="缺技术", other=None, measures="转移就业、产业奖补"),  # HH-SKILLS-NO-TRAINING
        household(2, cause="缺技术", other=None, measures="农村实用技术培训"),
        household(3, cause="缺资金", other=None, measures="教育资助"),  # HH-CAPITAL-NO-FINANCE
        household(4, cause="缺资金", other=None, measures="光伏扶贫"),  # 产业 counts for 缺资金
        household(5, cause="因学", other=None, measures="医疗救助"),  # HH-MEASURE-CAUSE-MISMATCH
        household(6, cause="因学", other=None, measures="两免一补、医疗救助"),
        household(7, attr="一般贫困户", exit="未脱贫", exit_year=None, measures=None),  # HH-NO-MEASURES
        household(8, cause="缺技术", other=None, measures=None),  # exited, nothing recorded: not HH-21/24
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-SKILLS-NO-TRAINING") == {cell("measures", 0)}
    assert message(checked, "HH-SKILLS-NO-TRAINING") == (
        "致贫原因为缺技术但无技能培训措施（现有措施：产业扶贫（M01）、就业扶贫（M02））"
    )
    assert checked.cells("HH-CAPITAL-NO-FINANCE") == {cell("measures", 2)}
    assert checked.cells("HH-MEASURE-CAUSE-MISMATCH") == {cell("measures", 4)}
    assert message(checked, "HH-MEASURE-CAUSE-MISMATCH") == (
        "帮扶措施与致贫原因不匹配：致贫原因为因学，现有措施为健康扶贫（M05），应至少有教育扶贫（M04）之一"
    )
    assert checked.cells("HH-NO-MEASURES") == {cell("measures", 6)}


MEASURE_COLUMNS = [
    *[c for c in COLUMNS if c[0] != "measures"],
    ("m_industry", "产业帮扶"),
    ("m_job", "就业帮扶"),
    ("m_training", "技能培训"),
    ("m_edu", "教育帮扶"),
    ("m_health", "健康帮扶"),
    ("m_finance", "金融帮扶"),
]


def test_cause_measure_rules_on_one_column_per_measure(tmp_path: Path) -> None:
    def hh(n: int, **kw: Any) -> dict[str, Any]:
        values = {"m_industry": "否", "m_job": "否", "m_training": "否", "m_edu": "无", "m_health": "是"}
        values.update(kw)
        return household(n, **values)

    rows = [
        hh(1, cause="缺技术", other=None, m_industry="√", m_health=None),  # HH-SKILLS-NO-TRAINING at 技能培训
        hh(2, cause="缺技术", other=None, m_training="参加养殖技术培训"),
        hh(3, cause="缺资金", other=None, m_finance=0, m_health=None, m_edu="是"),  # HH-CAPITAL-NO-FINANCE
        hh(4, cause="缺资金", other=None, m_finance="5万元"),
        hh(5, attr="一般贫困户", exit="未脱贫", exit_year=None, m_health="未享受", m_finance=None),  # HH-NO-MEASURES
        hh(6, cause="因学", other=None, m_edu="雨露计划3000元", m_health=None),
    ]
    checked = check(tmp_path, rows, columns=MEASURE_COLUMNS)
    assert checked.cells("HH-SKILLS-NO-TRAINING") == {cell("m_training", 0, MEASURE_COLUMNS)}
    assert checked.cells("HH-CAPITAL-NO-FINANCE") == {cell("m_finance", 2, MEASURE_COLUMNS)}
    assert checked.cells("HH-NO-MEASURES") == {cell("m_industry", 4, MEASURE_COLUMNS)}
    assert checked.by_rule("HH-MEASURE-CAUSE-MISMATCH") == []


def test_measure_rules_need_a_measure_column(tmp_path: Path) -> None:
    rows = [household(1, attr="一般贫困户", exit="未脱贫", exit_year=None, cause="缺技术", other=None)]
    checked = check(tmp_path, rows, drop=["measures"])
    assert {r for r, _ in mine(checked)} & {"HH-NO-MEASURES", "HH-SKILLS-NO-TRAINING"} == set()


def test_cause_homogeneity_per_village(tmp_path: Path) -> None:
    def village(name: str, start: int, causes: list[str]) -> list[dict[str, Any]]:
        measures = {"缺技术": "技能培训", "缺资金": "小额信贷", "因病": "医疗救助"}
        return [
            household(start + i, village=name, cause=c, other=None, measures=measures[c]) for i, c in enumerate(causes)
        ]

    rows = [
        *village("王岗村", 1, ["因病", *["缺技术"] * 5, *["缺资金"] * 4]),  # 9 of 10: one finding
        *village("沙坪村", 20, ["因病"] * 3 + ["缺技术"] * 7),  # 70 %: fine
        *village("石桥村", 40, ["缺资金"] * 9),  # only 9 households: fine
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-CAUSE-HOMOGENEOUS") == {cell("cause", 1)}
    assert message(checked, "HH-CAUSE-HOMOGENEOUS") == "王岗村致贫原因高度雷同（缺技术/缺资金占90%，9/10户）"
    lenient = check_sheets(tmp_path, sheet(rows), settings=Settings(params={"cause_homogeneity": 0.7}), name="宽.xlsx")
    assert lenient.cells("HH-CAUSE-HOMOGENEOUS") == {cell("cause", 1), cell("cause", 13)}


# --------------------------------------------------------------------------- years, exit
def test_exit_timing_rules(tmp_path: Path) -> None:
    rows = [
        household(1, id_year=2015, exit_year=2015),  # HH-EXIT-SAME-YEAR
        household(2, id_year="2014年5月", exit_year="2014年12月"),  # HH-EXIT-TOO-FAST (7 months)
        household(3, id_year="2014年5月", exit_year="2015年6月"),  # 13 months: fine
        household(4, id_year="2014年5月", exit_year=2015),  # months unknown, years differ: fine
        household(5, id_year=2016, exit_year=2015),  # HH-EXIT-BEFORE-ID
        household(6, id_year="2016年8月", exit_year="2016年3月"),  # HH-EXIT-BEFORE-ID (by months)
        household(7, attr="一般贫困户", exit="未脱贫", exit_year=2016),  # HH-POOR-WITH-EXIT-YEAR
        household(8, attr="一般贫困户", exit="返贫", exit_year=2016),  # returned: fine
        household(9, exit_year=None),  # HH-EXITED-NO-EXIT-YEAR
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-EXIT-SAME-YEAR") == {cell("exit_year", 0)}
    assert message(checked, "HH-EXIT-SAME-YEAR") == (
        "识别与退出在同一年度（2015年），识别到退出不足12个月，脱贫真实性存疑"
    )
    assert checked.cells("HH-EXIT-TOO-FAST") == {cell("exit_year", 1)}
    assert message(checked, "HH-EXIT-TOO-FAST") == "识别到退出仅7个月，脱贫真实性存疑"
    assert checked.cells("HH-EXIT-BEFORE-ID") == {cell("exit_year", 4), cell("exit_year", 5)}
    assert checked.cells("HH-POOR-WITH-EXIT-YEAR") == {cell("exit_year", 6)}
    assert checked.cells("HH-EXITED-NO-EXIT-YEAR") == {cell("exit_year", 8)}


def test_exited_income_below_poverty_line(tmp_path: Path) -> None:
    rows = [
        only_income(1, 3000, exit_year=2016),  # 2016 line 3026: HH-EXITED-BELOW-LINE
        only_income(2, 3100, exit_year=2016),
        only_income(3, 3900, exit_year=2020, id_year=2016),  # 2020 line 4000
        only_income(4, 3900, exit_year=2019, id_year=2016),  # 2019 line 3747: fine
        only_income(5, 2500, attr="一般贫困户", exit="未脱贫", exit_year=None),  # not exited
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-EXITED-BELOW-LINE") == {cell("pc", 0), cell("pc", 2)}
    assert checked.by_rule("HH-EXITED-BELOW-LINE")[0].message == (
        "脱贫户人均纯收入3000元，低于当年扶贫标准3026元（按2016年）"
    )


def test_exited_housing_and_water(tmp_path: Path) -> None:
    rows = [
        household(1, danger="是", grade="C"),  # HH-EXITED-DANGER-HOUSE at 是否危房户
        household(2, danger="否", grade="D级"),  # at 危房等级
        household(3, attr="一般贫困户", exit="未脱贫", exit_year=None, danger="是", grade="C"),  # not exited
        household(4, danger="是", grade=None),  # HH-DANGER-NO-GRADE (and still a danger house)
        household(5, wdiff="是"),  # HH-EXITED-UNSAFE-WATER at 饮水是否困难
        household(6, wsafe="否"),  # at 饮水是否安全
        household(7, attr="一般贫困户", exit="未脱贫", exit_year=None, wsafe="否"),
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-EXITED-DANGER-HOUSE") == {cell("danger", 0), cell("grade", 1), cell("danger", 3)}
    assert checked.cells("HH-DANGER-NO-GRADE") == {cell("grade", 3)}
    assert checked.cells("HH-EXITED-UNSAFE-WATER") == {cell("wdiff", 4), cell("wsafe", 5)}


def test_exit_procedure(tmp_path: Path) -> None:
    rows = [
        household(1, pub=None),  # HH-EXIT-PROCEDURE-MISSING at 公示时间
        household(2, signed=None, eval=None),  # two missing
        household(3, signed="否"),  # HH-EXIT-NOT-SIGNED
        household(4, eval=dt.date(2016, 10, 15)),  # 评议 after 公示: HH-EXIT-PROCEDURE-ORDER at 公示
        household(5, ann=dt.date(2016, 10, 10)),  # 公告 before 公示: at 公告
        household(6, ann=dt.date(2016, 10, 17)),  # 5 days: HH-EXIT-PUBLICITY-SHORT
        household(7, ann=dt.date(2016, 10, 19)),  # 7 days: fine
        household(8, pub="2016年10月", ann=dt.date(2016, 10, 20), eval="2016年10月"),  # months: fine
        household(9, attr="一般贫困户", exit="未脱贫", exit_year=None, eval=None, pub=None, ann=None, signed=None),
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-EXIT-PROCEDURE-MISSING") == {cell("pub", 0), cell("signed", 1), cell("eval", 1)}
    assert checked.by_rule("HH-EXIT-PROCEDURE-MISSING")[0].message == (
        "退出程序不完整：未填写“公示时间”（评议→核实→户认可→公示≥7天→公告）"
    )
    assert checked.cells("HH-EXIT-NOT-SIGNED") == {cell("signed", 2)}
    assert checked.cells("HH-EXIT-PROCEDURE-ORDER") == {cell("pub", 3), cell("ann", 4)}
    assert checked.cells("HH-EXIT-PUBLICITY-SHORT") == {cell("ann", 5)}
    assert message(checked, "HH-EXIT-PUBLICITY-SHORT").startswith("退出程序不符：公示到公告仅5天，公示期不足7天")


# --------------------------------------------------------------------------- income
def test_income_arithmetic(tmp_path: Path) -> None:
    base = household(1)
    rows = [
        household(1, total=base["total"] + 500, net=base["net"]),  # HH-INCOME-TOTAL-MISMATCH only
        household(2, net=base["net"] - 800, pc=(base["net"] - 800) / 3),  # HH-INCOME-NET-MISMATCH only
        household(3, pc=base["pc"] + 50),  # HH-INCOME-PC-MISMATCH
        household(4, pc=round(base["net"] / 3) + 0.6),  # within 1 元: fine
        household(5, trans=2000),  # parts 2400 > 2000: HH-TRANSFER-PARTS-EXCEED
        household(6, trans=3000, total=base["total"] + 600, net=base["net"] + 600, pc=(base["net"] + 600) / 3),
        household(7, biz=3000, exp=None),  # HH-BUSINESS-NO-EXPENSE
        household(8, biz=0, exp=None),
        household(9, eco=-200),  # HH-NEGATIVE-MONEY
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-INCOME-TOTAL-MISMATCH") == {cell("total", 0)}
    assert checked.by_rule("HH-INCOME-TOTAL-MISMATCH")[0].message == (
        "收入计算不平：家庭总收入33200元，工资性、生产经营性、财产性、转移性收入合计32700元"
    )
    assert checked.cells("HH-INCOME-NET-MISMATCH") == {cell("net", 1)}
    assert checked.cells("HH-INCOME-PC-MISMATCH") == {cell("pc", 2)}
    assert message(checked, "HH-INCOME-PC-MISMATCH") == (
        "收入计算不平：人均纯收入10450元，家庭纯收入÷家庭人口数应为10400.00元"
    )
    assert checked.cells("HH-TRANSFER-PARTS-EXCEED") == {cell("trans", 4)}
    assert checked.cells("HH-TRANSFER-MISMATCH") == {cell("trans", 5)}
    assert message(checked, "HH-TRANSFER-MISMATCH") == "转移性收入（3000元）与分项合计（2400元）不符"
    assert checked.cells("HH-BUSINESS-NO-EXPENSE") == {cell("exp", 6)}
    assert checked.cells("HH-NEGATIVE-MONEY") == {cell("eco", 8)}
    assert message(checked, "HH-NEGATIVE-MONEY") == "收入/支出为负数（“生态补偿金”为-200）"


def test_transfer_with_only_some_components(tmp_path: Path) -> None:
    """Rosters often list only 低保金 and 养老保险金: a larger 转移性收入 is then no mismatch."""
    keep_out = ["fp", "tekun", "eco", "tro"]
    rows = [
        household(1, trans=5000, dibao=3000, pension=1200),
        household(2, trans=4000, dibao=3000, pension=1200, attr="低保脱贫户"),  # parts 4200 > 4000
    ]
    checked = check(tmp_path, rows, drop=keep_out)
    assert checked.cells("HH-TRANSFER-PARTS-EXCEED") == {cell("trans", 1, drop=keep_out)}
    assert checked.by_rule("HH-TRANSFER-MISMATCH") == []


def test_implausible_per_capita_income(tmp_path: Path) -> None:
    rows = [
        only_income(1, 25000, attr="一般贫困户", exit="未脱贫", exit_year=None),  # HH-POOR-INCOME-HIGH
        only_income(2, 20000, attr="一般贫困户", exit="未脱贫", exit_year=None),  # borderline: fine
        only_income(3, 400),  # HH-INCOME-ODD (low)
        only_income(4, 35000),  # HH-INCOME-ODD (high; exited, so not HH-36)
        only_income(5, 501),  # borderline: fine
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-POOR-INCOME-HIGH") == {cell("pc", 0)}
    assert checked.cells("HH-INCOME-ODD") == {cell("pc", 2), cell("pc", 3)}
    assert checked.by_rule("HH-INCOME-ODD")[0].message == "人均纯收入异常（400元）"


# --------------------------------------------------------------------------- housing, land
def test_house_and_land_areas(tmp_path: Path) -> None:
    rows = [
        household(1, area=None),  # HH-HOUSE-AREA-EMPTY
        household(2, area=600),  # HH-HOUSE-AREA-LARGE
        household(3, area=8),  # exited: HH-HOUSE-AREA-SMALL
        household(4, area=0, attr="一般贫困户", exit="未脱贫", exit_year=None),  # 无房 poor household: fine
        household(5, area=499, farm=9.9, irrig=9.9, forest=49),  # borderlines
        household(6, farm=3, irrig=5),  # HH-IRRIGATED-EXCEEDS-FARMLAND
        household(7, farm=12, irrig=6),  # HH-FARMLAND-LARGE
        household(8, forest=60),  # HH-FORESTLAND-LARGE
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-HOUSE-AREA-EMPTY") == {cell("area", 0)}
    assert checked.cells("HH-HOUSE-AREA-LARGE") == {cell("area", 1)}
    assert checked.cells("HH-HOUSE-AREA-SMALL") == {cell("area", 2)}
    assert message(checked, "HH-HOUSE-AREA-SMALL") == "住房面积异常：脱贫户住房面积仅8㎡（小于10㎡）"
    assert checked.cells("HH-IRRIGATED-EXCEEDS-FARMLAND") == {cell("irrig", 5)}
    assert message(checked, "HH-IRRIGATED-EXCEEDS-FARMLAND") == ("土地面积异常：有效灌溉面积（5亩）大于耕地面积（3亩）")
    assert checked.cells("HH-FARMLAND-LARGE") == {cell("farm", 6)}
    assert checked.cells("HH-FORESTLAND-LARGE") == {cell("forest", 7)}


def test_missed_poor_among_ordinary_households(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("type", "户类型")]
    ordinary = {"type": "一般农户", "attr": None, "exit": None, "exit_year": None, "cause": None, "other": None}
    rows = [
        household(1, **ordinary, area=0, grade=None, phone=None, bank=None),  # HH-MISSED-POOR at 住房面积
        household(2, **ordinary, danger="是", grade="D"),  # at 危房等级
        household(3, **ordinary, area=95, grade="B"),
        household(6, **ordinary, danger="是", grade=None),  # at 是否危房户
        household(4, type="脱贫户", area=90),
        household(5, type="监测户", attr=None, exit=None, exit_year=None, area=0, grade="C"),
    ]
    checked = check(tmp_path, rows, columns=columns)
    assert checked.cells("HH-MISSED-POOR") == {
        cell("area", 0, columns),
        cell("grade", 1, columns),
        cell("danger", 3, columns),
    }
    assert checked.by_rule("HH-MISSED-POOR")[0].message == "无房户/危房户未纳入建档立卡或监测，疑似漏评"
    # never-registered rows need no attribute, cause, phone or bank
    assert {f.rule for f in checked.findings if f.rule in MY_RULES and f.row in (2, 3, 4)} == {"HH-MISSED-POOR"}


# --------------------------------------------------------------------------- helpers, contacts
def test_helper_rules(tmp_path: Path) -> None:
    rows = [
        household(1, attr="一般贫困户", exit="未脱贫", exit_year=None, helper=None),  # HH-NO-HELPER
        household(2, helper=None),  # exited, still supported: HH-NO-HELPER
        household(3, exit="已脱贫（不再享受政策）", helper=None),  # no longer supported: fine
        *[household(10 + i, helper="李红梅", hunit="县教育局") for i in range(6)],  # 6: HH-HELPER-OVERLOADED
        *[household(20 + i, helper="张伟", hunit="县水利局") for i in range(5)],  # 5: fine
        household(30, helper="张伟", hunit="新集镇政府"),  # a namesake in another unit
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-NO-HELPER") == {cell("helper", 0), cell("helper", 1)}
    assert checked.cells("HH-HELPER-OVERLOADED") == {cell("helper", 3)}
    assert message(checked, "HH-HELPER-OVERLOADED") == "帮扶责任人李红梅帮扶户数过多（6户，超过5户）"


def test_contact_and_handbook_rules(tmp_path: Path) -> None:
    rows = [
        household(1, bank=None),  # HH-NO-BANK at 开户银行
        household(2, acct=None),  # HH-NO-BANK at 银行卡号
        household(3, phone=None),  # HH-NO-PHONE
        household(4, attr="一般贫困户", exit="未脱贫", exit_year=None, handbook="否"),  # HH-NO-HANDBOOK
        household(5, handbook="无"),  # exited, still supported: HH-NO-HANDBOOK
        household(6, exit="已脱贫（不再享受政策）", handbook="否"),
        household(7, handbook=None),  # not answered: nothing to say
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("HH-NO-BANK") == {cell("bank", 0), cell("acct", 1)}
    assert checked.cells("HH-NO-PHONE") == {cell("phone", 2)}
    assert checked.cells("HH-NO-HANDBOOK") == {cell("handbook", 3), cell("handbook", 4)}


def test_cadre_relatives(tmp_path: Path) -> None:
    rows = [household(1), household(2)]
    relative = rows[1]["head_id"]
    assert check(tmp_path, rows).by_rule("HH-CADRE-RELATIVE") == []
    settings = Settings(params={"cadre_relatives": [relative.lower(), "420624196001010012"]})
    checked = check_sheets(tmp_path, sheet(rows), settings=settings, name="干部亲属.xlsx")
    assert checked.cells("HH-CADRE-RELATIVE") == {cell("head_id", 1)}


def test_cadre_relative_among_members(tmp_path: Path) -> None:
    hh = household(1)
    member_cols = [("seq", "序号"), ("hh", "户编号"), ("name", "姓名"), ("sex", "性别"), ("id", "身份证号码"),
                   ("rel", "与户主关系")]  # fmt: skip
    son = pid("19950304", 7)
    members = [
        {"hh": hh["hh"], "name": hh["head"], "sex": "男", "id": hh["head_id"], "rel": "户主"},
        {"hh": hh["hh"], "name": "王小军", "sex": "男", "id": son, "rel": "之子"},
    ]
    settings = Settings(params={"cadre_relatives": [son]})
    checked = check_sheets(tmp_path, sheet([hh]), sheet(members, member_cols, name="家庭成员"), settings=settings)
    assert sorted(t.kind for t in checked.ledgers.tables) == ["households", "members"]
    assert checked.cells("HH-CADRE-RELATIVE-MEMBER") == {cell("id", 1, member_cols)}
    assert checked.by_rule("HH-CADRE-RELATIVE") == []


# --------------------------------------------------------------------------- return-to-poverty risk
def test_risk_low_income(tmp_path: Path) -> None:
    rows = [
        only_income(1, 7000),  # below 8050 (2023 line for a 2024 as-of date): RISK-LOW-INCOME
        only_income(2, 8050),  # at the line: fine
        only_income(3, 7000, attr="低保脱贫户", wage=4000, dibao=3000),  # 兜底户 excluded
        only_income(4, 5000, attr="一般贫困户", exit="未脱贫", exit_year=None),  # not exited
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("RISK-LOW-INCOME") == {cell("pc", 0)}
    assert message(checked, "RISK-LOW-INCOME") == "脱贫户人均纯收入7000元，低于监测范围8050元"
    everyone = check_sheets(tmp_path, sheet(rows), settings=Settings(params={"exclude_doudi": False}), name="全部.xlsx")
    assert everyone.cells("RISK-LOW-INCOME") == {cell("pc", 0), cell("pc", 2)}
    in_2020 = check_sheets(tmp_path, sheet(rows), as_of=dt.date(2020, 12, 31), name="2020.xlsx")
    assert in_2020.by_rule("RISK-LOW-INCOME") == []


def test_risk_transfer_dependency(tmp_path: Path) -> None:
    rows = [
        household(1, wage=6000, biz=0, exp=0, prop=0, dibao=0, pension=3000, eco=1000, tro=2000),  # 50 %
        household(2, wage=6100, biz=0, exp=0, prop=0, dibao=0, pension=3000, eco=1000, tro=2000),  # 49.6 %
        household(3, attr="一般贫困户", exit="未脱贫", exit_year=None, wage=0, pension=3000),  # not exited
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("RISK-TRANSFER-DEPENDENT") == {cell("trans", 0)}
    assert message(checked, "RISK-TRANSFER-DEPENDENT") == "转移性收入占家庭总收入50%，政策依赖度高"
    # without a 家庭总收入 column the total is summed from the components
    no_total = check_sheets(tmp_path, sheet(rows, drop=["total"]), name="无总收入.xlsx")
    assert no_total.cells("RISK-TRANSFER-DEPENDENT") == {cell("trans", 0, drop=["total"])}


def test_risk_income_trends(tmp_path: Path) -> None:
    rows = [
        only_income(1, 9000, prev=9500, prev2=9800),  # RISK-INCOME-DECLINE
        only_income(2, 9000, prev=9000, prev2=9000),  # flat: RISK-INCOME-DECLINE
        only_income(3, 9000, prev=9500, prev2=9400),  # rose the year before: fine
        only_income(4, 9100, prev=13000),  # −30 %: RISK-INCOME-DROP
        only_income(5, 9200, prev=13000),  # −29 %: fine
        only_income(6, 9000, prev=10000, size=3, wage=27000, rigid=31000),  # 31000 > 30000: RISK-RIGID-EXPENSE
        only_income(7, 9000, prev=10000, size=3, wage=27000, rigid=30000),
    ]
    checked = check(tmp_path, rows)
    assert checked.cells("RISK-INCOME-DECLINE") == {cell("pc", 0), cell("pc", 1)}
    assert checked.by_rule("RISK-INCOME-DECLINE")[0].message == "人均纯收入连续2年下降/未增长（上年9500元，当年9000元）"
    assert checked.cells("RISK-INCOME-DROP") == {cell("pc", 3)}
    assert (
        message(checked, "RISK-INCOME-DROP") == "人均纯收入比上年（13000元）减少30%，收入大幅缩减，疑似突发严重困难户"
    )
    assert checked.cells("RISK-RIGID-EXPENSE") == {cell("rigid", 5)}
    one_year = check_sheets(tmp_path, sheet(rows), settings=Settings(params={"decline_years": 1}), name="1.xlsx")
    assert one_year.cells("RISK-INCOME-DECLINE") == {cell("pc", i) for i in range(7)}


def test_person_per_row_roster_marks_the_merged_household_cell(tmp_path: Path) -> None:
    """A 花名册 with one person per row: household cells are merged down; findings go to the top cell."""
    header = ["序号", "户编号", "户主姓名", "家庭人口数", "贫困户属性", "脱贫状态", "脱贫年度", "主要致贫原因",
              "人均纯收入（元）", "联系电话", "成员姓名", "与户主关系", "性别", "身份证号码"]  # fmt: skip
    above = [["××镇2024年脱贫人口花名册"], ["填报单位：新集镇", None, None, None, "填报日期：2024年7月10日"]]
    families = [
        ("421001", "王建国", "一般脱贫户", 2016, 9800, None, [("王建国", "户主", "男"), ("李秀英", "配偶", "女")]),
        (
            "421002",
            "赵桂兰",
            "一般脱贫户",
            2016,
            3000,
            "13912345678",
            [("赵桂兰", "户主", "女"), ("赵强", "之子", "男")],
        ),
    ]
    rows: list[list[Any]] = []
    merges: list[str] = []
    first = len(above) + 2
    for n, (no, head, attr, year, pc, phone, people) in enumerate(families, start=1):
        top = first + len(rows)
        for i, (name, rel, sex) in enumerate(people):
            own = [n, no, head, len(people), attr, "已脱贫", year, "因病", pc, phone] if i == 0 else [None] * 10
            rows.append([*own, name, rel, sex, pid("19800101", 10 * n + i, sex == "男")])
        merges += [f"{column_letter(c)}{top}:{column_letter(c)}{top + len(people) - 1}" for c in range(1, 11)]
    spec = SheetSpec("花名册", header, rows, above=above, merges=merges, text_columns=[2, 14])
    checked = check_sheets(tmp_path, spec)
    assert sorted(t.kind for t in checked.ledgers.tables) == ["households", "members"]
    assert checked.cells("HH-NO-PHONE") == {f"J{first}"}
    assert checked.cells("HH-EXITED-BELOW-LINE") == {f"I{first + 2}"}
    assert {r for r, _ in mine(checked)} == {"HH-NO-PHONE", "HH-EXITED-BELOW-LINE", "RISK-LOW-INCOME"}
