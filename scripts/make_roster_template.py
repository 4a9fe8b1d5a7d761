"""Write the blank responsibility roster template templates/责任体系花名册.xlsx.

    .venv/bin/python scripts/make_roster_template.py [--out PATH]

One 填表说明 sheet and one sheet per roster kind (templates/ledgers/roster_*.json),
each with a title row and the canonical Chinese headers of its fields (bold,
frozen, sized), and no data. The headers come from the ledger definitions, so the
template always matches what the reader recognises; tests/test_roster.py rebuilds
it and compares the cells with the committed file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.ledger.definitions import default_catalog  # noqa: E402
from addin.ledger.template import DropDownLists, add_template_sheet, write_workbook  # noqa: E402

TEMPLATE = ROOT / "templates" / "责任体系花名册.xlsx"

SHEETS: tuple[tuple[str, str, str], ...] = (
    ("村级责任人", "roster_villages", "村级责任人名单（一村一行）"),
    ("帮扶责任人", "roster_households", "帮扶责任人名单（一户一行）"),
    ("乡镇领导", "roster_townships", "乡镇责任人名单（一乡镇一行）"),
    ("责任单位", "roster_departments", "责任单位名单（一单位一行）"),
    ("督查问责机构", "roster_discipline", "督查问责机构名单（一机构一行）"),
)
"""(sheet name, ledger kind, title) in workbook order."""

INSTRUCTIONS = (
    "填表说明",
    "一、本花名册是“六个一”责任体系的责任人名单：每个村、每户、每个乡镇、每个责任单位、每个督查问责机构由谁负责。"
    "全县填写一次，人员变动时及时更新。",
    "二、村级责任人：一村一行，填写村级脱贫责任组长（包村副科级干部）、村支部书记、第一书记、驻村工作队队长，"
    "是否贫困村填“是”或“否”。同一个乡镇的村可以把乡镇单元格合并。",
    "三、帮扶责任人：一户一行，填写户编号（或户主身份证号）、户主姓名、帮扶责任人及其单位、职务、电话和包户村干部。"
    "没有这张表时，按户表（建档立卡户花名册）中的帮扶责任人分配。",
    "四、乡镇领导：一乡镇一行，填写包乡县领导、乡镇党委书记、乡镇长、分管副乡镇长、扶贫专干和所属督查组（如“第一组”）。",
    "五、责任单位：一单位一行，填写部门负责人、分管县领导、政策领域和督查组。政策领域写问题类别代码（如 C11）"
    "或类别名称（如“住房安全”），多个用“、”隔开。",
    "六、督查问责机构：县纪委、县委组织部和各督查巡查组一行一个，填写负责人、联系人、联系电话；"
    "督查范围写联系的乡镇、部门（用“、”隔开），空着表示全县。",
    "七、户编号、身份证号、电话请按文本格式填写。表头可以用本县习惯的叫法（如“包村干部”“驻村第一书记”），"
    "可以加标题行、多行表头、合并单元格，检查时会自动识别。",
    '八、使用方法：把本文件放在台账文件夹中，在设置文件 zhenggai.json 中写 "roster": "责任体系花名册.xlsx"'
    "（相对路径以设置文件所在文件夹为准）；也可以把这几张工作表直接复制进台账工作簿。",
)


def build_template() -> openpyxl.Workbook:
    """The template workbook (instructions first, then one blank sheet per roster kind)."""
    catalog = default_catalog()
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "填表说明"
    guide.column_dimensions["A"].width = 110
    for r, text in enumerate(INSTRUCTIONS, start=1):
        cell = guide.cell(r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=r == 1, size=14 if r == 1 else 11)
    lists = DropDownLists(wb, catalog)
    for name, kind, title in SHEETS:
        add_template_sheet(wb, catalog.ledger(kind), name=name, title=title, lists=lists, metadata=False)
    lists.finish()
    return wb


def write_template(path: Path = TEMPLATE) -> Path:
    """Build the template and write it atomically to ``path``."""
    return write_workbook(build_template(), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TEMPLATE)
    args = parser.parse_args(argv)
    print(write_template(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
