"""Sheet plans per ledger kind: which columns, which header texts, which sections, which messy options.

Header texts come from the ledger definitions (templates/ledgers/*.json): the
canonical label or one of its aliases, sometimes with a line break, a unit in
full-width brackets or a leading "1." — each checked to still name the same field.
Every builder returns a :class:`~tests.samples.layout.SheetPlan` whose records keep
a reference to the model object they came from (``Record.ref``) and the ledger
kind they belong to (``Record.values["_kind"]``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from addin.ledger.definitions import default_catalog
from tests.samples.content import CATEGORIES, SECTION_NUMBERS, deadline_date
from tests.samples.layout import Col, Record, Section, SheetPlan, Style
from tests.samples.people import Household, Person

CATALOG = default_catalog()

# Aliases too generic to put on a real sheet on their own (they would also confuse a human reader).
GENERIC = frozenset(
    [
        "时间",
        "日期",
        "类型",
        "类别",
        "单位",
        "方面",
        "问题",
        "措施",
        "关系",
        "人数",
        "人口",
        "编码",
        "序",
        "No",
        "NO.",
        "No.",
        "说明",
        "附件",
        "照片",
        "佐证",
        "审核",
        "大类",
        "期限",
        "用途",
        "分红",
        "贴息",
        "户人口",
        "家庭人口",
        "注册地",
        "户属性",
        "户",
        "组",
        "乡",
        "镇",
        "电话",
        "联系方式",
        "手机号",
        "编号",
        "整改方案",
        "问题清单",
        "户码",
        "户类别",
        "单位",
        "工作单位",
        "审核人",
        "验收意见",
        "复核意见",
        "审核意见",
        "核查意见",
        "验收单位",
        "批次",
        "安置地",
        "人均面积",
    ]
)

VARIANTS: dict[str, dict[str, Sequence[str]]] = {
    "status": {
        "已完成": ("已整改", "完成", "100%", "√", "整改到位", "已完成整改"),
        "整改中": ("正在推进", "正在整改", "推进中", "进行中", "60%"),
        "已销号": ("销号", "已验收销号"),
        "长期坚持": ("持续整改", "常态化推进"),
        "未整改": ("未启动", "尚未整改"),
        "无需整改": ("不属实", "经核实不属实"),
    },
    "exit_status": {"已脱贫（享受政策）": ("已脱贫", "脱贫（享受政策）", "已脱贫享受政策")},
    "poor_attr": {"特困供养脱贫户": ("五保脱贫户", "特困脱贫户")},
    "satisfaction": {"满意": ("非常满意", "很满意"), "基本满意": ("较满意", "比较满意")},
    "visit_mode": {"入户走访": ("入户", "上门走访", "实地走访"), "电话联系": ("电话", "电话回访")},
    "repay_status": {"正常": ("正常还款", "未到期"), "已结清": ("结清", "已还清")},
    "loan_kind": {
        "扶贫小额信贷（到户）": ("扶贫小额信贷", "小额信贷", "脱贫人口小额信贷"),
        "产业扶贫贷款（带贫企业）": ("带贫企业贷款", "产业扶贫贷款"),
    },
    "labour": {"普通劳动力": ("劳动力", "有劳动能力"), "弱劳动力或半劳动力": ("弱劳动力", "半劳动力")},
    "relation": {
        "户主": ("本人",),
        "之子": ("儿子",),
        "之女": ("女儿",),
        "之孙子": ("孙子",),
        "之孙女": ("孙女",),
        "之父": ("父亲",),
        "之母": ("母亲",),
        "之儿媳": ("儿媳",),
    },
    "health": {"长期慢性病": ("慢性病", "患有慢性病"), "健康": ("良好",)},
    "decoration": {"简装": ("简易装修", "简单装修")},
    "is_poor": {"建档立卡户": ("建档立卡", "建档立卡贫困户")},
}

DATE_FORMS = ("d:yyyy-mm-dd", 'd:yyyy"年"m"月"d"日"', "d:yyyy/m/d", "t:dot", "t:cn", "t:slash", "n:8", "t:fw", "t:dot0")
YES_NO = (("是", "否"), ("√", "×"), ("有", "无"))


def make_style(rng: random.Random, messy: bool) -> Style:
    if not messy:
        return Style(rng)
    forms = ["d:yyyy-mm-dd", *rng.sample(DATE_FORMS[1:], k=rng.randint(1, 3))]
    return Style(
        rng,
        date_forms=forms,
        yes_no=rng.choice(YES_NO),
        text_ids=True,
        variants=VARIANTS,
        variant_rate=rng.choice((0.2, 0.35, 0.5)),
        fullwidth_rate=0.12,
        wan_text_rate=0.15,
        number_text_rate=0.04,
    )


class Headers:
    """Picks the header text of each column of one sheet."""

    def __init__(self, kind: str, rng: random.Random, messy: bool, numbered: bool | None = None) -> None:
        self.ledger = CATALOG.ledger(kind)
        self.rng = rng
        self.messy = messy
        chance = rng.random() < 0.2
        self.numbered = messy and (chance if numbered is None else numbered)
        self.n = 0

    def __call__(self, key: str, unit: str | None = None, plain: bool = False) -> str:
        f = self.ledger.field(key)
        self.n += 1
        if not self.messy or plain:
            return f.label + (f"（{unit}）" if unit else "")
        options = [a for a in f.aliases if a not in GENERIC and self.ledger.match_header(a) is f]
        text = f.label if not options or self.rng.random() < 0.5 else self.rng.choice(options)
        if unit and "（" not in text and "(" not in text:
            text += f"（{unit}）"
        if len(text) >= 6 and self.rng.random() < 0.2:
            mid = len(text) // 2
            text = text[:mid] + "\n" + text[mid:]
        if self.numbered:
            text = f"{self.n}.{text}"
        if self.ledger.match_header(text) is not f:
            return f.label + (f"（{unit}）" if unit else "")
        return text


def other_header(text: str, h: Headers) -> str:
    """A column that is not a field of the kind (序号 of a roster): numbered like the others."""
    h.n += 1
    return f"{h.n}.{text}" if h.numbered else text


# ---------------------------------------------------------------- layout options
def decorate(
    plan: SheetPlan, rng: random.Random, messy: bool, *, title: str, unit: str, reporter: str, as_of: dt.date,
    people: Sequence[str], notes: Sequence[str] = (), force: dict[str, Any] | None = None,
) -> SheetPlan:  # fmt: skip
    """Title block, footer, column numbers, repeated header and blank rows, when messy."""
    f = force or {}
    if not messy:
        plan.title = title if f.get("title", rng.random() < 0.5) else None
        return plan
    plan.attachment = f.get("attachment", rng.choice(("附件2", "附件1", "附件3", None)))
    plan.title = title
    if f.get("subtitle", rng.random() < 0.7):
        cut = as_of - dt.timedelta(days=1)
        plan.subtitle = f"（截至{cut.year}年{cut.month}月{cut.day}日）"
    if f.get("meta", rng.random() < 0.8):
        plan.meta = (reporter, f"{as_of.year}年{as_of.month}月{as_of.day}日", unit)
    plan.column_numbers = f.get("column_numbers", plan.header_depth <= 2 and rng.random() < 0.3)
    n = len(plan.records)
    if f.get("repeat", n >= 12 and rng.random() < 0.35):
        plan.repeat_header_after = rng.randint(n // 3, 2 * n // 3)
    if f.get("blank", n >= 6 and rng.random() < 0.4):
        plan.blank_after = set(rng.sample(range(1, n), k=min(2, n - 1)))
    if f.get("footer", rng.random() < 0.8):
        a, b = rng.sample(list(people), 2)
        plan.footer = [f"填报人：{a}", f"审核人：{b}", f"联系电话：0376-29{rng.randint(10000, 99999)}"]
    if notes and f.get("notes", rng.random() < 0.8):
        plan.notes = list(notes)
    return plan


def numbered(label: str, i: int, count: int, unit: str) -> str:
    return f"{SECTION_NUMBERS[i]}、{label}（共{count}{unit}）"


def _kind(rec: Record, kind: str) -> Record:
    rec.values["_kind"] = kind
    return rec


# ---------------------------------------------------------------- rosters
INCOME_COLS = ("inc_wage", "inc_business", "exp_business", "inc_property", "inc_transfer")
TRANSFER_COLS = ("tr_family_planning", "tr_dibao", "tr_tekun", "tr_pension", "tr_eco", "tr_other")


def household_values(h: Household, rng: random.Random) -> dict[str, Any]:
    helper = h.helper
    v: dict[str, Any] = {
        "township": h.township, "village": h.village, "natural_village": h.group, "hh_no": h.hh_no,
        "head_name": h.head.name, "head_id": h.head.id_no, "hh_size": h.size, "phone": h.phone, "bank": h.bank,
        "bank_acct": h.bank_acct, "poor_attr": h.poor_attr, "exit_status": h.exit_status,
        "id_year": h.id_year if rng.random() < 0.7 else f"{h.id_year}年", "exit_year": h.exit_year,
        "main_cause": h.main_cause, "other_causes": "、".join(h.other_causes) or None,
        "measures": rng.choice(("、", "，", "；")).join(h.measures), "house_area": h.house_area,
        "is_danger_house": False, "house_grade": rng.choice(("A", "B")), "water_difficult": False, "water_safe": True,
        "power_life": True, "helper": helper.name if helper else None, "helper_unit": helper.unit if helper else None,
        "helper_phone": helper.phone if helper else None, "handbook": h.handbook, "relocated": h.relocated,
        "eval_date": h.eval_date, "publicity_date": h.publicity_date, "announce_date": h.announce_date,
        "exit_signed": True,
    }  # fmt: skip
    v.update(h.income)
    return v


def member_values(h: Household, p: Person) -> dict[str, Any]:
    return {
        "hh_no": h.hh_no, "name": p.name, "sex": p.sex, "id_no": p.id_no, "birth": p.born, "relation": p.relation,
        "ethnicity": p.ethnicity, "education": p.education, "school_status": p.school_status,
        "health": "、".join(p.health), "disability_cert": p.disability_cert or None, "labour": p.labour,
        "work_status": p.work_status, "work_months": p.work_months, "work_place": p.work_place or None,
        "dibao_member": p.dibao, "tekun_member": p.tekun, "med_ins": p.med_ins, "serious_ins": p.serious_ins,
        "pension_ins": p.pension_ins, "pension_recv": p.pension_recv, "member_status": p.member_status,
    }  # fmt: skip


def roster_cols(rng: random.Random, messy: bool, mode: str, depth: int | None = None) -> tuple[list[Col], int]:
    """Columns of a roster sheet and its header depth.

    ``mode``: "households" (one row per household), "members" (one row per person),
    "merged"/"repeated" (one row per person, household columns merged down or repeated).
    """
    hk = Headers("households", rng, messy)
    mk = Headers("members", rng, messy)
    per_person = mode in ("merged", "repeated")
    if depth is None:
        depth = 1
        if messy and mode == "households":
            depth = rng.choice((2, 3, 3))
        elif messy and per_person:
            depth = rng.choice((1, 2))
    cols: list[Col] = []
    hh = mode != "members"
    if mode != "members":
        cols.append(Col("seq", other_header("序号", hk), "int", household=True, width=5))
        base = [("township", "enum"), ("village", "text"), ("natural_village", "text"), ("hh_no", "text")]
        for key, kind in base:
            # A person-per-row roster holds members too: 户编号 must be a header both kinds know.
            text = mk(key) if key == "hh_no" and per_person else hk(key)
            cols.append(Col(key, text, kind, household=True, fullwidth=key == "natural_village"))
        cols.append(Col("head_name", hk("head_name", plain=per_person), "text", household=True))
        if not per_person:
            cols.append(Col("head_id", hk("head_id"), "id", household=True, width=20))
        cols.append(Col("hh_size", hk("hh_size"), "int", household=True, total=True))
        if not per_person:
            cols.append(Col("phone", hk("phone"), "text", household=True, width=13))
        for key in ("poor_attr", "exit_status"):
            cols.append(Col(key, hk(key), "enum", household=True))
        cols.append(Col("id_year", hk("id_year"), "year", household=True))
        cols.append(Col("exit_year", hk("exit_year"), "year", household=True))
        cols.append(Col("main_cause", hk("main_cause"), "enum", household=True))
        if not per_person:
            cols.append(Col("other_causes", hk("other_causes"), "text", household=True))
        cols.append(Col("measures", hk("measures"), "text", household=True, width=24))
        income_group = "收入情况（元）" if depth >= 2 else None
        unit = None if income_group else "元"
        for key in INCOME_COLS:
            cols.append(Col(key, hk(key, unit), "money", group=income_group, household=True, total=True))
        if mode == "households":
            sub = "其中" if depth == 3 else None
            for key in TRANSFER_COLS:
                cols.append(Col(key, hk(key, unit), "money", group=sub, top=income_group, household=True, total=True))
        cols.append(Col("inc_net", hk("inc_net", unit), "money", group=income_group, household=True, total=True))
        cols.append(Col("inc_pc", hk("inc_pc", unit), "money", group=income_group, household=True))
        safety = "两不愁三保障" if depth >= 2 else None
        cols.append(Col("house_area", hk("house_area", "㎡"), "num", group=safety, household=True))
        cols.append(Col("is_danger_house", hk("is_danger_house"), "bool", group=safety, household=True))
        if not per_person and rng.random() < 0.5:
            cols.append(Col("house_grade", hk("house_grade"), "text", group=safety, household=True))
        cols.append(Col("water_difficult", hk("water_difficult"), "bool", group=safety, household=True))
        cols.append(Col("water_safe", hk("water_safe"), "bool", group=safety, household=True))
        if not per_person:
            cols.append(Col("power_life", hk("power_life"), "bool", group=safety, household=True))
            cols.append(Col("bank", hk("bank"), "text", household=True))
            cols.append(Col("bank_acct", hk("bank_acct"), "id", household=True, width=22))
        helper_group = "帮扶责任人" if depth >= 2 and not per_person else None
        cols.append(
            Col("helper", hk("helper", plain=helper_group is not None), "text", group=helper_group, household=True)
        )
        if not per_person:
            cols.append(Col("helper_unit", hk("helper_unit"), "text", group=helper_group, household=True))
            cols.append(Col("helper_phone", hk("helper_phone"), "text", group=helper_group, household=True))
        cols.append(Col("handbook", hk("handbook"), "bool", household=True))
        if not per_person:
            exit_group = "退出程序" if depth >= 2 else None
            for key in ("eval_date", "publicity_date", "announce_date"):
                cols.append(Col(key, hk(key), "date", group=exit_group, household=True))
            cols.append(Col("exit_signed", hk("exit_signed"), "bool", group=exit_group, household=True))
    if mode != "households":
        if mode == "members":
            cols.append(Col("seq", other_header("序号", mk), "int", width=5))
            cols.append(Col("hh_no", mk("hh_no"), "text"))
        member = [
            ("name", "text"), ("sex", "text"), ("id_no", "id"), ("birth", "date"), ("relation", "enum"),
            ("ethnicity", "text"), ("education", "text"), ("school_status", "text"), ("health", "enum"),
            ("disability_cert", "id"), ("labour", "enum"), ("work_status", "text"), ("work_months", "int"),
            ("work_place", "text"), ("dibao_member", "bool"), ("med_ins", "bool"), ("pension_ins", "bool"),
            ("pension_recv", "bool"),
        ]  # fmt: skip
        if mode == "members" and rng.random() < 0.5:
            member.insert(14, ("tekun_member", "bool"))
        for key, kind in member:
            if key == "birth" and rng.random() < 0.3:
                continue
            unit = "月" if key == "work_months" and rng.random() < 0.5 else None
            text = mk(key, unit, plain=key in ("name", "id_no") and hh)
            if key == "id_no" and hh:
                text = rng.choice(("身份证号码", "证件号码", "公民身份号码")) if messy else "证件号码"
            cols.append(Col(key, text, kind, width=20 if kind == "id" else None))
    return cols, depth


def roster_plan(
    name: str, households: Sequence[Household], rng: random.Random, *, messy: bool, mode: str, as_of: dt.date,
    reporter: str, people: Sequence[str], force: dict[str, Any] | None = None,
) -> SheetPlan:  # fmt: skip
    f = force or {}
    cols, depth = roster_cols(rng, messy, mode, f.get("depth"))
    kinds = {"households": ("households",), "members": ("members",)}.get(mode, ("households", "members"))
    by_village: dict[str, list[Household]] = {}
    for h in households:
        by_village.setdefault(h.village, []).append(h)
    use_sections = f.get("sections", messy and rng.random() < 0.6)
    subtotal = f.get("subtotal", use_sections and mode == "households" and rng.random() < 0.7)
    sections: list[Section] = []
    seq = 0
    for i, (village, hhs) in enumerate(by_village.items()):
        records = []
        for h in hhs:
            seq += 1
            if mode == "members":
                for p in h.members:
                    records.append(_kind(Record({**member_values(h, p), "seq": len(records) + 1}, ref=p), "members"))
                continue
            rec = _kind(Record({**household_values(h, rng), "seq": seq}, ref=h), "households")
            if mode != "households":
                rec.members = [_kind(Record(member_values(h, p), ref=p), "members") for p in h.members]
                for m in rec.members:
                    m.values["_parent"] = rec
            records.append(rec)
        n_people = sum(h.size for h in hhs)
        label = f"{SECTION_NUMBERS[i]}、{village}（共{len(hhs)}户{n_people}人）" if use_sections else None
        sections.append(Section(label, records, subtotal=subtotal))
    plan = SheetPlan(name, kinds, cols, sections, make_style(rng, messy), header_depth=depth)
    plan.roster = None if mode in ("households", "members") else mode
    plan.total = f.get("total", messy and mode == "households" and rng.random() < 0.6)
    town = households[0].township if households else ""
    title = rng.choice((f"{town}脱贫户基本信息台账", f"{town}建档立卡户花名册", f"{town}脱贫户和监测对象花名册"))
    if mode == "members":
        title = f"{town}脱贫人口家庭成员信息表"
    return decorate(
        plan, rng, messy, title=title, unit="户、人、元", reporter=reporter, as_of=as_of, people=people,
        notes=("备注：1.身份证号码、户编号一律按文本格式填写；2.收入为上年度全年收入。",), force=f,
    )  # fmt: skip


# ---------------------------------------------------------------- rectification items
def problems_plan(
    name: str, items: list[dict[str, Any]], rng: random.Random, *, messy: bool, as_of: dt.date, reporter: str,
    people: Sequence[str], county_level: bool = False, title: str | None = None, force: dict[str, Any] | None = None,
) -> SheetPlan:  # fmt: skip
    f = force or {}
    h = Headers("problems", rng, messy, f.get("numbered"))
    depth = f.get("depth") or (rng.choice((1, 2, 2)) if messy else 1)
    resp = "责任落实" if depth >= 2 else None
    prog = "整改情况" if depth >= 2 else None
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("category", h("category"), "enum"),
        Col("description", h("description"), "text", width=36),
        Col("source", h("source"), "text"),
        Col("found_date", h("found_date"), "date"),
        Col("township", h("township"), "enum"),
    ]
    if not county_level:
        cols.append(Col("village", h("village"), "text"))
        cols.append(Col("household_head", h("household_head"), "text"))
        if rng.random() < 0.6:
            cols.append(Col("household_id_no", h("household_id_no"), "id", width=20))
    cols += [
        Col("measures", h("measures"), "text", width=36),
        Col("lead_unit", h("lead_unit"), "text", group=resp) if county_level else None,
        Col("resp_unit", h("resp_unit"), "text", group=resp),
        Col("resp_leader", h("resp_leader"), "text", group=resp),
        Col("resp_person", h("resp_person"), "text", group=resp),
        Col("phone", h("phone"), "text", width=13),
        Col("deadline", h("deadline"), "deadline"),
        Col("status", h("status", plain=prog is not None), "enum", group=prog),
        Col("progress_text", h("progress_text"), "text", group=prog, width=24, fullwidth=True),
        Col("done_date", h("done_date"), "date", group=prog),
        Col("evidence", h("evidence"), "text", group=prog),
        Col("verifier", h("verifier"), "text"),
        Col("closed", h("closed"), "bool") if rng.random() < 0.5 else None,
        Col("remark", h("remark"), "text", width=20),
    ]
    cols = [c for c in cols if c is not None]
    use_sections = f.get("sections", messy and rng.random() < 0.75)
    implied = f.get("implied", use_sections and rng.random() < 0.5)  # category left blank under its section row
    subtotal = f.get("subtotal", use_sections and rng.random() < 0.4)
    by_code: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        by_code.setdefault(it["_code"] if use_sections else "", []).append(it)
    sections = []
    seq = 0
    for i, code in enumerate(sorted(by_code)):
        records = []
        for k, it in enumerate(by_code[code], start=1):
            seq += 1
            values = {key: v for key, v in it.items() if not key.startswith("_")}
            values["seq"] = k if use_sections and rng.random() < 0.5 else seq
            values["deadline"] = it["deadline"]
            if implied:
                values["category"] = None
            rec = _kind(Record(values, ref=it), "problems")
            records.append(rec)
        label = numbered(CATEGORIES[code][1], i, len(records), "项") if use_sections else None
        sections.append(Section(label, records, subtotal=subtotal, subtotal_label=f"小计：{len(records)}项"))
    plan = SheetPlan(name, ("problems",), cols, sections, make_style(rng, messy), header_depth=depth)
    town = items[0]["township"] if items and not county_level else "新县"
    title = title or rng.choice(
        (f"{town}脱贫攻坚反馈问题整改台账", f"{town}巩固脱贫成果问题整改清单（台账）", f"{town}问题整改销号台账")
    )
    return decorate(
        plan, rng, messy, title=title, unit="项", reporter=reporter, as_of=as_of, people=people,
        notes=("备注：1.整改进度填“已完成/整改中/未整改”；2.佐证材料另附。",
               "3.整改时限可填具体日期或“立行立改”“长期坚持”。"), force=f,
    )  # fmt: skip


# ---------------------------------------------------------------- visit logs
def visits_plan(
    name: str, rows: list[dict[str, Any]], rng: random.Random, *, messy: bool, as_of: dt.date, reporter: str,
    people: Sequence[str], force: dict[str, Any] | None = None,
) -> SheetPlan:  # fmt: skip
    f = force or {}
    h = Headers("visits", rng, messy, f.get("numbered"))
    depth = f.get("depth") or (rng.choice((1, 2)) if messy else 1)
    sign = "签字确认" if depth == 2 else None
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "enum"),
        Col("village", h("village"), "text"),
        Col("hh_no", h("hh_no"), "text", width=18),
        Col("head_name", h("head_name"), "text"),
        Col("head_id", h("head_id"), "id", width=20) if rng.random() < 0.5 else None,
        Col("helper", h("helper"), "text"),
        Col("helper_unit", h("helper_unit"), "text", width=16),
        Col("helper_title", h("helper_title"), "text"),
        Col("visit_date", h("visit_date"), "date"),
        Col("visit_mode", h("visit_mode"), "enum"),
        Col("actions", h("actions"), "text", width=36),
        Col("findings", h("findings"), "text", width=30),
        Col("effect", h("effect"), "text"),
        Col("satisfaction", h("satisfaction"), "enum"),
        Col("hh_signature", h("hh_signature", plain=sign is not None), "text", group=sign),
        Col("helper_signature", h("helper_signature", plain=sign is not None), "text", group=sign),
        Col("reviewer", h("reviewer", plain=sign is not None), "text", group=sign),
        Col("remark", h("remark"), "text"),
    ]
    cols = [c for c in cols if c is not None]
    records = []
    for i, r in enumerate(rows, start=1):
        values = {k: v for k, v in r.items() if not k.startswith("_")}
        values["seq"] = i
        records.append(_kind(Record(values, ref=r), "visits"))
    plan = SheetPlan(name, ("visits",), cols, [Section(None, records)], make_style(rng, messy), header_depth=depth)
    town = rows[0]["township"] if rows else ""
    return decorate(
        plan, rng, messy, title=rng.choice((f"{town}帮扶责任人入户帮扶记录表", f"{town}帮扶干部走访台账")),
        unit="户", reporter=reporter, as_of=as_of, people=people,
        notes=("备注：帮扶记录须由贫困户本人签字（按手印），第一书记审核。",), force=f,
    )  # fmt: skip


# ---------------------------------------------------------------- loans
def loans_plan(
    name: str, rows: list[dict[str, Any]], rng: random.Random, *, messy: bool, as_of: dt.date, reporter: str,
    people: Sequence[str], force: dict[str, Any] | None = None,
) -> SheetPlan:  # fmt: skip
    f = force or {}
    h = Headers("loans", rng, messy, f.get("numbered"))
    depth = f.get("depth") or (rng.choice((1, 2)) if messy else 1)
    ent = "企业带贫情况" if depth == 2 else None
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("loan_kind", h("loan_kind"), "enum", width=16),
        Col("borrower", h("borrower"), "text", width=16),
        Col("borrower_id", h("borrower_id"), "id", width=20),
        Col("credit_code", h("credit_code"), "text", width=20),
        Col("hh_attr", h("hh_attr"), "text"),
        Col("township", h("township"), "enum"),
        Col("village", h("village"), "text"),
        Col("bank", h("bank"), "text", width=18),
        Col("contract_no", h("contract_no"), "text", width=14),
        Col("amount", h("amount", "万元"), "wan", total=True),
        Col("loan_date", h("loan_date"), "date"),
        Col("due_date", h("due_date"), "date"),
        Col("term", h("term", "月"), "int"),
        Col("rate", h("rate", "%"), "num"),
        Col("purpose", h("purpose"), "text", width=16),
        Col("project", h("project"), "text", width=24),
        Col("subsidy", h("subsidy", "元"), "money", total=True),
        Col("repay_status", h("repay_status"), "enum"),
        Col("ent_local", h("ent_local", plain=ent is not None), "text", group=ent),
        Col("ent_base", h("ent_base", plain=ent is not None), "bool", group=ent),
        Col("ent_workshop", h("ent_workshop", plain=ent is not None), "bool", group=ent),
        Col("staff_total", h("staff_total", plain=ent is not None), "int", group=ent, total=True),
        Col("staff_poor", h("staff_poor", plain=ent is not None), "int", group=ent, total=True),
    ]
    groups = [
        ("扶贫小额信贷（到户）", [r for r in rows if r["loan_kind"].startswith("扶贫")]),
        ("产业扶贫贷款（带贫企业）", [r for r in rows if not r["loan_kind"].startswith("扶贫")]),
    ]
    use_sections = f.get("sections", messy and rng.random() < 0.8)
    sections = []
    seq = 0
    for i, (label, group) in enumerate(g for g in groups if g[1]):
        records = []
        for r in group:
            seq += 1
            values = {k: v for k, v in r.items() if not k.startswith("_")}
            values["seq"] = seq
            records.append(_kind(Record(values, ref=r), "loans"))
        text = numbered(label, i, len(records), "笔") if use_sections else None
        sections.append(Section(text, records, subtotal=use_sections))
    if not use_sections:
        sections = [Section(None, [r for s in sections for r in s.records])]
    plan = SheetPlan(name, ("loans",), cols, sections, make_style(rng, messy), header_depth=depth)
    plan.total = f.get("total", messy)
    return decorate(
        plan, rng, messy, title="新县扶贫小额信贷及带贫企业贷款台账", unit="万元、元、人", reporter=reporter,
        as_of=as_of, people=people, notes=("备注：到户贷款额度5万元以下、期限3年以内。",), force=f,
    )  # fmt: skip


# ---------------------------------------------------------------- relocation
def relocation_plan(
    name: str, rows: list[dict[str, Any]], rng: random.Random, *, messy: bool, as_of: dt.date, reporter: str,
    people: Sequence[str], force: dict[str, Any] | None = None,
) -> SheetPlan:  # fmt: skip
    f = force or {}
    h = Headers("relocation", rng, messy, f.get("numbered"))
    depth = f.get("depth") or (rng.choice((2, 2, 3)) if messy else 1)
    origin = "迁出地" if depth >= 2 else None
    dest = "安置地点" if depth >= 2 else None
    dates = "建设进度" if depth == 3 else None
    settle = "搬迁安置情况" if depth == 3 else None
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("hh_no", h("hh_no"), "text", width=18),
        Col("head_name", h("head_name"), "text"),
        Col("head_id", h("head_id"), "id", width=20),
        Col("persons", h("persons"), "int", total=True),
        Col("poor_persons", h("poor_persons"), "int", total=True),
        Col("is_poor", h("is_poor"), "enum"),
        Col("from_town", "迁出乡镇", "enum", group=origin),
        Col("from_village", "迁出村", "text", group=origin),
        Col("from_group", "迁出组", "text", group=origin),
        Col("reason", h("reason"), "text"),
        Col("year", h("year"), "year"),
        Col("mode", h("mode"), "text", group=settle),
        Col("mode_detail", h("mode_detail"), "text", group=settle),
        Col("site_name", h("site_name"), "text", width=20, group=settle),
        Col("to_town", "安置乡镇", "enum", group=dest, top=settle),
        Col("to_village", "安置村", "text", group=dest, top=settle),
        Col("to_group", "安置组", "text", group=dest, top=settle),
        Col("area", h("area", "㎡"), "num", total=True),
        Col("area_pc", h("area_pc", "㎡"), "num"),
        Col("build_mode", h("build_mode"), "text"),
        Col("subsidy", h("subsidy", "元"), "money", total=True),
        Col("self_fund", h("self_fund", "元"), "money", total=True),
        Col("decoration", h("decoration"), "enum"),
        Col("start_date", h("start_date"), "date", group=dates),
        Col("finish_date", h("finish_date"), "date", group=dates),
        Col("accept_date", h("accept_date"), "date", group=dates),
        Col("move_in_date", h("move_in_date"), "date", group=dates),
        Col("old_house", h("old_house"), "bool"),
        Col("demolish_date", h("demolish_date"), "date"),
        Col("followup", h("followup"), "text", width=24),
        Col("employed", h("employed"), "int", total=True),
    ]
    use_sections = f.get("sections", messy and rng.random() < 0.7)
    subtotal = f.get("subtotal", use_sections and rng.random() < 0.7)
    by_town: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_town.setdefault(r["from_town"] if use_sections else "", []).append(r)
    sections = []
    seq = 0
    for i, (town, group) in enumerate(by_town.items()):
        records = []
        for r in group:
            seq += 1
            values = {k: v for k, v in r.items() if not k.startswith("_")}
            values["seq"] = seq
            records.append(_kind(Record(values, ref=r), "relocation"))
        label = numbered(town, i, len(records), "户") if use_sections else None
        sections.append(Section(label, records, subtotal=subtotal))
    plan = SheetPlan(name, ("relocation",), cols, sections, make_style(rng, messy), header_depth=depth)
    plan.total = f.get("total", messy and rng.random() < 0.7)
    return decorate(
        plan, rng, messy, title="新县易地扶贫搬迁安置台账", unit="户、人、㎡、元", reporter=reporter, as_of=as_of,
        people=people, notes=("备注：人均住房面积不得超过25平方米。",), force=f,
    )  # fmt: skip


# ---------------------------------------------------------------- sheets that are not ledgers
def instructions() -> list[list[Any]]:
    return [
        ["填表说明"],
        ["一、本台账由各乡镇（街道）、县直各部门于每月25日前报县脱贫攻坚指挥部办公室，同时抄送县纪委、县财政局。"],
        ["二、身份证号码、户编号、银行卡号一律设置为文本格式，严禁以科学计数法显示。"],
        ["三、整改时限须填写具体日期，或填写“立行立改”“长期坚持”；已完成的事项须填写完成时间并附佐证材料。"],
        ["四、帮扶记录须写明走访日期、帮扶内容、了解的情况和群众满意度，由户主本人签字，第一书记审核。"],
        ["五、本表一式三份，乡镇、县直部门和县指挥部办公室各存一份。"],
    ]


def summary(
    items: Sequence[dict[str, Any]], groups: Sequence[tuple[str, Sequence[Household]]], label: str
) -> list[list[Any]]:
    """A 汇总 sheet: counts per township or village (not a ledger; the reader must skip it)."""
    rows: list[list[Any]] = [
        ["脱贫攻坚问题整改及帮扶情况汇总表"],
        ["序号", label, "脱贫户数", "脱贫人口数", "问题总数", "已完成", "整改中", "完成率"],
    ]
    key = "township" if label == "乡镇" else "village"
    for i, (name, hhs) in enumerate(groups, start=1):
        mine = [it for it in items if it.get(key) == name]
        done = sum(1 for it in mine if it["status"] in ("已完成", "已销号"))
        going = sum(1 for it in mine if it["status"] in ("整改中", "长期坚持", "未整改"))
        rate = f"{done / len(mine):.1%}" if mine else "—"
        rows.append([i, name, len(hhs), sum(h.size for h in hhs), len(mine), done, going, rate])
    return rows


def dropdowns() -> list[list[Any]]:
    """The hidden sheet of data-validation lists staff keep next to the ledger."""
    return [
        ["状态选项", "是否", "类别选项", "来源选项"],
        ["已完成", "是", "精准识别", "国家成效考核"],
        ["整改中", "否", "精准退出", "省级督查"],
        ["未整改", None, "档卡信息", "县督查巡查组"],
        ["长期坚持", None, "住房安全", "自查自纠"],
    ]


__all__ = [
    "deadline_date",
    "decorate",
    "dropdowns",
    "instructions",
    "loans_plan",
    "problems_plan",
    "relocation_plan",
    "roster_plan",
    "summary",
    "visits_plan",
]
