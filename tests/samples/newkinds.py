"""The 扶贫办 workbook of the ledger kinds added last: projects, housing (危改), water (饮水) and monitoring (防返贫).

Every row comes from the samples' county (:func:`tests.samples.roster.sample_county`):
its townships, villages, households, heads and helpers, so rules that compare a
ledger with the roster or with other ledgers see one coherent county. The two
townships whose households the roster deliberately leaves partly out (沙窝镇 and
箭厂河乡, see :func:`tests.samples.roster.pick_omissions`) are not used, so these
sheets raise no roster finding of their own.

Clean rows are complete and consistent (no error-level finding); the deliberate
problems come from :mod:`tests.samples.injectors_newkinds`.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from tests.samples.layout import Col, Record, Section, SheetPlan, Style
from tests.samples.ledgers import Headers, decorate, numbered
from tests.samples.people import County, Household, Township, add_months, random_date
from tests.samples.roster import sample_county

NEWKINDS_SAMPLE = "项目与住房饮水台账.xlsx"
SKIPPED_TOWNSHIPS = frozenset({"沙窝镇", "箭厂河乡"})  # where the roster's omissions live
REPORTER = "新县乡村振兴局（扶贫办）"
DATE_FORMS = ("d:yyyy-mm-dd", 'd:yyyy"年"m"月"d"日"', "d:yyyy/m/d", "t:dot", "t:cn")

PROJECT_KINDS = (
    ("产业发展", "{v}茶叶加工厂建设项目", "新建茶叶加工厂房{n}平方米，购置揉捻机{k}台", "带动脱贫户务工、土地流转增收"),
    ("产业发展", "{v}油茶基地提升项目", "改造低产油茶林{n}亩", "带动脱贫户务工、分红增收"),
    ("基础设施", "{v}通组道路硬化项目", "硬化通组道路{k}.{n}公里，宽3.5米", "改善群众出行条件，优先聘用脱贫户务工"),
    ("基础设施", "{v}小型水利设施项目", "新建塘堰{k}口，整修渠道{n}米", "保障农田灌溉，受益群众含脱贫户"),
    # No 村集体经济 project: whether its village is poor comes from the roster, so the findings would differ
    # with and without it (PJ-POOR-VILLAGES-UNSET).
    ("生活条件改善", "{v}人居环境整治项目", "新建垃圾收集点{k}处，整治沟渠{n}米", "改善脱贫户生产生活条件"),
)
OWNERS = {
    "产业发展": ("县农业农村局", "县林业局"),
    "基础设施": ("县交通运输局", "县水利局"),
    "生活条件改善": ("县住建局",),
}
FILED = "已报县指挥部办公室、县纪委、县财政局三家备案"


def _households(county: County) -> list[Household]:
    return [h for t in county.townships if t.name not in SKIPPED_TOWNSHIPS for h in t.households]


def _style(rng: random.Random) -> Style:
    forms = ["d:yyyy-mm-dd", *rng.sample(DATE_FORMS[1:], k=2)]
    return Style(rng, date_forms=forms, yes_no=rng.choice((("是", "否"), ("√", "×"))))


def _kind(values: dict[str, Any], kind: str, ref: Any = None) -> Record:
    return Record({**values, "_kind": kind}, ref=ref)


# ---------------------------------------------------------------- projects
TOTAL_KEYS = (
    "fund_total", "fund_central", "fund_province", "fund_county", "fund_integrated", "paid",
    "hh_benefit", "poor_benefit", "people_benefit", "poor_people",
)  # fmt: skip


def add_up_townships(plan: SheetPlan) -> None:
    """Give each township "household" of the projects sheet the sums of its projects, once the injections are
    in, so the 合计 row (which adds up the townships) matches what the rows show."""
    for parent in plan.records:
        for key in TOTAL_KEYS:
            numbers = [m.values.get(key) for m in parent.members]
            parent.values[key] = round(sum(v for v in numbers if isinstance(v, int | float)), 2)


def project_rows(towns: list[Township], rng: random.Random, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Projects per township: 2023's finished, accepted and paid; 2024's under way, partly paid."""
    out: dict[str, list[dict[str, Any]]] = {}
    n = 0
    for t in towns:
        rows = []
        for v in rng.sample(t.villages, k=min(len(t.villages), rng.randint(3, 5))):
            n += 1
            cat, name, content, mech = rng.choice(PROJECT_KINDS)
            year = rng.choice((2023, 2023, 2024))
            tenths = [rng.randint(100, 900), rng.randint(0, 300), rng.randint(50, 300), rng.randint(0, 200)]
            srcs = [x / 10 for x in tenths]
            total = sum(tenths) / 10
            poor = max(1, min(len(v.households), rng.randint(3, 12)))
            hh = poor + rng.randint(5, 60)
            row: dict[str, Any] = {
                "proj_no": f"XX{year}{n:03d}",
                "year": year,
                "proj_name": name.format(v=v.name),
                "proj_cat": cat,
                "build_type": "新建" if "建设" in name or "新建" in content else "改建",
                "township": t.name,
                "village": v.name,
                "content": content.format(n=rng.randint(2, 9) * 100, k=rng.randint(2, 6)),
                "fund_total": total,
                "fund_central": srcs[0],
                "fund_province": srcs[1] or None,
                "fund_county": srcs[2],
                "fund_integrated": srcs[3] or None,
                "owner_unit": rng.choice(OWNERS[cat]),
                "impl_unit": f"{t.name}人民政府",
                "hh_benefit": hh,
                "poor_benefit": poor,
                "people_benefit": hh * 3 + rng.randint(0, hh),
                "poor_people": poor * 3,
                "benefit_mech": mech,
                "perf_target": f"项目建成后带动{poor}户脱贫户年均增收1000元以上，群众满意度90%以上",
                "publicity": "已公示",
            }
            start = dt.date(year, rng.randint(3, 5), rng.randint(1, 28))
            row["plan_start"] = start
            row["publicity_date"] = start - dt.timedelta(days=rng.randint(20, 40))
            if year == 2023:
                row["plan_end"] = add_months(start, rng.randint(5, 7))
                row["act_start"] = start + dt.timedelta(days=rng.randint(0, 15))
                row["act_end"] = row["act_start"] + dt.timedelta(days=rng.randint(90, 160))
                row["accept_date"] = row["act_end"] + dt.timedelta(days=rng.randint(5, 25))
                row["paid"] = total
                row["filing"] = FILED
            else:
                row["plan_end"] = dt.date(2024, rng.randint(10, 12), rng.randint(1, 28))
                row["act_start"] = random_date(rng, start, min(as_of - dt.timedelta(days=20), add_months(start, 1)))
                row["paid"] = round(total * rng.choice((0.3, 0.4, 0.5, 0.6)), 2)
            rows.append(row)
        out[t.name] = rows
    return out


