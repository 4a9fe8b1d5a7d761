"""The responsibility roster (addin/chain/roster.py): reading it from messy sheets, looking people up.

Rosters are written as counties keep them — title and 填报单位 rows, two-row
headers ("驻村工作队 / 第一书记 | 队长"), a 乡镇 column merged down over its villages,
the county's own header words — read back with the reader every ledger goes
through, and queried with the spellings ledgers use ("沙窝" for 沙窝镇, "王湾村委会"
for 王湾村, "乡村振兴局" for 县扶贫办). The bundled template is rebuilt and compared.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from addin.chain.roster import Roster, load_roster, roster_from_ledgers
from addin.check import check_book, check_paths
from addin.errors import CorruptWorkbook, FileMissing, InputError
from addin.ledger.reader import read_ledgers
from addin.ledger.template import LISTS_SHEET
from addin.resources import template_path
from addin.settings import Settings, load_settings
from scripts.make_roster_template import SHEETS, write_template
from tests.helpers.book import AS_OF, SheetSpec, write_book
from tests.helpers.roster_books import (
    ALL_SHEETS,
    ID_LI,
    ID_WANG,
    TOWNSHIP_SHEET,
    VILLAGE_SHEET,
)
from tests.test_samples import book_contents

LEDGER_SHEET = SheetSpec(
    "花名册",
    ["乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "贫困户属性", "脱贫状态", "帮扶责任人", "帮扶单位"],
    [
        ["沙窝镇", "沙坪村", "411523002001009", "程大有", 4, "一般脱贫户", "已脱贫（享受政策）", "蔡明", "县住建局"],
        [
            "沙窝镇",
            "王湾村",
            "411523002002009",
            "程小有",
            3,
            "一般脱贫户",
            "已脱贫（享受政策）",
            "邓华",
            "沙窝镇人民政府",
        ],
    ],
    text_columns=(3,),
)


def read(path: Path, today: dt.date = AS_OF) -> Any:
    return read_ledgers(str(path), today=today)


@pytest.fixture
def roster_book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "责任体系花名册.xlsx", ALL_SHEETS)


@pytest.fixture
def roster(roster_book: Path) -> Roster:
    return roster_from_ledgers([read(roster_book)])


# ---------------------------------------------------------------- reading
def test_messy_sheets_are_read_as_their_roster_kinds(roster_book: Path) -> None:
    book = read(roster_book)
    kinds = {t.sheet: (t.kind, t.header_rows, len(t)) for t in book.tables}
    assert kinds == {
        "村级": ("roster_villages", [4, 5], 3),
        "包户": ("roster_households", [2], 3),
        "乡镇": ("roster_townships", [1], 2),
        "部门": ("roster_departments", [1], 3),
        "督查": ("roster_discipline", [1], 4),
    }


def test_villages_read_through_merges_two_row_headers_and_aliases(roster: Roster) -> None:
    wang = roster.villages[("沙窝镇", "王湾村")]  # 乡镇 merged down from the row above
    assert (wang.team_leader, wang.party_secretary, wang.first_secretary, wang.work_team_leader) == (
        "刘建国",  # "刘建国（副镇长）": the title in brackets is no part of the name
        "李长顺",
        "周海波",
        "吴刚",  # 驻村工作队 / 队长
    )
    assert wang.poor_village is False and roster.villages[("新集镇", "杨河村")].poor_village is True
    assert wang.source is not None and (wang.source.sheet, wang.source.row) == ("村级", 7)
    assert len(roster.villages) == 3


def test_households_townships_departments_and_discipline_are_read(roster: Roster) -> None:
    first = roster.households[0]
    assert (first.hh_no, first.head_id, first.helper, first.helper_unit, first.village_cadre) == (
        "411523002001001",
        ID_WANG,
        "蔡明",  # the phone number typed after the name is dropped
        "县住建局",
        "王德贵",
    )
    assert roster.townships["沙窝镇"].county_leader == "郑国华"
    assert roster.townships["新集镇"].deputy == "卢海涛"
    assert set(roster.departments) == {"扶贫办", "住建局", "财政局"}  # department-list spelling
    assert roster.departments["扶贫办"].categories == ("C01", "C02", "C03")
    assert roster.departments["住建局"].categories == ("C11",)  # a category name
    assert roster.departments["财政局"].categories == ("C09",)  # empty: the department list's default
    group = roster.discipline[2]
    assert (group.body, group.head, group.covers) == ("第一督查巡查组", "曹德明", ("沙窝镇", "县住建局"))


# ---------------------------------------------------------------- roster or household ledger?
HELPER_COLUMNS = ["乡镇", "村", "户编号", "户主姓名", "户主身份证号", "帮扶责任人", "帮扶单位", "包户村干部"]
HELPER_ROW = ["沙窝镇", "沙坪村", "411523002001001", "王大山", ID_WANG, "蔡明", "县住建局", "王德贵"]


def _kinds(tmp_path: Path, spec: SheetSpec) -> list[str]:
    return sorted(t.kind for t in read(write_book(tmp_path / f"{spec.name}.xlsx", [spec])).tables)


def test_helper_roster_is_no_household_ledger(tmp_path: Path) -> None:
    """户编号/户主姓名/帮扶责任人 are household columns too; 包户村干部 (or 帮扶责任人职务) makes it the roster."""
    assert _kinds(tmp_path, SheetSpec("一", HELPER_COLUMNS, [HELPER_ROW], text_columns=(3,))) == ["roster_households"]
    titled = ["乡镇", "村", "户主姓名", "帮扶责任人", "帮扶人职务", "帮扶人电话"]
    row = ["沙窝镇", "沙坪村", "王大山", "蔡明", "科员", "13912345678"]
    assert _kinds(tmp_path, SheetSpec("二", titled, [row], above=[["帮扶责任人花名册"]])) == ["roster_households"]
    # Without any roster-only column the sheet is nobody's roster.
    assert _kinds(tmp_path, SheetSpec("三", HELPER_COLUMNS[:-1], [HELPER_ROW[:-1]], text_columns=(3,))) == []


def test_household_ledgers_and_visit_logs_stay_what_they_are(tmp_path: Path) -> None:
    households = [
        "乡镇",
        "行政村",
        "户编号",
        "户主姓名",
        "家庭人口数",
        "贫困户属性",
        "帮扶责任人",
        "帮扶单位",
        "包户干部",
    ]
    row = ["沙窝镇", "沙坪村", "411523002001001", "王大山", 4, "一般脱贫户", "蔡明", "县住建局", "王德贵"]
    assert _kinds(tmp_path, SheetSpec("户表", households, [row], text_columns=(3,))) == ["households"]
    visits = ["乡镇", "村", "户主姓名", "帮扶责任人", "职务", "帮扶单位", "走访时间", "帮扶内容", "贫困户签字"]
    visit = ["沙窝镇", "沙坪村", "王大山", "蔡明", "科员", "县住建局", dt.date(2024, 7, 1), "宣传政策", "王大山"]
    assert _kinds(tmp_path, SheetSpec("走访", visits, [visit])) == ["visits"]


def test_the_title_decides_between_equally_good_kinds(tmp_path: Path) -> None:
    """家庭人口数 (a household column) and 包户村干部 (a roster column) side by side: the title tells them apart."""
    header = ["乡镇", "村", "户编号", "户主姓名", "家庭人口数", "帮扶责任人", "包户村干部"]
    row = ["沙窝镇", "沙坪村", "411523002001001", "王大山", 4, "蔡明", "王德贵"]
    roster = SheetSpec("甲", header, [row], above=[["沙窝镇包户干部及帮扶责任人名单"]], text_columns=(3,))
    ledger = SheetSpec("乙", header, [row], above=[["沙窝镇建档立卡户信息台账"]], text_columns=(3,))
    assert _kinds(tmp_path, roster) == ["roster_households"]
    assert _kinds(tmp_path, ledger) == ["households"]


# ---------------------------------------------------------------- lookups
def test_village_lookup_sees_through_spellings(roster: Roster) -> None:
    expected = roster.villages[("沙窝镇", "沙坪村")]
    assert roster.village("沙窝", "沙坪村委会") is expected
    assert roster.village("沙窝镇人民政府", "沙坪") is expected
    assert roster.village(None, "沙坪村民委员会") is expected  # unique in the county without a township
    assert roster.village("新集镇", "沙坪村") is None
    assert roster.village("沙窝镇", "松林村") is None


def test_village_lookup_in_a_roster_sheet_without_townships(tmp_path: Path) -> None:
    """A township's own roster often has no 乡镇 column: its villages are found by name."""
    sheet = SheetSpec(
        "沙窝镇", ["村", "包村干部", "第一书记"], [["沙坪村", "刘建国", "陈志强"], ["王湾村", "刘建国", "周海波"]]
    )
    path = write_book(tmp_path / "沙窝镇.xlsx", [sheet])
    roster = roster_from_ledgers([read(path)])
    assert roster.village("沙窝镇", "王湾村委会").first_secretary == "周海波"
    assert roster.village(None, "沙坪").team_leader == "刘建国"
    assert check_book(path, settings=Settings(), today=AS_OF)[1] == []  # no 乡镇 column is no mistake


