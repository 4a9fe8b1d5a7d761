"""``zhenggai rank``: the monthly ranking of townships and departments, and its history.

``zhenggai rank --month 2024-05 FILE_OR_DIR... [--scores 督查评分.xlsx] [--publish]``
checks the workbooks (the same check as ``zhenggai check``), ranks the month,
writes ``out/排名-2024-05.xlsx`` and prints the top and bottom 4 and the proposed
ladder steps. ``--publish`` records the month in the history database (replacing
an earlier publication of the same month); without it the ladder column shows
what publishing would propose. ``zhenggai rank --list [--export FILE]`` prints
(and exports) the history. Library errors propagate to ``cli.main``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from addin.chain.roster import load_roster
from addin.check import check_paths
from addin.cli_args import date_arg
from addin.errors import UsageError
from addin.ledger.reader import read_ledgers
from addin.report.xlsx import NewSheet, write_new_workbook
from addin.settings import Settings, load_settings
from addin.summary import history as hist
from addin.summary.annual import annual_report, report_sheets
from addin.summary.month import Month
from addin.summary.ranking_run import RankingRun, rank_books, use_history
from addin.summary.ranking_scores import KIND
from addin.summary.ranking_settings import UNIT_TYPES, ranking_config
from addin.summary.ranking_sheet import export_history, headline_lines, sheet_rows, write_ranking_workbook

NAME = "rank"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``zhenggai rank`` to the parser."""
    rank = subparsers.add_parser(
        NAME,
        help="月度排名：17个乡镇、18个部门排名，一票否决，后三名问责阶梯",
        description=(
            "按月对乡镇和县直部门排名（得分、一票否决、前4名/后4名、督查组内第一/倒数第一、后三名问责阶梯），"
            "写出 排名-YYYY-MM.xlsx；--publish 把本月结果记入排名历史；--list 列出历史。"
        ),
    )
    rank.add_argument("inputs", nargs="*", metavar="FILE_OR_DIR", help="台账工作簿或文件夹（--list 时可省略）")
    rank.add_argument("--month", metavar="YYYY-MM", help="排名月份，例如 2024-05（排名时必填）")
    rank.add_argument("--scores", type=Path, metavar="督查评分.xlsx", help="督查组评分表：有评分的单位以评分为准")
    rank.add_argument("--publish", action="store_true", help="把本月排名记入排名历史（同一月份重新发布会替换）")
    rank.add_argument(
        "--history-db",
        type=Path,
        metavar="PATH",
        help="排名历史数据库（默认见设置，或第一个输入旁的 zhenggai-history.sqlite）",
    )
    rank.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="输出目录（默认 out）")
    rank.add_argument("--as-of", type=date_arg, metavar="DATE", help="参照日期（默认设置文件中的 as_of，否则今天）")
    rank.add_argument("--settings", type=Path, metavar="FILE", help="设置文件（默认查找 zhenggai.json）")
    rank.add_argument("--list", action="store_true", help="列出已发布的排名历史（不排名）")
    rank.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="年度汇总：按已发布各月排出年度名次，列出连续两三年前三名的单位和相关县级领导（写 年度排名-YYYY.xlsx）",
    )
    rank.add_argument("--export", type=Path, metavar="FILE", help="与 --list 同用：把历史导出为 .xlsx 或 .csv")
    rank.add_argument("--quiet", "-q", action="store_true", help="不显示进度")
    return rank


def _history_path(args: argparse.Namespace, settings: Settings) -> Path:
    if args.history_db is not None:
        return args.history_db
    if settings.history_db is not None:
        return settings.history_db
    return hist.default_path(Path(args.inputs[0]) if args.inputs else None)


def run(args: argparse.Namespace) -> int:
    """Run ``zhenggai rank``; returns the exit code."""
    first = Path(args.inputs[0]) if args.inputs else None
    settings = load_settings(args.settings, near=first if first is not None and first.exists() else None)
    if args.list:
        return _list(args, settings)
    if args.year is not None:
        return _annual(args, settings)
    if args.export is not None:
        raise UsageError("--export 只能与 --list 一起使用")
    if not args.inputs or not args.month:
        raise UsageError(
            "排名需要 --month 和至少一个台账文件或文件夹", remedy="例如：zhenggai rank --month 2024-05 台账文件夹"
        )
    month = Month.parse(args.month)
    as_of = settings.today(args.as_of)
    run_ = _rank(args, settings, month, as_of)
    dst = args.out / f"排名-{month}.xlsx"
    write_ranking_workbook(dst, sheet_rows(run_.ranking, as_of=as_of, state=run_.state), run_.summary_notes())
    _print_result(run_, dst)
    return 0


