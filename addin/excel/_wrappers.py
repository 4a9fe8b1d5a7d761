"""Generate the VBA wrappers of our UDFs with xlwings' own generator, on any platform.

``xlwings.udfs.generate_vba_wrapper`` is what Excel's "Import Functions" button runs
on Windows. Its module imports ``pythoncom``/``pywintypes``/``win32com``, and on
other platforms ``xw.func``/``xw.arg``/``xw.ret`` are no-ops that record nothing. So
this module stubs the Windows modules, swaps the real recording decorators in, and
only then imports the UDF modules. Both steps poison the interpreter they run in,
which is why :func:`addin.excel.xlam.udf_code` runs this file in a fresh process::

    python -m addin.excel._wrappers OUT_FILE META_FILE BOOK_NAME MODULE [MODULE ...]

The wrapper text is written to ``OUT_FILE`` (UTF-8, the generator's own ``\\n``
line ends). ``META_FILE`` gets, as JSON, what "Import Functions" then passes to
``Application.MacroOptions`` for each function (see ``xlwings.udfs.import_udfs``):
the description, the category and the argument descriptions, read from the same
recorded metadata. Nothing else is written, so imports that print cannot corrupt
either file.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
import types
from pathlib import Path
from typing import Any


def _stub_windows_modules() -> None:
    """Just enough of pywin32 for ``import xlwings.udfs`` to succeed (nothing is called)."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    pythoncom = sys.modules["pythoncom"]
    if not hasattr(pythoncom, "CoInitialize"):
        pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pywintypes = sys.modules["pywintypes"]
    if not hasattr(pywintypes, "com_error"):
        pywintypes.com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    client = sys.modules["win32com.client"]
    if not hasattr(client, "Dispatch"):
        client.Dispatch = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    sys.modules["win32com"].client = client  # type: ignore[attr-defined]


class _AddinBook:
    """Stands in for the COM workbook: the generator only reads ``.Name``.

    A name ending in ``.xlam`` makes the wrappers pass ``ActiveWorkbook`` (the
    user's ledger) instead of ``ThisWorkbook`` (the add-in).
    """

    def __init__(self, name: str) -> None:
        self.Name = name


def generate(module_names: list[str], book_name: str) -> tuple[str, list[dict[str, Any]]]:
    """The wrapper text for ``module_names``, exactly as xlwings writes it, and the MacroOptions of each function."""
    _stub_windows_modules()
    import xlwings
    import xlwings.udfs as udfs

    # Must happen before the UDF modules are imported: their decorators run at import.
    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret  # type: ignore[assignment]
    out = io.StringIO()
    book = _AddinBook(book_name)
    modules = [importlib.import_module(name) for name in module_names]
    for name, module in zip(module_names, modules, strict=True):
        udfs.generate_vba_wrapper(name, module, out, book)
    return out.getvalue(), [options for module in modules for options in macro_options(module)]


def macro_options(module: types.ModuleType) -> list[dict[str, Any]]:
    """What ``xlwings.udfs.import_udfs`` passes to ``Application.MacroOptions`` for each function of ``module``.

    Same order (``dir``), same texts: the docstring (or xlwings' default) and each
    Excel-visible argument's ``doc``; cutting to Excel's 255 characters is left to
    the VBA writer, which counts UTF-16 units.
    """
    found = []
    for attr in dir(module):
        xlfunc = getattr(getattr(module, attr), "__xlfunc__", None)
        if xlfunc is None:
            continue
        found.append(
            {
                "name": xlfunc["name"],
                "description": xlfunc["ret"]["doc"],
                "category": xlfunc["category"],
                # ``caller`` is what generate_vba_wrapper marks VBA-supplied; checked here too so
                # the result does not depend on the generator having run first.
                "arguments": [arg["doc"] for arg in xlfunc["args"] if not arg["vba"] and arg["name"] != "caller"],
            }
        )
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 4:
        print(
            "usage: python -m addin.excel._wrappers OUT_FILE META_FILE BOOK_NAME MODULE [MODULE ...]", file=sys.stderr
        )
        return 2
    out_file, meta_file, book_name, *modules = argv
    wrappers, options = generate(modules, book_name)
    Path(out_file).write_text(wrappers, encoding="utf-8", newline="")
    Path(meta_file).write_text(json.dumps(options, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