def projects_plan(
    rows: dict[str, list[dict[str, Any]]], rng: random.Random, as_of: dt.date, people: list[str]
) -> SheetPlan:
    """Township column merged down over its projects, 资金来源 and 受益对象 grouped over a 2-row header, 合计."""
    h = Headers("projects", rng, True, numbered=False)
    fund, benefit = "资金来源（万元）", "受益对象"
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "enum", household=True),
        Col("proj_no", h("proj_no"), "text", width=12),
        Col("year", h("year"), "year"),
        Col("proj_name", h("proj_name"), "text", width=26),
        Col("proj_cat", h("proj_cat"), "enum"),
        Col("build_type", h("build_type"), "enum"),
        Col("village", h("village"), "text"),
        Col("content", h("content"), "text", width=30),
        Col("fund_total", h("fund_total", "万元"), "num", total=True),
        Col("fund_central", "中央财政资金", "num", group=fund, total=True),
        Col("fund_province", "省级财政资金", "num", group=fund, total=True),
        Col("fund_county", "县级财政资金", "num", group=fund, total=True),
        Col("fund_integrated", "统筹整合涉农资金", "num", group=fund, total=True),
        Col("owner_unit", h("owner_unit"), "text", width=14),
        Col("impl_unit", h("impl_unit"), "text", width=16),
        Col("plan_start", h("plan_start"), "date"),
        Col("plan_end", h("plan_end"), "date"),
        Col("act_start", h("act_start"), "date"),
        Col("act_end", h("act_end"), "date"),
        Col("accept_date", h("accept_date"), "date"),
        Col("paid", h("paid", "万元"), "num", total=True),
        Col("hh_benefit", "受益户数", "int", group=benefit, total=True),
        Col("poor_benefit", "受益脱贫户数", "int", group=benefit, total=True),
        Col("people_benefit", "受益人口", "int", group=benefit, total=True),
        Col("poor_people", "受益脱贫人口", "int", group=benefit, total=True),
        Col("benefit_mech", h("benefit_mech"), "text", width=24),
        Col("perf_target", h("perf_target"), "text", width=30),
        Col("publicity", h("publicity"), "text"),
        Col("publicity_date", h("publicity_date"), "date"),
        Col("filing", h("filing"), "text", width=24),
    ]
    sections = []
    seq = 0
    for town, group in rows.items():
        members = []
        for r in group:
            seq += 1
            members.append(_kind({**r, "seq": seq}, "projects", ref=r))
        parent = Record({"township": town, "_kind": "projects_township"}, members=members)
        sections.append(Section(None, [parent]))
    plan = SheetPlan("扶贫项目资金台账", ("projects",), cols, sections, _style(rng), header_depth=2, roster="merged")
    plan.total = True
    return decorate(
        plan, rng, True, title="新县2023—2024年度财政衔接推进乡村振兴补助资金项目台账", unit="万元、户、人",
        reporter=REPORTER, as_of=as_of, people=people, force={"attachment": "附件1", "subtitle": True, "meta": True,
        "column_numbers": False, "repeat": False, "blank": False, "footer": True},
    )  # fmt: skip


