"""Which "一" a problem row or a finding belongs to (domain §2.3), read from real messy .xlsx ledgers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from addin.chain.mapping import finding_yi, load_yi_map, problem_rows, problem_yi
from addin.errors import ConfigError, SchemaError
from addin.jsonfiles import load_validated
from addin.ledger.definitions import default_catalog
from addin.resources import template_path
from addin.rules.model import Finding, Severity
from addin.settings import Settings, load_settings
from tests.helpers.book import SheetSpec, check_sheets
from tests.helpers.chain import FIRST_DATA_ROW, problem, problems_table, read, write_problems


def choices_of(tmp_path: Path, rows: list[dict], settings: Settings | None = None, **kw: bool) -> list:
    table = problems_table(write_problems(tmp_path / "台账.xlsx", rows, **kw))
    return problem_yi(table, load_yi_map(settings)).choices


def test_every_yi_is_reached_from_the_category(tmp_path: Path) -> None:
    rows = [
        problem(category="精准识别", description="王湾村有2户无房户未纳入", village="王湾村"),
        problem(category="档卡信息", description="陈大山家人口数与系统不一致", village="沙坪村", head="陈大山"),
        problem(category="驻村帮扶", description="第一书记每月在岗不足20天", village="沙坪村"),
        problem(category="扶贫资金与项目管理", description="项目资金滞留", village=""),
        problem(category="住房安全", description="李小河家住房为C级危房", village="王湾村"),
        problem(category="责任落实与作风", description="包村干部不在岗", village=""),
    ]
    choices = choices_of(tmp_path, rows)
    assert [c.yi for c in choices] == [1, 2, 3, 4, 5, 6]
    assert [c.category for c in choices] == ["C01", "C03", "C05", "C09", "C11", "C19"]
    assert all(c.how == "category" and not c.reason for c in choices)
    assert [c.scope for c in choices] == ["village", "village", "village", "township", "village", "township"]
    assert choices[1].household and not choices[0].household


def test_secondary_yi_are_kept_as_tags(tmp_path: Path) -> None:
    rows = [
        problem(category="产业扶贫", description="到户增收项目未落实", village="沙坪村"),
        problem(category="易地扶贫搬迁", description="安置点未动工", village="王湾村"),
        problem(category="防返贫监测", description="监测户识别不及时", village="沙坪村"),
    ]
    choices = choices_of(tmp_path, rows)
    assert [(c.yi, c.tags) for c in choices] == [(3, (4,)), (5, (4,)), (2, (3,))]


def test_petitions_go_to_one_in_villages_and_six_above(tmp_path: Path) -> None:
    rows = [
        problem(category="信访", description="群众反映低保评定不公", village="沙坪村"),
        problem(category="信访", description="群众反映低保评定不公", village=""),
    ]
    village, township = choices_of(tmp_path, rows, merge_township=False)
    assert (village.yi, village.tags, village.scope) == (1, (6,), "village")
    assert (township.yi, township.tags, township.scope) == (6, (1,), "township")


def test_keywords_map_a_row_without_category(tmp_path: Path) -> None:
    rows = [
        problem(description="自来水管网老化，部分农户饮水不安全", village="王湾村"),
        problem(category="其他", description="2户低保对象家庭收入超标", village="沙坪村"),
        problem(category="其他", description="村部门前杂物堆放", village="沙坪村"),
        problem(category="", description="", measures="按要求整改", village="沙坪村"),
    ]
    water, dibao, nothing, empty = choices_of(tmp_path, rows)
    assert (water.yi, water.category, water.how) == (5, "C12", "keywords")
    assert (dibao.yi, dibao.category, dibao.how) == (5, "C15", "keywords")
    assert nothing.yi == 0 and "其他" in nothing.reason and "关键词" in nothing.reason
    assert empty.yi == 0 and "问题描述为空" in empty.reason


def test_tie_break_takes_the_lowest_yi_that_fits_the_scope(tmp_path: Path) -> None:
    # "贷款" → C08 (④) and "信息" → C03 (②): a village problem goes to ②, a township-wide one to ④.
    text = "贷款户信息未及时更新"
    rows = [
        problem(description=text, village="沙坪村", township="沙窝镇"),
        problem(description=text, village="", township="沙窝镇"),
        problem(description="全县" + text, village="", township=""),
    ]
    village, township, county = choices_of(tmp_path, rows, merge_township=False)
    assert (village.yi, village.tags, village.category) == (2, (4,), "C03")
    assert (township.yi, township.tags, township.category) == (4, (2,), "C08")
    # Neither ② nor ④ is a county-level "一" (⑤⑥): the stronger keyword match wins, then the lower "一".
    assert (county.scope, county.yi, county.tags) == ("county", 2, (4,))


def test_scope_of_a_row_without_township_follows_its_unit(tmp_path: Path) -> None:
    rows = [
        problem(description="全县危房改造验收不及时", township="", unit="县住建局"),
        problem(description="危房改造验收不及时", township="", unit="县住建局"),
        problem(description="各村危房改造验收不及时", township="", unit=""),
    ]
    a, b, c = choices_of(tmp_path, rows, merge_township=False)
    assert (a.scope, b.scope, c.scope) == ("county", "county", "township")
    assert a.yi == b.yi == c.yi == 5


def test_a_valid_typed_yi_wins_an_invalid_one_does_not(tmp_path: Path) -> None:
    rows = [
        problem(category="住房安全", description="危房", village="沙坪村", yi="①"),
        problem(category="住房安全", description="危房", village="沙坪村", yi="第九个一"),
        problem(category="住房安全", description="危房", village="沙坪村", yi="资金一笔一笔审核"),
    ]
    one, bad, four = choices_of(tmp_path, rows, yi_column=True)
    assert (one.yi, one.how, one.tags) == (1, "typed", (5,))
    assert (bad.yi, bad.how) == (5, "category")
    assert (four.yi, four.how) == (4, "typed")


def test_settings_override_category_map_keywords_and_categories(tmp_path: Path) -> None:
    rows = [
        problem(category="基层党建短板", description="村级组织活动场所未挂牌", village="沙坪村"),
        problem(description="公厕无人保洁", village="沙坪村"),
        problem(description="脱贫户信息与系统不一致", village="沙坪村"),
        problem(category="其他", description="村级组织活动场所未挂牌", village="沙坪村"),
    ]
    default = choices_of(tmp_path, rows)
    assert [c.yi for c in default] == [0, 0, 2, 0]
    county = Settings(
        chain={
            "category_map": {"基层党建短板": "C19"},
            "keywords": {"公厕": "C21", "信息": None, "系统不一致": "C02"},
            "categories": {"C99": {"yi": 6}},
        }
    )
    custom = choices_of(tmp_path, rows, county)
    assert [(c.yi, c.category) for c in custom] == [(6, "C19"), (1, "C21"), (2, "C02"), (6, "C99")]


def finding(ref: str, kind: str, rule: str = "X-RULE", row: int = 7, file: str = "f.xlsx") -> Finding:
    return Finding(file, "问题整改台账", row, None, None, rule, ref, Severity.ERROR, "……", kind=kind)


@pytest.mark.parametrize(
    ("ref", "kind", "yi"),
    [
        ("HH-53", "households", 1),
        ("HH-54", "households", 1),
        ("HH-05", "members", 2),
        ("ID-03", "members", 2),
        ("RY-10", "members", 2),
        ("RY-21", "members", 5),  # the exceptions inside RY-05…RY-23
        ("RY-22", "members", 5),
        ("HH-21", "households", 3),
        ("BF-04", "visits", 3),
        ("JR-01", "loans", 4),
        ("XM-02", "projects", 4),
        ("BQ-01", "relocation", 5),
        ("HH-31", "households", 5),
        ("ZG-10", "problems", 6),
        ("PM-01", "inspection_scores", 6),
        ("ALL-03", "households", 2),  # generic rules go by the sheet's kind
        ("ALL-03", "visits", 3),
        ("ALL-12", "loans", 4),
        ("ALL-12", "relocation", 5),
        ("§2.4", "roster_villages", 6),
    ],
)
def test_findings_map_by_ref_then_kind(ref: str, kind: str, yi: int) -> None:
    assert finding_yi(finding(ref, kind), load_yi_map()) == yi


def test_findings_on_a_problems_sheet_take_the_rows_yi(tmp_path: Path) -> None:
    path = write_problems(
        tmp_path / "台账.xlsx",
        [
            problem(category="住房安全", description="危房", village="沙坪村"),
            problem(category="精准识别", village="沙坪村"),
        ],
    )
    yimap = load_yi_map()
    rows = problem_rows(read(path).tables, yimap)
    file = str(path)
    assert finding_yi(finding("ALL-03", "problems", row=FIRST_DATA_ROW, file=file), yimap, rows) == 5
    assert finding_yi(finding("ALL-03", "problems", row=FIRST_DATA_ROW + 1, file=file), yimap, rows) == 1
    assert finding_yi(finding("ZG-10", "problems", row=FIRST_DATA_ROW, file=file), yimap, rows) == 6
    assert finding_yi(finding("ALL-03", "problems", row=99, file=file), yimap, rows) == 0
    assert finding_yi(finding("ALL-03", "unknown_kind"), yimap) == 0


def test_rule_yi_settings_come_before_the_defaults() -> None:
    county = load_yi_map(Settings(chain={"rule_yi": {"HH-01..HH-20": {"yi": 3, "category": "C04"}, "VS-*": 4}}))
    assert finding_yi(finding("HH-05", "households"), county) == 3
    assert finding_yi(finding("HH-21", "households"), county) == 3
    assert finding_yi(finding("§3.5", "visits", rule="VS-NO-SIGNATURE"), county) == 4
    assert finding_yi(finding("HH-05", "households"), load_yi_map()) == 2


def test_bad_chain_settings_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as err:
        load_yi_map(Settings(chain={"rule_yi": {"HH-01": 9}}))
    assert err.value.json_path == "$.chain.rule_yi.HH-01"
    with pytest.raises(SchemaError) as err:
        load_yi_map(Settings(chain={"keywords": {"危房": "住建"}}))
    assert err.value.json_path == "$.chain.keywords.危房"
    settings_file = tmp_path / "zhenggai.json"
    settings_file.write_text(json.dumps({"chain": {"veto": {"sources": ["国家考核"]}}}, ensure_ascii=False), "utf-8")
    with pytest.raises(SchemaError) as err:
        load_settings(settings_file)
    assert err.value.json_path == "$.chain.veto.sources[0]" and "zhenggai.json" in str(err.value)
    with pytest.raises(ConfigError, match=r"rule_yi\.HH-20\.\.HH-01"):
        load_yi_map(Settings(chain={"rule_yi": {"HH-20..HH-01": 2}}))
    with pytest.raises(ConfigError, match=r"keywords\.公厕.*C42"):
        load_yi_map(Settings(chain={"keywords": {"公厕": "C42"}}))


def test_a_valid_settings_file_reaches_the_mapping(tmp_path: Path) -> None:
    settings_file = tmp_path / "zhenggai.json"
    settings_file.write_text(json.dumps({"chain": {"category_map": {"党建": "C19"}}}, ensure_ascii=False), "utf-8")
    settings = load_settings(settings_file)
    (choice,) = choices_of(tmp_path, [problem(category="党建", description="支部活动不规范")], settings)
    assert (choice.yi, choice.category) == (6, "C19")


def test_the_bundled_map_covers_every_category_and_is_valid() -> None:
    doc = load_validated(template_path("chain", "yi_map.json"), "yi_map.schema.json")
    codes = {v.code for v in default_catalog().code_list("problem_category").values}
    assert codes == set(doc["categories"])
    assert set(doc["keywords"].values()) <= codes


# ------------------------------------------------------------------ the check rule
HEADER = ["序号", "问题类别", "问题描述", "乡镇", "村", "整改措施", "责任单位", "责任人", "整改时限", "整改进度"]


def test_rule_reports_rows_whose_yi_cannot_be_determined(tmp_path: Path) -> None:
    rows = [
        [1, "其他", "村部门前杂物堆放", "沙窝镇", "沙坪村", "组织清理", "沙窝镇", "周明", "2024-12-31", "整改中"],
        [
            2,
            "住房安全",
            "李小河家C级危房未改造",
            "沙窝镇",
            "王湾村",
            "实施改造",
            "住建局",
            "施工",
            "2024-12-31",
            "整改中",
        ],
        [3, "", "", "", "", "", "", "", "", ""],  # a numbered blank template row
        [4, "", "自来水水质浑浊", "沙窝镇", "沙坪村", "更换管网", "水利局", "孔明", "2024-12-31", "整改中"],
    ]
    checked = check_sheets(tmp_path, SheetSpec("问题整改台账", HEADER, rows))
    (hit,) = checked.by_rule("PR-YI-UNKNOWN")
    assert (hit.cell, hit.severity) == ("B2", Severity.WARNING)
    assert "无法确定所属“六个一”" in hit.message and "其他" in hit.message
    county = Settings(chain={"keywords": {"杂物": "C21"}})
    again = check_sheets(tmp_path, SheetSpec("问题整改台账", HEADER, rows), settings=county, name="县.xlsx")
    assert again.by_rule("PR-YI-UNKNOWN") == []
