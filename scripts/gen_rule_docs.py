"""Regenerate docs/rules.md from the rule catalogue and the engine's registries.

Each rule's entry (what it checks, why, a failing and a passing example, how to
fix it) comes from :func:`addin.rules.docs.rule_docs`, the same text the ribbon's
规则说明 button writes into a workbook. The rule list, the expression operators, the derived values and the check kinds
are documented from the code and data themselves, so the documentation cannot
drift: tests/test_catalogue.py fails when docs/rules.md is not what this script
writes. Run: .venv/bin/python scripts/gen_rule_docs.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.ledger.definitions import default_catalog  # noqa: E402
from addin.rules.catalog import load_rules  # noqa: E402
from addin.rules.checks import CHECKS, load_all  # noqa: E402
from addin.rules.docs import NO_EXAMPLE, ExampleSheet, RuleDoc, ledger_order, rule_docs  # noqa: E402
from addin.rules.expressions import DERIVED, OPERATORS  # noqa: E402

DOC = ROOT / "docs" / "rules.md"


def _first_line(fn: object) -> str:
    doc = (getattr(fn, "__doc__", None) or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(sheet: ExampleSheet) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in sheet.header) + " |", "|" + "---|" * len(sheet.header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in sheet.rows]
    return lines


def _example(caption: str, sheets: tuple[ExampleSheet, ...]) -> list[str]:
    if not sheets:
        return [f"{caption}：{NO_EXAMPLE}", ""]
    lines = []
    for sheet in sheets:
        lines += [f"{caption}（{sheet.ledger}）：" if len(sheets) > 1 else f"{caption}：", "", *_table(sheet), ""]
    return lines


def _rule(doc: RuleDoc) -> list[str]:
    return [
        f"### {doc.id} {doc.title}",
        "",
        f"- 对应条目：{doc.ref}　级别：{doc.severity}",
        f"- 检查内容：{_cell(doc.checks)}",
        f"- 为什么：{_cell(doc.why) or '（待补充）'}",
        "",
        *_example("错误示例", doc.wrong),
        *_example("正确示例", doc.right),
        f"怎样改：{_cell(doc.fix) or '（待补充）'}",
        "",
    ]


def render() -> str:
    load_all()
    catalog = default_catalog()
    docs = rule_docs(load_rules(), catalog)
    counts = Counter(d.severity for d in docs)
    lines = [
        "# 检查规则一览",
        "",
        "本文件由 `scripts/gen_rule_docs.py` 根据 `templates/rules/*.json` 和规则引擎自动生成，请勿手工修改。",
        "规则写法见 `docs/rules-authoring.md`；“对应条目”是领域规范中的规则编号。",
        "加载项“帮助”组的“规则说明”按钮把同样的内容写入工作簿的“规则说明”表。",
        "",
        f"共 {len(docs)} 条规则："
        + "，".join(f"{label} {counts.get(label, 0)} 条" for label in ("错误", "警告", "提示"))
        + "。",
        "级别：错误必须改正；警告需要核实（确有其事的在备注中说明）；"
        "提示仅供参考，只列在“检查结果”表中，不标颜色，也不进 JSON 报告。",
        "",
    ]
    for kind in ledger_order(catalog):
        group = [d for d in docs if d.kind == kind]
        if not group:
            continue
        label = group[0].ledger if kind == "*" else f"{group[0].ledger}（{kind}）"
        lines += [f"## {label}", "", "| 规则 | 对应条目 | 级别 | 名称 | 提示信息 |", "|---|---|---|---|---|"]
        lines += [f"| {d.id} | {d.ref} | {d.severity} | {_cell(d.title)} | {_cell(d.message)} |" for d in group]
        lines.append("")
        for doc in group:
            lines += _rule(doc)
    lines += [
        "## 字段名",
        "",
        "规则（包括县里在设置文件中自定的规则）用英文字段名指代列；下表是各台账的字段名与标准中文列名。",
        "",
    ]
    for kind, ledger in catalog.ledgers.items():
        lines += [f"### {ledger.label}（{kind}）", "", "| 字段名 | 中文列名 | 类型 |", "|---|---|---|"]
        lines += [f"| `{f.key}` | {_cell(f.label)} | {f.type} |" for f in ledger.fields]
        lines.append("")
    lines += ["## 表达式运算符", "", "| 运算符 | 说明 |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(_first_line(fn))} |" for name, fn in sorted(OPERATORS.items())]
    lines += ["", "## 派生值", "", "| 名称 | 说明 |", "|---|---|"]
    lines += [f"| `@{name}` | {_cell(_first_line(fn))} |" for name, fn in sorted(DERIVED.items())]
    lines += ["", "## 检查类型", "", "| 类型 | 说明 |", "|---|---|"]
    lines += [
        f"| `{name}` | {_cell(kind.doc.splitlines()[0] if kind.doc else '')} |" for name, kind in sorted(CHECKS.items())
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