# ---------------------------------------------------------------- housing
def housing_rows(households: list[Household], rng: random.Random) -> list[tuple[Household, dict[str, Any]]]:
    """危改 of 2018–2020 for 脱贫户: C/D grade, assessed, renovated, accepted, paid, publicised."""
    out = []
    for hh in households:
        grade = rng.choice(("C", "C", "D"))
        method = "拆除重建" if grade == "D" else rng.choice(("修缮加固", "修缮加固", "拆除重建"))
        assess = dt.date(rng.choice((2018, 2019, 2020)), rng.randint(2, 6), rng.randint(1, 28))
        start = assess + dt.timedelta(days=rng.randint(15, 60))
        finish = start + dt.timedelta(days=rng.randint(40, 120))
        accept = finish + dt.timedelta(days=rng.randint(3, 20))
        subsidy = 35000 if method == "拆除重建" else rng.choice((10000, 15000, 20000))
        scope = "主房、厨房、屋面、承重墙" if method == "修缮加固" else "主房、厨房、基础"
        out.append(
            (
                hh,
                {
                    "hh_no": hh.hh_no,
                    "head_name": hh.head.name,
                    "head_id": hh.head.id_no,
                    "township": hh.township,
                    "village": hh.village,
                    "group": hh.group,
                    "target_type": "脱贫户"
                    if hh.attr_base == "一般"
                    else f"脱贫户、{hh.attr_base}户".replace("特困供养户", "分散供养特困人员"),
                    "hh_size": hh.size,
                    "grade": grade,
                    "assessor": rng.choice(
                        ("河南省建科院新县检测站", "信阳市房屋安全鉴定中心", "县住建局房屋安全鉴定所")
                    ),
                    "assess_date": assess,
                    "method": method,
                    "scope": scope,
                    "structure": "砖混" if method == "拆除重建" else rng.choice(("砖木", "土木", "砖混")),
                    "start_date": start,
                    "finish_date": finish,
                    "accept_date": accept,
                    "subsidy": subsidy,
                    "paid": subsidy,
                    "demolished": True if method == "拆除重建" else None,
                    "publicity": f"已于{assess.year}年{assess.month}月在村务公开栏公示",
                },
            )
        )
    return out


