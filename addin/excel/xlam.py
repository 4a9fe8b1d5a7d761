"""Build ``zhenggai.xlam`` on any platform, without Excel.

Why this shape (see the research notes on xlwings, §1.4):

* Start from ``quickstart_addin_ribbon.xlam`` of the *installed* xlwings: its VBA
  declares ``xlwings64-<version>.dll`` by name, so template, VBA runtime and Python
  package must all come from the same (pinned) xlwings release.
* Replace the source of the two existing modules with pyOpenVBA and add none:
  ``xlwings`` gets the custom-add-in runtime with ``PROJECT_NAME = "zhenggai"``;
  ``RibbonMyAddin`` gets our one ribbon callback, the generated
  ``RegisterZhenggaiFunctions`` and the UDF wrappers; the template's empty
  ``ThisWorkbook`` gets a ``Workbook_Open`` that calls ``RegisterZhenggaiFunctions``.
  Rewritten modules are stored source-only (no p-code) and the project cache is
  invalidated, so Excel compiles them on load, exactly as with xlwings' own
  released add-ins. The module keeps the template's name: renaming a module means
  rewriting the ``dir`` stream and the storage name, and nobody ever sees the name.
* Descriptions for Excel's Insert Function dialog: xlwings sets them with
  ``Application.MacroOptions`` in "Import Functions", which needs Excel. The build
  writes the same calls into ``RegisterZhenggaiFunctions`` (texts from the UDF
  module's metadata, as ``ChrW`` code points), and ``ThisWorkbook``'s
  ``Workbook_Open`` runs it each time the add-in opens: without Excel the file
  cannot carry the settings themselves, so the add-in sets them again at every
  start. ``Workbook_Open`` rather than the ribbon's ``onLoad``: it runs whenever
  the add-in opens with macros enabled, whether or not its ribbon XML is loaded,
  and pyOpenVBA rewrites a document module's source keeping its ``Attribute``
  header (VB_Base etc.), as the tests check.
* Swap the ribbon for ``customUI/customUI14.xml`` and turn the template's inactive
  ``_myaddin.conf`` sheet into ``zhenggai.conf`` holding only the keys we mean (an
  empty key would shadow the user's config file, see ``GetConfig`` in the VBA).
* Write the result atomically: a failed build never leaves a half-written add-in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xlwings

from addin.errors import OutputError, UsageError, ZhenggaiError
from addin.excel import _xlam_package as package
from addin.fsutil import atomic_write_bytes
from addin.resources import ribbon_dir

PROJECT_NAME = "zhenggai"
ADDIN_FILE_NAME = f"{PROJECT_NAME}.xlam"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
TEMPLATE_CONFIG_SHEET = "_myaddin.conf"
RIBBON_MODULE = "RibbonMyAddin"
XLWINGS_MODULE = "xlwings"
THIS_WORKBOOK_MODULE = "ThisWorkbook"
REGISTER_PROCEDURE = "RegisterZhenggaiFunctions"
RIBBON_CALLBACK = f"{RIBBON_MODULE}.OnAction"
DEFAULT_UDF_MODULE = "addin.udfs.functions"
DEFAULT_INTERPRETER_WIN = r"%LOCALAPPDATA%\Zhenggai\python\pythonw.exe"
RIBBON_XML_FILE = "customUI14.xml"
RIBBON_BAS_FILE = f"{RIBBON_MODULE}.bas"
_TEMPLATE_PROJECT_LINE = 'Public Const PROJECT_NAME As String = "myaddin"'
_WRAPPER_TIMEOUT_S = 300
EXCEL_TEXT_LIMIT = 255  # MacroOptions: Description and each ArgumentDescriptions item
_CHRW_PER_LINE = 40  # keeps every physical VBA line far below its 1023-character limit
_VBA_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class XlamBuildError(ZhenggaiError):
    """The add-in could not be assembled (missing tool, broken template, failing UDF module)."""


def xlwings_dir() -> Path:
    return Path(xlwings.__file__).resolve().parent


def template_path() -> Path:
    """The ribbon add-in template shipped inside the installed xlwings wheel."""
    return xlwings_dir() / "quickstart_addin_ribbon.xlam"


def _crlf(text: str) -> str:
    """VBA module streams use CRLF; sources may come with either line end."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _ascii(text: str, what: str) -> str:
    """The VBA project's code page is 1252: anything beyond ASCII would be mangled."""
    bad = sorted({ch for ch in text if ord(ch) > 127})
    if bad:
        raise XlamBuildError(f"{what} 含有非 ASCII 字符 {''.join(bad)!r}", remedy="VBA 代码中的中文请用 ChrW 生成")
    return text


