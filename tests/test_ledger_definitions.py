"""The ledger definitions and code lists under templates/ are valid and consistent.

These files are edited by hand (by us and by counties), so the checks here guard
against the mistakes hand edits make: a file that breaks its JSON Schema, a
``codes`` reference to a list that does not exist, a header alias claimed by two
fields of one ledger, a synonym claimed by two values of one code list, a regular
expression that does not compile, and a field of domain.md §1 silently deleted.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from addin.ledger.definitions import load_catalog
from addin.ledger.text import header_key, value_key
from addin.resources import template_path

LEDGER_DIR = template_path("ledgers")
CODES_DIR = template_path("codes")
SCHEMA_DIR = template_path("schemas")

LEDGER_FILES = sorted(LEDGER_DIR.glob("*.json"))
CODE_FILES = sorted(CODES_DIR.glob("*.json"))


def _keys(text: str) -> set[str]:
    """The words of a block of text, ignoring ``# comments``."""
    return {word for line in text.splitlines() for word in line.split("#", 1)[0].split()}


EXPECTED_LEDGERS = {"problems", "households", "members", "visits", "loans", "relocation", "inspection_scores"} | {
    "roster_villages",
    "roster_households",
    "roster_townships",
    "roster_departments",
    "roster_discipline",
    "housing",
    "water",
    "monitoring",
    "projects",
}

# Code lists named by the brief (yes_no is deliberately not a code list: booleans are
# normalised in code). Others may be added; these must not disappear.
EXPECTED_CODE_LISTS = _keys(
    """
    problem_category problem_source status rectify_type poor_attr exit_status hh_type cause measure
    relation school_status health labour education sex member_status satisfaction visit_mode
    loan_kind repay_status relocation_mode relocation_detail decoration house_grade support_mode
    care_ability townships departments
    """
)


