"""The key figures of a 汇总 in a few Chinese lines: printed by the CLI, shown by the ribbon, put in mail."""

from __future__ import annotations

from addin.summary.model import SummaryTables


def _percent(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, float) else "—"


def key_figures(tables: SummaryTables) -> list[str]:
    """Problems by status, overdue, completion rate, data quality and the KPIs, one line each."""
    status = tables.block("by_township")
    total = dict(zip(status.header, status.total or [], strict=True))
    lines = [
        f"问题 {total['问题总数']} 项：已完成 {total['已完成']}，整改中 {total['整改中']}，未整改 {total['未整改']}，"
        f"长期坚持 {total['长期坚持']}，无需整改 {total['无需整改']}；逾期未完成 {total['逾期未完成']} 项；"
        f"完成率 {_percent(total['完成率'])}"
    ]
    quality = tables.block("quality_by_township")
    q = dict(zip(quality.header, quality.total or [], strict=True))
    per100 = q["每百户错误"]
    lines.append(
        f"户数 {q['户数']}；台账数据问题：错误 {q['错误']} 条，警告 {q['警告']} 条"
        + (f"（每百户错误 {per100:.1f} 条）" if isinstance(per100, float) else "")
    )
    kpis = tables.block("kpis")
    if kpis.rows:
        lines.append("；".join(f"{r[0]} {r[3]}（{r[1]}）" for r in kpis.rows))
    return lines
