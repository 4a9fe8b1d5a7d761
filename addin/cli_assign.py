"""``zhenggai assign FILE...``: give every problem and finding its "六个一" owners, in a new file.

The same run as the ribbon's 分配责任人 (:func:`addin.chain.run.assign_workbook`);
the result goes to ``<name>.assigned.xlsx`` in ``--out``: the user's workbook with
empty 六个一归属/责任单位/责任领导/责任人 cells filled, suggestions that differ from a
typed value in side columns (建议…), the 检查结果 sheet with a 责任人 column, the
六个一统计 sheet, and 操作记录 listing every cell written. The input file is never
changed. ``--undo`` takes the newest assignment batch of a file's 操作记录 back,
again into a new file.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from addin.chain.audit import AUDIT_HEADER, AUDIT_SHEET, CellChange
from addin.chain.run import AssignRun, assign_workbook, plan_undo
from addin.chain.stats import STATS_SHEET
from addin.check import expand_inputs
from addin.cli_args import date_arg
from addin.errors import InputError, UsageError, ZhenggaiError
from addin.ledger.workbook import read_workbook, sniff
from addin.report.annotate import copy_destination, copy_marks, findings_sheet
from addin.report.xlsx import CellValue, NewSheet, write_annotated_copy
from addin.settings import load_settings
from addin.summary.layout import lay_out

NAME = "assign"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``assign`` to ``zhenggai``'s parser."""
    parser = subparsers.add_parser(
        NAME,
        help="按“六个一”责任链为每个问题和检查发现分配责任人（写到新文件）",
        description=(
            "按“六个一”责任链和责任体系花名册，为问题整改台账的每一行和每条检查发现确定所属“一”、责任单位、"
            "责任领导和责任人。结果写到 --out 中的 <文件名>.assigned.xlsx：空白的责任人等单元格被填上，"
            "与已填内容不一致的建议写在旁边的“建议…”列（已填内容不改），另有“检查结果”“六个一统计”和"
            "“操作记录”工作表。原文件不会被修改。"
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="台账 .xlsx/.xlsm 文件或文件夹")
    parser.add_argument("--roster", type=Path, metavar="PATH", help="责任体系花名册工作簿（默认用设置中的 roster）")
    parser.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="输出目录（默认 out）")
    parser.add_argument("--as-of", type=date_arg, metavar="DATE", help="参照日期：逾期按这一天计算（默认今天）")
    parser.add_argument("--settings", type=Path, metavar="FILE", help="设置文件（默认查找 zhenggai.json）")
    parser.add_argument(
        "--undo", action="store_true", help="撤销上次分配：按文件中的“操作记录”恢复上一批写入的单元格（写到新文件）"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="不显示进度")
    return parser


def output_path(src: Path, out_dir: Path, suffix: str) -> Path:
    """``<out>/<stem>.<suffix>.xlsx``, refusing to overwrite the input itself."""
    stem = src.stem.removesuffix(".assigned").removesuffix(".undone")
    return copy_destination(src, out_dir, f"{stem}.{suffix}.xlsx")


def _package_only(src: Path) -> None:
    if sniff(src) != "zip":
        remedy = "请用 Excel 把文件另存为 .xlsx 后重试"
        raise InputError(src, "分配责任人只能写 .xlsx/.xlsm 工作簿的副本", remedy=remedy)


def cell_values(changes: Sequence[CellChange], header_rows: dict[tuple[str, int], int]) -> list[CellValue]:
    """The writes of a plan as the writer's cell values; a created column's header takes its neighbour's style."""
    values = []
    for c in changes:
        header = header_rows.get((c.sheet, c.row))
        style_from = (c.row, c.col - 1) if header is not None and c.col > 1 else None
        values.append(CellValue(c.sheet, c.row, c.col, c.new, style_from=style_from))
    return values


def stats_sheet(run: AssignRun) -> NewSheet:
    return NewSheet(name=STATS_SHEET, header=[], rows=[list(r) for r in lay_out(run.stats.tables).cells])


def audit_sheet(rows: list[list[object]]) -> NewSheet:
    return NewSheet(name=AUDIT_SHEET, header=list(AUDIT_HEADER), rows=rows)