# Every field the domain's §1 tables name for these ledgers (lumped rows split into
# their parts), plus the fields §3's rules need that the tables only imply.
EXPECTED_KEYS: dict[str, set[str]] = {
    "problems": _keys(
        """
        seq issue_id category subcategory description source found_date township village group
        household_head household_id_no measures target lead_unit resp_unit resp_leader resp_person
        phone deadline rectify_type status progress_text done_date evidence verifier closed
        closed_date remark
        """
    ),
    "households": _keys(
        """
        county township village natural_village hh_no head_name head_id hh_size phone bank
        bank_acct id_standard poor_attr exit_status hh_type id_year exit_year return_year
        main_cause other_causes military_family one_child two_daughters land_farm land_irrigated
        land_forest land_returned land_orchard land_pasture land_water house_area is_danger_house
        house_grade road_distance road_type power_life power_prod water_difficult water_safe
        water_source fuel toilet coop inc_wage inc_business exp_business inc_property inc_transfer
        tr_family_planning tr_dibao tr_tekun tr_pension tr_eco tr_other inc_total inc_net inc_pc
        helper helper_unit helper_phone measures relocated handbook eval_date publicity_date
        announce_date exit_application exit_signed
        # implied by §3 / §5: rigid expenses, income history, monitoring, one column per measure
        rigid_expense prev_inc_pc prev2_inc_pc monitored_type still_supported measure_industry
        measure_employment measure_training measure_education measure_health measure_finance
        measure_relocation measure_housing measure_water measure_social measure_eco measure_infra
        measure_social_help measure_public_post
        """
    ),
    "members": _keys(
        """
        hh_no person_no name sex id_type id_no birth relation ethnicity politics education
        school_status no_school_reason health disability_cert labour work_status work_months
        work_place employer soldier dibao_member tekun_member med_ins serious_ins pension_ins
        pension_recv family_doctor member_status person_id_date phone
        """
    )
    | _keys(  # implied by §3 (RY-24…RY-26)
        """
        care_ability support_mode has_caregiver care_agreement public_post edu_support
        """
    ),
    "visits": _keys(
        """
        seq township village hh_no head_name head_id helper helper_unit helper_title visit_date
        visit_mode actions findings effect satisfaction hh_signature helper_signature reviewer
        photo remark
        """
    ),
    "loans": _keys(
        """
        loan_kind borrower borrower_id hh_attr township village bank contract_no amount loan_date
        due_date term rate purpose project subsidy repay_status ent_local ent_base ent_workshop
        staff_total staff_poor dividend
        """
    ),
    "relocation": _keys(
        """
        head_name head_id hh_no persons poor_persons sync_persons is_poor from_town from_village
        from_group reason year batch mode mode_detail site_name to_town to_village to_group area
        area_pc build_mode subsidy self_fund debt decoration start_date finish_date accept_date
        accept_result move_in_date old_house followup remark
        # implied by §3 (BQ-07)
        site_plan_finish site_ready
        """
    ),
    "housing": _keys(  # domain §1.7 (photos split before/during/after)
        """
        hh_no head_name head_id township village group target_type hh_size grade assessor assess_date method
        scope area_before area_after structure start_date finish_date accept_date accept_result subsidy paid
        pay_date demolished occupied publicity photo_before photo_during photo_after recheck
        # implied by §3.9 (status of WF-01/WF-12, the kitchen of WF-04)
        progress kitchen_danger
        """
    ),
    "water": _keys(  # domain §1.9 (水质检测结果 / 水质情况 split; area type of YS-01)
        """
        head_name head_id township village group supply_mode piped liters fetch_minutes fetch_h_dist
        fetch_v_dist stop_days quality_test quality_desc problem measure target_cat finish_date accept_result
        area_type
        """
    ),
    "monitoring": _keys(  # domain §1.8 columns (risks 1…5 split; the 14 measure columns of §1.2.4)
        """
        township village hh_no head_name head_id hh_size hh_type monitored_type monitor_date risks risk1
        risk2 risk3 risk4 risk5 inc_total inc_pc id_wage rigid_expense risk_removed risk_id_date remove_date
        measure_industry measure_employment measure_public_post measure_health measure_compulsory_edu
        measure_education measure_housing measure_water measure_relocation measure_living measure_social_help
        measure_finance measure_social measure_infra helper work_start work_end work_place work_channel
        transport_subsidy
        """
    ),
    "projects": _keys(
        """
        proj_no proj_name proj_cat build_type township village location content fund_total fund_central
        fund_province fund_city fund_county fund_integrated fund_bond fund_self fund_social fund_other owner_unit
        impl_unit resp_person plan_start plan_end plan_months act_start act_end accept_date accept_result paid
        pay_date hh_benefit poor_benefit people_benefit poor_people benefit_mech perf_target perf_output
        perf_effect perf_satisfaction publicity publicity_date asset_owner filing
        # implied by §3.6 (XM-10, XM-12, XM-13)
        impl_mode consent progress village_type
        """
    ),
}

# Fields the domain marks Y (required). A change here is a change of the catalogue's
# contract with rule ALL-01, so it must be deliberate.
EXPECTED_REQUIRED: dict[str, set[str]] = {
    "problems": _keys(
        """
        seq category description source measures resp_unit resp_leader resp_person deadline status
        """
    ),
    "households": _keys(
        """
        township village hh_no head_name head_id hh_size poor_attr exit_status id_year main_cause
        house_area is_danger_house water_difficult water_safe inc_wage inc_business exp_business
        inc_property inc_transfer inc_pc
        """
    ),
    "members": _keys(
        """
        hh_no name sex id_no relation ethnicity school_status health labour dibao_member med_ins
        pension_ins
        """
    ),
    "visits": _keys(
        """
        township village head_name helper visit_date actions findings satisfaction hh_signature
        """
    ),
    "loans": _keys(
        """
        loan_kind borrower borrower_id township village bank amount loan_date due_date purpose
        project repay_status
        """
    ),
    "relocation": _keys(
        """
        head_name head_id hh_no persons is_poor from_town from_village from_group year mode
        mode_detail to_town to_village to_group area move_in_date old_house followup
        """
    ),
    "housing": _keys(
        """
        hh_no head_name head_id township village group target_type hh_size grade assessor assess_date method
        scope publicity
        """
    ),
    "water": _keys(  # the domain marks none; these identify the household and how it is supplied
        """
        head_name head_id township village supply_mode
        """
    ),
    "monitoring": _keys(
        """
        township village hh_no head_name head_id monitored_type monitor_date risk_removed
        """
    ),
    "projects": _keys(
        """
        proj_name proj_cat township content fund_total owner_unit impl_unit poor_benefit benefit_mech
        """
    ),
}

