"""``zhenggai summary FILE_OR_DIR...``: check the workbooks and write the 汇总 workbook.

The same calls as the ribbon's 生成汇总: :func:`addin.check.check_paths` reads and
checks every workbook (a folder of 17 townships' files included; an unreadable
file is reported and the rest summarised), :func:`addin.summary.tables.summarize_run`
computes the blocks, :func:`addin.summary.xlsx.write_summary_workbook` writes them.
Exit code 0 when every file was read, 2 when some could not be (the summary of the
others is still written), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from addin.check import check_paths, expand_inputs
from addin.cli_args import date_arg
from addin.errors import UsageError
from addin.settings import load_settings
from addin.summary.tables import summarize_run
from addin.summary.text import key_figures
from addin.summary.xlsx import write_summary_workbook

NAME = "summary"
DEFAULT_OUTPUT = Path("out") / "汇总.xlsx"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``summary`` to ``zhenggai``'s parser."""
    parser = subparsers.add_parser(
        NAME,
        help="生成汇总表 汇总.xlsx（按乡镇、类别、来源统计整改进度，数据质量，三个零差错）",
        description=(
            "检查一个或多个台账工作簿（或整个文件夹，如 17 个乡镇的台账），生成汇总表："
            "按乡镇、问题类别、问题来源统计整改进度和逾期，数据质量（每百户问题数），"
            "“两不愁三保障”缺口，防返贫风险，“三个零差错”，并附完成率和逾期趋势图表。"
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="台账 .xlsx/.xlsm/.xls 文件或文件夹")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUTPUT, metavar="PATH", help=f"汇总表输出文件（默认 {DEFAULT_OUTPUT}）"
    )
    parser.add_argument("--as-of", type=date_arg, metavar="DATE", help="统计日期：逾期按这一天计算（默认今天）")
    parser.add_argument("--settings", type=Path, metavar="FILE", help="设置文件（默认查找 zhenggai.json）")
    parser.add_argument("--quiet", "-q", action="store_true", help="不显示进度")
    return parser


def output_path(out: Path, inputs: list[Path]) -> Path:
    """The file to write: ``out`` itself, or 汇总.xlsx inside it when it is a folder; never one of the inputs."""
    target = out / DEFAULT_OUTPUT.name if out.is_dir() or not out.suffix else out
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"汇总表只能保存为 .xlsx 文件：{target}")
    if any(target.resolve() == p.resolve() for p in inputs if p.exists()):
        raise UsageError(f"输出文件与输入的台账是同一个文件：{target}", remedy="请用 --out 指定另一个文件")
    return target


def run(args: argparse.Namespace) -> int:
    """Run ``zhenggai summary``; returns the exit code."""
    inputs = [Path(p) for p in args.inputs]
    first = next((p for p in inputs if p.exists()), None)
    settings = load_settings(args.settings, near=first)
    today = settings.today(args.as_of)
    target = output_path(args.out, expand_inputs(inputs))

    def progress(n: int, total: int, path: Path) -> None:
        if not args.quiet:
            print(f"[{n}/{total}] 读取并检查 {path} …", file=sys.stderr, flush=True)

    checked = check_paths(inputs, settings=settings, today=today, progress=progress)
    if not checked.files:
        raise UsageError("没有找到任何台账工作簿（.xlsx/.xlsm/.xls）", remedy="请检查文件或文件夹路径")
    read = [r for r in checked.files if r.error is None]
    print(f"统计日期 {today.isoformat()}：共 {len(checked.files)} 个工作簿，已汇总 {len(read)} 个")
    for result in checked.failed:
        print(f"  ✗ 未计入：{result.error}")
    if not read:
        return 2
    tables = summarize_run(checked, settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_summary_workbook(tables, target)
    for line in key_figures(tables):
        print(line)
    print(f"汇总表：{target}")
    return 2 if checked.failed else 0