def housing_plan(
    rows: list[tuple[Household, dict[str, Any]]], rng: random.Random, as_of: dt.date, people: list[str]
) -> SheetPlan:
    """2-row header (鉴定情况, 改造情况, 补助资金 grouped), a section with 小计 per township, 合计."""
    h = Headers("housing", rng, True, numbered=False)
    assess, work, money = "房屋安全鉴定", "改造情况", "补助资金（元）"
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "text"),
        Col("village", h("village"), "text"),
        Col("group", h("group"), "text"),
        Col("hh_no", h("hh_no"), "text", width=18),
        Col("head_name", h("head_name"), "text"),
        Col("head_id", h("head_id"), "id", width=20),
        Col("target_type", h("target_type"), "text", width=16),
        Col("hh_size", h("hh_size"), "int", total=True),
        Col("grade", "鉴定等级", "enum", group=assess),
        Col("assessor", "鉴定机构", "text", group=assess, width=22),
        Col("assess_date", "鉴定时间", "date", group=assess),
        Col("method", "改造方式", "enum", group=work),
        Col("scope", "改造内容", "text", group=work, width=18),
        Col("structure", "结构类型", "enum", group=work),
        Col("start_date", "开工时间", "date", group=work),
        Col("finish_date", "竣工时间", "date", group=work),
        Col("accept_date", "验收时间", "date", group=work),
        Col("subsidy", "补助金额", "money", group=money, total=True),
        Col("paid", "已拨付金额", "money", group=money, total=True),
        Col("demolished", h("demolished"), "bool"),
        Col("publicity", h("publicity"), "text", width=26),
    ]
    by_town: dict[str, list[Record]] = {}
    for i, (hh, r) in enumerate(rows, start=1):
        by_town.setdefault(hh.township, []).append(_kind({**r, "seq": i}, "housing", ref=hh))
    sections = [
        Section(numbered(town, i, len(recs), "户"), recs, subtotal=True)
        for i, (town, recs) in enumerate(by_town.items())
    ]
    plan = SheetPlan("危房改造台账", ("housing",), cols, sections, _style(rng), header_depth=2)
    plan.total = True
    return decorate(
        plan, rng, True, title="新县农村危房改造对象台账（2018—2020年）", unit="户、人、元",
        reporter="新县住房和城乡建设局",
        as_of=as_of, people=people, notes=("备注：鉴定等级按《农村危险房屋鉴定技术导则》填写A、B、C、D。",),
        force={"attachment": None, "subtitle": False, "meta": True, "column_numbers": False, "repeat": False,
               "blank": True, "footer": True},
    )  # fmt: skip


# ---------------------------------------------------------------- water
def water_rows(households: list[Household], rng: random.Random) -> list[tuple[Household, dict[str, Any]]]:
    out = []
    for hh in households:
        piped = rng.random() < 0.7
        row: dict[str, Any] = {
            "hh_no": hh.hh_no,
            "head_name": hh.head.name,
            "head_id": hh.head.id_no,
            "township": hh.township,
            "village": hh.village,
            "group": hh.group,
            "area_type": "丰水地区",
            "supply_mode": "自来水入户" if piped else rng.choice(("集中供水", "当家井", "山泉水")),
            "piped": piped,
            "liters": rng.choice((40, 45, 50, 60, 80)),
            "fetch_minutes": None if piped else rng.randint(3, 15),
            "stop_days": rng.choice((0, 0, 2, 5, 10)),
            "quality_test": rng.choice(("合格", "合格", "基本合格")),
            "quality_desc": "无色无味",
            "target_cat": rng.choice((None, None, "独居老人户", "五保户")),
        }
        if row["target_cat"]:
            row["measure"] = "铺设入户管道、安装净水设备"
            row["finish_date"] = dt.date(rng.choice((2019, 2020)), rng.randint(3, 11), rng.randint(1, 28))
        out.append((hh, row))
    return out


