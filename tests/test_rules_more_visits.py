"""BF-12 (群众不满意，需跟进; templates/rules/visits.json VS-DISSATISFIED) on a real visit log:
a title, merged 乡镇/村 cells, the 满意程度 alias and the variants clerks type."""

from __future__ import annotations

from pathlib import Path

from addin.rules.model import Severity
from tests.helpers.book import SheetSpec, check_sheets

HEADER = ["序号", "乡镇", "村", "户主姓名", "帮扶责任人", "走访时间", "帮扶内容", "了解情况", "满意程度", "户主签字"]


def log(*satisfaction: str | None) -> SheetSpec:
    rows = []
    actions, learned = "了解孩子上学资助落实情况，讲解雨露计划政策", "家中两个孩子在读"
    for i, answer in enumerate(satisfaction, start=1):
        place = ["沙窝镇", "沙坪村"] if i == 1 else [None, None]
        rows.append([str(i), *place, f"韩振{i}", "刘海峰", "2024年7月5日", actions, learned, answer, "已签"])
    n = len(rows)
    return SheetSpec(
        "帮扶记录",
        HEADER,
        rows,
        above=[["沙窝镇帮扶责任人入户帮扶记录表"], ["填报日期：2024年7月10日"]],
        merges=[f"B4:B{3 + n}", f"C4:C{3 + n}"],
    )


def test_vs_dissatisfied_household_is_an_info_for_follow_up(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, log("不满意", "很不满意", "基本满意", "满意", None, "不太满意"))
    assert checked.ledgers.tables[0].kind == "visits"
    assert checked.cells("VS-DISSATISFIED") == {"I4", "I5", "I9"}
    finding = checked.by_rule("VS-DISSATISFIED")[0]
    assert finding.severity == Severity.INFO
    assert finding.message == "群众不满意，需跟进（不满意）"
    assert checked.cells("VS-NO-SATISFACTION") == {"I8"}  # an empty answer is BF-05's, not BF-12's


def test_vs_satisfied_log_has_no_follow_up(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, log("满意", "比较满意", "满意"))
    assert checked.by_rule("VS-DISSATISFIED") == []
