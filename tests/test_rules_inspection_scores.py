"""The 督查排名 rules (domain §3.12, templates/rules/inspection_scores.json, IS-*) on real workbooks.

Two kinds of sheet carry a ranking: the 督查组's own score sheet (typed by hand, messy) and
the 排名 sheet the add-in writes. The rules must hold the first to the reading of
docs/ranking.md, and find nothing in the second: it is ranked by the very code they
quote. Both directions are tested here — hand-made sheets with one mistake each, and
rankings built by :func:`addin.summary.ranking.rank_month` (ties, vetoes, the bottom-3
ladder) written by the real writer, then the same sheets with one value tampered with.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.check import check_book
from addin.ledger.table import column_letter
from addin.rules.model import Severity
from addin.settings import Settings
from addin.summary.ladder import apply_ladder
from addin.summary.month import Month
from addin.summary.ranking import ScorePart, UnitMetrics, Veto, rank_month
from addin.summary.ranking_settings import ranking_config
from addin.summary.ranking_sheet import sheet_rows, write_ranking_workbook
from tests.helpers.book import Checked, SheetSpec, check_sheets

TOWNS = ["新集镇", "沙窝镇", "吴陈河镇", "苏河镇", "八里畈镇", "周河乡", "陈店乡", "千斤乡", "卡房乡", "郭家河乡"]
TOWNS += ["泗店乡", "浒湾乡", "箭厂河乡", "陡山河乡", "田铺乡", "香山湖管理区", "城关街道"]
DEPTS = ["扶贫办", "发改委", "财政局", "教育局", "人社局", "民政局", "住建局", "水利局", "卫健委", "农业局"]
DEPTS += ["林业局", "交通运输局", "文广新局", "残联", "金融办", "国土资源局", "电力公司", "信访局"]
GROUPS = ["第一组", "第二组", "第三组", "第四组"]

# A 督查组's sheet: title, a two-row header (得分 and 一票否决 are groups), clerk wording.
COLUMNS: list[tuple[str, str, str]] = [
    ("", "序号", "seq"),
    ("", "月份", "period"),
    ("", "督查巡查组", "group"),
    ("", "被督查单位", "unit"),
    ("", "单位类型", "unit_type"),
    ("督查得分", "综合得分", "score"),
    ("督查得分", "扣分情况", "deduction"),
    ("", "名次", "rank_all"),
    ("", "等次", "band"),
    ("一票否决", "是否否决", "veto"),
    ("一票否决", "否决事项", "veto_yi"),
    ("", "累计后三次数", "bottom3_count"),
    ("", "问责措施", "sanction"),
    ("", "备注", "remark"),
]
KEYS = [k for _, _, k in COLUMNS]
FIRST = 5  # title, 填报 line, two header rows


def header() -> tuple[list[Any], list[Any], list[str]]:
    top, leaf, merges = [], [], []
    for c, (group, text, _) in enumerate(COLUMNS):
        letter = column_letter(c + 1)
        if not group:
            top.append(text)
            leaf.append(None)
            merges.append(f"{letter}3:{letter}4")
        else:
            top.append(group if c == 0 or COLUMNS[c - 1][0] != group else None)
            leaf.append(text)
    merges += ["F3:G3", "J3:K3"]
    return top, leaf, merges


def town_rows(scores: list[float], *, month: str = "2024年6月") -> list[dict[str, Any]]:
    """Townships ranked by score the way a clerk does it: 1…n, 前4名/后4名 on the ends."""
    names = TOWNS[: len(scores)]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    rows = []
    for rank, i in enumerate(order, start=1):
        band = "前4名" if rank <= 4 else "后4名" if rank > len(scores) - 4 else ""
        rows.append({"seq": str(rank), "period": month, "group": GROUPS[i % 4], "unit": names[i], "unit_type": "乡镇",
                     "score": scores[i], "rank_all": rank, "band": band, "veto": "否"})  # fmt: skip
    return rows


def spec(rows: list[dict[str, Any]], name: str = "督查评分") -> SheetSpec:
    top, leaf, merges = header()
    return SheetSpec(
        name,
        top,
        [[r.get(k) for k in KEYS] for r in rows],
        above=[
            ["2024年6月全县脱贫攻坚督查情况排名"],
            ["填报单位：县脱贫攻坚督查巡查组", None, None, None, "填报日期：2024年7月5日"],
        ],
        header2=leaf,
        merges=[*merges, "A1:N1"],
    )


def cell(key: str, n: int) -> str:
    return f"{column_letter(KEYS.index(key) + 1)}{FIRST + n - 1}"


def settings(**ranking: Any) -> Settings:
    base: dict[str, Any] = {"townships": TOWNS[:8], "departments": DEPTS[:2]}
    return Settings(ranking={**base, **ranking})


def dept_rows() -> list[dict[str, Any]]:
    return [
        {"seq": "9", "period": "2024年6月", "group": "第一组", "unit": "扶贫办", "unit_type": "县直部门", "score": 95},
        {"seq": "10", "period": "2024年6月", "group": "第二组", "unit": "发改委", "unit_type": "县直部门", "score": 90},
    ]


EIGHT = [96, 93, 91, 89, 87, 84, 82, 79]


def check(tmp_path: Path, rows: list[dict[str, Any]], **ranking: Any) -> Checked:
    return check_sheets(tmp_path, spec(rows), settings=settings(**ranking))


def is_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("IS-")}


# ------------------------------------------------------------------ reading the sheets
def test_a_messy_score_sheet_is_read_as_inspection_scores(tmp_path: Path) -> None:
    checked = check(tmp_path, town_rows(EIGHT) + dept_rows())
    (table,) = checked.ledgers.tables
    assert table.kind == "inspection_scores" and table.header_rows == [3, 4]
    assert set(KEYS) <= set(table.columns)
    assert is_rules(checked) == set()


def test_a_clean_hand_made_sheet_raises_nothing(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[7].update(bottom3_count=2, sanction="诫勉谈话")  # 8th of 8: in the bottom 3
    rows[6].update(bottom3_count=1, sanction="表态发言")
    rows[5].update(bottom3_count=3, sanction="降级降职")
    rows[3].update(bottom3_count=1)  # was once in the bottom 3, not this month
    checked = check(tmp_path, rows)
    assert [(f.rule, f.cell) for f in checked.findings if f.severity == Severity.ERROR] == []


# ------------------------------------------------------------------ PM-01 / PM-02
def test_is_units_unknown_missing_and_twice(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[2]["unit"] = "沙河镇"  # no such township: 吴陈河镇 is missing now
    rows.append({**rows[0], "seq": "11", "score": 70})  # the first one twice
    checked = check(tmp_path, rows)
    assert checked.cells("IS-UNIT-UNKNOWN") == {cell("unit", 3)}
    assert checked.by_rule("IS-UNITS-MISSING")[0].message == "本月排名单位不全：2024年6月缺乡镇1个（吴陈河镇）"
    assert checked.cells("IS-UNITS-MISSING") == {cell("unit", 1)}
    assert checked.cells("IS-UNIT-TWICE") == {cell("unit", 11)}
    assert f"与第{FIRST}行重复" in checked.by_rule("IS-UNIT-TWICE")[0].message


def test_is_units_may_be_spread_over_two_sheets_and_months_are_separate(tmp_path: Path) -> None:
    towns, depts = town_rows(EIGHT), dept_rows()
    may = [{**r, "period": "2024年5月"} for r in towns]  # no department scored in May
    checked = check_sheets(tmp_path, spec(towns + may, "乡镇"), spec(depts, "部门"), settings=settings())
    (finding,) = checked.by_rule("IS-UNITS-MISSING")
    assert finding.sheet == "乡镇" and finding.cell == cell("unit", 9)
    assert finding.message == "本月排名单位不全：2024年5月缺部门2个（扶贫办、发改委）"


def test_is_units_missing_uses_the_default_17_and_18(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, spec(town_rows(EIGHT)))
    (finding,) = checked.by_rule("IS-UNITS-MISSING")
    assert "缺乡镇9个" in finding.message and "部门18个" in finding.message


def test_is_group_missing_or_conflicting(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[0]["group"] = None
    may = {**rows[1], "period": "2024年5月", "group": "第四组" if rows[1]["group"] != "第四组" else "第一组"}
    checked = check(tmp_path, [*rows, may], group_assignment={rows[2]["unit"]: "第四组"})
    assert checked.cells("IS-NO-GROUP") == {cell("group", 1)}
    assert checked.cells("IS-GROUP-CONFLICT") == {cell("group", 3), cell("group", 11)}
    messages = {f.cell: f.message for f in checked.by_rule("IS-GROUP-CONFLICT")}
    assert messages[cell("group", 3)].endswith("设置中分在第四组")
    assert messages[cell("group", 11)].endswith(f"第{FIRST + 1}行分在{rows[1]['group']}")


# ------------------------------------------------------------------ PM-03 / PM-04 veto
def test_is_veto_without_its_item(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[7].update(veto="是", veto_yi=None)
    rows[6].update(veto="是", veto_yi="② 台账一户一户校准：错退1户")
    checked = check(tmp_path, rows)
    assert checked.cells("IS-VETO-NO-ITEM") == {cell("veto", 8)}


def test_is_vetoed_township_ranked_above_or_in_the_top(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[1].update(veto="是", veto_yi="⑤ 住房安全")  # 2nd, 前4名, vetoed
    rows[8].update(veto="是", veto_yi="④ 项目资金", rank_all=1, band="前4名")  # a department: veto does not move it
    checked = check(tmp_path, rows)
    assert checked.cells("IS-VETO-RANKED-ABOVE") == {cell("rank_all", 2)}
    assert "排在未被否决的吴陈河镇（第3名）之前" in checked.by_rule("IS-VETO-RANKED-ABOVE")[0].message
    assert checked.cells("IS-VETO-IN-TOP") == {cell("band", 2)}


def test_is_veto_moves_departments_when_the_settings_say_so(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[8].update(veto="是", veto_yi="④ 项目资金", rank_all=1, band="前4名")
    rows[9].update(rank_all=2, band="前4名")
    checked = check(tmp_path, rows, veto_applies_to_departments=True)
    assert checked.cells("IS-VETO-RANKED-ABOVE") == {cell("rank_all", 9)}
    assert checked.cells("IS-VETO-IN-TOP") == {cell("band", 9)}


# ------------------------------------------------------------------ PM-05 / PM-06 scores
def test_is_score_out_of_range_or_not_a_number(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[0]["score"] = 105
    rows[1]["score"] = "九十分"
    rows[8]["score"] = 100
    checked = check(tmp_path, rows)
    assert checked.cells("IS-SCORE-RANGE") == {cell("score", 1), cell("score", 2)}
    assert checked.by_rule("IS-SCORE-RANGE")[0].message == "得分超出范围：“105”不在0—100分之间或不是数字"
    relaxed = check_sheets(tmp_path, spec(rows), settings=settings(max_score=120), name="满分120.xlsx")
    assert relaxed.cells("IS-SCORE-RANGE") == {cell("score", 2)}


def test_is_rank_against_score_and_unexplained_ties(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[2]["score"], rows[3]["score"] = 88, 90  # 3rd with 88 before 4th with 90
    rows[5]["score"] = rows[4]["score"]  # 6th ties with 5th: no word about it
    rows[7]["score"] = rows[6]["score"]
    rows[7]["remark"] = "与千斤乡同分，依次比较严重问题数后排后"
    checked = check(tmp_path, rows)
    assert checked.cells("IS-RANK-NOT-BY-SCORE") == {cell("rank_all", 4)}
    message = checked.by_rule("IS-RANK-NOT-BY-SCORE")[0].message
    assert message.startswith("名次与得分不一致：得分90排第4名，而")
    assert checked.cells("IS-TIE-UNEXPLAINED") == {cell("rank_all", 6)}
    assert checked.by_rule("IS-TIE-UNEXPLAINED")[0].severity == Severity.WARNING


# ------------------------------------------------------------------ PM-07 / PM-08 ladder and bands
def test_is_sanctions_follow_the_ladder_for_the_bottom_three(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[7].update(bottom3_count=2, sanction="表态发言")  # 2nd time: 诫勉谈话
    rows[6].update(bottom3_count=1)  # in the bottom 3, nothing proposed
    rows[5].update(bottom3_count=4, sanction="建议降级降职")  # ≥ 3: fine
    rows[2].update(bottom3_count=1, sanction="表态发言")  # 3rd of 8: not in the bottom 3
    checked = check(tmp_path, rows)
    assert checked.cells("IS-SANCTION-MISMATCH") == {cell("sanction", 8)}
    assert checked.by_rule("IS-SANCTION-MISMATCH")[0].message == (
        "后三名问责措施与累计次数不符（第2次应为诫勉谈话，填的是“表态发言”）"
    )
    assert checked.cells("IS-SANCTION-MISSING") == {cell("sanction", 7)}
    assert checked.cells("IS-SANCTION-NOT-BOTTOM") == {cell("sanction", 3)}


def test_is_bands_must_be_the_top_and_bottom_ranks(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[4]["band"] = "后4名"  # 5th of 8 is in the bottom 4: right
    rows[3]["band"] = ""  # 4th lost its 前4名
    rows[2]["band"] = "后4名"  # 3rd is not in the bottom
    checked = check(tmp_path, rows)
    assert checked.cells("IS-BAND-WRONG") == {cell("band", 4), cell("band", 3)}
    messages = {f.cell: f.message for f in checked.by_rule("IS-BAND-WRONG")}
    assert messages[cell("band", 4)] == "前后名次标注错误：第4名应为前4名，标注的是“”"


def test_is_bands_include_ties_across_the_line(tmp_path: Path) -> None:
    rows = town_rows(EIGHT) + dept_rows()
    rows[4].update(score=rows[3]["score"], rank_all=4, band="前4名", remark="并列第4名")  # tie at 4th: both top
    checked = check(tmp_path, rows)
    assert "IS-BAND-WRONG" not in is_rules(checked)
    rows[4]["band"] = "后4名"
    again = check_sheets(tmp_path, spec(rows), settings=settings(), name="并列.xlsx")
    assert again.cells("IS-BAND-WRONG") == {cell("band", 5)}


# ------------------------------------------------------------------ the add-in's own 排名 sheets
def _ranking_file(folder: Path, *, vetoed: int, seed: int, history: int) -> Path:
    """A month ranked by the ranking code (17 townships, 18 departments) and written by the real writer."""
    rng = random.Random(seed)
    config = ranking_config(Settings())
    month = Month(2024, 6)
    metrics = {}
    for unit in config.units:
        points = rng.choice([0, 2.5, 5, 5, 7.5, 10, 12.5, 20])  # repeated values make ties
        metrics[unit.name] = UnitMetrics(
            parts=[ScorePart("新发现问题", points, f" 扣分 {points}")],
            severe=rng.randint(0, 2),
            overdue=rng.randint(0, 1),
            completion_rate=rng.choice([None, 0.5, 1.0]),
        )
    vetoes = {name: Veto(rng.randint(1, 6), "问题来源为“省级督查”（K05），尚未整改完成", "错退一户")
              for name in rng.sample(TOWNS, vetoed)}  # fmt: skip
    vetoes[rng.choice(DEPTS)] = Veto(4, "审计发现", "资金滞留")  # noted for a department, not moving it
    ranking = rank_month(month, config, metrics, vetoes=vetoes)
    past = {name: {Month(2024, m) for m in range(1, 6) if rng.random() < 0.4} for name in TOWNS[:history]}
    apply_ladder(ranking, past)
    rows = sheet_rows(ranking, as_of=dt.date(2024, 7, 17), state="未发布")
    return write_ranking_workbook(folder / f"排名-{seed}.xlsx", rows, ["说明"])


@pytest.mark.parametrize(("vetoed", "seed", "history"), [(0, 1, 17), (2, 7, 10), (5, 11, 17)])
def test_the_add_ins_own_ranking_sheet_passes_every_ranking_rule(
    tmp_path: Path, vetoed: int, seed: int, history: int
) -> None:
    path = _ranking_file(tmp_path, vetoed=vetoed, seed=seed, history=history)
    ledgers, findings = check_book(path, settings=Settings(), today=dt.date(2024, 7, 17))
    (table,) = [t for t in ledgers.tables if t.sheet == "排名"]
    assert table.kind == "inspection_scores" and len(table) == 35
    assert {"band", "veto", "veto_yi", "bottom3_count", "sanction", "rank_all", "unit_type"} <= set(table.columns)
    assert [(f.rule, f.cell, f.message) for f in findings if f.rule.startswith("IS-")] == []
    # the scenario exercises what the rules look at
    sanctions = [v for v in table.values("sanction") if v]
    assert sanctions and (vetoed == 0 or any(v is True for v in table.values("veto")))


def _tamper(path: Path, column: str, edit: Any) -> tuple[int, Any]:
    """Change one cell of the 排名 sheet under header ``column`` (first row ``edit`` picks); returns (row, value)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["排名"]
    head = [c.value for c in ws[2]]
    col = head.index(column) + 1
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    r, value = edit(rows, head)
    ws.cell(r + 3, col).value = value
    wb.save(path)
    return r + 3, value


