"""Regenerate docs/rules.md from the rule catalogue and the engine's registries.

The rule list, the expression operators, the derived values and the check kinds
are documented from the code and data themselves, so the documentation cannot
drift: tests/test_catalogue.py fails when docs/rules.md is not what this script
writes. Run: .venv/bin/python scripts/gen_rule_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.ledger.definitions import default_catalog  # noqa: E402
from addin.rules.catalog import load_rules  # noqa: E402
from addin.rules.checks import CHECKS, load_all  # noqa: E402
from addin.rules.expressions import DERIVED, OPERATORS  # noqa: E402

DOC = ROOT / "docs" / "rules.md"


def _first_line(fn: object) -> str:
    doc = (getattr(fn, "__doc__", None) or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    load_all()
    catalog = default_catalog()
    templates = load_rules()
    lines = [
        "# 检查规则一览",
        "",
        "本文件由 `scripts/gen_rule_docs.py` 根据 `templates/rules/*.json` 和规则引擎自动生成，请勿手工修改。",
        "规则写法见 `docs/rules-authoring.md`；“对应条目”是领域规范中的规则编号。",
        "",
        f"共 {len(templates)} 条规则。",
        "",
    ]
    order = ["*", *catalog.ledgers]
    for kind in order:
        rules = [t.rule for t in templates if t.rule.ledger == kind]
        if not rules:
            continue
        label = "通用（所有台账）" if kind == "*" else f"{catalog.ledgers[kind].label}（{kind}）"
        lines += [f"## {label}", "", "| 规则 | 对应条目 | 级别 | 名称 | 提示信息 |", "|---|---|---|---|---|"]
        for r in sorted(rules, key=lambda r: (r.ref, r.id)):
            lines.append(f"| {r.id} | {r.ref} | {r.severity.label} | {_cell(r.title)} | {_cell(r.message)} |")
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
