"""Read a workbook file into plain grids of cell values, fast.

python-calamine reads values (and merged ranges) straight from the file, an order
of magnitude faster than openpyxl, for .xlsx, .xlsm and .xls alike. Everything the
reader needs downstream is in :class:`RawSheet`: the values on an absolute grid
(``cells[r][c]`` is Excel row r+1, column c+1) and the merged ranges.

Every way a file can fail to open is mapped to one :mod:`addin.errors` class with
a Chinese message naming the file, so a batch over 17 townships' files reports
the bad one and goes on with the rest.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from addin.errors import (
    CorruptWorkbook,
    EncryptedWorkbook,
    FileMissing,
    InputError,
    NotAWorkbook,
    WorkbookTooLarge,
)

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

Merge = tuple[int, int, int, int]
"""A merged range as 0-based inclusive (first_row, first_col, last_row, last_col)."""


@dataclass(slots=True)
class RawSheet:
    """One worksheet's values on an absolute grid, plus its merged ranges."""

    name: str
    cells: list[list[object]]
    merged: list[Merge] = field(default_factory=list)
    visible: bool = True

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def value(self, row: int, col: int) -> object:
        """The value at 0-based (row, col), "" outside the grid."""
        if 0 <= row < len(self.cells):
            line = self.cells[row]
            if 0 <= col < len(line):
                return line[col]
        return ""


@dataclass(slots=True)
class RawWorkbook:
    """A workbook as read from a file (or from an xlwings Book)."""

    path: str
    sheets: list[RawSheet]

    def __iter__(self) -> Iterator[RawSheet]:
        return iter(self.sheets)


def sniff(path: Path) -> str:
    """The container kind of a file: "zip", "ole" or "other" (from its first bytes)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    return "other"


def _is_encrypted_ole(path: Path) -> bool:
    """An OLE file that is an encrypted OOXML package or a password-protected .xls."""
    try:
        import msoffcrypto
    except ImportError:  # pragma: no cover - dependency of the package
        return False
    try:
        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:
        return False


def check_readable(path: Path, *, max_mb: float = 200.0) -> None:
    """Raise the InputError that explains why ``path`` cannot be read, if any."""
    if not path.exists():
        raise FileMissing(path, "文件不存在")
    if path.is_dir():
        raise NotAWorkbook(path, "这是一个文件夹，不是 Excel 文件")
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise NotAWorkbook(path, f"不支持的文件类型“{path.suffix or '无扩展名'}”")
    size_mb = path.stat().st_size / 1_048_576
    if size_mb > max_mb:
        raise WorkbookTooLarge(path, f"文件大小 {size_mb:.0f} MB，超过上限 {max_mb:.0f} MB")
    if path.stat().st_size == 0:
        raise CorruptWorkbook(path, "文件为空（0 字节）")
    kind = sniff(path)
    if kind == "ole":
        if _is_encrypted_ole(path):
            raise EncryptedWorkbook(path, "文件设置了打开密码，无法读取")
        if path.suffix.lower() != ".xls":
            raise CorruptWorkbook(
                path, "扩展名为 .xlsx/.xlsm，但内容是旧版 .xls 格式", remedy="请把扩展名改为 .xls 后重试"
            )
    elif kind == "zip":
        if path.suffix.lower() == ".xls":
            raise CorruptWorkbook(path, "扩展名为 .xls，但内容是 .xlsx 格式", remedy="请把扩展名改为 .xlsx 后重试")
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise CorruptWorkbook(path, "压缩包结构损坏") from exc
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise NotAWorkbook(path, "这是一个压缩文件（可能是 Word 等文档），里面没有 Excel 工作簿")
    else:
        raise NotAWorkbook(path, "文件内容不是 Excel 工作簿")


def read_workbook(path: str | Path, *, max_mb: float = 200.0, max_rows: int = 1_048_576) -> RawWorkbook:
    """Read every worksheet of a file into RawSheets (values and merged ranges)."""
    path = Path(path)
    check_readable(path, max_mb=max_mb)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise EncryptedWorkbook(path, "文件设置了打开密码，无法读取") from exc
    except calamine.ZipError as exc:
        raise CorruptWorkbook(path, "压缩包结构损坏") from exc
    except calamine.CalamineError as exc:
        raise CorruptWorkbook(path, f"无法解析（{exc}）") from exc
    sheets: list[RawSheet] = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            sheets.append(_read_sheet(path, book, meta, max_rows))
    finally:
        book.close()
    return RawWorkbook(path=str(path), sheets=sheets)


def _read_sheet(path: Path, book: calamine.CalamineWorkbook, meta: object, max_rows: int) -> RawSheet:
    name = meta.name  # type: ignore[attr-defined]
    try:
        sheet = book.get_sheet_by_name(name)
        start, end = sheet.start, sheet.end
        if end is not None and end[0] + 1 > max_rows:
            raise WorkbookTooLarge(path, f"共 {end[0] + 1} 行，超过上限 {max_rows} 行", sheet=name)
        cells = sheet.to_python(skip_empty_area=False) if start is not None else []
        merged = list(sheet.merged_cell_ranges or [])
    except InputError:
        raise
    except calamine.CalamineError as exc:
        raise CorruptWorkbook(path, f"无法解析（{exc}）", sheet=name) from exc
    merges = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in merged]
    visible = meta.visible == calamine.SheetVisibleEnum.Visible  # type: ignore[attr-defined]
    return RawSheet(name=name, cells=cells, merged=merges, visible=visible)
