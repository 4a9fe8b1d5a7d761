"""``zhenggai template KIND``: a blank standard workbook to start a ledger (or the roster) from.

``KIND`` is a ledger kind (``problems``, ``households`` …, see ``--list``) or
``roster`` for the 责任体系花名册 the "六个一" assignment reads. Ledger templates are
generated from the ledger definitions (:mod:`addin.ledger.template`), so what the
template's headers say is exactly what the reader recognises.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from addin.errors import OutputError, UsageError
from addin.fsutil import describe
from addin.ledger.definitions import default_catalog
from addin.ledger.template import ledger_template, write_workbook
from addin.resources import template_path

NAME = "template"
ROSTER = "roster"
ROSTER_FILE = "责任体系花名册.xlsx"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``template`` to ``zhenggai``'s parser."""
    parser = subparsers.add_parser(
        NAME,
        help="生成空白的标准台账或责任体系花名册模板",
        description=(
            "生成一个空白的标准台账工作簿（标准列名、身份证号等列设为文本、日期列为日期格式、"
            "有取值清单的列带下拉选项、表头冻结），或责任体系花名册模板（KIND 为 roster）。"
        ),
    )
    parser.add_argument("kind", nargs="?", metavar="KIND", help="台账类型（如 problems、households）或 roster")
    parser.add_argument("--out", type=Path, metavar="PATH", help="输出文件（默认 <台账名称>模板.xlsx，在当前文件夹）")
    parser.add_argument("--list", action="store_true", help="列出可用的台账类型")
    return parser


def kinds() -> dict[str, str]:
    """Every kind a template can be made for, with its Chinese name."""
    return {ROSTER: "责任体系花名册", **{k: d.label for k, d in default_catalog().ledgers.items()}}


def run(args: argparse.Namespace) -> int:
    """Run ``zhenggai template``; returns the exit code."""
    available = kinds()
    if args.list or not args.kind:
        for kind, label in available.items():
            print(f"{kind:20s} {label}")
        return 0 if args.list else 2
    if args.kind not in available:
        raise UsageError(f"没有这种台账类型：{args.kind}", remedy="可用的类型见 zhenggai template --list")
    target = args.out or Path(f"{available[args.kind]}模板.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"模板只能保存为 .xlsx 文件：{target}")
    if target.exists():
        raise OutputError(target, "文件已存在，没有覆盖", remedy="请换一个 --out 文件名，或先移走原文件")
    try:
        if args.kind == ROSTER:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template_path(ROSTER_FILE), target)
        else:
            write_workbook(ledger_template(args.kind), target)
    except OSError as exc:
        raise OutputError(target, describe(exc)) from exc
    print(f"已生成{available[args.kind]}模板：{target}")
    return 0
