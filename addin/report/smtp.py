"""Sending the upward message by SMTP: plain, STARTTLS or SSL, with an optional login.

The password is never in the settings file or the workbook: it is read from the
environment variable named by ``mail.password_env``, or else from the system
keyring (Windows Credential Manager, macOS Keychain, Secret Service) under
``mail.keyring_service`` — stored there once with
``python -m keyring set <service> <username>``. Every way sending can fail
(refused connection, unknown host, time-out, certificate, login, refused
sender or recipients, a message the server will not take) becomes one
:class:`MailNotSent` with a Chinese message and what to do; the caller has
already written the .eml, which can be sent by hand.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from addin.errors import OutputError, UsageError, ZhenggaiError
from addin.report.mail import MailSettings, mail_settings

DEFAULT_KEYRING_SERVICE = "zhenggai-smtp"


class MailNotSent(OutputError):
    """The message could not be sent (the .eml beside the export can still be sent by hand)."""

    def __init__(self, server: str, message: str, *, remedy: str | None = None) -> None:
        self.path = server
        ZhenggaiError.__init__(self, f"邮件没有发出（邮件服务器 {server}）：{message}", remedy=remedy)


def smtp_password(mail: MailSettings) -> str | None:
    """The login password: the environment variable first, then the system keyring; None if neither has one."""
    if mail.password_env:
        value = os.environ.get(mail.password_env)
        if value:
            return value
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        if mail.keyring_service:
            raise MailNotSent(
                mail.server,
                "设置了 keyring_service，但本机没有安装 keyring",
                remedy="请运行 pip install keyring，或改用 password_env 指定的环境变量",
            ) from None
        return None
    service = mail.keyring_service or DEFAULT_KEYRING_SERVICE
    try:
        return keyring.get_password(service, mail.username or "")
    except KeyringError as exc:
        if mail.keyring_service:
            raise MailNotSent(mail.server, f"无法读取系统钥匙串（{exc}）", remedy=_password_remedy(mail)) from exc
        return None  # no keyring on this machine and none asked for: only the environment counts


def _password_remedy(mail: MailSettings) -> str:
    env = mail.password_env or "ZHENGGAI_SMTP_PASSWORD"
    service = mail.keyring_service or DEFAULT_KEYRING_SERVICE
    return (
        f"请把密码放在环境变量 {env} 中（Windows：setx {env} 密码，然后重新打开窗口），"
        f"并在设置的 mail.password_env 中写上 {env}；"
        f"或存入系统钥匙串：python -m keyring set {service} {mail.username or '用户名'}"
    )


def send(message: EmailMessage, mail: MailSettings | Mapping[str, Any], *, password: str | None = None) -> list[str]:
    """Send ``message`` to the recipients and cc of ``mail``; returns the addresses the server refused.

    Raises :class:`UsageError` when the settings name no server, sender or
    recipient, and :class:`MailNotSent` when sending fails.
    """
    mail = mail_settings(mail)
    if not mail.can_send:
        missing = [
            k for k, v in (("host", mail.host), ("sender", mail.sender), ("recipients", mail.recipients)) if not v
        ]
        raise UsageError(
            f"设置中缺少发送邮件所需的 mail.{'、mail.'.join(missing)}",
            remedy="请在 zhenggai.json 的 mail 中填写邮件服务器、发件人和收件人；.eml 文件已写好，可用邮件软件手动发送",
        )
    if mail.username and password is None:
        password = smtp_password(mail)
        if not password:
            raise MailNotSent(mail.server, f"没有找到用户 {mail.username} 的密码", remedy=_password_remedy(mail))
    if not (mail.username or "").isascii() or not (password or "").isascii():
        raise MailNotSent(
            mail.server,
            "用户名或密码中有中文等非英文字符，邮件服务器不接受这样的登录",
            remedy="请改用只含英文字母、数字和符号的密码（或邮箱授权码）",
        )
    try:
        with _connect(mail) as smtp:
            if mail.username:
                smtp.login(mail.username, password or "")
            refused = smtp.send_message(message, from_addr=mail.sender, to_addrs=[*mail.recipients, *mail.cc])
    except ZhenggaiError:
        raise
    except Exception as exc:
        raise _not_sent(mail, exc) from exc
    return sorted(refused)


def _connect(mail: MailSettings) -> smtplib.SMTP:
    host, port, timeout = mail.host or "", mail.effective_port, mail.timeout
    context = ssl.create_default_context(cafile=str(mail.ca_file) if mail.ca_file else None)
    if mail.security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if mail.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _not_sent(mail: MailSettings, exc: BaseException) -> MailNotSent:
    """The one Chinese message for whatever went wrong while sending."""
    settings_hint = "请检查设置中的 mail.host、mail.port 和 mail.security（465 端口用 ssl，587 端口用 starttls）"
    server = mail.server
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailNotSent(
            server,
            f"登录失败，用户名或密码不正确（服务器答复 {_reply(exc)}）",
            remedy="请核对 mail.username 和密码；QQ、163 等邮箱要使用“授权码”而不是登录密码",
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        listed = "；".join(f"{addr}（{_reply(err)}）" for addr, err in exc.recipients.items())
        return MailNotSent(
            server, f"服务器拒收全部收件人：{listed}", remedy="请检查 mail.recipients 和 mail.cc 中的地址"
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailNotSent(
            server,
            f"服务器拒绝发件人 {exc.sender}（{_reply(exc)}）",
            remedy="发件人 mail.sender 通常必须与登录用户 mail.username 相同",
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailNotSent(server, f"服务器不支持所需的功能（{exc}）", remedy=settings_hint)
    if isinstance(exc, smtplib.SMTPDataError):
        return MailNotSent(
            server, f"服务器拒收这封邮件（{_reply(exc)}）", remedy="附件可能过大，或被服务器判为垃圾邮件"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError):
        exc = exc.__context__  # smtplib reports a silent server as "disconnected"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailNotSent(server, "服务器中途断开了连接", remedy=settings_hint)
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailNotSent(server, f"服务器答复错误（{_reply(exc)}）", remedy=settings_hint)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailNotSent(
            server,
            f"服务器证书无法验证（{exc.verify_message or exc}）",
            remedy="如单位邮件服务器使用内部证书，请在 mail.ca_file 中指定证书文件",
        )
    if isinstance(exc, ssl.SSLError):
        return MailNotSent(server, f"建立加密连接失败（{exc.reason or exc}）", remedy=settings_hint)
    if isinstance(exc, ConnectionRefusedError):
        return MailNotSent(server, "连接被拒绝（该端口没有邮件服务）", remedy=settings_hint)
    if isinstance(exc, socket.gaierror):
        return MailNotSent(server, f"找不到服务器 {mail.host}", remedy="请检查 mail.host 的拼写和本机网络")
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailNotSent(
            server,
            f"连接超时（{mail.timeout:g} 秒内没有答复）",
            remedy="请检查网络，或在设置中调大 mail.timeout_seconds",
        )
    if isinstance(exc, OSError):
        return MailNotSent(server, f"网络错误（{exc.strerror or exc}）", remedy=settings_hint)
    return MailNotSent(server, f"发送失败（{type(exc).__name__}: {exc}）", remedy=settings_hint)


def _reply(exc: BaseException) -> str:
    """An SMTP reply as ``535 认证失败``-style text: the code and the server's own words."""
    code = getattr(exc, "smtp_code", None)
    error = getattr(exc, "smtp_error", b"")
    if isinstance(exc, tuple):  # an entry of SMTPRecipientsRefused.recipients
        code, error = exc
    words = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return f"{code} {words}".strip()
