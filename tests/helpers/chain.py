"""A messy problems ledger and a small roster for the "六个一" chain tests.

The ledger is written as a real .xlsx the way township staff make them: a title,
a 填报单位 line, a two-row header with group headers, a section row, a merged 乡镇
column, a 合计 row and a note under the table. Tests give the data rows; the
roster is built from the dataclasses (the roster reader has its own tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from addin.chain.roster import (
    DepartmentOwners,
    DisciplineBody,
    HouseholdOwners,
    Roster,
    TownshipOwners,
    VillageOwners,
)
from addin.ledger.reader import WorkbookLedgers, read_ledgers
from addin.ledger.table import LedgerTable
from tests.helpers.ids import make_id

AS_OF = dt.date(2024, 7, 17)
HEAD_ID = make_id("19500101", 11)  # 陈大山, a household of 沙坪村

# Group header row, then leaf header row (None = merged into the group cell on the left).
GROUPS = ["序号", "问题类别", "问题描述", "问题来源", "发现时间", "涉及地点", None, None, None, "整改措施",
          "责任落实", None, None, "整改时限", "整改进度", "完成时间", "佐证材料", "备注"]  # fmt: skip
LEAVES = ["序号", "问题类别", "问题描述", "问题来源", "发现时间", "乡镇", "村", "户主", "身份证号", "整改措施",
          "责任单位", "责任领导", "责任人", "整改时限", "整改进度", "完成时间", "佐证材料", "备注"]  # fmt: skip
FIELDS = ["seq", "category", "description", "source", "found", "township", "village", "head", "head_id", "measures",
          "unit", "leader", "person", "deadline", "status", "done", "evidence", "remark"]  # fmt: skip
FIRST_DATA_ROW = 6  # title, 填报单位, group header, leaf header, section row


def problem(**values: Any) -> dict[str, Any]:
    """One data row; unspecified cells are filled with plausible values (an open, dated item)."""
    row: dict[str, Any] = {
        "category": "",
        "description": "",
        "source": "县督查巡查组",
        "found": dt.date(2024, 3, 1),
        "township": "沙窝镇",
        "village": "",
        "head": "",
        "head_id": "",
        "measures": "组织村两委逐户核查并于月底前完成整改",
        "unit": "",
        "leader": "",
        "person": "",
        "deadline": dt.date(2024, 12, 31),
        "status": "整改中",
        "done": None,
        "evidence": "",
        "remark": "",
    }
    unknown = set(values) - set(row) - {"yi"}
    assert not unknown, unknown
    row.update(values)
    return row


def write_problems(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    yi_column: bool = False,
    merge_township: bool = True,
    reporter: str = "沙窝镇人民政府",
) -> Path:
    """The messy ledger as a real workbook; returns its path. Data rows start at :data:`FIRST_DATA_ROW`."""
    groups, leaves, fields = list(GROUPS), list(LEAVES), list(FIELDS)
    if yi_column:
        groups.append("六个一归属")
        leaves.append("六个一归属")
        fields.append("yi")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题整改台账"
    ws.append(["沙窝镇脱贫攻坚问题整改台账"])
    ws.append([f"填报单位（盖章）：{reporter}", None, None, None, None, None, None, None, "填报日期：2024年7月15日"])
    ws.append(groups)
    ws.append(leaves)
    ws.append(["一、问题整改情况"])
    for n, row in enumerate(rows, start=1):
        ws.append([n if f == "seq" else row.get(f) for f in fields])
    last = FIRST_DATA_ROW + len(rows) - 1
    ws.append(["合计", f"共{len(rows)}项"])
    ws.append(["备注：本表由乡镇扶贫办填报。"])
    for c, text in enumerate(groups, start=1):
        if text is None:
            continue
        span = 1
        while c - 1 + span < len(groups) and groups[c - 1 + span] is None:
            span += 1
        if span > 1:
            ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + span - 1)
        elif text == leaves[c - 1]:
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    ws.merge_cells("A1:R1")
    town_col = fields.index("township") + 1
    if merge_township and len(rows) > 1 and all(r["township"] == rows[0]["township"] for r in rows):
        for r in range(FIRST_DATA_ROW + 1, last + 1):
            ws.cell(r, town_col).value = None
        ws.merge_cells(start_row=FIRST_DATA_ROW, start_column=town_col, end_row=last, end_column=town_col)
    wb.save(path)
    return path


def read(path: Path) -> WorkbookLedgers:
    return read_ledgers(str(path), today=AS_OF)


def problems_table(path: Path) -> LedgerTable:
    (table,) = read(path).of_kind("problems")
    return table


def roster() -> Roster:
    """沙窝镇 with two villages and two households, six departments, the discipline bodies."""
    villages = {
        ("沙窝镇", "沙坪村"): VillageOwners("沙窝镇", "沙坪村", "周组长", "吴书记", "郑第一书记", "钱队长", True),
        ("沙窝镇", "王湾村"): VillageOwners("沙窝镇", "王湾村", "冯组长", "陈书记", "褚第一书记", "卫队长", False),
    }
    households = [
        HouseholdOwners("沙窝镇", "沙坪村", "H001", "陈大山", HEAD_ID, "孙帮扶", "县财政局", "蒋村干"),
        HouseholdOwners("沙窝镇", "王湾村", "H002", "李小河", None, "沈帮扶", "县水利局", "韩村干"),
    ]
    townships = {
        "沙窝镇": TownshipOwners("沙窝镇", "王县长", "杨书记", "朱镇长", "秦副镇长", "许专干", "第一督查巡查组")
    }
    departments = {
        "财政局": DepartmentOwners("财政局", "何局长", "吕副县长", ("C09",)),
        "住建局": DepartmentOwners("住建局", "施局长", "张副县长", ("C11",)),
        "水利局": DepartmentOwners("水利局", "孔局长", "曹副县长", ("C12",)),
        "民政局": DepartmentOwners("民政局", "严局长", "华副县长", ("C15",)),
        "农业局": DepartmentOwners("农业局", "金局长", "魏副县长", ("C06", "C18")),
        "扶贫办": DepartmentOwners("扶贫办", "陶主任", "姜副县长", ("C01", "C02", "C03", "C04", "C05", "C22")),
    }
    discipline = [
        DisciplineBody("县纪委", "戚书记"),
        DisciplineBody("县委组织部", "谢部长"),
        DisciplineBody("第一督查巡查组", "邹组长", covers=("沙窝镇",)),
    ]
    return Roster(villages, households, townships, departments, discipline)
