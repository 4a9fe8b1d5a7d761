"""Install the add-in for the current Windows user, and remove it again.

What ``xlwings addin install`` does, minus the need for a running Excel:

* copy ``zhenggai.xlam`` into the user's XLSTART folder
  (``%APPDATA%\\Microsoft\\Excel\\XLSTART``): Excel opens every file there at start,
  and XLSTART is one of Excel's default trusted locations, so macros run;
* write ``%USERPROFILE%\\.zhenggai\\zhenggai.conf`` with ``INTERPRETER_WIN`` in the
  format the VBA reads (``GetConfigFromFile``: one ``"KEY","value"`` line per key,
  read with ``Input #`` in the ANSI code page).

Note the precedence in ``GetConfig``: the add-in's own ``zhenggai.conf`` sheet beats
the user file. That is why a plain ``install`` builds the add-in pinned to the
Python that runs it; the user file is then the same value, kept for tools (and
people) that look there. When a prebuilt add-in is given with ``--xlam``, a
mismatch between its pinned interpreter and this Python is reported.
"""

from __future__ import annotations

import contextlib
import locale
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from addin.errors import FileMissing, OutputError, UsageError
from addin.fsutil import atomic_write_bytes

PROJECT_NAME = "zhenggai"  # = addin.excel.xlam.PROJECT_NAME; repeated so this module stays import-light
ADDIN_FILE_NAME = f"{PROJECT_NAME}.xlam"
CONF_KEY = "INTERPRETER_WIN"

WINDOWS_ONLY = (
    "“整改助手”加载项只能安装到 Windows 版 Microsoft Excel（需要 Windows 上的 Excel 和 Python）。"
    "当前系统不是 Windows，没有做任何更改。\n"
    "在这台电脑上可以用 zhenggai check 命令检查台账；"
    "也可以用 zhenggai addin build 生成 zhenggai.xlam，再到 Windows 电脑上安装。"
)


def is_windows() -> bool:
    return sys.platform == "win32"


@dataclass(frozen=True)
class InstallPaths:
    """Where the add-in and its user config file live for this user."""

    xlstart: Path
    addin: Path
    conf: Path


def install_paths(env: Mapping[str, str] | None = None) -> InstallPaths:
    """The user's XLSTART folder and the config file the VBA's ``GetConfigFilePath`` reads."""
    env = os.environ if env is None else env
    missing = [name for name in ("APPDATA", "USERPROFILE") if not env.get(name)]
    if missing:
        raise UsageError(f"找不到环境变量 {'、'.join(missing)}", remedy="请在普通的 Windows 用户账户中运行")
    xlstart = Path(env["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"
    conf = Path(env["USERPROFILE"]) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    return InstallPaths(xlstart=xlstart, addin=xlstart / ADDIN_FILE_NAME, conf=conf)


def pythonw_path(executable: str | None = None) -> Path:
    """``pythonw.exe`` next to the running interpreter (no console window per click), else the interpreter."""
    exe = Path(executable or sys.executable)
    windowed = exe.with_name("pythonw.exe")
    return windowed if windowed.is_file() else exe


def expand_windows_vars(text: str, env: Mapping[str, str] | None = None) -> str:
    """``%NAME%`` expansion as the VBA's ``ExpandEnvironmentStrings`` does it (on every platform)."""
    env = os.environ if env is None else env
    upper = {k.upper(): v for k, v in env.items()}
    return re.sub(r"%([^%]+)%", lambda m: upper.get(m.group(1).upper(), m.group(0)), text)


def _ansi_encoding() -> str:
    """VBA's ``Input #`` reads files in the ANSI code page (GBK on Chinese Windows)."""
    try:
        import codecs

        return codecs.lookup("mbcs").name
    except LookupError:  # not on Windows (tests simulate it)
        return locale.getpreferredencoding(False)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)


def conf_line(key: str, value: str) -> str:
    """One line as VBA ``Write #`` writes it and ``Input #`` reads it (no quotes possible inside)."""
    if '"' in key or '"' in value:
        raise UsageError(f"配置值不能包含双引号：{value}")
    return f'"{key}","{value}"\r\n'


def write_user_conf(conf: Path, interpreter: str) -> None:
    """Set ``INTERPRETER_WIN`` in the user config file, keeping any other keys someone put there."""
    encoding = _ansi_encoding()
    kept: list[str] = []
    if conf.is_file():
        for line in conf.read_text(encoding=encoding, errors="replace").splitlines():
            key = line.split(",", 1)[0].strip().strip('"')
            if line.strip() and key.upper() != CONF_KEY:
                kept.append(line + "\r\n")
    text = "".join(kept) + conf_line(CONF_KEY, interpreter)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"Python 路径 {interpreter} 含有当前系统代码页（{encoding}）无法表示的字符",
            remedy="请把 Python 安装到只含英文或常用汉字的路径下",
        ) from exc
    try:
        _write_atomic(conf, data)
    except OSError as exc:
        raise OutputError(conf, str(exc)) from exc