def water_plan(
    rows: list[tuple[Household, dict[str, Any]]], rng: random.Random, as_of: dt.date, people: list[str]
) -> SheetPlan:
    """1-row header with a column-number row, blank rows, no totals."""
    h = Headers("water", rng, True, numbered=False)
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "text"),
        Col("village", h("village"), "text"),
        Col("group", h("group"), "text"),
        Col("hh_no", h("hh_no"), "text", width=18),
        Col("head_name", h("head_name"), "text"),
        Col("head_id", h("head_id"), "id", width=20),
        Col("area_type", h("area_type"), "enum"),
        Col("supply_mode", h("supply_mode"), "enum"),
        Col("piped", h("piped"), "bool"),
        Col("liters", h("liters", "升"), "num"),
        Col("fetch_minutes", h("fetch_minutes", "分钟"), "num"),
        Col("stop_days", h("stop_days", "天"), "num"),
        Col("quality_test", h("quality_test"), "enum"),
        Col("quality_desc", h("quality_desc"), "text"),
        Col("target_cat", h("target_cat"), "enum"),
        Col("measure", h("measure"), "text", width=24),
        Col("finish_date", h("finish_date"), "date"),
    ]
    records = [_kind({**r, "seq": i}, "water", ref=hh) for i, (hh, r) in enumerate(rows, start=1)]
    plan = SheetPlan("饮水安全台账", ("water",), cols, [Section(None, records)], _style(rng))
    return decorate(
        plan, rng, True, title="新县农村饮水安全排查台账", unit="升、分钟、天", reporter="新县水利局", as_of=as_of,
        people=people, force={"attachment": "附件3", "subtitle": True, "meta": True, "column_numbers": True,
        "repeat": False, "blank": True, "footer": False},
    )  # fmt: skip


# ---------------------------------------------------------------- monitoring
RISKS = ("因灾", "因意外事故", "因学", "因残", "因病", "因产业项目失败")
RISK_MEASURES = {
    "因灾": "产业扶贫、社会帮扶",
    "因意外事故": "就业扶贫、社会帮扶",
    "因学": "教育扶贫、就业扶贫",
    "因残": "兜底保障、健康扶贫",
    "因病": "健康扶贫、兜底保障",
    "因产业项目失败": "产业扶贫、金融扶贫",
}


def monitoring_rows(
    households: list[Household], rng: random.Random, as_of: dt.date
) -> list[tuple[Household, dict[str, Any]]]:
    """脱贫不稳定户 identified 2021–2024; those identified before 2024 mostly with the risk removed."""
    out = []
    for hh in households:
        monitor = random_date(rng, dt.date(2021, 3, 1), as_of - dt.timedelta(days=40))
        removed = monitor.year < 2024 and rng.random() < 0.7
        risk = rng.choice(RISKS)
        row: dict[str, Any] = {
            "township": hh.township,
            "village": hh.village,
            "natural_village": hh.group,
            "hh_no": hh.hh_no,
            "head_name": hh.head.name,
            "head_id": hh.head.id_no,
            "hh_size": hh.size,
            "hh_type": "脱贫户",
            "monitored_type": "脱贫不稳定户",
            "monitor_date": monitor,
            "risks": risk,
            "inc_pc": rng.randrange(9000, 16000, 10) if removed else rng.randrange(5200, 8000, 10),
            "id_wage": rng.randrange(6000, 30000, 100),
            "rigid_expense": rng.randrange(3000, 20000, 100) if risk == "因病" else None,
            "risk_removed": removed,
            "remove_date": add_months(monitor, rng.randint(6, 14)) if removed else None,
            "measures": RISK_MEASURES[risk],
            "helper": hh.helper.name if hh.helper else None,
        }
        if removed and row["remove_date"] > as_of - dt.timedelta(days=10):
            row["remove_date"] = as_of - dt.timedelta(days=rng.randint(10, 60))
        out.append((hh, row))
    return out