def test_household_lookup_by_number_id_or_name(roster: Roster) -> None:
    assert roster.household(hh_no="411523002002001").head_name == "李桂英"
    assert roster.household(hh_no="999", head_id=ID_LI.lower()).head_name == "李桂英"
    assert roster.household(head_name="李 桂英").hh_no == "411523002002001"
    assert roster.household(head_name="王大山") is None  # two households, no village to tell them apart
    assert roster.household(head_name="王大山", village="杨河").hh_no == "411523001001001"
    assert roster.household(head_name="无此人") is None


def test_township_and_department_lookups(roster: Roster) -> None:
    assert roster.township("沙窝").mayor == "余海燕"
    assert roster.township("新集镇人民政府").secretary == "罗振山"
    assert roster.township("苏河镇") is None
    assert roster.department("乡村振兴局").head == "江海"  # a synonym of 扶贫办 in the department list
    assert roster.department("县住房和城乡建设局").head == "夏光明"
    assert roster.department("财政").county_leader == "郑国华"
    assert roster.department("县教育局") is None


def test_departments_for_a_category(roster: Roster) -> None:
    assert [d.department for d in roster.departments_for_category("C11")] == ["住建局"]
    assert [d.department for d in roster.departments_for_category("危房改造")] == ["住建局"]
    assert [d.department for d in roster.departments_for_category("C02")] == ["扶贫办"]
    assert roster.departments_for_category("C13") == []


