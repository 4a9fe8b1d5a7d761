"""The short Chinese summary printed after a check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from addin.check import CheckRun
from addin.ledger.definitions import default_catalog
from addin.rules.model import Finding, Severity


def _counts(findings: Sequence[Finding]) -> str:
    """Counts as "错误 3 条，警告 1 条"; 提示 only when there are any, so runs without hints read as before."""
    by_sev = Counter(f.severity for f in findings)
    text = f"错误 {by_sev.get(Severity.ERROR, 0)} 条，警告 {by_sev.get(Severity.WARNING, 0)} 条"
    if by_sev.get(Severity.INFO):
        text += f"，提示 {by_sev[Severity.INFO]} 条（不计入 JSON 报告）"
    return text


def summary_lines(run: CheckRun, *, top_rules: int = 12) -> list[str]:
    """Files, sheets with their detected kinds, findings by severity and by rule."""
    catalog = default_catalog()
    lines = [f"检查日期（as-of）：{run.as_of.isoformat()}"]
    ok = [r for r in run.files if r.error is None]
    lines.append(f"共 {len(run.files)} 个文件：{len(ok)} 个已检查，{len(run.failed)} 个无法读取")
    for result in run.files:
        lines.append(f"■ {result.path}")
        if result.error is not None:
            lines.append(f"  ✗ {result.error}")
            continue
        assert result.ledgers is not None
        for t in result.ledgers.tables:
            label = catalog.ledgers[t.kind].label
            lines.append(
                f"  · 工作表“{t.sheet}”：{label}（表头第 {'、'.join(map(str, t.header_rows))} 行，数据 {len(t)} 行）"
            )
        for s in result.ledgers.skipped:
            lines.append(f"  · 工作表“{s.sheet}”：已跳过——{s.reason}")
        lines.append(f"  发现问题 {len(result.findings)} 条：{_counts(result.findings)}")
        if result.output is not None:
            lines.append(f"  标注副本：{result.output}")
    findings = run.findings
    lines.append(f"合计：{_counts(findings)}")
    if findings:
        lines.append("按规则统计：")
        titles = {f.rule: f.message for f in findings}
        for rule, n in Counter(f.rule for f in findings).most_common(top_rules):
            lines.append(f"  {rule:<30} {n:>6} 条  例：{titles[rule][:40]}")
        rest = len(Counter(f.rule for f in findings)) - top_rules
        if rest > 0:
            lines.append(f"  …… 另有 {rest} 条规则的结果见 JSON 报告或标注副本")
    return lines
