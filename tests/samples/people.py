"""A coherent synthetic county: townships, villages, households, members, helpers.

Everything here is semantic data (dates as ``datetime.date``, yes/no as ``bool``,
code-list values in their canonical spelling); how a value is written into a cell
is decided later, per sheet (``layout.py``). The rules of domain.md §3 shape the
data so that a clean county has no error-level finding: IDs with valid check
digits and sexes, ages that fit the relation to the head, schooling that fits the
age, labour that fits age and health, causes of poverty that fit the members and
the measures, incomes that add up, exit procedures in order.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from addin.ledger.idcard import check_digit

AS_OF = dt.date(2024, 7, 17)

TOWNSHIPS = [
    "新集镇", "沙窝镇", "吴陈河镇", "苏河镇", "八里畈镇", "周河乡", "陈店乡", "千斤乡", "卡房乡",
    "郭家河乡", "泗店乡", "浒湾乡", "箭厂河乡", "陡山河乡", "田铺乡", "香山湖管理区", "城关街道",
]  # fmt: skip
"""templates/codes/townships.json, in order."""

COUNTY_CODE = "411523"  # 新县
OTHER_CODES = ("411522", "411524", "421181", "411503", "411525")  # spouses married in from nearby counties

SURNAMES = "王王王李李李张张刘刘陈陈杨黄周吴徐胡朱余汪郑彭何罗詹方匡吕程曹夏易许肖熊邓高柯叶殷蔡卢江袁舒涂"
_MALE = {
    "old": "国建华明德贵福成春友全先长正荣祥家宏振山松发财富广义忠厚田根生金银宝有",
    "mid": "军伟强平林海波勇志文新超刚亮辉峰斌杰涛磊东红卫兵军明华",
    "young": "子宇浩轩博豪鹏俊泽睿晨阳宸逸铭航一诚瑞锦",
}
_FEMALE = {
    "old": "秀英兰芳桂珍凤菊翠莲花梅香玉荣淑琴素巧爱",
    "mid": "霞玲丽娟琴云萍燕敏静红艳丽华芳平",
    "young": "婷雪慧欣雨涵佳怡悦琳晓萱诗梓可馨思彤",
}

VILLAGE_WORDS = [
    "王湾",
    "李畈",
    "张岗",
    "刘冲",
    "陈洼",
    "杨河",
    "周湾",
    "吴岗",
    "黄畈",
    "胡冲",
    "余湾",
    "汪岗",
    "大庙",
    "小河",
    "石门",
    "桥口",
    "松林",
    "竹园",
    "柳林",
    "杨山",
    "杏山",
    "枫香",
    "白果",
    "龙潭",
    "凉亭",
    "红石",
    "青山",
    "金竹",
    "丁湾",
    "毛铺",
    "韩山",
    "西河",
    "东岳",
    "南冲",
    "北畈",
    "汤湾",
    "程畈",
    "熊湾",
    "郑冲",
    "邱河",
    "彭店",
    "罗洼",
    "詹湾",
    "方畈",
    "卢冲",
    "高桥",
    "柯湾",
    "叶畈",
    "殷岗",
    "蔡冲",
    "涂湾",
    "舒畈",
    "袁岗",
    "夏湾",
    "易河",
    "肖畈",
    "邓冲",
    "吕湾",
    "曹岗",
    "许河",
    "沙坪",
    "王里河",
    "田铺",
    "九里",
    "朱冲",
    "墨河",
    "新建",
    "箭河",
    "长冲",
    "观音",
    "天台",
    "泗店",
    "连康",
    "红柳",
    "花园",
    "兴隆",
    "丰收",
    "前进",
    "光明",
    "胜利",
]

GROUP_NAMES = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组")

WORK_PLACES = (
    "浙江省宁波市", "浙江省杭州市", "广东省东莞市", "广东省深圳市", "江苏省苏州市", "上海市", "北京市",
    "湖北省武汉市", "河南省郑州市", "信阳市", "新县县城",
)  # fmt: skip
LOCAL_WORK = ("本乡镇扶贫车间", "本村茶叶合作社", "本村公益岗位", "乡镇集镇")

BANKS = ("新县农村商业银行", "中国邮政储蓄银行新县支行", "中国农业银行新县支行", "新县农商银行沙窝支行")
DEPARTMENTS = (
    "县扶贫办", "县发改委", "县财政局", "县教育局", "县人社局", "县民政局", "县住建局", "县水利局", "县卫健委",
    "县农业农村局", "县林业局", "县交通运输局", "县文广旅局", "县残联", "县人民医院", "县自然资源局", "县供电公司",
    "县信访局", "县委组织部", "县纪委监委",
)  # fmt: skip
HELPER_TITLES = ("科员", "干部", "办公室主任", "股长", "副局长", "驻村工作队员", "副主任", "职工", "医生", "教师")


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, min(d.day, 28))


# ---------------------------------------------------------------- names, IDs, phones
class Registry:
    """Unique IDs, names and numbers for one generated county (deterministic from its rng)."""

    def __init__(self, rng: random.Random, as_of: dt.date = AS_OF) -> None:
        self.rng = rng
        self.as_of = as_of
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.cadre_names: set[str] = set()
        self.head_names: set[str] = set()

    def name(self, sex: str, born: dt.date, surname: str | None = None) -> str:
        rng = self.rng
        era = "old" if born.year < 1970 else "mid" if born.year < 1995 else "young"
        pool = _MALE if sex == "男" else _FEMALE
        chars = pool[era] + pool["mid" if era != "mid" else "old"][:6]
        given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
        return (surname or rng.choice(SURNAMES)) + given

    def cadre_name(self) -> str:
        """A cadre's name: never a household head's name, never reused for another cadre."""
        while True:
            sex = "男" if self.rng.random() < 0.7 else "女"
            n = self.name(sex, random_date(self.rng, dt.date(1968, 1, 1), dt.date(1995, 12, 31)))
            if n not in self.cadre_names and n not in self.head_names:
                self.cadre_names.add(n)
                return n

    def id_number(self, born: dt.date, sex: str, area: str = COUNTY_CODE) -> str:
        rng = self.rng
        while True:
            seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))
            first17 = f"{area}{born:%Y%m%d}{seq:03d}"
            full = first17 + check_digit(first17)
            if full in self.ids or "99999" in full or any(c * 8 in full for c in "0123456789"):
                continue
            self.ids.add(full)
            return full

    def phone(self) -> str:
        while True:
            p = self.rng.choice(("13", "15", "18", "17", "19")) + "".join(
                self.rng.choice("0123456789") for _ in range(9)
            )
            if p not in self.phones:
                self.phones.add(p)
                return p

    def bank_account(self) -> str:
        return "6228" + "".join(self.rng.choice("0123456789") for _ in range(15))


# ---------------------------------------------------------------- the model
@dataclass
class Person:
    name: str
    sex: str
    born: dt.date
    id_no: str
    relation: str
    ethnicity: str = "汉族"
    education: str = ""
    school_status: str = "非在校生"
    school_level: int = 0
    health: list[str] = field(default_factory=lambda: ["健康"])
    disability_cert: str = ""
    labour: str = "无劳动力"
    work_status: str = "无"
    work_months: int = 0
    work_place: str = ""
    dibao: bool = False
    tekun: bool = False
    med_ins: bool = True
    serious_ins: bool = True
    pension_ins: bool = False
    pension_recv: bool = False
    member_status: str = "正常"
    phone: str = ""
    age: int = 0  # full years on the as-of date

    @property
    def capacity(self) -> str:
        return {"普通劳动力": "full", "技能劳动力": "full", "弱劳动力或半劳动力": "weak"}.get(self.labour, "none")


@dataclass
class Helper:
    name: str
    unit: str
    title: str
    phone: str
    township: str
    households: list[Household] = field(default_factory=list)


@dataclass
class Household:
    hh_no: str
    township: str
    village: str
    group: str
    members: list[Person]
    attr_base: str  # 一般 / 低保 / 特困供养
    main_cause: str = ""
    other_causes: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    id_year: int = 2014
    exit_year: int = 2017
    eval_date: dt.date | None = None
    publicity_date: dt.date | None = None
    announce_date: dt.date | None = None
    income: dict[str, float] = field(default_factory=dict)
    house_area: float = 100.0
    phone: str = ""
    bank: str = ""
    bank_acct: str = ""
    helper: Helper | None = None
    relocated: bool = False
    handbook: bool = True

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def poor_attr(self) -> str:
        return {"一般": "一般脱贫户", "低保": "低保脱贫户", "特困供养": "特困供养脱贫户"}[self.attr_base]

    @property
    def exit_status(self) -> str:
        return "已脱贫（享受政策）"


@dataclass
class Village:
    name: str
    township: str
    code: str
    first_secretary: str
    households: list[Household] = field(default_factory=list)


@dataclass
class Township:
    name: str
    code: str
    villages: list[Village] = field(default_factory=list)
    helpers: list[Helper] = field(default_factory=list)
    cadres: list[str] = field(default_factory=list)  # township cadres (责任人)
    leader: str = ""  # 包乡县级领导

    @property
    def households(self) -> list[Household]:
        return [h for v in self.villages for h in v.households]

    @property
    def short(self) -> str:
        return self.name.removesuffix("管理区").removesuffix("街道").rstrip("镇乡")


@dataclass
class County:
    townships: list[Township]
    registry: Registry
    county_leaders: list[str]

    @property
    def households(self) -> list[Household]:
        return [h for t in self.townships for h in t.households]

    def township(self, name: str) -> Township:
        return next(t for t in self.townships if t.name == name)


# ---------------------------------------------------------------- members
def _school(p: Person, rng: random.Random, as_of: dt.date) -> None:
    """Schooling and education from the age at the start of the current school year (1 September)."""
    a = age_on(p.born, dt.date(as_of.year - (as_of.month < 9), 8, 31))
    if a <= 2:
        p.school_status, p.school_level, p.education = "学龄前儿童", 1, "学龄前儿童"
    elif a <= 5:
        p.school_status, p.school_level, p.education = rng.choice(("学前教育", "幼儿园")), 1, "学龄前儿童"
    elif a <= 11:
        grade = "一二三四五六"[a - 6]
        p.school_status = rng.choice((f"小学{grade}年级", f"{grade}年级", "小学"))
        p.school_level, p.education = 2, "小学"
    elif a <= 14:
        p.school_status = rng.choice((("七年级", "八年级", "九年级")[a - 12], ("初一", "初二", "初三")[a - 12], "初中"))
        p.school_level, p.education = 3, "初中"
    elif a <= 17:
        grade = "一二三"[a - 15]
        if rng.random() < 0.7:
            p.school_status, p.education = rng.choice((f"高{grade}", f"高中{grade}年级", "普通高中")), "高中"
        else:
            p.school_status, p.education = f"中职{grade}年级", "中等职业教育"
        p.school_level = 4
    elif a <= 21 and rng.random() < 0.45:
        if rng.random() < 0.5:
            p.school_status, p.school_level, p.education = f"大专{'一二三'[min(a - 18, 2)]}年级", 5, "大专"
        else:
            p.school_status, p.school_level, p.education = f"大{'一二三四'[a - 18]}", 6, "大学本科"
    else:
        p.school_status, p.school_level = rng.choice(("非在校生", "非在校生", "不在校")), 0
        y = p.born.year
        if y < 1955:
            p.education = rng.choice(("文盲或半文盲", "小学", "小学"))
        elif y < 1975:
            p.education = rng.choice(("小学", "初中", "初中"))
        elif y < 1995:
            p.education = rng.choice(("初中", "初中", "高中", "中等职业教育"))
        else:
            p.education = rng.choice(("初中", "高中", "中等职业教育", "大专"))


def _labour(p: Person, rng: random.Random) -> None:
    age = p.age
    if age < 16 or p.school_level >= 1:
        p.labour = "无劳动力"
    elif "残疾" in p.health:
        p.labour = "弱劳动力或半劳动力" if rng.random() < 0.6 else "丧失劳动力"
    elif age < 60:
        p.labour = (
            "弱劳动力或半劳动力" if "长期慢性病" in p.health else rng.choice(("普通劳动力",) * 3 + ("技能劳动力",))
        )
    elif age < 70:
        p.labour = "普通劳动力" if p.health == ["健康"] and rng.random() < 0.3 else "弱劳动力或半劳动力"
    else:
        p.labour = "弱劳动力或半劳动力" if rng.random() < 0.6 else "丧失劳动力"


def _work(p: Person, rng: random.Random) -> None:
    if p.capacity == "full" and p.age < 60 and rng.random() < 0.7:
        p.work_months = rng.randint(6, 12)
        p.work_place = rng.choice(WORK_PLACES)
        p.work_status = (
            "省外务工"
            if not p.work_place.startswith(("河南", "信阳", "新县"))
            else ("县外省内务工" if p.work_place.startswith(("河南", "信阳")) else "乡（镇）外县内务工")
        )
    elif p.capacity == "weak" and p.age < 65 and rng.random() < 0.25:
        p.work_months, p.work_place, p.work_status = 12, rng.choice(LOCAL_WORK), "乡（镇）内务工"


def disability_cert(id_no: str, rng: random.Random) -> str:
    """残疾人证号: the 18-character ID, the category (1–7) and the grade (1–4)."""
    return f"{id_no}{rng.randint(1, 7)}{rng.randint(1, 4)}"


def _person(reg: Registry, relation: str, sex: str, age: int, surname: str | None, local: bool = True) -> Person:
    area = COUNTY_CODE if local else reg.rng.choice(OTHER_CODES)
    born = _born(reg.rng, age, reg.as_of)
    return Person(reg.name(sex, born, surname), sex, born, reg.id_number(born, sex, area), relation, age=age)


def _born(rng: random.Random, age: int, as_of: dt.date) -> dt.date:
    """A birth date giving exactly ``age`` full years on ``as_of``."""
    latest = dt.date(as_of.year - age, as_of.month, min(as_of.day, 28))
    return latest - dt.timedelta(days=rng.randint(0, 364))


def compose(reg: Registry, attr_base: str) -> list[Person]:
    """Members of one household, head first, with ages that fit their relation to the head."""
    rng = reg.rng
    if attr_base == "特困供养":
        age = rng.randint(62, 88)
        sex = "男" if rng.random() < 0.75 else "女"
        return [_person(reg, "户主", sex, age, None)]
    head_age = rng.randint(30, 78)
    head_sex = "男" if rng.random() < 0.88 else "女"
    head = _person(reg, "户主", head_sex, head_age, None)
    surname = head.name[0] if head_sex == "男" else None
    members = [head]
    if (head_sex == "男" and rng.random() < 0.85) or (head_sex == "女" and rng.random() < 0.1):
        sp_age = max(22, min(head_age + rng.randint(-6, 3), 90))
        members.append(_person(reg, "配偶", "女" if head_sex == "男" else "男", sp_age, None, rng.random() < 0.7))
    if head_age <= 52 and rng.random() < 0.3:
        for rel, sx in (("之父", "男"), ("之母", "女")):
            p_age = head_age + rng.randint(24, 32)
            if p_age <= 92 and rng.random() < 0.6:
                members.append(_person(reg, rel, sx, p_age, surname if sx == "男" else None))
    n_children = rng.choice((0, 1, 1, 2, 2, 2, 3)) if head_age < 70 else rng.choice((0, 1))
    child_ages = sorted({head_age - rng.randint(22, 38) for _ in range(n_children)}, reverse=True)
    for c_age in child_ages:
        if c_age < 0 or len(members) >= 6:
            continue
        sx = "男" if rng.random() < 0.52 else "女"
        child = _person(reg, "之子" if sx == "男" else "之女", sx, c_age, surname)
        members.append(child)
        if c_age >= 25 and head_age >= 50 and len(members) <= 4 and rng.random() < 0.6:
            in_law_age = max(22, min(c_age + rng.randint(-3, 3), head_age - 20))
            members.append(
                _person(reg, "之儿媳" if sx == "男" else "之女婿", "女" if sx == "男" else "男",
                        in_law_age, None, rng.random() < 0.6)
            )  # fmt: skip
            for _ in range(rng.choice((0, 1, 1, 2))):
                g_age = c_age - rng.randint(23, 32)
                if g_age < 0 or len(members) >= 6:
                    break
                gsx = "男" if rng.random() < 0.52 else "女"
                rel = (
                    ("之孙子" if gsx == "男" else "之孙女")
                    if sx == "男"
                    else ("之外孙子" if gsx == "男" else "之外孙女")
                )
                members.append(_person(reg, rel, gsx, g_age, surname if sx == "男" else None))
    return members


COMBINED_HEALTH = True
"""Write "长期慢性病、残疾" for a chronically ill disabled person (a multi-value 健康状况 cell)."""


def _health(members: list[Person], rng: random.Random) -> None:
    for p in members:
        if (p.age >= 60 and rng.random() < 0.3) or (30 <= p.age < 60 and rng.random() < 0.06):
            p.health = ["长期慢性病"]
        if p.age >= 8 and rng.random() < 0.03:
            p.health = [*p.health, "残疾"] if COMBINED_HEALTH and p.health != ["健康"] else ["残疾"]
            p.disability_cert = disability_cert(p.id_no, rng)


_MEASURES = {
    "因病": ("家庭医生签约", "慢病卡", "医疗救助", "城乡居民医保参保资助"),
    "因残": ("残疾人两项补贴",),
    "因学": ("教育资助", "学生资助"),
    "缺技术": ("农村实用技术培训", "雨露计划短期技能培训", "职业技能培训"),
    "缺资金": ("扶贫小额信贷", "到户增收项目"),
    "缺劳力": ("公益岗位", "入股分红", "资产收益扶贫"),
    "因灾": ("危房改造", "临时救助"),
    "缺土地": ("转移就业", "产业扶贫"),
    "缺水": ("自来水入户", "饮水工程"),
    "交通条件落后": ("道路硬化", "基础设施建设"),
    "自身发展动力不足": ("扶志扶智", "公益岗位"),
}
_EXTRA_MEASURES = ("产业扶贫", "到户增收项目", "光伏扶贫", "转移就业", "家庭医生签约", "生态护林员", "危房改造")


def _cause(h: Household, rng: random.Random, exclude: tuple[str, ...] = ()) -> None:
    """Main and other causes that fit the members, and measures that fit the causes (HH-17…23)."""
    ms = h.members
    full = sum(1 for p in ms if p.capacity == "full")
    options: list[tuple[str, float]] = []
    if any("长期慢性病" in p.health for p in ms):
        options.append(("因病", 4.0))
    if any("残疾" in p.health for p in ms):
        options.append(("因残", 4.0))
    if any(p.school_level >= 4 for p in ms):
        options.append(("因学", 3.0))
    if full <= 1:
        options.append(("缺劳力", 2.0 if h.attr_base == "一般" else 4.0))
    if h.attr_base == "一般" or not options:
        options += [("缺技术", 2.0), ("缺资金", 2.0), ("因灾", 0.5), ("缺土地", 0.6), ("缺水", 0.4),
                    ("交通条件落后", 0.5), ("自身发展动力不足", 0.5)]  # fmt: skip
    options = [(c, w) for c, w in options if c not in exclude]
    causes = [c for c, _ in options]
    h.main_cause = rng.choices(causes, weights=[w for _, w in options])[0]
    rest = [c for c in causes if c != h.main_cause and c not in ("缺劳力",)]
    h.other_causes = rng.sample(rest, k=min(len(rest), rng.choice((0, 0, 1, 1, 2))))
    measures = [rng.choice(_MEASURES[h.main_cause])]
    for c in h.other_causes:
        measures.append(rng.choice(_MEASURES[c]))
    if any(p.school_level >= 4 and p.school_status.startswith(("中职", "大专")) for p in ms) and rng.random() < 0.6:
        measures.append("雨露计划")
    if h.attr_base == "低保":
        measures.append(rng.choice(("低保", "农村低保", "低保兜底")))
    if h.attr_base == "特困供养":
        measures.append(rng.choice(("特困供养", "五保")))
    if any("残疾" in p.health for p in ms) and "残疾人两项补贴" not in measures:
        measures.append("残疾人两项补贴")
    for m in rng.sample(_EXTRA_MEASURES, k=rng.choice((0, 1, 1, 2))):
        measures.append(m)
    h.measures = list(dict.fromkeys(measures))


def _income(h: Household, rng: random.Random) -> None:
    """Last year's income: adds up, above the monitoring line, transfers below 45 % of the total."""
    ms = h.members
    months_full = [p.work_months for p in ms if p.work_months and p.capacity == "full"]
    months_weak = [p.work_months for p in ms if p.work_months and p.capacity == "weak"]
    wage = sum(m * rng.choice((1800, 2100, 2400, 2700, 3000)) for m in months_full) + sum(m * 800 for m in months_weak)
    business = rng.randrange(2000, 9000, 100)
    dividend = rng.choice((0, 500, 800, 1000, 1200, 1500, 2000))
    prop_other = rng.choice((0, 0, 200, 300, 500))
    tr = {
        "tr_family_planning": rng.choice((0, 0, 0, 960, 1440)) if h.attr_base == "一般" else 0,
        "tr_dibao": 12 * 298 * sum(1 for p in ms if p.dibao),
        "tr_tekun": 12 * 520 * sum(1 for p in ms if p.tekun),
        "tr_pension": 12 * rng.choice((118, 128, 138, 148)) * sum(1 for p in ms if p.age >= 60),
        "tr_eco": rng.choice((0, 0, 120, 240, 380, 560)),
        "tr_other": 960 * sum(1 for p in ms if "残疾" in p.health) + rng.choice((0, 150, 300, 420)),
    }
    transfer = sum(tr.values())
    floor = 600 * (sum(months_full) + sum(months_weak))  # a worker earns something
    for _ in range(200):
        exp = round(business * 0.2)
        net = wage + business + dividend + prop_other + transfer - exp
        total = net + exp
        if net > 24000 * len(ms) and wage > floor:
            wage = max(floor, wage - (net - 22000 * len(ms)))
            continue
        if net / len(ms) >= 9500 and transfer < 0.45 * total:
            break
        business += 1000
        dividend = min(dividend + 300, 3000)
    h.income = {
        "inc_wage": wage,
        "inc_business": business,
        "exp_business": exp,
        "inc_dividend": dividend,
        "inc_property_other": prop_other,
        **tr,
        "inc_property": dividend + prop_other,
        "inc_transfer": transfer,
        "inc_total": total,
        "inc_net": net,
        "inc_pc": round(net / len(ms), 2),
    }


