"""Realistic, messy township ledgers for tests, the README transcript and the benchmark.

Two entry points:

* :func:`build_county_workbook` — a whole county in one workbook: a roster sheet
  per township (named after the township; person-per-row with household columns
  merged down or repeated, or a 户表 + 人表 pair), the rectification ledger, the
  visit log, the loan ledger, the relocation ledger, a 汇总 sheet, a 填表说明 sheet
  and a hidden sheet of drop-down lists. Sized for the benchmark (30 000
  households ≈ 100 000 members).
* :func:`build_samples` — the small files of ``templates/samples/``, all cut from
  one county (:func:`tests.samples.roster.sample_county`), plus that county's
  责任体系花名册 (:mod:`tests.samples.roster`).

The data are coherent and clean (the checker must report no error-level finding
on them); problems are put in deliberately by the injectors of
:mod:`tests.samples.injectors`, and each :class:`Sample` lists them with the exact
cell the checker must report, plus the rows that must stay free of errors.

Everything is deterministic for a given seed. Workbooks are written with
openpyxl's write-only mode (merged ranges included), whatever their size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from scripts.make_roster_template import INSTRUCTIONS as ROSTER_INSTRUCTIONS
from tests.samples import content, ledgers, newkinds, roster
from tests.samples.injectors import INJECTORS, InjectContext, Injection, NoTarget, Planned, inject
from tests.samples.injectors_newkinds import RULES as NEWKIND_RULES
from tests.samples.layout import SheetPlan, WrittenSheet, write_sheet
from tests.samples.owners import roster_people
from tests.samples.people import AS_OF, build_county

COUNTY_RULES = sorted(set(INJECTORS) - set(NEWKIND_RULES))
"""Every injector whose ledger kind the county workbook holds (not the projects/housing/water/monitoring ones)."""

__all__ = [
    "AS_OF",
    "COUNTY_RULES",
    "INJECTORS",
    "Injection",
    "Sample",
    "SheetInfo",
    "build_county_workbook",
    "build_samples",
]


@dataclass
class SheetInfo:
    """What the reader should make of one sheet."""

    kinds: list[str]  # ledger kinds, sorted; [] = not a ledger (must be skipped)
    header_rows: list[int] = field(default_factory=list)  # 1-based header rows (column-number row included)
    tainted_rows: list[int] = field(default_factory=list)  # data rows an injection changed (findings expected)


@dataclass
class Sample:
    path: Path
    injections: list[Injection]  # every problem deliberately put in
    clean_rows: dict[str, list[int]]  # per sheet, the Excel rows that must have NO error-level finding
    sheets: dict[str, SheetInfo] = field(default_factory=dict)  # every sheet, in workbook order
    # The roster sample: the problems it causes in the other samples checked with it (file, rule, sheet, cell, row).
    cross_injections: list[dict[str, Any]] = field(default_factory=list)
    plans: list[SheetPlan | Other] = field(default_factory=list, repr=False)  # what was written …
    written: dict[str, WrittenSheet] = field(default_factory=dict, repr=False)  # … and where it went

    def manifest(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file": self.path.name,
            "sheets": {
                n: {"kinds": s.kinds, "header_rows": s.header_rows, "tainted_rows": s.tainted_rows}
                for n, s in self.sheets.items()
            },
            "injections": [vars(i) for i in self.injections],
            "clean_rows": self.clean_rows,
        }
        if self.cross_injections:
            doc["cross_injections"] = self.cross_injections
        return doc


@dataclass
class Other:
    """A sheet that is not a ledger: 填表说明, 汇总, a hidden list of drop-down values."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False
    merge_title: bool = True


