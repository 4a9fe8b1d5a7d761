"""``zhenggai export FILE``: the values-only workbook to send upward, its PDF, the .eml, and sending.

Each step calls the library (:mod:`addin.report.export`, :mod:`~addin.report.pdf`,
:mod:`~addin.report.mail`, :mod:`~addin.report.smtp`) and prints one Chinese line.
A PDF that cannot be made (no LibreOffice) is a note, not a failure; a message
that cannot be sent leaves the .eml written and exits 2 with the reason.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from addin.errors import OutputError
from addin.report.export import export_name, export_workbook, output_folder
from addin.report.figures import key_figures
from addin.report.mail import build_message, eml_name, mail_settings, write_eml
from addin.report.pdf import export_pdf
from addin.report.smtp import MailNotSent, send
from addin.settings import load_settings

NAME = "export"
DEFAULT_OUT = Path("out")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``zhenggai export`` to the parser."""
    cmd = subparsers.add_parser(
        NAME,
        help="导出上报：只含数值的工作簿、PDF、邮件（.eml）并可直接发送",
        description=(
            "把汇总、排名等工作表导出为只含数值的 <文件名>-上报.xlsx（公式替换为计算结果，不含宏和外部链接），"
            "可同时生成 PDF 和邮件（.eml），并按设置文件中的 mail 通过 SMTP 发送。"
        ),
    )
    cmd.add_argument("file", metavar="FILE", type=Path, help="要导出的工作簿（通常是 汇总.xlsx 或已检查的台账）")
    cmd.add_argument(
        "--sheets",
        metavar="汇总,排名",
        help="要导出的工作表，逗号分隔（默认：有“汇总”“排名”“六个一统计”“检查结果”时导出这些，否则导出全部可见工作表）",
    )
    cmd.add_argument("--out", type=Path, metavar="DIR", help="输出目录（默认：设置中的 mail.export_dir，否则 out）")
    cmd.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要安装 LibreOffice）")
    cmd.add_argument(
        "--eml", action="store_true", help="写出邮件文件 <文件名>-上报.eml（可用 Outlook、Foxmail 打开后发送）"
    )
    cmd.add_argument("--send", action="store_true", help="按设置中的 mail 通过 SMTP 发送（同时写出 .eml）")
    cmd.add_argument("--settings", type=Path, metavar="FILE", help="设置文件（默认查找 zhenggai.json）")
    return cmd


def _sheet_list(text: str | None) -> list[str] | None:
    if not text:
        return None
    names = [n.strip() for n in re.split(r"[,，、]", text) if n.strip()]
    return names or None


def run(args: argparse.Namespace) -> int:
    """Run ``zhenggai export``; returns the exit code."""
    source: Path = args.file
    settings = load_settings(args.settings, near=source if source.exists() else None)
    mail = mail_settings(settings)
    out_dir = output_folder(args.out or mail.export_dir or DEFAULT_OUT)
    sheets = _sheet_list(args.sheets) or list(mail.export_sheets) or None
    result = export_workbook(source, out_dir / export_name(source), sheets)
    print(f"已导出：{result.path}（工作表：{'、'.join(result.sheets)}）")
    for line in result.warnings:
        print(f"注意：{line}")
    attachments = [result.path]
    if args.pdf:
        pdf = result.path.with_suffix(".pdf")
        try:
            attachments.append(export_pdf(result.path, pdf))
            print(f"PDF：{pdf}")
        except OutputError as exc:
            print(f"注意：{exc}")
    if not (args.eml or args.send):
        return 0
    figures = key_figures(result.path)
    message = build_message(mail, attachments, figures, notes=result.warnings)
    eml = write_eml(message, out_dir / eml_name(result.path))
    print(f"邮件：{eml}（主题：{message['Subject']}）")
    if not args.send:
        return 0
    if not mail.can_send:
        print(
            "zhenggai：设置中没有完整的发信信息（mail.host、mail.sender、mail.recipients），邮件没有发送；"
            f"可用邮件软件打开 {eml} 手动发送",
            file=sys.stderr,
        )
        return 2
    try:
        refused = send(message, mail)
    except MailNotSent as exc:
        print(f"zhenggai：{exc}", file=sys.stderr)
        print(f"邮件已保存为 {eml}，可用邮件软件打开后手动发送。", file=sys.stderr)
        return 2
    sent_to = [a for a in (*mail.recipients, *mail.cc) if a not in refused]
    print(f"已发送给：{'、'.join(sent_to)}（邮件服务器 {mail.server}）")
    if refused:
        print(f"注意：服务器拒收了 {'、'.join(refused)}，请核对这些地址", file=sys.stderr)
    return 0
