"""Read a built add-in back with tools that did not write it (oletools, olefile), and a stand-in UDF module.

Shared by tests/test_xlam.py and tests/test_addin_cli.py.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import olefile
from oletools.olevba import VBA_Parser, decompress_stream

ROOT = Path(__file__).resolve().parent.parent.parent
STANDIN = "zg_standin_udfs"
STANDIN_SOURCE = '''
import xlwings as xw


@xw.func(call_in_wizard=False)
@xw.arg("id_number", doc="身份证号")
def ZG_IDCARD(id_number):
    """身份证号是否有效"""
    return ""


@xw.func(call_in_wizard=False)
@xw.arg("table", ndim=2, doc="整张表（含表头）")
def ZG_CHECKS(table, as_of=None):
    return [[""]]


@xw.func(call_in_wizard=False)
def ZG_JOIN(*values):
    return ""
'''


def write_standin(folder: Path) -> Path:
    """A tiny UDF module (one optional argument, one vararg) that does not depend on addin.udfs."""
    (folder / f"{STANDIN}.py").write_text(STANDIN_SOURCE, encoding="utf-8")
    return folder


_EXPECTED_UDF_CODE = textwrap.dedent(
    """
    import io, json, sys, types
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
    import importlib, xlwings, xlwings.udfs as udfs
    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    class Book:
        Name = "zhenggai.xlam"
    module = importlib.import_module(sys.argv[1])
    out = io.StringIO()
    udfs.generate_vba_wrapper(sys.argv[1], module, out, Book())
    # What xlwings.udfs.import_udfs then passes to Application.MacroOptions (Excel 2010 and later).
    options = []
    for mvar in map(lambda attr: getattr(module, attr), dir(module)):
        if hasattr(mvar, "__xlfunc__"):
            xlfunc = mvar.__xlfunc__
            options.append({
                "macro": xlfunc["name"],
                "description": xlfunc["ret"]["doc"][:255],
                "category": xlfunc["category"],
                "arguments": [arg["doc"][:255] for arg in xlfunc["args"] if not arg["vba"]],
            })
    json.dump({"wrappers": out.getvalue(), "macro_options": options}, sys.stdout)
    """
)


@functools.cache
def _expected_udf_json(module: str, extra_path: Path | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (ROOT, extra_path) if p)
    proc = subprocess.run(
        [sys.executable, "-c", _EXPECTED_UDF_CODE, module], env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


def _expected_udf_code(module: str, extra_path: Path | None) -> dict[str, Any]:
    return json.loads(_expected_udf_json(module, extra_path))  # a fresh copy per call: callers may mutate it


def expected_wrappers(module: str, extra_path: Path | None = None) -> str:
    """xlwings' generator run by a script of our own, not by addin.excel._wrappers."""
    return _expected_udf_code(module, extra_path)["wrappers"]


def expected_macro_options(module: str, extra_path: Path | None = None) -> list[dict[str, Any]]:
    """Per function, what xlwings' "Import Functions" would pass to MacroOptions, read by the same script.

    Keys: ``macro`` (the function name), ``description``, ``category``, ``arguments``.
    """
    return _expected_udf_code(module, extra_path)["macro_options"]


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {fn.rsplit(".", 1)[0]: code for (_, _, fn, code) in parser.extract_macros()}
    finally:
        parser.close()


def lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def vba_project(path: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(path) as z:
        return olefile.OleFileIO(z.read("xl/vbaProject.bin"))


def module_offsets(path: Path) -> dict[str, int]:
    """MODULEOFFSET (record 0x0031) per MODULENAME (0x0019) from the decompressed ``dir`` stream ([MS-OVBA] 2.3.4.2)."""
    ole = vba_project(path)
    data = decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
    ole.close()
    offsets: dict[str, int] = {}
    pos, name = 0, ""
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: the size field is a constant 4, the record has 6 bytes
            size = 6
        record = bytes(data[pos : pos + size])
        pos += size
        if rid == 0x0019:
            name = record.decode("latin-1")
        elif rid == 0x0031:
            offsets[name] = struct.unpack("<I", record)[0]
    return offsets
