"""Errors the operator can act on.

Data problems inside a ledger are never raised: they become ``Finding`` objects in
the report. Only what stops us from reading or configuring raises, and every such
error names the place (file, sheet, cell or JSON path) and the remedy, in Chinese,
because the message is shown to county staff as it is.

Hierarchy::

    ZhenggaiError                      base class; ``str(err)`` is the user message
    ├── InputError                     a workbook we were asked to read
    │   ├── FileMissing                path does not exist
    │   ├── NotAWorkbook               not .xlsx/.xlsm/.xls, or not a spreadsheet inside
    │   ├── CorruptWorkbook            a broken zip / OLE container
    │   ├── EncryptedWorkbook          password protected
    │   └── WorkbookTooLarge           beyond the configured size/row limits
    ├── ConfigError                    a definition, rule or settings file is wrong
    │   └── SchemaError                fails its JSON Schema (carries the JSON path)
    ├── OutputError                    we could not write a result file
    └── UsageError                     bad command-line or action arguments
"""

from __future__ import annotations

from pathlib import Path


class ZhenggaiError(Exception):
    """Base class: the message is complete, Chinese, and says what to do."""

    remedy: str = ""

    def __init__(self, message: str, *, remedy: str | None = None) -> None:
        self.detail = message
        if remedy is not None:
            self.remedy = remedy
        super().__init__(self._render())

    def _render(self) -> str:
        return f"{self.detail}{'；' + self.remedy if self.remedy else ''}"


class InputError(ZhenggaiError):
    """A workbook could not be read; names the file (and sheet/cell when known)."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        sheet: str | None = None,
        cell: str | None = None,
        remedy: str | None = None,
    ) -> None:
        self.path = str(path)
        self.sheet = sheet
        self.cell = cell
        where = f"文件“{Path(self.path).name}”"
        if sheet:
            where += f"工作表“{sheet}”"
        if cell:
            where += f"单元格 {cell}"
        super().__init__(f"{where}：{message}", remedy=remedy)


class FileMissing(InputError):
    """The path does not exist."""

    remedy = "请检查文件路径是否正确"


class NotAWorkbook(InputError):
    """The file is not an Excel workbook we can read."""

    remedy = "请提供 .xlsx、.xlsm 或 .xls 格式的 Excel 文件"


class CorruptWorkbook(InputError):
    """The container is damaged (truncated download, bad copy)."""

    remedy = "文件已损坏，请用 Excel 打开后“另存为”新文件，或重新获取原文件"


class EncryptedWorkbook(InputError):
    """The workbook is protected by an opening password."""

    remedy = "请在 Excel 中取消打开密码（文件→信息→保护工作簿→用密码进行加密→清空）后重试"


class WorkbookTooLarge(InputError):
    """The workbook exceeds the limits we accept."""

    remedy = "请拆分文件，或在设置中调高 max_file_mb / max_rows"


class ConfigError(ZhenggaiError):
    """A ledger definition, rule file or settings file is wrong."""

    def __init__(self, path: str | Path, message: str, *, remedy: str | None = None) -> None:
        self.path = str(path)
        super().__init__(f"配置文件“{Path(self.path).name}”：{message}", remedy=remedy)


class SchemaError(ConfigError):
    """A JSON file does not match its schema; ``json_path`` points at the mistake."""

    remedy = "请按照 templates/schemas/ 中的说明修改该位置"

    def __init__(self, path: str | Path, json_path: str, message: str) -> None:
        self.json_path = json_path
        super().__init__(path, f"位置 {json_path}：{message}")


class OutputError(ZhenggaiError):
    """A result file could not be written (nothing half-written is left behind)."""

    def __init__(self, path: str | Path, message: str, *, remedy: str | None = None) -> None:
        self.path = str(path)
        super().__init__(f"无法写入“{self.path}”：{message}", remedy=remedy)


class UsageError(ZhenggaiError):
    """The command or action was called with arguments that cannot work."""