def make_household(reg: Registry, township: Township, village: Village, seq: int) -> Household:
    rng = reg.rng
    attr = rng.choices(("一般", "低保", "特困供养"), weights=(70, 22, 8))[0]
    while True:
        members = compose(reg, attr)
        if members[0].name not in reg.head_names and members[0].name not in reg.cadre_names:
            break
        reg.ids.difference_update(p.id_no for p in members)
    reg.head_names.add(members[0].name)
    for p in members:
        _school(p, rng, reg.as_of)
    _health(members, rng)
    for p in members:
        _labour(p, rng)
        p.ethnicity = "汉族" if rng.random() < 0.985 else rng.choice(("回族", "畲族", "满族"))
    if all(p.capacity == "none" for p in members):  # nobody able to work at all: a 返贫 risk, not wanted here
        oldest_adult = max((p for p in members if p.age >= 16 and p.school_level == 0), key=lambda p: -p.age)
        oldest_adult.labour = "弱劳动力或半劳动力"
    for p in members:
        _work(p, rng)
        p.pension_ins = p.age >= 16 and p.school_level == 0
        p.pension_recv = p.age >= 60
    if attr == "特困供养":
        for p in members:
            p.tekun = True
    elif attr == "低保":
        needy = [p for p in members if p.health != ["健康"] or p.age >= 60] or [members[0]]
        for p in rng.sample(needy, k=rng.randint(1, len(needy))):
            p.dibao = True
    hh_no = f"{village.code}{seq:04d}"
    h = Household(hh_no, township.name, village.name, rng.choice(GROUP_NAMES[:6]), members, attr)
    _cause(h, rng)
    h.id_year = rng.choices((2014, 2015, 2016), weights=(80, 12, 8))[0]
    h.exit_year = rng.randint(h.id_year + 2, 2019)
    h.eval_date = random_date(rng, dt.date(h.exit_year, 9, 20), dt.date(h.exit_year, 10, 31))
    h.publicity_date = h.eval_date + dt.timedelta(days=rng.randint(1, 6))
    h.announce_date = h.publicity_date + dt.timedelta(days=rng.randint(7, 15))
    _income(h, rng)
    h.house_area = float(rng.randrange(60, 180, 5))
    h.phone = reg.phone() if rng.random() < 0.95 else f"0376-29{rng.randint(10000, 99999)}"
    members[0].phone = h.phone if h.phone.startswith("1") else ""
    h.bank = rng.choice(BANKS)
    h.bank_acct = reg.bank_account()
    return h


