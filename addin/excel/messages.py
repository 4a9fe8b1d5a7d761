"""Every text the ribbon shows, in Chinese, and the one way of showing it.

Message boxes go through ``book.app.alert``: a blocking MessageBox on Windows, a
queued ``alert`` action on the remote engine (whose return value is never used).
Texts are rendered from data here so that actions stay short and the wording of
the add-in lives in one place.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from addin.ledger.reader import SkippedSheet

if TYPE_CHECKING:
    import xlwings as xw

    from addin.chain.audit import CellChange
    from addin.chain.run import AssignRun
    from addin.settings import Settings

TITLE = "整改台账助手"
MAX_LISTED = 15
MAX_SUMMARY_CHARS = 200


def show(book: xw.Book, text: str, *, problem: bool = False) -> None:
    """One message box with our title (a warning icon for problems)."""
    book.app.alert(text, title=TITLE, mode="critical" if problem else "info")


def _listing(lines: Sequence[str]) -> list[str]:
    shown = [f"· {line}" for line in lines[:MAX_LISTED]]
    if len(lines) > MAX_LISTED:
        shown.append(f"…… 等共 {len(lines)} 项")
    return shown


def _names(names: Sequence[str]) -> str:
    listed = "、".join(names[:MAX_LISTED])
    return listed + (f" 等 {len(names)} 张" if len(names) > MAX_LISTED else "")


# --------------------------------------------------------------------------- dispatcher
def unknown_action(tag: str) -> str:
    return f"未知的按钮“{tag}”，没有执行任何操作。\n请重新安装整改台账助手加载项；如果仍然出现，请联系技术支持。"


def one_line(exc: BaseException) -> str:
    """A one-line summary of an unexpected error (no traceback): its kind and first line."""
    first = (str(exc).strip().splitlines() or [""])[0]
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text if len(text) <= MAX_SUMMARY_CHARS else text[: MAX_SUMMARY_CHARS - 1] + "…"


def failed(label: str, reason: str, *, restored: bool, log_file: Path | None) -> str:
    """The message after an action raised: what, whether the workbook is intact, where the details are."""
    lines = [f"“{label}”没有完成：{reason}"]
    lines.append("工作簿保持原样，没有被修改。" if restored else "部分结果可能已经写入，请点击“清除标记”后重试。")
    if log_file is not None:
        lines.append(f"详细信息已记录在：{log_file}\n如需帮助，请把这个文件发给技术支持。")
    return "\n".join(lines)


def internal_error(exc: BaseException) -> str:
    return f"程序内部错误（{one_line(exc)}）"


# --------------------------------------------------------------------------- 检查台账
def no_ledgers(skipped: Sequence[SkippedSheet]) -> str:
    lines = ["当前工作簿中没有找到可以检查的台账，没有做任何修改。", "各工作表的情况："]
    lines += _listing([f"{s.sheet}：{s.reason}" for s in skipped] or ["（工作簿中没有工作表）"])
    lines.append("请确认台账的表头（列名）在前 40 行内，列名与模板一致或相近。")
    return "\n".join(lines)


def check_done(
    *,
    as_of: dt.date,
    sheets: Sequence[str],
    errors: int,
    warnings: int,
    notes: int,
    kept_user_notes: int,
    notes_over_limit: int,
    skipped: Sequence[SkippedSheet],
    infos: int = 0,
) -> str:
    """The summary after 检查台账 (提示 findings are listed on 检查结果 but colour no cell)."""
    lines = [f"检查完成（检查日期 {as_of.isoformat()}）：共检查 {len(sheets)} 张台账（{_names(sheets)}）。"]
    if errors or warnings:
        lines.append(
            f"发现 {errors} 个错误、{warnings} 个警告，问题清单见“检查结果”工作表，点击“单元格”一列可跳到对应位置。"
        )
        lines.append("有问题的单元格已标为红色（错误）或黄色（警告）。")
        if notes:
            lines.append("鼠标停在标出的单元格上可以看到原因。")
        if kept_user_notes:
            lines.append(f"有 {kept_user_notes} 个标出的单元格原来就有批注，保留原批注不变，原因请看“检查结果”表。")
        if notes_over_limit:
            lines.append(f"另有 {notes_over_limit} 个单元格未添加说明批注（数量较多），原因请看“检查结果”表。")
    elif not infos:
        lines.append("未发现问题。")
    else:
        lines.append("未发现错误或警告。")
    if infos:
        lines.append(f"另有 {infos} 条提示（仅供参考，不标颜色），见“检查结果”工作表。")
    others = [s for s in skipped if s.reason != "本工具生成的工作表"]
    if others:
        lines.append("未检查的工作表：")
        lines += _listing([f"{s.sheet}：{s.reason}" for s in others])
    return "\n".join(lines)


# --------------------------------------------------------------------------- 清除标记
def cleared(*, sheets: int, notes: int, results: bool) -> str:
    parts = []
    if results:
        parts.append("删除了“检查结果”表和标记数据")
    if sheets:
        parts.append(f"去掉了 {sheets} 张工作表上的红黄标记")
    if notes:
        parts.append(f"删除了 {notes} 个说明批注")
    return "已清除检查标记：" + "，".join(parts) + "。\n台账内容和原有的格式、批注都没有改变。"


NOTHING_TO_CLEAR = "当前工作簿中没有整改助手添加的检查结果或标记，无需清除。"


# --------------------------------------------------------------------------- placeholders, 设置, 关于
def settings_text(settings: Settings, *, config_dir: Path, today: dt.date) -> str:
    """Where the settings file is and what is in force."""
    lines = [f"设置文件：{settings.path}" if settings.path else "设置文件：未找到，使用默认设置。"]
    lines.append(f"查找位置：工作簿所在文件夹中的 zhenggai.json，其次是 {config_dir / 'zhenggai.json'}")
    if settings.as_of:
        lines.append(f"检查日期：{settings.as_of.isoformat()}（设置文件中的 as_of）")
    else:
        lines.append(f"检查日期：当天日期（今天是 {today.isoformat()}）")
    if settings.age_reference:
        lines.append(f"年龄计算参照日：{settings.age_reference.isoformat()}")
    else:
        lines.append("年龄计算参照日：与检查日期相同")
    lines.append("调整的参数：" + (_pairs(settings.params) or "无（全部使用默认值）"))
    lines.append("调整的规则：" + (_pairs(settings.rules) or "无"))
    if settings.custom_rules:
        names = "、".join(f"{t.rule.id}（{t.rule.title or t.rule.message}）" for t in settings.custom_rules)
        lines.append(f"本县自定的规则 {len(settings.custom_rules)} 条：{names}；说明见“规则说明”按钮")
    if settings.sheet_kinds:
        lines.append("指定的台账类型：" + _pairs(settings.sheet_kinds))
    lines.append(f"文件大小上限：{settings.max_file_mb:g} MB；行数上限：{settings.max_rows}")
    return "\n".join(lines)


def _pairs(mapping: dict[str, object]) -> str:
    return "；".join(
        f"{key} = {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}"
        for key, value in mapping.items()
    )


def about_text(*, version: str, rules: int, ledgers: Sequence[str]) -> str:
    return "\n".join(
        [
            f"整改台账助手 版本 {version}",
            f"检查规则：{rules} 条",
            f"可识别的台账类型：{'、'.join(ledgers)}",
            "同样的检查也可以在命令行中批量运行：zhenggai check 文件或文件夹",
        ]
    )


# --------------------------------------------------------------------------- 月度排名
NO_PROBLEM_LEDGER = (
    "当前工作簿中没有问题整改台账或督查评分表，无法排名，没有做任何修改。\n"
    "月度排名按问题整改台账（以及户表、帮扶记录、督查评分表）计算各乡镇、部门的得分。"
)


def ranking_done(
    *, month: str, evaluated_at: dt.date, sheet: str, foreign: bool, headlines: Sequence[str],
    history: Path | None, notes: int,
) -> str:  # fmt: skip
    """The summary after 月度排名."""
    lines = [f"{month}月度排名完成（按 {evaluated_at.isoformat()} 的台账状态），结果在“{sheet}”工作表。"]
    if foreign:
        lines.append("工作簿中已有的“排名”工作表不是整改助手生成的，没有改动它。")
    lines += headlines
    if history is not None:
        lines.append(f"后三名累计次数取自排名历史：{history}（本月未发布，次数按发布后计算）。")
    else:
        lines.append("没有找到排名历史数据库，后三名累计次数只计本月。")
    lines.append("发布到排名历史由县里用命令行完成：zhenggai rank --month YYYY-MM 台账 --publish")
    if notes:
        lines.append(f"另有 {notes} 条说明（未计入排名的问题、未采用的评分等），写在“{sheet}”表格下方。")
    return "\n".join(lines)


# --------------------------------------------------------------------------- 生成汇总
def summary_done(*, as_of: dt.date, sheet: str, foreign: bool, figures: Sequence[str]) -> str:
    """The summary after 生成汇总."""
    lines = [f"汇总完成（统计日期 {as_of.isoformat()}），结果在“{sheet}”工作表。"]
    if foreign:
        lines.append("工作簿中已有的“汇总”工作表不是整改助手生成的，没有改动它。")
    lines += figures
    lines.append(
        "完成率和逾期趋势图表没有画在工作簿里；需要图表时，用命令行 zhenggai summary 生成 汇总.xlsx（附图表）。"
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- 分配责任人 / 撤销上次分配
NOTHING_TO_UNDO = "“操作记录”中没有尚未撤销的分配，无需撤销，没有做任何修改。"


def assign_done(run: AssignRun) -> str:
    """The summary after 分配责任人."""
    filled = sum(1 for c in run.changes if c.new not in (None, ""))
    conflicts = sum(len(p.conflicts) for p in run.plans)
    unresolved = sum(len(p.unresolved) for p in run.plans)
    created = sorted({h for p in run.plans for h in p.created})
    lines = [f"分配责任人完成：问题 {run.problems} 行，写入 {filled} 个单元格（已填写的内容没有改动）。"]
    if created:
        lines.append(f"新增列：{'、'.join(created)}")
    if conflicts:
        lines.append(f"已填责任人等与建议不一致 {conflicts} 处：建议写在“建议…”列，并列入“检查结果”。")
    if unresolved:
        lines.append(f"未能分配 {unresolved} 行：原因见“检查结果”（多为责任体系花名册缺少相应的人）。")
    roster = run.roster
    if not (roster.villages or roster.townships or roster.departments or roster.discipline):
        lines.append(
            "没有找到责任体系花名册（只用了户表中的帮扶责任人）：多数问题只能确定所属“六个一”，"
            "无法写出具体的人。请填写 templates/责任体系花名册.xlsx，并在设置的 roster 中指定。"
        )
    lines.append(f"检查发现 {len(run.findings)} 条，责任人写在“检查结果”的“责任人”列；统计见“六个一统计”。")
    lines.append(f"每个写入的单元格都记在“操作记录”（批次 {run.run_id}），可用“撤销上次分配”恢复。")
    return "\n".join(lines)


def undo_done(batch: str, *, restored: int, kept: Sequence[CellChange]) -> str:
    """The summary after 撤销上次分配."""
    lines = [f"已撤销分配批次 {batch}：恢复 {restored} 个单元格。"]
    if kept:
        cells = "、".join(f"{c.sheet}!{c.cell}" for c in kept[:MAX_LISTED]) + (" 等" if len(kept) > MAX_LISTED else "")
        lines.append(f"{len(kept)} 个单元格在分配后被手工改过，保留了现在的内容：{cells}")
    return "\n".join(lines)


def rule_docs_done(*, sheet: str, rules: int, foreign: bool) -> str:
    """The message after 规则说明."""
    lines = [f"已把 {rules} 条检查规则的说明写入“{sheet}”工作表：每条规则查什么、为什么查、错误和正确的示例、怎样改。"]
    if foreign:
        lines.append("工作簿中已有一张不是整改助手生成的“规则说明”表，没有改动它。")
    lines.append("本县在设置文件中自定或调整的规则已计入；再次点击会更新这张表。")
    return "\n".join(lines)
