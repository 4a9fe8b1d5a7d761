"""导出上报: the open workbook's chosen sheets → ``<name>-上报.xlsx`` and ``.eml`` beside it, sent when configured.

The export is built from what the open workbook shows (one bulk read per chosen
sheet), so unsaved edits are exported as the user sees them; formats, merged
cells, widths and charts come from the saved file, which is why the workbook
must have been saved once. Nothing is written into the user's workbook: the
action only reads it and writes new files next to it (or into
``mail.export_dir``). Sending happens only when the settings name a server,
sender and recipients; a failed send still leaves the .eml to send by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from addin.excel import messages
from addin.excel.book import book_file, sheet_values
from addin.report.export import ExportResult, choose_sheets, export_name, export_workbook, output_folder
from addin.report.figures import key_figures
from addin.report.mail import build_message, eml_name, mail_settings, write_eml
from addin.report.smtp import MailNotSent, send
from addin.settings import load_settings

if TYPE_CHECKING:
    import xlwings as xw

NOT_SAVED = (
    "请先保存工作簿（文件→另存为，保存为 .xlsx 或 .xlsm），再点击“导出上报”。\n"
    "导出的文件会保存在工作簿所在的文件夹中。本次没有做任何修改。"
)


def export_report(book: xw.Book) -> None:
    """导出上报: values-only export and .eml next to the workbook; sent by SMTP when the settings allow."""
    path = book_file(book)
    if path is None:
        messages.show(book, NOT_SAVED, problem=True)
        return
    settings = load_settings(near=path)
    mail = mail_settings(settings)
    available = [(sheet.name, bool(sheet.visible)) for sheet in book.sheets]
    chosen = choose_sheets(available, list(mail.export_sheets) or None, source=path.name)
    values = {name: sheet_values(book.sheets[name]) for name in chosen}
    out_dir = output_folder(mail.export_dir or path.parent)
    result = export_workbook(path, out_dir / export_name(path), chosen, values=values)
    message = build_message(mail, [result.path], key_figures(result.path), notes=result.warnings)
    eml = write_eml(message, out_dir / eml_name(result.path))
    if not mail.can_send:
        messages.show(book, done_text(result, eml, sent=None))
        return
    try:
        refused = send(message, mail)
    except MailNotSent as exc:
        messages.show(book, done_text(result, eml, sent=None, send_error=str(exc)), problem=True)
        return
    sent = [a for a in (*mail.recipients, *mail.cc) if a not in refused]
    messages.show(book, done_text(result, eml, sent=sent, refused=refused))


def done_text(
    result: ExportResult,
    eml: Path,
    *,
    sent: list[str] | None,
    send_error: str | None = None,
    refused: list[str] | None = None,
) -> str:
    """The message after 导出上报: what was written where, whether the mail went out, what to look at."""
    lines = [
        f"已导出上报文件（只含数值，不含公式和宏）：\n{result.path}",
        f"包含的工作表：{'、'.join(result.sheets)}",
        f"邮件文件：\n{eml}",
    ]
    if sent:
        lines.append(f"邮件已发送给：{'、'.join(sent)}")
    elif send_error:
        lines.append(f"{send_error}\n可以用 Outlook、Foxmail 打开上面的邮件文件后手动发送。")
    else:
        lines.append("设置中没有邮件服务器，邮件没有自动发送：用 Outlook、Foxmail 打开上面的邮件文件即可发送。")
    if refused:
        lines.append(f"服务器拒收了：{'、'.join(refused)}，请核对这些地址。")
    lines += [f"注意：{w}" for w in result.warnings]
    lines.append("当前工作簿没有被修改。")
    return "\n".join(lines)