def test_discipline_for_a_unit(roster: Roster) -> None:
    bodies = [b.body for b in roster.discipline_for("沙窝")]
    assert bodies == ["第一督查巡查组", "县纪委监委", "县委组织部"]
    # 新集镇 names 第二组 as its 督查组; 第二督查巡查组 lists no units of its own.
    assert [b.body for b in roster.discipline_for("新集镇")] == ["第二督查巡查组", "县纪委监委", "县委组织部"]
    assert [b.body for b in roster.discipline_for("住建局")] == ["第一督查巡查组", "县纪委监委", "县委组织部"]
    assert [b.body for b in roster.discipline_for("县财政局")] == ["县纪委监委", "县委组织部"]


def test_people_are_every_named_person(roster: Roster) -> None:
    people = roster.people()
    assert {"刘建国", "陈志强", "吴刚", "蔡明", "王德贵", "郑国华", "江海", "柯建华", "舒晓燕"} <= people
    assert "王大山" not in people and "刘建国（副镇长）" not in people


# ---------------------------------------------------------------- where the roster comes from
def test_household_ledger_stands_in_for_a_missing_helper_sheet(tmp_path: Path) -> None:
    path = write_book(tmp_path / "台账.xlsx", [VILLAGE_SHEET, LEDGER_SHEET])
    roster = roster_from_ledgers([read(path)])
    found = roster.household(hh_no="411523002002009")
    assert found is not None and (found.helper, found.helper_unit, found.village_cadre) == (
        "邓华",
        "沙窝镇人民政府",
        None,
    )
    with_sheet = roster_from_ledgers([read(write_book(tmp_path / "全.xlsx", [*ALL_SHEETS, LEDGER_SHEET]))])
    assert with_sheet.household(hh_no="411523002002009") is None  # the roster's helper sheet is the list


