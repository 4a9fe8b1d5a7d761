"""The rule catalogue as a whole: it covers the domain rules this release promises,
every rule is tested and documented, and the docs are generated, not hand-kept."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from addin.rules.catalog import load_rules
from tests.helpers.book import SheetSpec, check_sheets

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")

# Issue 2's promise for the six ledger kinds: every rule the seed speech names (domain §3.0.1),
# all of §3.1, and every error-level rule of §3.2–§3.8 on these kinds.
SEED_RULES = [
    "HH-25",
    "HH-08",
    "HH-09",
    "HH-10",
    "RY-01",
    "RY-02",
    "HH-22",
    "HH-23",
    "HH-21",
    "HH-35",
    "HH-26",
    "HH-27",
    "HH-55",
    "HH-54",
    "HH-31",
    "HH-53",
    "BF-01",
    "BF-04",
    "BF-05",
    "BF-06",
    "BF-07",
    "BF-08",
    "BF-11",
    "BF-13",
    "BF-14",
    "JR-01",
    "JR-02",
    "JR-03",
    "JR-04",
    "JR-08",
    "BQ-07",
    "BQ-08",
    "BQ-11",
    "BQ-01",
    "BQ-02",
    "BQ-03",
    "BQ-05",
    "ZG-03",
    "ZG-04",
    "ZG-05",
    "ZG-07",
    "ZG-10",
    "RY-26",
    "RISK-01",
    "RISK-02",
    "RISK-03",
    "RISK-04",
    "RISK-05",
    "RISK-06",
    "RISK-07",
]
GENERIC_RULES = [f"ALL-{i:02d}" for i in range(1, 13)] + [f"ID-{i:02d}" for i in range(1, 13)]
ERROR_RULES = [
    "ZG-01",
    "ZG-03",
    "ZG-06",
    "ZG-07",
    "ZG-08",
    "ZG-09",
    "ZG-10",
    "ZG-11",
    "ZG-12",
    "ZG-13",
    "ZG-15",
    "ZG-19",
    "ZG-20",
    "ZG-25",
    "HH-01",
    "HH-02",
    "HH-03",
    "HH-04",
    "HH-05",
    "HH-06",
    "HH-08",
    "HH-09",
    "HH-10",
    "HH-11",
    "HH-14",
    "HH-17",
    "HH-18",
    "HH-19",
    "HH-21",
    "HH-22",
    "HH-24",
    "HH-27",
    "HH-28",
    "HH-29",
    "HH-30",
    "HH-31",
    "HH-32",
    "HH-33",
    "HH-35",
    "HH-39",
    "HH-40",
    "HH-43",
    "HH-46",
    "HH-47",
    "HH-49",
    "HH-55",
    "RY-01",
    "RY-02",
    "RY-04",
    "RY-06",
    "RY-09",
    "RY-11",
    "RY-12",
    "RY-15",
    "RY-16",
    "RY-18",
    "RY-23",
    "RY-24",
    "RY-25",
    "BF-01",
    "BF-02",
    "BF-03",
    "BF-04",
    "JR-01",
    "JR-02",
    "JR-03",
    "JR-05",
    "JR-07",
    "JR-08",
    "BQ-01",
    "BQ-03",
    "BQ-05",
    "BQ-10",
    "BQ-12",
]


def test_every_promised_domain_rule_is_implemented() -> None:
    refs = {t.rule.ref for t in load_rules()}
    missing = sorted(set(SEED_RULES + GENERIC_RULES + ERROR_RULES) - refs)
    assert not missing, f"domain rules without an implementation: {missing}"


def test_error_level_domain_rules_have_an_error_level_implementation() -> None:
    errors = {t.rule.ref for t in load_rules() if t.rule.severity == "error"}
    assert not sorted(set(ERROR_RULES) - errors)


def test_every_rule_is_named_in_a_test() -> None:
    """Named in a test file, or tested through its own fail and pass examples (tests/test_rule_examples.py)."""
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    untested = sorted(
        t.rule.id
        for t in load_rules()
        if f'"{t.rule.id}"' not in tests and not (t.rule.examples.get("fail") and t.rule.examples.get("pass"))
    )
    assert not untested, f"rules no test names: {untested}"


def test_every_rule_speaks_chinese() -> None:
    for template in load_rules():
        rule = template.rule
        assert CJK.search(rule.title), rule.id
        assert CJK.search(rule.message), rule.id


def test_rules_doc_is_generated_from_the_catalogue() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_rule_docs
    finally:
        sys.path.pop(0)
    expected = gen_rule_docs.render()
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run .venv/bin/python scripts/gen_rule_docs.py"
    )


# ------------------------------------------------------------------ RISK-07 (a table statistic)
HEADER = ["乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "贫困户属性", "脱贫状态", "户类型", "主要致贫原因"]


def roster(n_households: int, n_monitored: int) -> SheetSpec:
    rows = []
    for i in range(n_households):
        monitored = i < n_monitored
        rows.append(
            [
                "沙窝镇",
                "沙坪村",
                f"H{i:03d}",
                f"户主{i}",
                4,
                "一般脱贫户",
                "已脱贫（享受政策）",
                "监测户" if monitored else "脱贫户",
                "缺技术",
            ]
        )
    return SheetSpec("花名册", HEADER, rows)


def test_risk_monitor_share_flags_a_share_outside_the_band(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, roster(40, 0))
    (finding,) = checked.by_rule("RISK-MONITOR-SHARE")
    assert finding.cell is None and finding.row == 1
    assert "0.0%" in finding.message
    too_many = check_sheets(tmp_path, roster(40, 8), name="多.xlsx")
    assert "20.0%" in too_many.by_rule("RISK-MONITOR-SHARE")[0].message


def test_risk_monitor_share_is_quiet_inside_the_band_or_on_small_tables(tmp_path: Path) -> None:
    assert check_sheets(tmp_path, roster(40, 2)).by_rule("RISK-MONITOR-SHARE") == []  # 5 %
    assert check_sheets(tmp_path, roster(10, 0), name="小.xlsx").by_rule("RISK-MONITOR-SHARE") == []