def _same_path(a: str, b: str) -> bool:
    return os.path.normcase(a).replace("/", "\\").lower() == os.path.normcase(b).replace("/", "\\").lower()


def install(xlam: Path | None = None, *, env: Mapping[str, str] | None = None) -> list[str]:
    """Install for the current user; returns the lines to show. Windows only (callers check)."""
    paths = install_paths(env)
    interpreter = str(pythonw_path())
    notes: list[str] = []
    try:
        paths.xlstart.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(paths.xlstart, str(exc)) from exc
    if xlam is None:
        from addin.excel.xlam import build_xlam  # needs xlwings + pyopenvba: import only when building

        build_xlam(paths.addin, interpreter=interpreter)
        notes.append(f"已生成加载项并安装到：{paths.addin}")
    else:
        notes += _install_prebuilt(Path(xlam), paths, interpreter, env)
    write_user_conf(paths.conf, interpreter)
    notes.append(f"已写入配置文件：{paths.conf}（INTERPRETER_WIN = {interpreter}）")
    notes.append("请关闭并重新打开 Excel，功能区上会出现“整改助手”选项卡。")
    return notes


def _install_prebuilt(xlam: Path, paths: InstallPaths, interpreter: str, env: Mapping[str, str] | None) -> list[str]:
    from addin.excel.xlam import read_addin_config

    if not xlam.is_file():
        raise FileMissing(xlam, "找不到要安装的加载项文件")
    try:
        pinned = read_addin_config(xlam).get("Interpreter_Win")
    except (zipfile.BadZipFile, KeyError, ValueError, ET.ParseError, OSError) as exc:  # refuse a broken add-in
        raise UsageError(
            f"“{xlam}”不是有效的 zhenggai 加载项：{exc}", remedy="请用 zhenggai addin build 重新生成"
        ) from exc
    try:
        _write_atomic(paths.addin, xlam.read_bytes())
    except OSError as exc:
        raise OutputError(paths.addin, str(exc), remedy="如果 Excel 正在运行，请先关闭所有 Excel 窗口") from exc
    notes = [f"已安装加载项：{paths.addin}"]
    if isinstance(pinned, str) and pinned:
        expanded = expand_windows_vars(pinned, env)
        if not _same_path(expanded, interpreter):
            notes.append(
                f"注意：该加载项内置的 Python 路径是 {pinned}（优先于用户配置文件），"
                f"与当前 Python（{interpreter}）不同。"
            )
            if not Path(expanded).is_file():
                notes.append(
                    f"警告：{expanded} 不存在，点击按钮时会找不到 Python；不加 --xlam 重新安装即改用当前 Python。"
                )
    return notes


def uninstall(*, env: Mapping[str, str] | None = None) -> list[str]:
    """Remove the add-in from XLSTART and our user config file; returns the lines to show."""
    paths = install_paths(env)
    notes: list[str] = []
    for path, what in ((paths.addin, "加载项"), (paths.conf, "配置文件")):
        if not path.exists():
            continue
        try:
            path.unlink()
        except OSError as exc:
            raise OutputError(path, f"无法删除：{exc}", remedy="如果 Excel 正在运行，请先关闭所有 Excel 窗口") from exc
        notes.append(f"已删除{what}：{path}")
    with contextlib.suppress(OSError):
        paths.conf.parent.rmdir()  # only when empty: other files there are not ours
    if not notes:
        notes.append("没有找到已安装的“整改助手”加载项，无需卸载。")
    else:
        notes.append("请重新打开 Excel，“整改助手”选项卡将不再出现。")
    return notes