def test_roster_sheets_inside_the_ledger_workbook(tmp_path: Path) -> None:
    path = write_book(tmp_path / "台账.xlsx", [LEDGER_SHEET, VILLAGE_SHEET, TOWNSHIP_SHEET])
    roster = load_roster(Settings(), [read(path)], today=AS_OF)
    assert roster.village("沙窝", "王湾") is not None and roster.township("新集") is not None
    assert roster.files == (str(path),)
    assert load_roster(Settings(), [read(write_book(tmp_path / "空.xlsx", [LEDGER_SHEET]))], today=AS_OF).villages == {}


def test_roster_workbook_named_in_the_settings(tmp_path: Path, roster_book: Path) -> None:
    ledger = write_book(tmp_path / "台账.xlsx", [LEDGER_SHEET])
    roster = load_roster(Settings(roster=roster_book), [read(ledger)], today=AS_OF)
    assert roster.township("沙窝").county_leader == "郑国华"
    assert roster.files == (str(roster_book),)
    # The roster file checked together with itself is read once.
    again = load_roster(Settings(roster=roster_book), [read(roster_book)], today=AS_OF)
    assert again.files == (str(roster_book),) and len(again.households) == 3


def test_settings_file_names_the_roster_relative_to_itself(tmp_path: Path, roster_book: Path) -> None:
    (tmp_path / "zhenggai.json").write_text('{"roster": "责任体系花名册.xlsx"}', encoding="utf-8")
    settings = load_settings(near=tmp_path / "台账.xlsx")
    assert settings.roster == roster_book
    assert load_roster(settings, [], today=AS_OF).village("沙窝镇", "沙坪村") is not None


# ---------------------------------------------------------------- a roster file that cannot be used
def test_missing_roster_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileMissing) as caught:
        load_roster(Settings(roster=tmp_path / "没有这个花名册.xlsx"), [], today=AS_OF)
    assert "没有这个花名册.xlsx" in str(caught.value) and "roster" in str(caught.value)


def test_damaged_roster_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "责任体系花名册.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(CorruptWorkbook) as caught:
        load_roster(Settings(roster=bad), [], today=AS_OF)
    assert "责任体系花名册.xlsx" in str(caught.value)


def test_workbook_without_roster_sheets_is_refused(tmp_path: Path) -> None:
    other = write_book(tmp_path / "别的表.xlsx", [LEDGER_SHEET])
    with pytest.raises(InputError) as caught:
        load_roster(Settings(roster=other), [], today=AS_OF)
    assert "别的表.xlsx" in str(caught.value) and "不是责任体系花名册" in str(caught.value)


def test_check_reports_a_missing_roster_per_file_and_goes_on(tmp_path: Path) -> None:
    ledger = write_book(tmp_path / "台账.xlsx", [LEDGER_SHEET])
    settings = Settings(roster=tmp_path / "花名册.xlsx")
    with pytest.raises(FileMissing):
        check_book(ledger, settings=settings, today=AS_OF)
    run = check_paths([ledger], settings=settings, today=AS_OF)
    assert [type(r.error) for r in run.files] == [FileMissing]
    assert "花名册.xlsx" in str(run.files[0].error)


# ---------------------------------------------------------------- the bundled template
def test_template_is_the_generated_one(tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "责任体系花名册.xlsx")
    committed = template_path("责任体系花名册.xlsx")
    assert book_contents(fresh) == book_contents(committed)
    assert list(book_contents(committed)) == ["填表说明", *(name for name, _, _ in SHEETS), LISTS_SHEET]


def test_template_reads_as_an_empty_roster_without_findings() -> None:
    path = template_path("责任体系花名册.xlsx")
    ledgers, findings = check_book(path, settings=Settings(), today=AS_OF)
    assert {t.sheet: t.kind for t in ledgers.tables} == {name: kind for name, kind, _ in SHEETS}
    assert all(len(t) == 0 for t in ledgers.tables)
    assert [s.sheet for s in ledgers.skipped] == ["填表说明", LISTS_SHEET]  # the hidden drop-down lists
    assert findings == []
    assert roster_from_ledgers([ledgers]).empty