# Households and members share person-per-row sheets. An alias naming different
# fields in the two kinds makes the reader choose; these are the reviewed cases
# (the member's own ID / name wins in a shared sheet; in a household-only sheet
# they name the head). Any new overlap must be reviewed and added here.
SHARED_SHEET_OVERLAPS = {"证件号码", "身份证号码", "身份证号", "公民身份号码", "姓名"}

DATE_TYPES = {"date", "year", "deadline"}
ENUM_TYPES = {"enum", "multi_enum"}

_BRACKETED_UNIT = re.compile(r"[(\[【][^)\]】]{0,20}[)\]】]")


def brief_key(text: str) -> str:
    """NFKC, no whitespace, no bracketed units such as （元）(万元)（㎡）(亩)（%）, lower-case."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return (_BRACKETED_UNIT.sub("", s) or s).lower()


NORMALISERS: dict[str, Callable[[str], str]] = {"brief": brief_key, "header_key": header_key}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


LEDGERS = {p.stem: _load(p) for p in LEDGER_FILES}
CODES = {p.stem: _load(p) for p in CODE_FILES}


def _schema(name: str) -> dict[str, Any]:
    return _load(SCHEMA_DIR / name)


# ----------------------------------------------------------------------------- files and schema


def test_expected_files_exist() -> None:
    assert set(LEDGERS) == EXPECTED_LEDGERS
    assert set(CODES) >= EXPECTED_CODE_LISTS, sorted(EXPECTED_CODE_LISTS - set(CODES))
    assert "yes_no" not in CODES


@pytest.mark.parametrize("path", LEDGER_FILES, ids=lambda p: p.name)
def test_ledger_file_matches_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(_schema("ledger.schema.json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(path))]
    assert not errors


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: p.name)
def test_code_file_matches_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(_schema("codes.schema.json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(path))]
    assert not errors


def test_schemas_are_valid_draft_2020_12() -> None:
    for name in ("ledger.schema.json", "codes.schema.json"):
        jsonschema.Draft202012Validator.check_schema(_schema(name))


def test_file_stem_is_kind_or_name() -> None:
    assert [k for k, d in LEDGERS.items() if d["kind"] != k] == []
    assert [k for k, d in CODES.items() if d["name"] != k] == []


def test_bundled_catalogue_loads() -> None:
    catalog = load_catalog()
    assert set(catalog.ledgers) == EXPECTED_LEDGERS
    assert set(catalog.codes) == set(CODES)


# ----------------------------------------------------------------------------- ledger consistency


@pytest.mark.parametrize("kind", sorted(LEDGERS))
def test_field_keys_unique(kind: str) -> None:
    keys = [f["key"] for f in LEDGERS[kind]["fields"]]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


@pytest.mark.parametrize("kind", sorted(EXPECTED_KEYS))
def test_domain_fields_present(kind: str) -> None:
    keys = {f["key"] for f in LEDGERS[kind]["fields"]}
    assert sorted(EXPECTED_KEYS[kind] - keys) == []


@pytest.mark.parametrize("kind", sorted(EXPECTED_REQUIRED))
def test_required_fields_follow_domain(kind: str) -> None:
    required = {f["key"] for f in LEDGERS[kind]["fields"] if f.get("required")}
    assert required == EXPECTED_REQUIRED[kind]


def test_codes_references_resolve() -> None:
    missing = [
        (kind, f["key"], f["codes"])
        for kind, doc in LEDGERS.items()
        for f in doc["fields"]
        if "codes" in f and f["codes"] not in CODES
    ]
    assert missing == []


def test_codes_only_on_enum_fields() -> None:
    stray = [
        (k, f["key"]) for k, d in LEDGERS.items() for f in d["fields"] if "codes" in f and f["type"] not in ENUM_TYPES
    ]
    assert stray == []


def test_money_fields_name_their_unit() -> None:
    bad = [
        (k, f["key"], f.get("unit"))
        for k, d in LEDGERS.items()
        for f in d["fields"]
        if f["type"] == "money" and f.get("unit") not in ("yuan", "wan")
    ]
    assert bad == []


def test_event_dates_are_dates() -> None:
    bad = [
        (k, f["key"])
        for k, d in LEDGERS.items()
        for f in d["fields"]
        if f.get("event_date") and f["type"] not in DATE_TYPES
    ]
    assert bad == []
    # deadlines and planned dates may lie in the future
    assert [
        (k, f["key"])
        for k, d in LEDGERS.items()
        for f in d["fields"]
        if f.get("event_date") and f["type"] == "deadline"
    ] == []


@pytest.mark.parametrize("kind", sorted(LEDGERS))
def test_detection_metadata_resolves(kind: str) -> None:
    doc = LEDGERS[kind]
    keys = {f["key"] for f in doc["fields"]}
    assert doc["key_fields"] and set(doc["key_fields"]) <= keys
    assert doc.get("one_row_per", next(iter(keys))) in keys
    assert set(doc.get("shares_sheet_with", ())) <= set(LEDGERS) - {kind}
    for other in doc.get("shares_sheet_with", ()):
        assert kind in LEDGERS[other].get("shares_sheet_with", ()), f"{other} does not share back with {kind}"
    assert doc["title_keywords"]
    identifying = [f["key"] for f in doc["fields"] if f.get("identifying")]
    assert len(identifying) >= 3
    assert 1 <= doc["min_matched_fields"] <= len(keys)


@pytest.mark.parametrize("norm", sorted(NORMALISERS))
@pytest.mark.parametrize("kind", sorted(LEDGERS))
def test_no_alias_names_two_fields(kind: str, norm: str) -> None:
    normalise = NORMALISERS[norm]
    owners: dict[str, set[str]] = defaultdict(set)
    for f in LEDGERS[kind]["fields"]:
        for text in (f["label"], *f.get("aliases", ())):
            key = normalise(text)
            assert key, f"{kind}.{f['key']}: alias {text!r} normalises to nothing"
            owners[key].add(f["key"])
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_shared_sheet_overlaps_are_reviewed() -> None:
    overlaps: set[str] = set()
    for doc in LEDGERS.values():
        for other in doc.get("shares_sheet_with", ()):
            mine = {header_key(t): f["key"] for f in doc["fields"] for t in (f["label"], *f.get("aliases", ()))}
            theirs = {
                header_key(t): f["key"] for f in LEDGERS[other]["fields"] for t in (f["label"], *f.get("aliases", ()))
            }
            overlaps |= {h for h in mine.keys() & theirs.keys() if mine[h] != theirs[h]}
    assert overlaps == SHARED_SHEET_OVERLAPS


# ----------------------------------------------------------------------------- code lists


@pytest.mark.parametrize("name", sorted(CODES))
def test_no_synonym_names_two_values(name: str) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for v in CODES[name]["values"]:
        for text in (v["value"], *v.get("synonyms", ()), v.get("code", "")):
            if text:
                owners[value_key(text)].add(v["value"])
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


@pytest.mark.parametrize("name", sorted(CODES))
def test_values_unique(name: str) -> None:
    values = [v["value"] for v in CODES[name]["values"]]
    assert len(values) == len(set(values))


def test_patterns_compile() -> None:
    broken = []
    for name, doc in CODES.items():
        if "separators" in doc:
            try:
                re.compile(doc["separators"])
            except re.error as exc:
                broken.append((name, "separators", str(exc)))
        for v in doc["values"]:
            for p in v.get("patterns", ()):
                try:
                    re.compile(p)
                except re.error as exc:
                    broken.append((name, v["value"], p, str(exc)))
    assert broken == []


def test_problem_category_codes_and_yi() -> None:
    values = CODES["problem_category"]["values"]
    assert [v["code"] for v in values] == [f"C{i:02d}" for i in range(1, 23)] + ["C99"]
    for v in values:
        assert v["attrs"]["code"] == v["code"]
        assert v["attrs"]["yi"] in (1, 2, 3, 4, 5, 6) or v["code"] == "C99"


def test_measure_codes() -> None:
    values = CODES["measure"]["values"]
    assert [v["code"] for v in values] == [f"M{i:02d}" for i in range(1, 14)]
    assert all(v["attrs"]["code"] == v["code"] for v in values)


def test_county_lists_are_open_and_sized() -> None:
    assert CODES["townships"].get("open") is True and len(CODES["townships"]["values"]) == 17
    assert CODES["departments"].get("open") is True and len(CODES["departments"]["values"]) == 18


# ----------------------------------------------------------------------------- behaviour through the loader


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize(
    ("kind", "header", "key"),
    [
        ("problems", "完成时间", "done_date"),
        ("problems", "完成时限", "deadline"),
        ("problems", "完成时间要求", "deadline"),
        ("problems", "是否销号", "closed"),
        ("problems", "整改进展情况", "progress_text"),
        ("households", "住房面积（㎡）", "house_area"),
        ("households", "户主身份证号码", "head_id"),
        ("households", "饮水安全", "water_safe"),
        ("households", "饮水安全保障", "measure_water"),
        ("members", "与户主关系", "relation"),
        ("members", "公民身份号码", "id_no"),
        ("loans", "贷款金额（万元）", "amount"),
        ("relocation", "搬迁类型（建档立卡/同步搬迁）", "is_poor"),
    ],
)
def test_header_decisions(catalog, kind: str, header: str, key: str) -> None:
    f = catalog.ledger(kind).match_header(header)
    assert f is not None and f.key == key


@pytest.mark.parametrize(
    ("codes", "text", "value"),
    [
        ("status", "50%", "整改中"),
        ("status", "0%", "未整改"),
        ("status", "100%", "已完成"),
        ("status", "经核实不属实", "无需整改"),
        ("status", "正在整改中", "整改中"),
        ("problem_category", "精准识别方面", "精准识别"),
        ("problem_category", "监测对象识别不及时", "防返贫监测"),
        ("problem_category", "贫困村退出", "贫困村退出与村集体经济"),
        ("problem_source", "省脱贫攻坚作风督导组", "省级督查"),
        ("cause", "缺劳动力", "缺劳力"),
        ("cause", "因病致贫", "因病"),
        ("measure", "雨露计划短期技能培训", "技能培训"),
        ("measure", "雨露计划", "教育扶贫"),
        ("measure", "雨露计划（中高职补助）", "教育扶贫"),
        ("measure", "就业技能培训", "技能培训"),
        ("measure", "城乡居民医保参保资助", "健康扶贫"),
        ("measure", "助学贷款", "教育扶贫"),
        ("measure", "生态护林员", "生态扶贫"),
        ("relation", "儿子", "之子"),
        ("relation", "03", "之子"),
        ("school_status", "初二", "初中"),
        ("school_status", "小学三年级", "小学"),
        ("school_status", "高职高专二年级", "高职高专"),
        ("house_grade", "C级危房", "C"),
        ("house_grade", "a级", "A"),
        ("sex", "1", "男"),
        ("townships", "沙窝", "沙窝镇"),
    ],
)
def test_value_decisions(catalog, codes: str, text: str, value: str) -> None:
    hit = catalog.code_list(codes).lookup(text)
    assert hit is not None and hit.value == value


def test_multi_value_measures(catalog) -> None:
    measure = catalog.code_list("measure")
    items = measure.split("小额信贷、技能培训")
    assert [measure.lookup(t).code for t in items] == ["M06", "M03"]


@pytest.mark.parametrize(
    ("codes", "value", "attr", "expected"),
    [
        ("relation", "之子", "sex", "男"),
        ("relation", "户主", "head", True),
        ("relation", "之孙女", "generation", -2),
        ("school_status", "辍学", "dropout", True),
        ("school_status", "中职", "vocational", True),
        ("school_status", "研究生", "level", 7),
        ("poor_attr", "低保脱贫户", "base", "低保"),
        ("poor_attr", "低保脱贫户", "exited", True),
        ("exit_status", "返贫", "poor", True),
        ("labour", "弱劳动力或半劳动力", "capacity", "weak"),
        ("status", "已销号", "done", True),
        ("relocation_detail", "进城购房", "mode", "分散安置"),
        ("problem_category", "金融扶贫", "yi", 4),
    ],
)
def test_value_attrs(catalog, codes: str, value: str, attr: str, expected: object) -> None:
    assert catalog.code_list(codes).attr(value, attr) == expected