def write_book(path: Path, sheets: Sequence[SheetPlan | Other]) -> dict[str, WrittenSheet]:
    wb = openpyxl.Workbook(write_only=True)
    written: dict[str, WrittenSheet] = {}
    for sheet in sheets:
        if isinstance(sheet, SheetPlan):
            written[sheet.name] = write_sheet(wb, sheet)
            continue
        ws = wb.create_sheet(sheet.name)
        if sheet.hidden:
            ws.sheet_state = "hidden"
        width = max((len(r) for r in sheet.rows), default=1)
        for r in sheet.rows:
            ws.append(r)
        if sheet.merge_title and width > 1 and sheet.rows and len(sheet.rows[0]) == 1:
            ws.merged_cells.add(f"A1:{openpyxl.utils.get_column_letter(width)}1")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return written


def finish(
    path: Path, sheets: Sequence[SheetPlan | Other], planned: Sequence[Planned]
) -> Sample:  # fmt: skip
    """Write the workbook and resolve the injections to cells."""
    written = write_book(path, sheets)
    injections = [p.resolve(written[p.plan.name]) for p in planned]
    infos: dict[str, SheetInfo] = {}
    clean: dict[str, list[int]] = {}
    for sheet in sheets:
        if isinstance(sheet, Other):
            infos[sheet.name] = SheetInfo([])
            continue
        ws = written[sheet.name]
        tainted = set().union(*(p.tainted_rows(ws) for p in planned))
        infos[sheet.name] = SheetInfo(sorted(ws.kinds), ws.header_rows, sorted(tainted))
        clean[sheet.name] = [r for r in ws.data_rows if r not in tainted]
    return Sample(path, injections, clean, infos, plans=list(sheets), written=written)


def _protected(sheets: Sequence[SheetPlan | Other]) -> set[str]:
    """IDs other sheets find a household by: a borrower's, a relocated head's (visit logs use 户编号)."""
    ids: set[str] = set()
    for plan in sheets:
        if isinstance(plan, SheetPlan) and plan.kinds[0] in ("loans", "relocation"):
            for rec in plan.records:
                for key in ("borrower_id", "head_id"):
                    if rec.values.get(key):
                        ids.add(rec.values[key])
    return ids


def _injected(
    sheets: Sequence[SheetPlan | Other],
    rng: random.Random,
    as_of: dt.date,
    wanted: Sequence[tuple[str, Sequence[str]]],
    *,
    skip_impossible: bool = False,
) -> list[Planned]:
    plans = [s for s in sheets if isinstance(s, SheetPlan)]
    ctx = InjectContext(plans, rng, as_of, _protected(sheets))
    planned = []
    for rule, kinds in wanted:
        try:
            planned.append(inject(ctx, rule, kinds))
        except NoTarget:
            if not skip_impossible:
                raise
    return planned