def _rank(args: argparse.Namespace, settings: Settings, month: Month, as_of: dt.date) -> RankingRun:
    def progress(n: int, total: int, path: Path) -> None:
        if not args.quiet:
            print(f"[{n}/{total}] 检查 {path} …", file=sys.stderr, flush=True)

    checked = check_paths(args.inputs, settings=settings, today=as_of, progress=progress)
    for failed in checked.failed:
        print(f"zhenggai：{failed.error}（该文件未计入排名）", file=sys.stderr)
    books = [r.ledgers for r in checked.files if r.ledgers is not None]
    if not books:
        raise UsageError("没有可以读取的台账工作簿，无法排名")
    score_books = []
    if args.scores is not None:
        scores = read_ledgers(str(args.scores), today=as_of, kind_overrides=settings.sheet_kinds)
        if not scores.of_kind(KIND):
            why = "；".join(f"{s.sheet}：{s.reason}" for s in scores.skipped) or "没有工作表"
            raise UsageError(
                f"“{args.scores.name}”中没有找到督查评分表（{why}）", remedy="评分表至少要有“单位”“得分”两列"
            )
        score_books.append(scores)
    run_ = rank_books(books, checked.findings, month=month, as_of=as_of, settings=settings, score_books=score_books)
    return use_history(run_, _history_path(args, settings), publish=args.publish)


def _print_result(run_: RankingRun, dst: Path) -> None:
    ranking = run_.ranking
    dates = f"参照日期 {run_.as_of.isoformat()}，按 {run_.evaluated_at.isoformat()} 的台账状态"
    print(f"{ranking.month.label}月度排名（{dates}）")
    if run_.manual.scores:
        print(f"督查组评分：{len(run_.manual.scores)} 个单位采用评分（{'、'.join(run_.manual.sheets)}）")
    for line in headline_lines(ranking):
        print(line)
    if run_.published:
        print(f"已发布到排名历史：{run_.history_path}")
    else:
        print("本月未发布到排名历史：后三名累计次数按发布后计算（加 --publish 发布）")
    if run_.notes:
        print(f"注意（{len(run_.notes)} 条，详见“排名说明”表）：")
        for note in run_.notes[:10]:
            print(f"  · {note}")
        if len(run_.notes) > 10:
            print(f"  …… 等共 {len(run_.notes)} 条")
    print(f"排名表：{dst}")


def _annual(args: argparse.Namespace, settings: Settings) -> int:
    """``--year``: the annual ranking, S-10 and S-9 lists from the published months (nothing is re-ranked)."""
    path = _history_path(args, settings)
    with hist.History(path, create=False) as db:
        rows = db.list_history(ranking_config(settings))
    mode = str(settings.ranking.get("annual_mode", "mean_rank"))
    roster = load_roster(settings, [], today=settings.today(args.as_of))
    report = annual_report(rows, args.year, roster=roster, mode=mode)
    if not report.results:
        raise UsageError(f"排名历史中没有 {args.year} 年已发布的月份：{path}")
    dst = args.out / f"年度排名-{args.year}.xlsx"
    args.out.mkdir(parents=True, exist_ok=True)
    write_new_workbook(dst, [NewSheet(name, header, rows_) for name, header, rows_ in report_sheets(report)])
    months = len({r.month for r in rows if r.month.startswith(f"{args.year:04d}-")})
    print(f"{args.year}年度排名（{months} 个已发布月份，{'按月得分合计' if mode == 'score_sum' else '按月平均名次'}）")
    for unit_type in UNIT_TYPES:
        mine = [a for a in report.results if a.unit_type == unit_type]
        if mine:
            first, last = "、".join(a.unit for a in mine[:3]), "、".join(a.unit for a in mine[-3:])
            print(f"  {unit_type}：前三名 {first}；后三名 {last}")
    for unit, unit_type, years in report.consecutive_top3:
        print(f"  连续前三名：{unit}（{unit_type}，{'、'.join(map(str, years))}年）")
    for note in report.leaders:
        print(f"  县级领导提示：{note.leader}（{note.unit}：{'；'.join(note.reasons)}）")
    print(f"已写出：{dst}")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    path = _history_path(args, settings)
    with hist.History(path, create=False) as db:
        rows = db.list_history(ranking_config(settings))
    print(f"排名历史：{path}（{len({r.month for r in rows})} 个月）")
    for month in sorted({r.month for r in rows}):
        those = [r for r in rows if r.month == month]
        print(f"■ {month}（发布于 {those[0].published_at}）")
        for unit_type in ("乡镇", "县直部门"):
            mine = [r for r in those if r.unit_type == unit_type]
            if not mine:
                continue
            bottom = "、".join(f"{r.unit}（第{r.rank}名）" for r in mine if r.in_bottom) or "无"
            print(f"  {unit_type}：第一 {mine[0].unit}（{mine[0].score:g}）；后三名 {bottom}")
            for r in mine:
                if r.sanction:
                    print(f"    {r.unit}：第{r.bottom_count}次进入后三名 → 建议{r.sanction}")
    if args.export is not None:
        export_history(rows, args.export)
        print(f"已导出：{args.export}")
    return 0