def write_assigned_copy(src: Path, run: AssignRun, out_dir: Path) -> Path:
    """The new workbook of one assignment run (see the module docstring)."""
    _package_only(src)
    dst = output_path(src, out_dir, "assigned")
    headers = {(t.sheet, t.layout.leaf_row + 1): 1 for t in run.ledgers.of_kind("problems")}
    findings = [*run.findings, *run.notes]  # 检查结果: the rule findings, then the assignment's own notes
    write_annotated_copy(
        src,
        dst,
        new_sheets=[findings_sheet(findings, run.owner_texts()), stats_sheet(run), audit_sheet(run.audit_rows())],
        marks=copy_marks(findings),
        cell_values=cell_values(run.changes, headers),
    )
    return dst


def write_undone_copy(src: Path, out_dir: Path) -> tuple[Path | None, str]:
    """Undo the newest batch of ``src``'s 操作记录 into a new file; returns the file and a Chinese line."""
    _package_only(src)
    plan = plan_undo(read_workbook(str(src)))
    if plan.batch is None:
        return None, f"{src}：没有可撤销的分配记录（“{AUDIT_SHEET}”中没有尚未撤销的批次）"
    dst = output_path(src, out_dir, "undone")
    write_annotated_copy(
        src,
        dst,
        new_sheets=[audit_sheet(plan.audit)],
        cell_values=[CellValue(c.sheet, c.row, c.col, c.new) for c in plan.changes],
    )
    line = f"{src}：已撤销批次 {plan.batch}，恢复 {len(plan.changes)} 个单元格 → {dst}"
    if plan.kept:
        cells = "、".join(f"{c.sheet}!{c.cell}" for c in plan.kept[:10])
        line += f"\n  其中 {len(plan.kept)} 个单元格在分配后被手工改过，未恢复：{cells}"
    return dst, line


def summary_line(src: Path, run: AssignRun, dst: Path) -> str:
    filled = sum(1 for c in run.changes if c.new not in (None, ""))
    plans = run.plans
    conflicts = sum(len(p.conflicts) for p in plans)
    unresolved = sum(len(p.unresolved) for p in plans)
    created = sorted({h for p in plans for h in p.created})
    named = sum(1 for o in run.finding_owners if o.person or o.units)
    parts = [
        f"{src}：问题 {run.problems} 行，写入 {filled} 个单元格",
        f"与已填内容不一致 {conflicts} 处（建议写在旁列）" if conflicts else "",
        f"未能分配 {unresolved} 行（原因见检查结果）" if unresolved else "",
        f"检查发现 {len(run.findings)} 条，{named} 条已标明责任人" if run.findings else "",
    ]
    line = "，".join(p for p in parts if p) + f" → {dst}"
    if created:
        line += f"\n  新增列：{'、'.join(created)}"
    return line


def own_outputs_skipped(inputs: Sequence[Path]) -> list[Path]:
    """The workbooks to do: files as named, and those in folders except our own earlier outputs."""
    files: list[Path] = []
    for item in inputs:
        found = expand_inputs([item])
        if item.is_dir():
            found = [p for p in found if ".assigned." not in p.name and ".undone." not in p.name]
        files.extend(found)
    return files


def run(args: argparse.Namespace) -> int:
    """Run ``zhenggai assign``; returns the exit code (2 when some file could not be done)."""
    inputs = [Path(p) for p in args.inputs]
    first = next((p for p in inputs if p.exists()), None)
    settings = load_settings(args.settings, near=first)
    if args.roster is not None:
        if not args.roster.exists():
            raise UsageError(f"找不到责任体系花名册：{args.roster}")
        settings = dataclasses.replace(settings, roster=args.roster)
    today = settings.today(args.as_of)
    files = own_outputs_skipped(inputs)
    if not files:
        raise UsageError("没有找到要处理的工作簿")
    failed = 0
    for n, src in enumerate(files, start=1):
        if not args.quiet:
            print(f"[{n}/{len(files)}] {'撤销' if args.undo else '分配'} {src} …", file=sys.stderr, flush=True)
        try:
            if args.undo:
                _, line = write_undone_copy(src, args.out)
            else:
                result = assign_workbook(src, settings=settings, today=today)
                line = summary_line(src, result, write_assigned_copy(src, result, args.out))
        except ZhenggaiError as exc:
            failed += 1
            print(f"zhenggai：{exc}", file=sys.stderr)
            continue
        print(line)
    return 2 if failed else 0