def village_code(township_index: int, village_index: int) -> str:
    return f"{COUNTY_CODE}{township_index + 1:03d}{village_index + 1:03d}"


def build_county(
    rng: random.Random,
    households: int,
    *,
    townships: list[str] | None = None,
    villages_per_township: int | None = None,
    as_of: dt.date = AS_OF,
) -> County:
    """A county of ``households`` households spread over its townships and villages."""
    reg = Registry(rng, as_of)
    names = townships or TOWNSHIPS
    words = list(VILLAGE_WORDS)
    rng.shuffle(words)
    county = County([], reg, [reg.cadre_name() for _ in range(8)])
    per_town = [households // len(names) + (1 if i < households % len(names) else 0) for i in range(len(names))]
    w = 0
    for ti, tname in enumerate(names):
        t = Township(tname, f"{ti + 1:03d}", leader=rng.choice(county.county_leaders))
        t.cadres = [reg.cadre_name() for _ in range(6)]
        n_v = villages_per_township or max(2, min(12, per_town[ti] // 25 + 2))
        for vi in range(n_v):
            word = words[w % len(words)] + ("" if w < len(words) else str(w // len(words) + 1))
            w += 1
            t.villages.append(Village(word + "村", tname, village_code(TOWNSHIPS.index(tname), vi), reg.cadre_name()))
        for k in range(per_town[ti]):
            v = t.villages[k % n_v]
            v.households.append(make_household(reg, t, v, len(v.households) + 1))
        for v in t.villages:
            _spread_causes(v, rng)
        _assign_helpers(reg, t)
        county.townships.append(t)
    return county


def _spread_causes(v: Village, rng: random.Random) -> None:
    """At most 60 % of a village's households poor for lack of skills or capital (HH-25 warns at 80 %)."""
    common = ("缺技术", "缺资金")
    hit = [h for h in v.households if h.main_cause in common]
    rng.shuffle(hit)
    for h in hit[int(0.6 * len(v.households)) :]:
        _cause(h, rng, exclude=common)


def _assign_helpers(reg: Registry, t: Township) -> None:
    """Each helper takes 2–5 households of one village (≤ 5: HH-50)."""
    rng = reg.rng
    for v in t.villages:
        pending = list(v.households)
        while pending:
            k = min(len(pending), rng.randint(2, 5))
            unit = rng.choice((*DEPARTMENTS, f"{t.name}人民政府", f"{t.name}人民政府", f"{v.name}村委会"))
            title = rng.choice(HELPER_TITLES) if not unit.endswith("村委会") else rng.choice(("村委委员", "村文书"))
            helper = Helper(reg.cadre_name(), unit, title, reg.phone(), t.name)
            for h in pending[:k]:
                h.helper = helper
                helper.households.append(h)
            t.helpers.append(helper)
            pending = pending[k:]
