"""The headless command line: ``zhenggai check``, ``zhenggai demo``.

Each command parses its arguments, calls the library (``addin.check``,
``addin.report``) and renders the result; library errors become one Chinese line
on stderr and exit code 2 (style lesson 1). Exit codes: 0 = ran (with or without
findings), 1 = error-level findings and ``--strict``, 2 = bad input or usage.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from addin import __version__, cli_addin, cli_assign, cli_export, cli_rank, cli_summary, cli_template
from addin.chain.run import finding_owner_texts
from addin.check import CheckRun, FileResult, Writer, check_paths
from addin.cli_args import date_arg
from addin.errors import UsageError, ZhenggaiError
from addin.report.annotate import write_checked_copy
from addin.report.console import summary_lines
from addin.report.json_report import write_report
from addin.resources import template_path
from addin.settings import Settings, load_settings

COMMAND_MODULES = (cli_addin, cli_assign, cli_summary, cli_rank, cli_export, cli_template)
"""Commands kept in their own modules (``addin/cli_<name>.py``): each has ``NAME``, ``register(sub)`` and
``run(args) -> int``; library errors propagate to :func:`main`."""


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit code 2, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"zhenggai：参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zhenggai", description="整改台账助手：检查整改台账、建档立卡户、成员、帮扶记录等台账。")
    parser.add_argument("--version", action="version", version=f"zhenggai {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    check = sub.add_parser("check", help="检查台账文件或文件夹", description="检查一个或多个台账工作簿（或文件夹）。")
    check.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR", help="要检查的 .xlsx/.xlsm/.xls 文件或文件夹")
    check.add_argument(
        "--as-of", type=date_arg, metavar="DATE", help="“今天”：日期规则与年龄计算的参照日期（默认今天）"
    )
    check.add_argument("--json", type=Path, metavar="REPORT.json", help="把检查结果写成 JSON 报告")
    check.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="标注副本输出目录（默认 out）")
    check.add_argument("--no-copies", action="store_true", help="不写标注副本，只输出汇总和 JSON")
    check.add_argument("--settings", type=Path, metavar="FILE", help="设置文件（默认查找 zhenggai.json）")
    check.add_argument("--strict", action="store_true", help="发现“错误”级问题时以退出码 1 结束")
    check.add_argument("--quiet", "-q", action="store_true", help="不显示进度")

    demo = sub.add_parser("demo", help="检查内置的示例台账，结果写到 out/", description="检查内置示例台账。")
    demo.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="输出目录（默认 out）")
    demo.add_argument(
        "--as-of",
        type=date_arg,
        default=dt.date(2024, 7, 17),
        metavar="DATE",
        help="参照日期（默认 2024-07-17，示例数据的填报日期）",
    )
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _shown(path: Path) -> Path:
    """A path as the user would type it: relative to the current folder when it lies below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _copy_writer(settings: Settings, today: dt.date) -> Writer:
    """Annotated copies whose 检查结果 names each finding's owner along the "六个一" chain."""

    def write(result: FileResult, out_dir: Path) -> Path:
        assert result.ledgers is not None
        owners = finding_owner_texts(result.ledgers, result.findings, settings=settings, today=today)
        return write_checked_copy(result, out_dir, owners=owners)

    return write


def _progress(quiet: bool):
    def show(n: int, total: int, path: Path) -> None:
        if not quiet:
            print(f"[{n}/{total}] 检查 {path} …", file=sys.stderr, flush=True)

    return show


def run_check(
    inputs: Sequence[str | Path],
    *,
    as_of: dt.date | None,
    json_path: Path | None,
    out_dir: Path | None,
    settings_path: Path | None = None,
    quiet: bool = False,
    roster: Path | None = None,
) -> CheckRun:
    """The ``check`` command as a function (the demo and tests call it too); ``roster`` overrides the settings'."""
    first = Path(inputs[0]) if inputs else None
    settings = load_settings(settings_path, near=first if first and first.exists() else None)
    if roster is not None:
        settings = dataclasses.replace(settings, roster=roster)
    today = settings.today(as_of)
    run = check_paths(
        inputs,
        settings=settings,
        today=today,
        out_dir=out_dir,
        write_copy=_copy_writer(settings, today) if out_dir is not None else None,
        progress=_progress(quiet),
    )
    if json_path is not None:
        write_report(run, json_path)
    return run


def _finish(run: CheckRun, *, strict: bool, json_path: Path | None) -> int:
    for line in summary_lines(run):
        print(line)
    if json_path is not None:
        print(f"JSON 报告：{json_path}")
    if run.failed:
        return 2
    if strict and any(f.severity == "error" for f in run.findings):
        return 1
    return 0


DEMO_ROSTER = "责任体系花名册（示例）.xlsx"


def run_demo(out: Path, as_of: dt.date) -> int:
    """``zhenggai demo``: check the bundled samples with the sample roster, then summarise them and assign owners."""
    folder = template_path("samples")
    samples = [_shown(p) for p in sorted(folder.glob("*.xlsx"))]
    if not samples:
        raise UsageError("找不到内置示例台账（templates/samples/）")
    roster = _shown(folder / DEMO_ROSTER)
    report = out / "report.json"
    print(f"检查内置示例台账（{len(samples)} 个文件），参照日期 {as_of}，责任体系花名册 {roster.name}，结果写到 {out}/")
    run = run_check(samples, as_of=as_of, json_path=report, out_dir=out, quiet=True, roster=roster)
    code = _finish(run, strict=False, json_path=report)
    day = as_of.isoformat()
    print("\n生成汇总（zhenggai summary）：")
    code = max(code, main(["summary", *map(str, samples), "--out", str(out / "汇总.xlsx"), "--as-of", day, "-q"]))
    print("\n按“六个一”分配责任人（zhenggai assign）：")
    assign = ["assign", *map(str, samples), "--roster", str(roster), "--out", str(out / "分配责任人"), "--as-of", day]
    return max(code, main([*assign, "-q"]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            run = run_check(
                args.inputs,
                as_of=args.as_of,
                json_path=args.json,
                out_dir=None if args.no_copies else args.out,
                settings_path=args.settings,
                quiet=args.quiet,
            )
            return _finish(run, strict=args.strict, json_path=args.json)
        if args.command == "demo":
            return run_demo(args.out, args.as_of)
        for module in COMMAND_MODULES:
            if args.command == module.NAME:
                return module.run(args)
        parser.print_help()
        return 2
    except ZhenggaiError as exc:
        print(f"zhenggai：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("zhenggai：已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
