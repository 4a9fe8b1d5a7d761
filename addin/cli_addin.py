"""``zhenggai addin build|install|uninstall``: the Excel add-in from the command line.

Kept apart from ``addin/cli.py`` because it is the one CLI command allowed to use
xlwings (through ``addin.excel.xlam``), and that import happens only inside the
handlers, so ``zhenggai check`` never pays for it. ``addin/cli.py`` wires it with
:func:`register` and :func:`run`; library errors (``ZhenggaiError``) propagate to
``cli.main``, which prints them in Chinese and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from addin.excel import install as installer

NAME = "addin"
DEFAULT_OUTPUT = Path("dist") / installer.ADDIN_FILE_NAME


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``addin`` command and its three sub-commands to ``zhenggai``'s parser."""
    addin = subparsers.add_parser(
        "addin",
        help="生成、安装或卸载 Excel 加载项 zhenggai.xlam",
        description="生成、安装或卸载 Excel 加载项 zhenggai.xlam（功能区“整改助手”和 ZG_ 工作表函数）。",
    )
    sub = addin.add_subparsers(dest="addin_command", metavar="子命令", parser_class=type(addin))

    build = sub.add_parser(
        "build", help="生成 zhenggai.xlam（任何系统均可）", description="用已安装的 xlwings 模板生成加载项文件。"
    )
    build.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, metavar="PATH", help=f"输出文件（默认 {DEFAULT_OUTPUT}）"
    )
    build.add_argument(
        "--interpreter",
        metavar="PATH",
        help=r"加载项使用的 pythonw.exe（默认 %%LOCALAPPDATA%%\Zhenggai\python\pythonw.exe）",
    )

    inst = sub.add_parser(
        "install",
        help="安装到本机 Excel（仅 Windows）",
        description="把加载项复制到 Excel 启动文件夹 XLSTART，并写入 Python 路径配置（仅 Windows）。",
    )
    inst.add_argument("--xlam", type=Path, metavar="PATH", help="安装已生成的加载项文件（默认用当前 Python 现场生成）")

    sub.add_parser(
        "uninstall",
        help="从本机 Excel 卸载（仅 Windows）",
        description="删除 XLSTART 中的加载项和配置文件（仅 Windows）。",
    )
    addin.set_defaults(addin_parser=addin)
    return addin


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


def _windows_only() -> int:
    print(f"zhenggai：{installer.WINDOWS_ONLY}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run ``zhenggai addin …``; returns the exit code."""
    command = getattr(args, "addin_command", None)
    if command == "build":
        from addin.excel.xlam import build_xlam

        out = build_xlam(args.output, interpreter=args.interpreter)
        print(f"已生成加载项：{out}")
        return 0
    if command == "install":
        if not installer.is_windows():
            return _windows_only()
        _print(installer.install(args.xlam))
        return 0
    if command == "uninstall":
        if not installer.is_windows():
            return _windows_only()
        _print(installer.uninstall())
        return 0
    args.addin_parser.print_help(sys.stderr)
    return 2