def monitoring_plan(
    rows: list[tuple[Household, dict[str, Any]]], rng: random.Random, as_of: dt.date, people: list[str]
) -> SheetPlan:
    """1-row header, a section row per township, no totals."""
    h = Headers("monitoring", rng, True, numbered=False)
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "enum"),
        Col("village", h("village"), "text"),
        Col("natural_village", h("natural_village"), "text"),
        Col("hh_no", h("hh_no"), "text", width=18),
        Col("head_name", h("head_name"), "text"),
        Col("head_id", h("head_id"), "id", width=20),
        Col("hh_size", h("hh_size"), "int"),
        Col("hh_type", h("hh_type"), "enum"),
        Col("monitored_type", h("monitored_type"), "enum"),
        Col("monitor_date", h("monitor_date"), "date"),
        Col("risks", h("risks"), "text"),
        Col("inc_pc", h("inc_pc", "元"), "money"),
        Col("id_wage", h("id_wage", "元"), "money"),
        Col("rigid_expense", h("rigid_expense", "元"), "money"),
        Col("risk_removed", h("risk_removed"), "bool"),
        Col("remove_date", h("remove_date"), "date"),
        Col("measures", h("measures"), "text", width=20),
        Col("helper", h("helper"), "text"),
    ]
    by_town: dict[str, list[Record]] = {}
    for i, (hh, r) in enumerate(rows, start=1):
        by_town.setdefault(hh.township, []).append(_kind({**r, "seq": i}, "monitoring", ref=hh))
    sections = [Section(numbered(town, i, len(recs), "户"), recs) for i, (town, recs) in enumerate(by_town.items())]
    plan = SheetPlan("防返贫监测对象台账", ("monitoring",), cols, sections, _style(rng))
    return decorate(
        plan, rng, True, title="新县防止返贫监测对象信息台账", unit="户、人、元", reporter=REPORTER, as_of=as_of,
        people=people, force={"attachment": None, "subtitle": True, "meta": True, "column_numbers": False,
        "repeat": True, "blank": False, "footer": True},
    )  # fmt: skip


# ---------------------------------------------------------------- the sample
def plans(rng: random.Random, as_of: dt.date) -> list[SheetPlan]:
    """The four sheets, each from its own households of the county (a household on one sheet only)."""
    county = sample_county(as_of)
    people = county.county_leaders
    towns = [t for t in county.townships if t.name not in SKIPPED_TOWNSHIPS]
    pool = _households(county)
    chosen = rng.sample(pool, k=min(len(pool), 90))
    order = {h.hh_no: i for i, h in enumerate(pool)}
    housing = sorted(chosen[:30], key=lambda h: order[h.hh_no])
    water = sorted(chosen[30:60], key=lambda h: order[h.hh_no])
    monitoring = sorted(chosen[60:90], key=lambda h: order[h.hh_no])
    return [
        projects_plan(project_rows(rng.sample(towns, k=min(8, len(towns))), rng, as_of), rng, as_of, people),
        housing_plan(housing_rows(housing, rng), rng, as_of, people),
        water_plan(water_rows(water, rng), rng, as_of, people),
        monitoring_plan(monitoring_rows(monitoring, rng, as_of), rng, as_of, people),
    ]


def build(path: Path, rng: random.Random, as_of: dt.date) -> Any:
    """The sample workbook with one deliberate problem per rule of :data:`injectors_newkinds.RULES`."""
    from tests.samples.generator import Other, _injected, finish
    from tests.samples.injectors_newkinds import RULES
    from tests.samples.ledgers import instructions

    sheets: list[SheetPlan | Other] = [Other("填表说明", instructions()), *plans(rng, as_of)]
    planned = _injected(sheets, rng, as_of, [(rule, ()) for rule in RULES])
    for sheet in sheets:
        if isinstance(sheet, SheetPlan) and sheet.roster == "merged":
            add_up_townships(sheet)
    return finish(path, sheets, planned)