def test_tampered_ranking_sheets_are_caught(tmp_path: Path) -> None:
    path = _ranking_file(tmp_path, vetoed=2, seed=7, history=10)

    def vetoed_into_top(rows: list[list[Any]], head: list[str]) -> tuple[int, Any]:
        veto = head.index("一票否决")
        return next(i for i, r in enumerate(rows) if r[veto] == "是"), "前4名"

    row, _ = _tamper(path, "等次（前4名/后4名）", vetoed_into_top)
    _, findings = check_book(path, settings=Settings(), today=dt.date(2024, 7, 17))
    assert {f.rule for f in findings if f.row == row} >= {"IS-VETO-IN-TOP", "IS-BAND-WRONG"}

    def sanction_wrong(rows: list[list[Any]], head: list[str]) -> tuple[int, Any]:
        step = head.index("建议问责措施")
        i = next(i for i, r in enumerate(rows) if r[step] == "表态发言")
        return i, "降级降职"

    row, _ = _tamper(path, "建议问责措施", sanction_wrong)
    _, findings = check_book(path, settings=Settings(), today=dt.date(2024, 7, 17))
    assert {f.rule for f in findings if f.row == row and f.rule.startswith("IS-")} == {"IS-SANCTION-MISMATCH"}

    def behind_a_lower_score(rows: list[list[Any]], head: list[str]) -> tuple[int, Any]:
        kind, rank, score, veto = (head.index(h) for h in ("单位类型", "名次", "得分", "一票否决"))
        clear = [i for i, r in enumerate(rows) if r[kind] == "乡镇" and r[veto] == "否"]
        lower = next(j for j in clear if rows[j][score] < rows[clear[0]][score])
        return clear[0], rows[lower][rank] + 1  # the best township now ranks behind a lower score

    row, _ = _tamper(path, "名次", behind_a_lower_score)
    _, findings = check_book(path, settings=Settings(), today=dt.date(2024, 7, 17))
    assert "IS-RANK-NOT-BY-SCORE" in {f.rule for f in findings if f.row == row}
