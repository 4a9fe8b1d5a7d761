"""The upward e-mail: settings, key figures, the message itself, and the .eml file.

Township clerks send with Outlook, Foxmail or a web mailbox, and the county
office reads on any of them, so the message is built for the oldest reader:
subject and sender name as RFC 2047 encoded words, text base64-encoded UTF-8,
each attachment named twice — RFC 2047 in ``Content-Type; name=`` (what
Outlook and Foxmail have always read) and RFC 2231 in
``Content-Disposition; filename*=`` (the standard, split into short
continuations) — and every header line shorter than 78 characters. The
headers are written out by hand and the message is then parsed into an
:class:`~email.message.EmailMessage` whose policy never refolds them
(Python's own folder mangles a long content type that carries a Chinese name).

The .eml is always written (:func:`write_eml`): with ``X-Unsent: 1`` Outlook
opens it as a draft ready to send, so a township without SMTP access still
sends in two clicks. Sending by SMTP is :mod:`addin.report.smtp`.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import email
import email.policy
import email.utils
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.header import Header
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

from addin.fsutil import atomic_write_bytes

EML_POLICY = email.policy.SMTP.clone(refold_source="none")
"""CRLF line ends; headers written exactly as built here."""
DEFAULT_SUBJECT_PREFIX = "【整改上报】"
DEFAULT_TIMEOUT = 30.0
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WORD_BYTES = 42  # UTF-8 bytes per encoded word: 68 characters once base64-encoded and wrapped
_PARAM_BYTES = 18  # UTF-8 bytes per RFC 2231 continuation: at most 54 characters once %-encoded
_LINE = 76


@dataclass(frozen=True)
class MailSettings:
    """The ``mail`` block of zhenggai.json (templates/schemas/settings.schema.json says what each key means).

    There is no password here by design: it comes from the environment variable
    named by ``password_env`` or from the system keyring (``keyring_service``).
    """

    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    username: str | None = None
    password_env: str | None = None
    keyring_service: str | None = None
    sender: str | None = None
    sender_name: str = ""
    recipients: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject_prefix: str = DEFAULT_SUBJECT_PREFIX
    unit: str = ""
    timeout: float = DEFAULT_TIMEOUT
    ca_file: Path | None = None
    export_dir: Path | None = None
    export_sheets: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], *, base: Path | None = None) -> MailSettings:
        """From the (schema-validated) ``mail`` block; relative paths are relative to ``base``."""

        def path(key: str) -> Path | None:
            value = raw.get(key)
            if not value:
                return None
            named = Path(value).expanduser()
            return named if named.is_absolute() or base is None else base / named

        return cls(
            host=raw.get("host") or None,
            port=raw.get("port"),
            security=raw.get("security", "starttls"),
            username=raw.get("username") or None,
            password_env=raw.get("password_env") or None,
            keyring_service=raw.get("keyring_service") or None,
            sender=raw.get("sender") or None,
            sender_name=raw.get("sender_name", ""),
            recipients=tuple(raw.get("recipients", ())),
            cc=tuple(raw.get("cc", ())),
            subject_prefix=raw.get("subject_prefix", DEFAULT_SUBJECT_PREFIX),
            unit=raw.get("unit", ""),
            timeout=float(raw.get("timeout_seconds", DEFAULT_TIMEOUT)),
            ca_file=path("ca_file"),
            export_dir=path("export_dir"),
            export_sheets=tuple(raw.get("export_sheets", ())),
        )

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.security, 25)

    @property
    def server(self) -> str:
        return f"{self.host}:{self.effective_port}" if self.host else "（未设置）"

    @property
    def can_send(self) -> bool:
        """Enough to send: a server, a sender and at least one recipient."""
        return bool(self.host and self.sender and self.recipients)


def mail_settings(settings: Any) -> MailSettings:
    """The :class:`MailSettings` of an :class:`addin.settings.Settings` (or of a raw ``mail`` dict)."""
    if isinstance(settings, MailSettings):
        return settings
    if isinstance(settings, Mapping):
        return MailSettings.from_dict(settings)
    base = settings.path.parent if getattr(settings, "path", None) else None
    return MailSettings.from_dict(settings.mail, base=base)


@dataclass(frozen=True)
class KeyFigures:
    """The numbers a leader reads in the subject line and at the top of the body.

    Filled from the exported workbook's own values (:mod:`addin.report.figures`)
    so that the mail never says something the attachment does not. ``None``
    means "not in the workbook" and is left out (never shown as 0). ``rate`` is a
    fraction (0.7 = 70.0 %), shown with one decimal like the 汇总 sheet's format.
    """

    total: int | None = None  # 问题总数
    done: int | None = None  # 已完成
    rate: float | None = None  # 完成率
    overdue: int | None = None  # 逾期
    errors: int | None = None  # 检查发现的错误级问题数
    as_of: dt.date | None = None  # 统计日期

    def items(self) -> list[tuple[str, str]]:
        """(label, shown value) for each known figure, in reading order."""
        out = []
        for label, value, unit in (
            ("问题总数", self.total, "个"),
            ("已完成", self.done, "个"),
            ("完成率", self.rate, ""),
            ("逾期", self.overdue, "个"),
            ("错误级问题", self.errors, "个"),
        ):
            if value is None:
                continue
            shown = f"{value:.1%}" if label == "完成率" else f"{value:g}"
            out.append((label, shown + unit))
        return out


@dataclass(frozen=True)
class Attachment:
    """A file to attach: where it is and the name the reader sees."""

    path: Path
    name: str = field(default="")

    @property
    def shown_name(self) -> str:
        return self.name or self.path.name


def subject_line(mail: MailSettings, figures: KeyFigures) -> str:
    """``【整改上报】沙窝镇 2024-07-17：问题总数40个，已完成28个，完成率70.0%，逾期7个``."""
    who = mail.unit
    when = figures.as_of.isoformat() if figures.as_of else ""
    head = " ".join(p for p in (who, when) if p) or "整改情况"
    figures_text = "，".join(f"{label}{shown}" for label, shown in figures.items()[:4])
    return f"{mail.subject_prefix}{head}" + (f"：{figures_text}" if figures_text else "")


def body_text(
    mail: MailSettings, figures: KeyFigures, attachments: Sequence[Attachment], notes: Sequence[str] = ()
) -> str:
    who = mail.unit or "我单位"
    lines = ["领导、同事：", "", f"现将{who}脱贫攻坚问题整改情况上报如下。"]
    if figures.as_of:
        lines.append(f"统计日期：{figures.as_of.isoformat()}")
    if figures.items():
        lines.append("")
        lines += [f"  {label}：{shown}" for label, shown in figures.items()]
    lines += ["", "附件："]
    lines += [f"  {a.shown_name}" for a in attachments]
    if notes:
        lines += ["", "说明："] + [f"  {n}" for n in notes]
    lines += ["", "附件中的数据均为数值（不含公式和宏），可直接打开、转发。", "", "（本邮件由整改台账助手生成）"]
    return "\n".join(lines) + "\n"


def build_message(
    mail: MailSettings | Mapping[str, Any],
    attachments: Sequence[Path | Attachment],
    figures: KeyFigures,
    *,
    notes: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The upward message: Chinese subject and body with ``figures``, the files attached."""
    mail = mail_settings(mail)
    files = [a if isinstance(a, Attachment) else Attachment(Path(a)) for a in attachments]
    boundary = f"=_zhenggai_{email.utils.make_msgid(domain='x').strip('<>').split('@')[0]}"
    when = now or dt.datetime.now().astimezone()
    headers = [("MIME-Version", "1.0"), ("Date", email.utils.format_datetime(when))]
    domain = mail.sender.rpartition("@")[2] if mail.sender and "@" in mail.sender else "zhenggai.local"
    headers.append(("Message-ID", email.utils.make_msgid("zhenggai", domain=domain)))
    if mail.sender:
        headers.append(("From", _address(mail.sender_name, mail.sender)))
    if mail.recipients:
        headers.append(("To", ",\r\n ".join(mail.recipients)))
    if mail.cc:
        headers.append(("Cc", ",\r\n ".join(mail.cc)))
    headers.append(("Subject", _encoded_words(subject_line(mail, figures))))
    headers.append(("Content-Type", f'multipart/mixed;\r\n boundary="{boundary}"'))
    parts = [_text_part(body_text(mail, figures, files, notes))] + [_file_part(a) for a in files]
    out = [f"{name}: {value}" for name, value in headers]
    out += ["", "This is a multi-part message in MIME format."]
    for part in parts:
        out += [f"--{boundary}", part]
    out.append(f"--{boundary}--")
    raw = "\r\n".join(out) + "\r\n"
    return email.message_from_bytes(raw.encode("ascii"), _class=EmailMessage, policy=EML_POLICY)  # type: ignore[return-value]