# ---------------------------------------------------------------- the county workbook
def build_county_workbook(
    path: Path,
    *,
    households: int,
    seed: int = 1,
    as_of: dt.date = AS_OF,
    messy: bool = True,
    problems: int = 500,
    visits: int | None = None,
    loans: int | None = None,
    relocation: int | None = None,
    inject_rules: Sequence[str] = (),
    skip_impossible: bool = False,
) -> Sample:
    """A whole county's ledgers in one workbook (see the module docstring).

    ``visits`` defaults to 1.3 visits per household; ``loans`` to one per ten
    households; ``relocation`` to one household in 25. ``inject_rules`` lists rule
    ids (repeat one to inject it several times) of :data:`INJECTORS`; with
    ``skip_impossible`` a rule no row of this county can take is left out instead of
    failing (benchmarks with unusual proportions, e.g. fewer visits than households).
    """
    path = Path(path)
    rng = random.Random(seed)
    county = build_county(rng, households, as_of=as_of)
    owners = roster_people(county)  # first, so every rebuild of this county draws the same names
    loans_rows = content.loan_rows(county, loans if loans is not None else max(4, households // 10), rng, as_of=as_of)
    reloc_rows = content.relocation_rows(
        county, relocation if relocation is not None else max(3, households // 25), rng, as_of=as_of
    )
    items = content.problem_items(county, problems, rng, as_of=as_of, people=owners)
    visit_rows = content.visit_rows(county, visits if visits is not None else round(households * 1.3), rng, as_of=as_of)
    people = county.county_leaders
    common = {"messy": messy, "as_of": as_of, "people": people}
    sheets: list[SheetPlan | Other] = [Other("填表说明", ledgers.instructions())]
    sheets.append(Other("汇总", ledgers.summary(items, [(t.name, t.households) for t in county.townships], "乡镇")))
    for t in county.townships:
        mode = rng.choice(("merged", "merged", "repeated", "split")) if messy else "repeated"
        reporter = f"{t.name}人民政府"
        if mode == "split":
            sheets.append(
                ledgers.roster_plan(f"{t.name}户表", t.households, rng, mode="households", reporter=reporter, **common)
            )
            sheets.append(
                ledgers.roster_plan(f"{t.name}人员", t.households, rng, mode="members", reporter=reporter, **common)
            )
        else:
            sheets.append(ledgers.roster_plan(t.name, t.households, rng, mode=mode, reporter=reporter, **common))
    sheets.append(ledgers.problems_plan("问题整改台账", items, rng, reporter="县脱贫攻坚指挥部办公室", **common))
    sheets.append(ledgers.visits_plan("帮扶记录", visit_rows, rng, reporter="县脱贫攻坚指挥部办公室", **common))
    sheets.append(ledgers.loans_plan("小额信贷台账", loans_rows, rng, reporter="县金融办", **common))
    sheets.append(ledgers.relocation_plan("易地扶贫搬迁台账", reloc_rows, rng, reporter="县发改委", **common))
    sheets.append(Other("下拉选项", ledgers.dropdowns(), hidden=True, merge_title=False))
    planned = _injected(sheets, rng, as_of, [(r, ()) for r in inject_rules], skip_impossible=skip_impossible)
    return finish(path, sheets, planned)


# ---------------------------------------------------------------- the small samples
def build_samples(out_dir: Path, *, seed: int = 7, as_of: dt.date = AS_OF) -> list[Sample]:
    """The sample workbooks of ``templates/samples/`` (a few dozen to a few hundred rows each).

    Every one shows a part of the same county, so the county's roster (the last
    sample) names the people of all of them.
    """
    out_dir = Path(out_dir)
    samples = [
        _shawo(out_dir / "沙窝镇台账.xlsx", random.Random(seed), as_of),
        _jianchanghe(out_dir / "箭厂河乡花名册.xlsx", random.Random(seed + 1), as_of),
        _departments(out_dir / "县直部门整改台账.xlsx", random.Random(seed + 2), as_of),
        _finance(out_dir / "金融与搬迁台账.xlsx", random.Random(seed + 3), as_of),
        _county(out_dir / "全县综合台账（问题示例）.xlsx", as_of),
    ]
    samples.append(_roster(out_dir / roster.ROSTER_SAMPLE, random.Random(seed + 4), as_of, samples))
    samples.append(newkinds.build(out_dir / newkinds.NEWKINDS_SAMPLE, random.Random(seed + 5), as_of))
    return samples


def _county(path: Path, as_of: dt.date) -> Sample:
    """A whole county in one workbook (17 townships' rosters, visits, loans, relocation, problems) with one
    deliberate instance of every problem an injector knows: the demo shows each rule at work.
    Its county is the samples' county (:func:`tests.samples.roster.sample_county`)."""
    return build_county_workbook(
        path, households=roster.SAMPLE_HOUSEHOLDS, seed=roster.SAMPLE_COUNTY_SEED, problems=80, as_of=as_of,
        inject_rules=COUNTY_RULES,
    )  # fmt: skip


def _roster(path: Path, rng: random.Random, as_of: dt.date, samples: list[Sample]) -> Sample:
    """The county's 责任体系花名册: one problem per roster rule inside it, and a village and a helper it
    leaves out, which show in the household ledgers of the other samples checked with it."""
    county = roster.sample_county(as_of)
    omit = roster.pick_omissions(county, samples, rng)
    plans = roster.roster_plans(county, rng, omit, as_of=as_of)
    planned = roster.inject(plans, rng, as_of)
    sample = finish(path, [Other("填表说明", [[t] for t in ROSTER_INSTRUCTIONS]), *plans], planned)
    sample.cross_injections = roster.cross_injections(samples, omit)
    return sample


def _shawo(path: Path, rng: random.Random, as_of: dt.date) -> Sample:
    """沙窝镇: rectification ledger, one-row-per-household roster (3-row header), visit log."""
    whole = roster.sample_county(as_of)
    owners = roster_people(whole)
    county = roster.sub_county(whole, "沙窝镇")
    t = county.townships[0]
    items = content.problem_items(county, 30, rng, as_of=as_of, people=owners)
    visit_rows = content.visit_rows(county, 36, rng, as_of=as_of)
    common = {"messy": True, "as_of": as_of, "people": t.cadres, "reporter": "沙窝镇人民政府"}
    sheets: list[SheetPlan | Other] = [
        Other("填表说明", ledgers.instructions()),
        Other("汇总", ledgers.summary(items, [(v.name, v.households) for v in t.villages], "村名称")),
        ledgers.problems_plan(
            "问题整改台账",
            items,
            rng,
            force={
                "depth": 2,
                "sections": True,
                "implied": True,
                "subtotal": False,
                "repeat": True,
                "attachment": "附件2",
                "subtitle": True,
                "meta": True,
                "footer": True,
                "notes": True,
                "column_numbers": False,
            },
            **common,
        ),
        ledgers.roster_plan(
            "沙窝镇",
            t.households,
            rng,
            mode="households",
            force={"depth": 3, "sections": True, "subtotal": True, "total": True, "meta": True, "footer": True},
            **common,
        ),
        ledgers.visits_plan(
            "帮扶记录", visit_rows, rng, force={"depth": 2, "column_numbers": True, "blank": True}, **common
        ),
        Other("下拉选项", ledgers.dropdowns(), hidden=True, merge_title=False),
    ]
    planned = _injected(
        sheets, rng, as_of,
        [("GEN-BAD-DATE", ("problems",)), ("GEN-FUTURE-DATE", ("problems",)), ("GEN-DUPLICATE-ROW", ("problems",)),
         ("GEN-SUBTOTAL-MISMATCH", ("households",)), ("GEN-ID-AS-NUMBER", ("households",)),
         ("GEN-DUPLICATE-ROW", ("visits",)), ("PR-NO-RESP-PERSON", ("problems",)), ("PR-NO-LEADER", ("problems",)),
         ("PR-PERSON-NOT-INDIVIDUAL", ("problems",))],
    )  # fmt: skip
    return finish(path, sheets, planned)


def _jianchanghe(path: Path, rng: random.Random, as_of: dt.date) -> Sample:
    """箭厂河乡: person-per-row roster, household columns merged down, a section row per village."""
    county = roster.sub_county(roster.sample_county(as_of), "箭厂河乡")
    t = county.townships[0]
    common = {"messy": True, "as_of": as_of, "people": t.cadres, "reporter": "箭厂河乡人民政府"}
    sheets: list[SheetPlan | Other] = [
        ledgers.roster_plan(
            "箭厂河乡",
            t.households,
            rng,
            mode="merged",
            force={"depth": 2, "sections": True, "column_numbers": False, "repeat": False, "footer": True},
            **common,
        ),
        Other("汇总", ledgers.summary([], [(v.name, v.households) for v in t.villages], "村名称")),
        Other("填表说明", ledgers.instructions()),
        Other("字典", ledgers.dropdowns(), hidden=True, merge_title=False),
    ]
    planned = _injected(
        sheets, rng, as_of,
        [("ID-CHECKSUM", ("members",)), ("ID-SEX-MISMATCH", ("members",)), ("ID-OLD-15", ("members",)),
         ("GEN-ID-AS-NUMBER", ("members",))],
    )  # fmt: skip
    return finish(path, sheets, planned)


def _departments(path: Path, rng: random.Random, as_of: dt.date) -> Sample:
    """县直部门: two county-level rectification ledgers (2-row header with sections; numbered 1-row header)."""
    county = roster.sample_county(as_of)
    owners = roster_people(county)
    first = content.problem_items(county, 60, rng, as_of=as_of, county_level=True, people=owners)
    second = content.problem_items(county, 24, rng, as_of=as_of, county_level=True, people=owners)
    common = {"messy": True, "as_of": as_of, "people": county.county_leaders, "reporter": "县脱贫攻坚指挥部办公室"}
    sheets: list[SheetPlan | Other] = [
        ledgers.problems_plan(
            "县直部门整改台账",
            first,
            rng,
            county_level=True,
            title="新县落实成效考核反馈意见整改任务清单",
            force={
                "depth": 2,
                "sections": True,
                "implied": False,
                "subtotal": True,
                "repeat": True,
                "column_numbers": False,
                "attachment": "附件1",
                "meta": True,
                "footer": True,
                "notes": True,
            },
            **common,
        ),
        ledgers.problems_plan(
            "巡察反馈问题",
            second,
            rng,
            county_level=True,
            title="县委第二轮巡察反馈问题整改台账",
            force={
                "depth": 1,
                "sections": False,
                "column_numbers": True,
                "repeat": False,
                "blank": True,
                "numbered": True,
            },
            **common,
        ),
        Other("汇总", ledgers.summary(first + second, [(t.name, t.households) for t in county.townships], "乡镇")),
    ]
    planned = _injected(
        sheets,
        rng,
        as_of,
        [("GEN-DUPLICATE-ROW", ("problems",)), ("GEN-BAD-DATE", ("problems",)), ("GEN-FUTURE-DATE", ("problems",)),
         ("PR-NO-RESP-PERSON", ("problems",)), ("PR-NO-RESP-PERSON", ("problems",)), ("PR-NO-LEADER", ("problems",)),
         ("PR-PERSON-NOT-INDIVIDUAL", ("problems",))],
    )  # fmt: skip
    return finish(path, sheets, planned)


def _finance(path: Path, rng: random.Random, as_of: dt.date) -> Sample:
    """金融与搬迁: loans (到户 + 企业, 小计/合计) and relocation (3-row header, 小计 per township)."""
    county = roster.sample_county(as_of)
    loan_rows = content.loan_rows(county, 40, rng, as_of=as_of, enterprise_share=0.12)
    reloc_rows = content.relocation_rows(county, 30, rng, as_of=as_of)
    common = {"messy": True, "as_of": as_of, "people": county.county_leaders}
    sheets: list[SheetPlan | Other] = [
        ledgers.loans_plan(
            "小额信贷",
            loan_rows,
            rng,
            reporter="县金融办",
            force={"depth": 2, "sections": True, "total": True, "meta": True, "column_numbers": False},
            **common,
        ),
        ledgers.relocation_plan(
            "易地扶贫搬迁",
            reloc_rows,
            rng,
            reporter="县发改委",
            force={"depth": 3, "sections": True, "subtotal": True, "total": True, "footer": True},
            **common,
        ),
        Other("填表说明", ledgers.instructions()),
    ]
    planned = _injected(
        sheets, rng, as_of,
        [("GEN-SUBTOTAL-MISMATCH", ("loans",)), ("ID-OLD-15", ("loans",)), ("GEN-ID-AS-NUMBER", ("relocation",)),
         ("GEN-FUTURE-DATE", ("relocation",))],
    )  # fmt: skip
    return finish(path, sheets, planned)
