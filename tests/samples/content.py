"""Rows of the event ledgers: rectification items, visit logs, loans, relocations.

Each function returns plain dicts of semantic values keyed by ledger field, drawn
from the county model so that names, IDs, villages and helpers agree across
sheets. Texts are assembled from parts that name the village, the household and
concrete numbers, so no two households get the same text (BF-06, ZG-21).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.samples.owners import RosterPeople, as_values, typed_owners
from tests.samples.people import County, Household, Township, Village, add_months, random_date

# ---------------------------------------------------------------- rectification items
CATEGORIES: dict[str, tuple[str, str]] = {
    # code: (value written in the 问题类别 column, section label)
    "C01": ("精准识别", "精准识别方面"),
    "C02": ("精准退出", "精准退出方面"),
    "C03": ("档卡信息", "档卡信息方面"),
    "C04": ("帮扶措施", "帮扶措施方面"),
    "C05": ("驻村帮扶", "驻村帮扶方面"),
    "C06": ("产业扶贫", "产业扶贫方面"),
    "C08": ("金融扶贫", "金融扶贫方面"),
    "C09": ("扶贫资金", "扶贫资金项目管理方面"),
    "C10": ("易地扶贫搬迁", "易地扶贫搬迁方面"),
    "C11": ("住房安全", "住房安全方面"),
    "C12": ("饮水安全", "饮水安全方面"),
    "C13": ("义务教育", "义务教育方面"),
    "C14": ("基本医疗", "基本医疗方面"),
    "C15": ("兜底保障", "兜底保障方面"),
    "C16": ("基础设施", "基础设施方面"),
    "C17": ("政策宣传", "政策宣传方面"),
    "C19": ("作风建设", "责任落实与作风方面"),
    "C21": ("人居环境", "人居环境方面"),
}

# {v} village, {g} group, {h} household head, {t} township, {n}/{m} numbers, {y} a year, {p} helper
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "C01": (
        "{v}{g}{h}家住房鉴定为C级危房，家庭人均收入{n}元，未纳入防返贫监测对象",
        "{v}有{n}户无房户、危房户未纳入建档立卡或监测范围，存在漏评风险",
        "{v}{h}家有商品房1套、小轿车1辆，仍按脱贫户享受政策，群众反映识别不准",
    ),
    "C02": (
        "{v}{h}家{y}年识别、同年即标注退出，识别到退出不足12个月",
        "{v}{n}户脱贫户退出档案缺少民主评议记录和户签字确认书",
        "{v}{h}家退出公示仅{m}天即发布公告，公示时间不足7天",
    ),
    "C03": (
        "{v}{n}户致贫原因填写雷同，均填报为缺技术、缺资金",
        "{v}{h}家家庭人口数与系统不一致，系统登记{m}人，实际在册{n}人",
        "{v}{n}户扶贫手册收入计算错误，人均纯收入与分项收入合计不符",
    ),
    "C04": (
        "{v}{h}家致贫原因为缺资金，但帮扶措施仅有教育扶贫一项",
        "{v}{n}户致贫原因为缺技术，未安排任何技能培训",
    ),
    "C05": (
        "{v}帮扶责任人{p}近两个月未入户走访{h}家，帮扶记录由他人代填",
        "{v}第一书记未对{n}份入户帮扶记录进行审核签字",
    ),
    "C06": (
        "{v}到户增收项目资金{n}万元统一交合作社使用，{m}户脱贫户不知情，存在“一合了之”",
        "{v}茶叶种植到户项目有{n}户未签订利益联结协议",
    ),
    "C08": (
        "{v}{h}家扶贫小额信贷用途登记与实际不符，贷款资金未用于登记的养殖项目",
        "{v}{n}笔扶贫小额信贷到期前未提醒还款，未及时办理续贷手续",
    ),
    "C09": (
        "{v}村组道路项目（{n}万元）竣工{m}个月未验收，项目资金未拨付",
        "{v}{y}年{n}个扶贫项目未在村务公开栏公示",
    ),
    "C10": (
        "{v}搬迁户{h}家已入住{n}个月，旧房未拆除、宅基地未复垦",
        "{v}搬迁至集镇安置点的{n}户后续扶持措施未落实，就业不稳定",
    ),
    "C11": (
        "{v}{g}{h}家厨房为D级危房，危房改造时只改主房未改厨房",
        "{v}{n}户危改房屋改造后屋面漏雨、墙体裂缝未修补",
    ),
    "C12": (
        "{v}{g}自来水管网老化，{n}户水龙头生锈，夏季间歇性停水",
        "{v}{g}{n}户饮用水水质浑浊，未开展水质检测",
    ),
    "C13": (
        "{v}{h}家子女春季学期教育资助{n}元未发放到位",
        "{v}{h}家1名适龄儿童随父母外出，学籍变动信息未及时更新",
    ),
    "C14": (
        "{v}{n}户家庭医生签约服务记录无签约日期、无医生签名",
        "{v}{h}家慢性病患者未办理慢病卡，门诊费用{n}元未报销",
    ),
    "C15": (
        "{v}{h}家在校小学生参加了城乡居民养老保险",
        "{v}{n}户低保对象名单未在村务公开栏公示",
    ),
    "C16": (
        "{v}综合性文化服务中心{y}年建成后未验收，至今未投入使用",
        "{v}{g}通组道路{n}公里水毁后未修复，群众出行不便",
    ),
    "C17": (
        "{v}无固定公示栏，享受低保、教育扶贫人员名单未公示",
        "{v}{n}户群众对扶贫小额信贷贴息政策不知晓",
    ),
    "C19": (
        "{v}驻村工作队{n}名队员工作日不在岗，考勤记录不全",
        "{v}帮扶干部{p}走访时不入户，仅电话了解情况",
    ),
    "C21": (
        "{v}{g}房前屋后柴草乱堆乱放，生活垃圾{n}天未清运",
        "{v}{g}{n}处旱厕未改造，污水直排沟渠",
    ),
}

MEASURES: dict[str, tuple[str, ...]] = {
    "C01": ("组织村两委和驻村工作队逐户核查{x}，符合条件的按程序纳入监测对象，落实产业和就业帮扶",),
    "C02": ("调取退出档案逐户复核{x}，补齐民主评议记录和户签字确认书，重新履行公示公告程序",),
    "C03": ("对照户籍、扶贫手册逐项比对{x}，修正系统数据并由户主签字确认",),
    "C04": ("根据致贫原因重新制定{x}帮扶计划，增加小额信贷、技能培训等针对性措施",),
    "C05": ("约谈帮扶责任人，落实每月入户走访，第一书记逐份审核{x}帮扶记录",),
    "C06": ("召开户代表会议说明项目资金去向，与合作社补签{x}利益联结协议，按季度兑现分红",),
    "C08": ("银行、乡镇联合入户核实{x}贷款用途，建立到期提醒台账，落实续贷或展期",),
    "C09": ("组织住建、财政联合验收{x}，验收合格后15个工作日内拨付资金并公示",),
    "C10": ("督促搬迁户签订拆旧协议，{x}完成旧房拆除和宅基地复垦，落实就业帮扶",),
    "C11": ("委托有资质的机构重新鉴定{x}，对厨房、承重墙实施加固改造，竣工后及时验收",),
    "C12": ("水利部门更换老化管网{x}，增设净化消毒设备，每季度开展一次水质检测",),
    "C13": ("教育部门核实学籍和资助名单{x}，补发资助资金，落实控辍保学联保责任",),
    "C14": ("乡镇卫生院补签家庭医生服务协议{x}，为慢性病患者办理慢病卡并补报费用",),
    "C15": ("人社部门办理退保手续{x}，对低保对象名单在村务公开栏张榜公示7天",),
    "C16": ("对照建设标准组织验收{x}，配齐文化器材，明确专人管理并开放使用",),
    "C17": ("设立固定公示栏，公示低保、教育扶贫等享受政策人员{x}，入户发放政策明白卡",),
    "C19": ("对不在岗人员进行约谈并通报{x}，建立驻村工作队考勤和请销假制度",),
    "C21": ("组织开展人居环境集中整治{x}，落实保洁员责任区，垃圾日产日清",),
}
LONG_TERM_MEASURES = (
    "建立长效机制，每月开展一次排查，每季度通报一次整改进展，{y}年底前全面巩固整改成果",
    "落实常态化监测，每月入户核查一次，每半年开展一次“回头看”，发现问题立行立改",
)
EVIDENCE = (
    "入户核查表、整改前后照片",
    "系统截图、村两委会议记录",
    "验收单、资金拨付凭证",
    "公示照片、户签字确认书",
    "整改报告及佐证材料1套",
    "入户走访记录、群众签字表",
)
SOURCES = (
    "国家成效考核", "省际交叉考核", "第三方评估", "省暗访反馈", "省级督查", "市级督查", "县督查巡查组",
    "第二督查巡查组", "审计", "县委巡察", "信访举报", "自查自纠", "行业部门排查", "媒体暗访",
)  # fmt: skip
CN_NUM = "一二三四五六七八九十"
SECTION_NUMBERS = [*CN_NUM, *(f"十{c}" for c in CN_NUM[:9]), "二十"]


def _fill(template: str, rng: random.Random, **kw: Any) -> str:
    kw.setdefault("n", rng.randint(2, 18))
    kw.setdefault("m", rng.randint(2, 6))
    kw.setdefault("y", rng.choice((2021, 2022, 2023)))
    return template.format(**kw)


def problem_items(
    county: County, n: int, rng: random.Random, *, as_of: dt.date, county_level: bool = False,
    townships: list[Township] | None = None, people: RosterPeople | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """``n`` clean rectification items (none overdue, done ones complete with date and evidence).

    With the roster's ``people`` (:func:`tests.samples.owners.roster_people` of the whole county) most items
    name the owners the roster gives them (:func:`tests.samples.owners.typed_owners`); without, random cadres.
    """
    towns = townships or county.townships
    items: list[dict[str, Any]] = []
    used: set[tuple[tuple[str, str, str], str]] = set()
    codes = list(CATEGORIES)
    for k in range(n):
        t = towns[k % len(towns)] if not county_level else rng.choice(towns)
        v = rng.choice(t.villages)
        hh = rng.choice(v.households) if v.households else None
        code = rng.choice(codes)
        templates = DESCRIPTIONS[code]
        # Never the same template twice for one place (ZG-21 looks for near-identical items per 乡镇/村/户主);
        # a county-level item names no village, so its place is the township.
        for _ in range(20):
            tpl = rng.choice(templates)
            place = (t.name, "" if county_level else v.name, hh.head.name if hh and "{h}" in tpl else "")
            if (place, tpl) not in used:
                break
            code = rng.choice(codes)
            templates = DESCRIPTIONS[code]
            v = rng.choice(t.villages)
            hh = rng.choice(v.households) if v.households else None
        used.add((place, tpl))
        helper = hh.helper.name if hh is not None and hh.helper else rng.choice(t.cadres)
        group = rng.choice(("一组", "二组", "三组", "四组", "五组"))
        head = hh.head.name if hh else ""
        desc = _fill(tpl, rng, v=(t.name if county_level else "") + v.name, g=group, h=head, t=t.name, p=helper)
        found = random_date(rng, dt.date(as_of.year - 1, 9, 1), as_of - dt.timedelta(days=3))
        status = rng.choices(("已完成", "已销号", "整改中", "长期坚持", "未整改", "无需整改"), (45, 15, 24, 8, 4, 4))[0]
        if status == "未整改":
            found = as_of - dt.timedelta(days=rng.randint(2, 20))
        measures = _fill(rng.choice(MEASURES[code]), rng, x="")
        item: dict[str, Any] = {
            "category": CATEGORIES[code][0],
            "_code": code,
            "description": desc,
            "source": rng.choice(SOURCES),
            "found_date": found,
            "township": t.name,
            "village": v.name if not county_level else None,
            "household_head": hh.head.name if hh and "{h}" in tpl else None,
            "household_id_no": hh.head.id_no if hh and "{h}" in tpl else None,
            "lead_unit": _department(code, rng),
            **_owners(county, people, code, t, None if county_level else v, hh if "{h}" in tpl else None, rng),
            "phone": county.registry.phone(),
            "status": status,
            "_hh": hh,
        }
        if status == "长期坚持":
            item["deadline"] = "长期坚持"
            item["rectify_type"] = "长期坚持"
            item["measures"] = _fill(rng.choice(LONG_TERM_MEASURES), rng, y=as_of.year)
            item["progress_text"] = f"已建立工作台账，累计开展排查{rng.randint(3, 12)}次"
        elif status in ("已完成", "已销号"):
            immediate = rng.random() < 0.15
            if immediate:
                item["deadline"] = "立行立改"
                item["rectify_type"] = "立行立改"
                latest = found + dt.timedelta(days=7)
            else:
                deadline = found + dt.timedelta(days=rng.randint(20, 150))
                item["deadline"] = _deadline_form(deadline, rng)
                item["rectify_type"] = "限期整改"
                latest = _deadline_date(deadline)
            done = random_date(rng, found + dt.timedelta(days=1), min(latest, as_of - dt.timedelta(days=1)))
            item["measures"] = measures
            item["done_date"] = done
            item["evidence"] = rng.choice(EVIDENCE)
            tail = rng.choice(("经复查无反弹", "已录入系统", "群众认可", "已建档备查"))
            item["progress_text"] = f"已于{done.month}月{done.day}日整改到位，{tail}"
            if status == "已销号":
                item["verifier"] = rng.choice(county.county_leaders)
                item["closed"] = True
                item["closed_date"] = random_date(rng, done, as_of - dt.timedelta(days=1))
        elif status == "无需整改":
            item["deadline"] = _deadline_form(found + dt.timedelta(days=30), rng)
            item["measures"] = measures
            item["remark"] = (
                f"经{rng.choice(('乡镇', '行业部门', '县督查组'))}实地核实，反映情况不属实，已向反馈单位说明"
            )
        else:  # 整改中 / 未整改: deadline still ahead
            deadline = random_date(rng, as_of + dt.timedelta(days=20), dt.date(as_of.year, 12, 31))
            item["deadline"] = _deadline_form(deadline, rng, future=True)
            item["rectify_type"] = "限期整改"
            item["measures"] = measures
            if status == "整改中":
                item["progress_text"] = rng.choice(
                    (
                        "正在组织施工，已完成工程量的{p}%",
                        "已制定整改方案，正在逐户核实，完成{p}%",
                        "正在推进，已完成{p}%",
                    )
                ).format(p=rng.choice((30, 40, 50, 60, 70, 80)))
            else:
                item["progress_text"] = "已制定整改方案，待组织实施"
        items.append(item)
    return items


def _owners(
    county: County, people: RosterPeople | None, code: str, t: Township, v: Village | None, hh: Household | None,
    rng: random.Random,
) -> dict[str, Any]:  # fmt: skip
    """责任单位, 责任领导, 责任人 of an item at this place (``v`` None for a county-level item)."""
    if people is not None:
        lead = _department(code, rng)
        return as_values(typed_owners(people, code, t, v, hh, lead, county.county_leaders, rng))
    county_level = v is None
    return {
        "resp_unit": f"{t.name}人民政府" if not county_level or rng.random() < 0.5 else _partner(code, rng),
        "resp_leader": t.leader if not county_level else rng.choice(county.county_leaders),
        "resp_person": rng.choice(t.cadres) if rng.random() < 0.85 else "、".join(rng.sample(t.cadres, 2)),
    }


def _partner(code: str, rng: random.Random) -> str:
    """Units working with the lead department on a county-level item."""
    lead = _department(code, rng)
    others = [
        d for d in ("县财政局", "县民政局", "县人社局", "县住建局", "县水利局", "县教育局", "县卫健委") if d != lead
    ]
    return "、".join(rng.sample(others, 2))


def _department(code: str, rng: random.Random) -> str:
    lead = {
        "C01": "县扶贫办", "C02": "县扶贫办", "C03": "县扶贫办", "C04": "县扶贫办", "C05": "县委组织部",
        "C06": "县农业农村局", "C08": "县金融办", "C09": "县财政局", "C10": "县发改委", "C11": "县住建局",
        "C12": "县水利局", "C13": "县教育局", "C14": "县卫健委", "C15": "县民政局", "C16": "县交通运输局",
        "C17": "县文广旅局", "C19": "县纪委监委", "C21": "县农业农村局",
    }  # fmt: skip
    return lead[code]


def _deadline_form(d: dt.date, rng: random.Random, *, future: bool = False) -> Any:
    """A deadline as staff write it: a date, or "X月底前" (only when that month end is the deadline)."""
    r = rng.random()
    if r < 0.25:
        month_end = add_months(dt.date(d.year, d.month, 1), 1) - dt.timedelta(days=1)
        return _MonthEnd(
            month_end, rng.choice((f"{d.year}年{d.month}月底前", f"{d.month}月底前", f"{d.year}年{d.month}月底"))
        )
    if future and r < 0.3:
        return _MonthEnd(dt.date(d.year, 12, 31), "年底前")
    return d


class _MonthEnd(str):
    """A month-only deadline text that remembers the date it stands for."""

    date: dt.date

    def __new__(cls, date: dt.date, text: str) -> _MonthEnd:
        obj = super().__new__(cls, text)
        obj.date = date
        return obj


def _deadline_date(value: Any) -> dt.date:
    return value.date if isinstance(value, _MonthEnd) else value


def deadline_date(value: Any) -> dt.date | None:
    if isinstance(value, _MonthEnd):
        return value.date
    return value if isinstance(value, dt.date) else None


# ---------------------------------------------------------------- visit logs
ACTIONS = (
    "入户走访{h}家，宣讲{policy}政策，帮助申请{item}",
    "查看{h}家茶园{k}亩长势，联系农技员指导病虫害防治",
    "协助{h}家核对{size}口人的家庭成员信息，办理{year}年医保参保登记",
    "帮助{h}家申报到户增收项目，核实养殖{animal}{k}头（只）",
    "核对{h}家扶贫手册收支信息，更新{month}月份帮扶记录并请户主确认",
    "与{h}家一起清理房前屋后卫生，检查自来水使用和住房安全情况",
    "宣传防返贫监测政策，登记{h}家{month}月份收入支出{k}项",
    "给{h}家送去{item2}，了解家庭生产生活情况",
)
STUDENT_ACTIONS = ("询问{student}在校学习情况，核实{term}教育资助发放情况",)
ILL_ACTIONS = ("陪同{ill}到乡卫生院办理慢病卡，讲解门诊慢病报销政策", "联系家庭医生为{ill}上门随访，测量血压血糖")
WORK_ACTIONS = ("了解{worker}在{place}务工情况，宣传稳岗补贴和一次性交通补贴政策",)
FINDINGS = (
    "饮水正常，住房安全，家庭生活稳定",
    "茶叶采摘期缺少人手，希望村里帮助联系临时用工",
    "希望{year}年继续享受产业奖补，扩大{animal}养殖规模",
    "家里{animal}出栏{k}头（只），销售渠道畅通",
    "反映通组路{k}处路灯不亮，已转村委会处理",
)
STUDENT_FINDINGS = ("{student}在校表现良好，{term}资助已到账",)
ILL_FINDINGS = ("{ill}慢性病需长期服药，每月药费约{money}元",)
WORK_FINDINGS = ("家中{nw}人外出务工，收入稳定", "{worker}在{place}务工，月收入约{wage}元")
ADULT_FINDINGS = ("{adult}想参加{skill}培训，已登记报名",)
EFFECTS = ("问题已解决", "已协调落实", "户主表示满意", "已登记，下次走访跟进", "已按政策兑现")
POLICIES = ("小额信贷", "雨露计划", "健康扶贫", "产业奖补", "防返贫监测", "医疗救助", "公益岗位")
ITEMS = ("产业奖补", "临时救助", "公益岗位", "技能培训补贴", "茶叶种植补助", "慢病卡")
ITEMS2 = ("米面油", "防暑药品", "茶苗{k}株", "鸡苗{k}只", "化肥{k}袋")
ANIMALS = ("黄牛", "生猪", "山羊", "土鸡", "鸭子")
SKILLS = ("茶叶加工", "电工", "挖掘机操作", "家政服务", "电商直播")


def _visit_text(h: Household, rng: random.Random, as_of: dt.date) -> tuple[str, str]:
    """What was done and what was learned, naming only people the household really has."""
    ms = h.members
    student = [p for p in ms if p.school_level >= 2]
    ill = [p for p in ms if "长期慢性病" in p.health]
    workers = [p for p in ms if p.work_months > 0]
    adults = [p for p in ms if 18 <= p.age < 55 and p.school_level == 0]
    worker = rng.choice(workers) if workers else None
    kw = {
        "h": h.head.name, "policy": rng.choice(POLICIES), "item": rng.choice(ITEMS), "k": rng.randint(2, 30),
        "year": as_of.year, "size": h.size, "animal": rng.choice(ANIMALS), "month": rng.randint(1, as_of.month),
        "item2": rng.choice(ITEMS2).format(k=rng.randint(3, 300)), "money": rng.randrange(80, 600, 10),
        "skill": rng.choice(SKILLS), "term": "春季学期" if as_of.month < 9 else "秋季学期",
        "student": rng.choice(student).name if student else "", "ill": rng.choice(ill).name if ill else "",
        "worker": worker.name if worker else "", "place": worker.work_place if worker else "",
        "nw": len(workers), "wage": rng.randrange(2500, 6000, 100), "adult": rng.choice(adults).name if adults else "",
    }  # fmt: skip
    actions = list(ACTIONS) + list(STUDENT_ACTIONS) * bool(student) + list(ILL_ACTIONS) * bool(ill)
    actions += list(WORK_ACTIONS) * bool(workers)
    findings = list(FINDINGS) + list(STUDENT_FINDINGS) * bool(student) + list(ILL_FINDINGS) * bool(ill)
    findings += list(WORK_FINDINGS) * bool(workers) + list(ADULT_FINDINGS) * bool(adults)
    return rng.choice(actions).format(**kw), rng.choice(findings).format(**kw)


def visit_rows(county: County, budget: int, rng: random.Random, *, as_of: dt.date) -> list[dict[str, Any]]:
    """About ``budget`` visits: every household of the covered villages visited in the last 30 days.

    Villages are taken whole (a visit log covers a village or not: BF-08 only asks
    about households of villages the log covers), until the budget is spent; what
    is left becomes earlier visits to households already covered.
    """
    villages = [v for t in county.townships for v in t.villages]
    rng.shuffle(villages)
    covered = []
    left = budget
    for v in villages:
        if len(v.households) <= left:
            covered.append(v)
            left -= len(v.households)
    rows: list[dict[str, Any]] = []
    households = [h for v in covered for h in v.households]
    extra = {id(h): 0 for h in households}
    for _ in range(left):
        if not households:
            break
        extra[id(rng.choice(households))] += 1
    for v in covered:
        for h in v.households:
            last = as_of - dt.timedelta(days=rng.randint(1, 25))
            dates = [last] + [last - dt.timedelta(days=rng.randint(20, 150)) for _ in range(extra[id(h)])]
            for k, d in enumerate(sorted(dates)):
                actions, findings = _visit_text(h, rng, as_of)
                in_person = k == len(dates) - 1 or rng.random() < 0.7
                helper = h.helper
                assert helper is not None
                rows.append(
                    {
                        "township": h.township, "village": h.village, "hh_no": h.hh_no, "head_name": h.head.name,
                        "head_id": h.head.id_no, "helper": helper.name, "helper_unit": helper.unit,
                        "helper_title": helper.title, "visit_date": d,
                        "visit_mode": (rng.choice(("入户走访",) * 6 + ("集中座谈",)) if in_person else "电话联系"),
                        "actions": actions, "findings": findings,
                        "effect": rng.choice(EFFECTS) if rng.random() < 0.8 else None,
                        "satisfaction": rng.choices(("满意", "基本满意"), (8, 2))[0],
                        "hh_signature": h.head.name if rng.random() < 0.85 else rng.choice(("已签字", "按手印", "√")),
                        "helper_signature": helper.name,
                        "reviewer": v.first_secretary,
                        "_hh": h,
                    }
                )  # fmt: skip
    rows.sort(key=lambda r: (r["township"], r["village"], r["visit_date"]))
    return rows


# ---------------------------------------------------------------- loans
PURPOSES = (
    ("发展茶叶种植", "茶叶种植到户增收项目"), ("养殖黄牛", "黄牛养殖到户增收项目"), ("养殖生猪", "生猪养殖项目"),
    ("种植油茶", "油茶产业发展项目"), ("发展稻虾共养", "稻虾综合种养项目"), ("经营农家乐", "乡村旅游带贫项目"),
    ("养殖土鸡", "林下养鸡项目"), ("种植中药材", "中药材种植项目"), ("发展食用菌", "香菇种植项目"),
)  # fmt: skip
ENTERPRISES = (
    ("茶叶专业合作社", "扩建茶叶加工生产线", "茶产业带贫项目"),
    ("农业开发有限公司", "建设油茶基地", "油茶产业带贫项目"),
    ("食品有限公司", "购置板栗加工设备", "板栗深加工扶贫车间项目"),
    ("服饰有限公司", "扩大扶贫车间生产规模", "扶贫车间就业项目"),
    ("生态农业专业合作社", "发展稻虾共养基地", "稻虾产业带贫项目"),
)


def credit_code(rng: random.Random) -> str:
    """A well-formed 统一社会信用代码 (GB 32100-2015) of the county."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + "411523" + "".join(rng.choice(chars) for _ in range(9))
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(chars.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + chars[(31 - total % 31) % 31]


def loan_rows(
    county: County, n: int, rng: random.Random, *, as_of: dt.date, enterprise_share: float = 0.08
) -> list[dict[str, Any]]:
    """``n`` loans: 到户 microcredit to roster households (≤ 5万元, ≤ 36 months), some local enterprise loans."""
    rows: list[dict[str, Any]] = []
    candidates = [h for h in county.households if any(18 <= p.age <= 60 and p.school_level == 0 for p in h.members)]
    rng.shuffle(candidates)
    n_ent = max(1, round(n * enterprise_share)) if n >= 4 else 0
    for h in candidates[: n - n_ent]:
        borrower = next(p for p in h.members if 18 <= p.age <= 60 and p.school_level == 0)
        if "扶贫小额信贷" not in h.measures:
            h.measures.append("扶贫小额信贷")
        term = rng.choice((12, 24, 36, 36, 36))
        loan_date = random_date(rng, dt.date(as_of.year - 3, 8, 1), as_of - dt.timedelta(days=20))
        due = add_months(loan_date, term)
        amount = rng.choice((5, 5, 5, 3, 4, 2, 1.5))
        rate = rng.choice((3.45, 3.65, 3.85, 4.35))
        purpose, project = rng.choice(PURPOSES)
        rows.append(
            {
                "loan_kind": "扶贫小额信贷（到户）", "borrower": borrower.name, "borrower_id": borrower.id_no,
                "hh_attr": rng.choice(("脱贫户", h.poor_attr)), "township": h.township, "village": h.village,
                "bank": rng.choice(("新县农村商业银行", "中国邮政储蓄银行新县支行")),
                "contract_no": f"XNS{loan_date:%Y%m}{rng.randint(1000, 9999)}", "amount": amount,
                "loan_date": loan_date, "due_date": due, "term": term, "rate": rate,
                "purpose": purpose, "project": f"{h.township}{project}",
                "subsidy": round(amount * 10000 * rate / 100 * min(1, ((as_of - loan_date).days / 365)), 2),
                "repay_status": "已结清" if due < as_of else "正常", "_hh": h, "_person": borrower,
            }
        )  # fmt: skip
    reg = county.registry
    for _ in range(n_ent):
        t = rng.choice(county.townships)
        v = rng.choice(t.villages)
        kind, purpose, project = rng.choice(ENTERPRISES)
        staff = rng.randint(20, 160)
        loan_date = random_date(rng, dt.date(as_of.year - 2, 3, 1), as_of - dt.timedelta(days=30))
        term = rng.choice((12, 24, 36))
        due = add_months(loan_date, term)
        rep_born = random_date(rng, dt.date(1965, 1, 1), dt.date(1990, 12, 31))
        rows.append(
            {
                "loan_kind": "产业扶贫贷款（带贫企业）",
                "borrower": f"新县{v.name.removesuffix('村')}{kind}", "borrower_id": reg.id_number(rep_born, "男"),
                "credit_code": credit_code(rng), "township": t.name, "village": v.name,
                "bank": rng.choice(("新县农村商业银行", "中国农业银行新县支行")),
                "contract_no": f"XNQ{loan_date:%Y%m}{rng.randint(100, 999)}",
                "amount": rng.choice((50, 80, 100, 150, 200, 300, 450)), "loan_date": loan_date, "due_date": due,
                "term": term, "rate": rng.choice((3.85, 4.35)), "purpose": purpose, "project": f"{t.name}{project}",
                "subsidy": None, "repay_status": "已结清" if due < as_of else "正常",
                "ent_local": rng.choice((t.name, "本镇" if t.name.endswith("镇") else "本乡", "是")),
                "ent_base": True, "ent_workshop": rng.choice((True, f"{t.name}扶贫车间")),
                "staff_total": staff, "staff_poor": max(3, round(staff * rng.uniform(0.12, 0.4))),
            }
        )  # fmt: skip
    return rows


# ---------------------------------------------------------------- relocation
FOLLOWUPS = (
    "安排扶贫车间就业{n}人", "茶叶产业入股分红", "公益岗位{n}个", "技能培训后转移就业", "安置点物业保洁岗位",
    "发展庭院经济", "光伏收益分配",
)  # fmt: skip


def relocation_rows(county: County, n: int, rng: random.Random, *, as_of: dt.date) -> list[dict[str, Any]]:
    """``n`` relocated households: ≤ 25 ㎡ per person, mostly 集中安置, new village, old house demolished."""
    rows: list[dict[str, Any]] = []
    candidates = [h for h in county.households if h.size <= 6]
    rng.shuffle(candidates)
    scattered: dict[str, int] = {}
    counted: dict[str, int] = {}
    for h in candidates[:n]:
        t = county.township(h.township)
        counted[t.name] = counted.get(t.name, 0) + 1
        share = (scattered.get(t.name, 0) + 1) / counted[t.name]
        if share <= 0.15 and counted[t.name] >= 7 and rng.random() < 0.3:
            scattered[t.name] = scattered.get(t.name, 0) + 1
            mode, detail = "分散安置", rng.choice(("插花安置", "投亲靠友"))
            to_town = t.name
            to_village = rng.choice([v.name for v in t.villages if v.name != h.village])
            site = None
        else:
            mode = "集中安置"
            detail, to_town, to_village, site = rng.choice(
                (
                    ("集镇安置", t.name, f"{t.short}社区", f"{t.short}集镇安置点"),
                    ("县城安置", "城关街道", "幸福社区", "新县城区易地扶贫搬迁安置小区"),
                    ("中心村安置", t.name, _other_village(t, h.village), "中心村安置点"),
                )
            )
        year = rng.randint(2016, 2019)
        start = random_date(rng, dt.date(year, 3, 1), dt.date(year, 6, 30))
        finish = start + dt.timedelta(days=rng.randint(200, 330))
        accept = finish + dt.timedelta(days=rng.randint(10, 40))
        move_in = accept + dt.timedelta(days=rng.randint(5, 60))
        per_person = rng.choice((20, 25, 25))
        area = h.size * per_person
        h.relocated = True
        h.house_area = float(area)
        if "易地扶贫搬迁" not in h.measures:
            h.measures.append("易地扶贫搬迁")
        rows.append(
            {
                "hh_no": h.hh_no, "head_name": h.head.name, "head_id": h.head.id_no, "persons": h.size,
                "poor_persons": h.size, "is_poor": "建档立卡户", "from_town": h.township, "from_village": h.village,
                "from_group": h.group, "reason": rng.choice(("深山区", "地质灾害隐患区", "生态保护区", "交通不便")),
                "year": year, "mode": mode, "mode_detail": detail, "site_name": site, "to_town": to_town,
                "to_village": to_village, "to_group": rng.choice(("一组", "二组", "三组", "1栋", "2栋", "3栋")),
                "area": area, "area_pc": per_person, "build_mode": "统规统建" if mode == "集中安置" else "自建",
                "subsidy": 20000 * h.size, "self_fund": rng.choice((0, 0, 2000, 3000, 5000)), "debt": 0,
                "decoration": "简装", "start_date": start, "finish_date": finish, "accept_date": accept,
                "accept_result": "验收合格", "move_in_date": move_in, "moved_in": True, "old_house": True,
                "demolish_date": move_in + dt.timedelta(days=rng.randint(30, 200)), "reclaimed": True,
                "followup": "、".join(rng.sample(FOLLOWUPS, 2)).format(n=rng.randint(1, 2)),
                "employed": rng.randint(0, 2), "_hh": h,
            }
        )  # fmt: skip
    return rows


def _other_village(t: Township, name: str) -> str:
    others = [v.name for v in t.villages if v.name != name]
    return others[0] if others else f"{t.short}社区"