def _address(name: str, addr: str) -> str:
    return f"{_encoded_words(name)} <{addr}>" if name else addr


def _encoded_words(text: str) -> str:
    """RFC 2047 base64 encoded words, each on its own folded line (plain ASCII stays as it is)."""
    if text.isascii():
        return text
    return "\r\n ".join(Header(chunk, "utf-8").encode() for chunk in _chunks(text))


def _chunks(text: str, limit: int = _WORD_BYTES) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` UTF-8 bytes, never inside a character."""
    out, piece = [], ""
    for ch in text:
        if piece and len((piece + ch).encode("utf-8")) > limit:
            out.append(piece)
            piece = ""
        piece += ch
    return [*out, piece] if piece else out


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\r\n".join(encoded[i : i + _LINE] for i in range(0, len(encoded), _LINE))


def _text_part(text: str) -> str:
    head = 'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64'
    return f"{head}\r\n\r\n{_base64_lines(text.replace(chr(10), chr(13) + chr(10)).encode('utf-8'))}"


def _file_part(attachment: Attachment) -> str:
    name = attachment.shown_name
    ctype = XLSX_TYPE if name.lower().endswith(".xlsx") else mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.isascii():
        type_line = f'Content-Type: {ctype};\r\n name="{email.utils.quote(name)}"'
        disposition = f'Content-Disposition: attachment;\r\n filename="{email.utils.quote(name)}"'
    else:
        words = " ".join(Header(chunk, "utf-8").encode() for chunk in _chunks(name))
        type_line = f'Content-Type: {ctype};\r\n name="{words.replace(" ", chr(13) + chr(10) + " ")}"'
        pieces = [quote(chunk, safe="") for chunk in _chunks(name, _PARAM_BYTES)]
        params = [f"filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{p}" for i, p in enumerate(pieces)]
        disposition = "Content-Disposition: attachment;\r\n " + ";\r\n ".join(params)
    data = attachment.path.read_bytes()
    return f"{type_line}\r\nContent-Transfer-Encoding: base64\r\n{disposition}\r\n\r\n{_base64_lines(data)}"


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire and into the .eml (CRLF line ends)."""
    return message.as_bytes(policy=EML_POLICY)


def write_eml(message: EmailMessage, dst: str | Path, *, draft: bool = True) -> Path:
    """Write the message as an .eml file; ``draft`` marks it unsent so Outlook opens it ready to send."""
    dst = Path(dst)
    if draft and message.get("X-Unsent") is None:
        message = copy.deepcopy(message)
        message["X-Unsent"] = "1"
    atomic_write_bytes(dst, message_bytes(message))
    return dst


def eml_name(export: str | Path) -> str:
    """``沙窝镇汇总-上报.xlsx`` → ``沙窝镇汇总-上报.eml``."""
    return f"{Path(export).stem}.eml"
