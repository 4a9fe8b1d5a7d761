"""Write ``<name>.checked.xlsx``: the user's workbook untouched, plus our results.

The copy carries the 检查结果 sheet (one row per finding, each linking to its
cell) and a mark with the reason on every flagged cell. It is what township staff
on WPS (which cannot run the add-in) open to see the results, so it must open in
any spreadsheet program; tests convert it with LibreOffice to prove that.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from addin.check import FileResult
from addin.errors import OutputError
from addin.ledger.workbook import RawWorkbook, read_workbook, sniff
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET, cell_marks, findings_rows
from addin.report.xlsx import CellMark, Link, NewSheet, write_annotated_copy, write_new_workbook
from addin.rules.model import Finding


def checked_name(path: Path) -> str:
    """``乡镇台账.xlsx`` → ``乡镇台账.checked.xlsx`` (also for .xls/.xlsm inputs)."""
    return f"{path.stem}.checked.xlsx"


def findings_sheet(findings: Sequence[Finding], owners: Sequence[str] | None = None) -> NewSheet:
    """检查结果 as a new sheet of a copy: one row per finding, its cell a link to the flagged cell."""
    rows = []
    for row in findings_rows(findings, owners=owners):
        values = list(row.values)
        if row.link is not None:
            values[2] = Link(sheet=row.link[0], cell=row.link[1])
        rows.append(values)
    return NewSheet(name=FINDINGS_SHEET, header=list(FINDINGS_HEADER), rows=rows)


def copy_marks(findings: Sequence[Finding]) -> list[CellMark]:
    """The cell marks of ``findings`` as the copy writer takes them."""
    return [
        CellMark(sheet=m.sheet, row=m.row, column=m.column, severity=str(m.severity), text=m.text)  # type: ignore[arg-type]
        for m in cell_marks(findings)
    ]


def _values_copy(book: RawWorkbook, dst: Path) -> None:
    """An .xlsx holding the values of a workbook we cannot copy as a package (.xls)."""
    sheets = [NewSheet(name=s.name, header=[], rows=[list(r) for r in s.cells]) for s in book.sheets]
    write_new_workbook(dst, sheets)


def copy_destination(src: Path, out_dir: Path, name: str) -> Path:
    """``out_dir / name`` (the folder created), refusing the input file itself: a copy never replaces its source."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out_dir, exc.strerror or str(exc)) from exc
    dst = out_dir / name
    if dst.resolve() == src.resolve():
        raise OutputError(dst, "输出文件与输入文件相同，拒绝覆盖原文件", remedy="请换一个 --out 目录")
    return dst


def write_checked_copy(result: FileResult, out_dir: Path, *, owners: Sequence[str] | None = None) -> Path:
    """Write the annotated copy of one checked file into ``out_dir``; returns its path.

    ``owners`` fills the 责任人 column of 检查结果 (one text per finding, see
    :func:`addin.chain.run.finding_owner_texts`).
    """
    src = Path(result.path)
    dst = copy_destination(src, Path(out_dir), checked_name(src))
    sheet = findings_sheet(result.findings, owners)
    marks = copy_marks(result.findings)
    if sniff(src) == "zip":
        write_annotated_copy(src, dst, new_sheets=[sheet], marks=marks)
        return dst
    with tempfile.TemporaryDirectory(prefix="zhenggai-") as tmp:
        values = Path(tmp) / "values.xlsx"
        _values_copy(read_workbook(src), values)
        write_annotated_copy(values, dst, new_sheets=[sheet], marks=marks)
    return dst
