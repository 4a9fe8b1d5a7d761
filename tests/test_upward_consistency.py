"""One folder of 17 township workbooks through every upward step; the numbers must agree everywhere.

``zhenggai summary`` → 汇总.xlsx, ``zhenggai rank`` → 排名-2024-07.xlsx, ``zhenggai assign``
→ each township's 六个一统计, ``zhenggai export`` → the values-only 上报 workbook and its
.eml. Each number is read back from the files the commands wrote (openpyxl, the email
package) and compared across them and with what the generator put into the ledgers.
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import openpyxl
import pytest

from addin.chain.stats import STATS_SHEET
from addin.cli import main
from tests.helpers.summary_sheet import read_block
from tests.helpers.township_books import TownshipBook, write_township_books

AS_OF = "2024-07-17"


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("upward")
    folder = root / "各乡镇台账"
    books = write_township_books(folder)
    out = root / "out"
    summary = out / "汇总.xlsx"
    assert main(["summary", str(folder), "--as-of", AS_OF, "--out", str(summary), "-q"]) == 0
    history = root / "history.sqlite"
    rank = [
        "rank",
        "--month",
        "2024-07",
        str(folder),
        "--as-of",
        AS_OF,
        "--out",
        str(out),
        "--history-db",
        str(history),
    ]
    assert main(rank) == 0
    assert main(["assign", str(folder), "--out", str(out / "assigned"), "--as-of", AS_OF, "-q"]) == 0
    assert main(["export", str(summary), "--out", str(out / "上报"), "--eml"]) == 0
    return {"books": books, "out": out, "summary": summary}


def township_rows(summary: Path) -> dict[str, dict[str, object]]:
    header, rows, _total = read_block(openpyxl.load_workbook(summary)["汇总"], "一、按乡镇统计整改进度")
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows}


def test_summary_counts_are_the_generated_ones(steps: dict[str, object]) -> None:
    books: list[TownshipBook] = steps["books"]  # type: ignore[assignment]
    rows = township_rows(steps["summary"])  # type: ignore[arg-type]
    assert len(books) == 17
    for b in books:
        assert rows[b.township]["问题总数"] == len(b.items), b.township
        assert rows[b.township]["逾期未完成"] == b.overdue, b.township


def test_ranking_deducts_exactly_the_summarys_overdue_items(steps: dict[str, object]) -> None:
    rows = township_rows(steps["summary"])  # type: ignore[arg-type]
    ws = openpyxl.load_workbook(Path(steps["out"]) / "排名-2024-07.xlsx")["排名"]  # type: ignore[arg-type]
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(table) if "单位" in r and "备注" in r)
    header = table[header_at]
    ranked = {r[header.index("单位")]: r for r in table[header_at + 1 :] if r[header.index("单位")] in rows}
    assert len(ranked) == 17
    for township, row in rows.items():
        remark = str(ranked[township][header.index("备注")])
        overdue = row["逾期未完成"]
        if overdue:
            assert f"逾期未整改 {overdue} 项" in remark, township


def test_each_townships_six_ones_statistics_add_up_to_its_summary_row(steps: dict[str, object]) -> None:
    rows = township_rows(steps["summary"])  # type: ignore[arg-type]
    books: list[TownshipBook] = steps["books"]  # type: ignore[assignment]
    for b in books:
        assigned = Path(steps["out"]) / "assigned" / f"{b.path.stem}.assigned.xlsx"  # type: ignore[arg-type]
        stats = [list(r) for r in openpyxl.load_workbook(assigned)[STATS_SHEET].iter_rows(values_only=True)]
        header_at = next(i for i, r in enumerate(stats) if r[:3] == ["六个一", "乡镇", "问题数"])
        header = stats[header_at]
        total = next(r for r in stats[header_at + 1 :] if r[0] == "合计")
        assert total[header.index("问题数")] == rows[b.township]["问题总数"], b.township
        assert total[header.index("其中逾期")] == rows[b.township]["逾期未完成"], b.township


def test_the_exported_workbook_and_the_mail_carry_the_summarys_figures(steps: dict[str, object]) -> None:
    up = Path(steps["out"]) / "上报"  # type: ignore[arg-type]
    _h, _rows, total = read_block(openpyxl.load_workbook(steps["summary"])["汇总"], "一、按乡镇统计整改进度")  # type: ignore[arg-type]
    _h2, _rows2, exported_total = read_block(
        openpyxl.load_workbook(up / "汇总-上报.xlsx")["汇总"], "一、按乡镇统计整改进度"
    )
    assert exported_total == total
    msg = email.message_from_bytes((up / "汇总-上报.eml").read_bytes(), policy=email.policy.default)
    figures = dict(re.findall(r"(问题总数|已完成|逾期)(\d+)个", msg["Subject"]))
    assert int(figures["问题总数"]) == total[1] and int(figures["逾期"]) == total[7]