def xlwings_module_source() -> str:
    """``xlwings_custom_addin.bas`` of the installed xlwings with our project name."""
    source = (xlwings_dir() / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    if source.count(_TEMPLATE_PROJECT_LINE) != 1:
        raise XlamBuildError("xlwings_custom_addin.bas 的格式与预期不同（找不到 PROJECT_NAME）")
    source = source.replace(_TEMPLATE_PROJECT_LINE, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"')
    return _ascii(_crlf(source), "xlwings_custom_addin.bas")


def ribbon_callback_source() -> str:
    """``ribbon/RibbonMyAddin.bas``: the generic ribbon callback (CRLF, ends with a line break)."""
    text = _crlf((ribbon_dir() / RIBBON_BAS_FILE).read_text(encoding="ascii"))
    return _ascii(text if text.endswith("\r\n") else text + "\r\n", RIBBON_BAS_FILE)


@dataclass(frozen=True)
class MacroOptions:
    """What xlwings' "Import Functions" passes to ``Application.MacroOptions`` for one function.

    ``category`` is a custom category name, or the number of a built-in one (1-14);
    ``arguments`` are the descriptions of the arguments Excel shows, in order.
    """

    name: str
    description: str
    category: str | int
    arguments: tuple[str, ...]


@dataclass(frozen=True)
class UdfCode:
    """Everything the build generates from the UDF module: xlwings' wrappers and the MacroOptions per function."""

    wrappers: str
    options: tuple[MacroOptions, ...]


def excel_text(text: str, limit: int = EXCEL_TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` UTF-16 units (Excel's count), never inside a surrogate pair.

    xlwings cuts at 255 Python characters; for text in the BMP that is the same.
    """
    text = text[:limit]
    while len(text.encode("utf-16-le", "surrogatepass")) > 2 * limit:
        text = text[:-1]
    return text


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def _vba_text(variable: str, text: str) -> list[str]:
    """Statements that set ``variable`` to ``text``, built only from ``ChrW(<UTF-16 unit>)``."""
    units = _utf16_units(text)
    if not units:
        return [f'{variable} = ""']
    lines = []
    for start in range(0, len(units), _CHRW_PER_LINE):
        terms = " & ".join(f"ChrW({u})" for u in units[start : start + _CHRW_PER_LINE])
        lines.append(f"{variable} = {terms}" if start == 0 else f"{variable} = {variable} & {terms}")
    return lines


def registration_source(options: Sequence[MacroOptions]) -> str:
    """``Public Sub RegisterZhenggaiFunctions()``: xlwings' MacroOptions calls, made by the add-in itself (CRLF).

    The calls mirror ``xlwings.udfs.import_udfs``: the macro qualified with the
    add-in's name, the description, the category, the argument descriptions (left
    out for a function without arguments), every text cut to Excel's 255 characters.
    """
    width = max((len(o.arguments) for o in options), default=0)
    body = [
        f"Public Sub {REGISTER_PROCEDURE}()",
        "    ' Generated by zhenggai addin build (addin/excel/xlam.py) from the metadata of the UDF",
        "    ' module, the same metadata the wrappers below come from: what xlwings' Import Functions",
        "    ' passes to Application.MacroOptions (description, category, argument help of the",
        "    ' Insert Function dialog). ThisWorkbook's Workbook_Open calls this when the add-in opens.",
        "    ' - Texts are built from UTF-16 code units (ChrW): the project's code page is 1252.",
        "    ' - Excel is late bound (Object): an Excel without ArgumentDescriptions fails at run time",
        "    '   (and gets the description alone) instead of failing to compile this module.",
        "    ' - Every error is ignored: missing help must never show a dialog.",
        "    ' - MacroOptions may mark the add-in as changed; its saved state is restored so that",
        "    '   Excel never asks to save the add-in when it closes.",
        "    Dim xl As Object",
        "    Dim book As String",
        "    Dim wasSaved As Boolean",
        "    Dim desc As String",
        "    Dim cat As String",
        *(f"    Dim arg{i} As String" for i in range(width)),
        "    On Error Resume Next",
        "    Set xl = Application",
        "    wasSaved = ThisWorkbook.Saved",
        """    book = "'" & Replace(ThisWorkbook.Name, "'", "''") & "'!\"""",
    ]
    for o in options:
        if not _VBA_IDENTIFIER.fullmatch(o.name):
            raise XlamBuildError(f"工作表函数名 {o.name!r} 不能用作 VBA 名称")
        texts = _vba_text("desc", excel_text(o.description))
        if isinstance(o.category, int):  # one of Excel's built-in categories
            category = str(o.category)
        else:
            category = "cat"
            texts += _vba_text("cat", excel_text(o.category))
        for i, argument in enumerate(o.arguments):
            texts += _vba_text(f"arg{i}", excel_text(argument))
        call = f'xl.MacroOptions Macro:=book & "{o.name}", Description:=desc, Category:={category}'
        arguments = ", ".join(f"arg{i}" for i in range(len(o.arguments)))
        body += ["", f"    ' {o.name}", *(f"    {line}" for line in texts), "    Err.Clear"]
        if o.arguments:
            body += [
                f"    {call}, ArgumentDescriptions:=Array({arguments})",
                "    If Err.Number <> 0 Then",
                "        Err.Clear",
                f"        {call}",
                "    End If",
            ]
        else:
            body.append(f"    {call}")
    body += ["", "    If wasSaved Then ThisWorkbook.Saved = True", "End Sub", ""]
    return _ascii("\r\n".join(body), REGISTER_PROCEDURE)


def this_workbook_source() -> str:
    """The body of the ``ThisWorkbook`` module (pyOpenVBA keeps the template's ``Attribute`` header)."""
    lines = [
        "Private Sub Workbook_Open()",
        "    ' zhenggai: Chinese help for the ZG_ functions in Excel's Insert Function dialog",
        "    On Error Resume Next",
        f"    {RIBBON_MODULE}.{REGISTER_PROCEDURE}",
        "End Sub",
        "",
    ]
    return "\r\n".join(lines)


def ribbon_module_source(code: UdfCode) -> str:
    """What the ``RibbonMyAddin`` module holds: the callback, the registration procedure, the UDF wrappers.

    Each part is separated from the next by a blank line; the wrappers come last.
    """
    return (
        ribbon_callback_source()
        + "\r\n"
        + registration_source(code.options)
        + "\r\n"
        + _ascii(_crlf(code.wrappers), "UDF 包装代码")
    )


def custom_ui_xml() -> bytes:
    """``ribbon/customUI14.xml`` as shipped (UTF-8, so Chinese labels are fine here)."""
    return (ribbon_dir() / RIBBON_XML_FILE).read_bytes()


def config_entries(
    interpreter: str | None = None, udf_module: str = DEFAULT_UDF_MODULE
) -> list[tuple[str, str | bool]]:
    """The only keys the add-in's own config sheet pins.

    * ``Interpreter_Win``: our private Python (``%VAR%`` is expanded by the VBA);
    * ``ADD_WORKBOOK_TO_PYTHONPATH = FALSE``: the ledger's folder must not shadow modules;
    * ``UDF Modules``: where "Import Functions" would look (our wrappers are prebuilt).
    """
    interpreter = DEFAULT_INTERPRETER_WIN if interpreter is None else str(interpreter)
    if not interpreter.strip() or '"' in interpreter:
        raise UsageError(f"解释器路径无效：{interpreter!r}", remedy="请给出 pythonw.exe 的完整路径，不要带引号")
    return [
        ("Interpreter_Win", interpreter),
        ("ADD_WORKBOOK_TO_PYTHONPATH", False),
        ("UDF Modules", udf_module),
    ]


def _checkout_root() -> Path:
    """The folder that holds the ``addin`` package, so the child process imports the same code."""
    import addin

    return Path(addin.__file__).resolve().parent.parent


def udf_code(udf_module: str = DEFAULT_UDF_MODULE, *, extra_sys_path: tuple[Path, ...] = ()) -> UdfCode:
    """VBA wrappers for ``udf_module`` from ``xlwings.udfs.generate_vba_wrapper`` and its MacroOptions.

    Both are made in a child process (``addin.excel._wrappers``): the generator
    needs stubbed Windows modules and swapped decorators, and the child keeps both
    out of the caller. ``XLWINGS_ON_SERVER`` is dropped there, otherwise ``xw.func``
    would be the server decorator.
    """
    env = dict(os.environ)
    env.pop("XLWINGS_ON_SERVER", None)
    paths = [str(_checkout_root()), *(str(p) for p in extra_sys_path)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    with tempfile.TemporaryDirectory(prefix="zhenggai-wrappers-") as tmp:
        out, meta = Path(tmp) / "wrappers.vba", Path(tmp) / "options.json"
        cmd = [sys.executable, "-m", "addin.excel._wrappers", str(out), str(meta), ADDIN_FILE_NAME, udf_module]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=_WRAPPER_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise XlamBuildError(f"无法生成工作表函数的 VBA 包装代码：{exc}") from exc
        if proc.returncode != 0 or not out.is_file() or not meta.is_file():
            tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-8:])
            raise XlamBuildError(f"无法为模块 {udf_module} 生成工作表函数的 VBA 包装代码：\n{tail}")
        options = tuple(
            MacroOptions(o["name"], o["description"], o["category"], tuple(o["arguments"]))
            for o in json.loads(meta.read_text(encoding="utf-8"))
        )
        return UdfCode(out.read_text(encoding="utf-8"), options)


def _rewrite_vba(xlam: Path, ribbon_source: str) -> None:
    """Replace the source of ``xlwings``, ``RibbonMyAddin`` and ``ThisWorkbook``; add no module.

    ``ThisWorkbook`` is a document module: it is given only its body, and pyOpenVBA
    puts the template's ``Attribute`` header (VB_Base = the Workbook class) back in front.
    """
    try:
        from pyopenvba import ExcelFile
    except ImportError as exc:
        raise XlamBuildError(
            "构建加载项需要 pyopenvba", remedy="请重新安装 zhenggai（pip install zhenggai）后重试"
        ) from exc
    with ExcelFile(str(xlam)) as workbook:
        modules = workbook.module_names()
        for name in (XLWINGS_MODULE, RIBBON_MODULE, THIS_WORKBOOK_MODULE):
            if name not in modules:
                raise XlamBuildError(f"加载项模板中没有 VBA 模块 {name}（xlwings 版本不符？）")
        workbook.set_module(XLWINGS_MODULE, xlwings_module_source())
        workbook.set_module(RIBBON_MODULE, ribbon_source)
        workbook.set_module(THIS_WORKBOOK_MODULE, _ascii(this_workbook_source(), THIS_WORKBOOK_MODULE))
        workbook.save()


def build_xlam(
    out: Path,
    *,
    interpreter: str | None = None,
    udf_module: str = DEFAULT_UDF_MODULE,
    extra_sys_path: tuple[Path, ...] = (),
) -> Path:
    """Assemble the add-in at ``out`` (atomically) and return the path.

    ``interpreter`` is pinned in the add-in's config sheet (default: the private
    Python under ``%LOCALAPPDATA%``); ``udf_module`` is the module whose ``@xw.func``
    functions get VBA wrappers and Insert Function help; ``extra_sys_path`` lets the
    child process that generates them import a module that is not installed (tests).
    """
    out = Path(out)
    entries = config_entries(interpreter, udf_module)
    ribbon_source = ribbon_module_source(udf_code(udf_module, extra_sys_path=extra_sys_path))
    custom_ui = custom_ui_xml()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out, f"无法创建目录：{exc}") from exc
    with tempfile.TemporaryDirectory(prefix="zhenggai-xlam-") as tmp:
        stage = Path(tmp) / "stage.xlam"
        shutil.copyfile(template_path(), stage)
        _rewrite_vba(stage, ribbon_source)
        built = Path(tmp) / "built.xlam"
        try:
            package.rewrite_package(
                stage,
                built,
                custom_ui=custom_ui,
                template_sheet=TEMPLATE_CONFIG_SHEET,
                config_sheet=CONFIG_SHEET,
                config=entries,
            )
        except package.PackageError as exc:
            raise XlamBuildError(f"加载项模板的结构与预期不同：{exc}") from exc
        atomic_write_bytes(out, built.read_bytes())
    return out


def read_addin_config(xlam: Path) -> dict[str, str | bool]:
    """The key/value pairs pinned in a built add-in's ``zhenggai.conf`` sheet."""
    return package.read_config_sheet(Path(xlam), CONFIG_SHEET)
