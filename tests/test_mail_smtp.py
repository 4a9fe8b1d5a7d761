"""Sending to a real SMTP server on localhost (aiosmtpd): plain, STARTTLS, SSL, login; each failure in Chinese."""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
from collections.abc import Iterator
from pathlib import Path

import keyring
import openpyxl
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from addin.errors import UsageError
from addin.report.export import export_workbook
from addin.report.figures import key_figures
from addin.report.mail import KeyFigures, MailSettings, build_message
from addin.report.smtp import MailNotSent, send, smtp_password
from tests.helpers.export_books import TOWNS, summary_source
from tests.helpers.smtp_server import HOST, free_port, smtp_server

SENDER = "shawo@example.gov.cn"
COUNTY = "fupinban@example.gov.cn"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
USER, PASSWORD = "shawo@example.gov.cn", "Zg-2024!auth"


def settings(port: int, **extra: object) -> MailSettings:
    base: dict[str, object] = {
        "host": HOST,
        "port": port,
        "security": "none",
        "sender": SENDER,
        "recipients": [COUNTY],
        "unit": "沙窝镇",
        "timeout_seconds": 10,
    }
    return MailSettings.from_dict(base | extra)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    return export_workbook(src, tmp_path / "沙窝镇汇总-上报.xlsx").path


def message_for(export: Path, mail: MailSettings) -> email.message.EmailMessage:
    return build_message(mail, [export], key_figures(export))


def received(server_inbox: list, index: int = 0) -> email.message.EmailMessage:
    return email.message_from_bytes(server_inbox[index].content, policy=email.policy.default)  # type: ignore[return-value]


def test_plain_smtp_delivers_a_message_whose_attachment_and_figures_match_the_summary(
    tmp_path: Path, export: Path
) -> None:
    with smtp_server(tmp_path) as server:
        mail = settings(server.port, cc=["zhuren@example.gov.cn"])
        refused = send(message_for(export, mail), mail)
    assert refused == []
    (got,) = server.inbox.messages
    assert got.mail_from == SENDER and got.rcpt_tos == [COUNTY, "zhuren@example.gov.cn"]
    msg = received(server.inbox.messages)
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "沙窝镇汇总-上报.xlsx"
    (tmp_path / "got").mkdir()
    opened = tmp_path / "got" / attachment.get_filename()
    opened.write_bytes(attachment.get_content())
    ws = openpyxl.load_workbook(opened)["汇总"]
    assert [[ws.cell(r, c).value for c in (1, 2, 3, 5)] for r in range(4, 7)] == [[t, n, d, o] for t, n, d, o in TOWNS]
    total, done, overdue = (sum(t[i] for t in TOWNS) for i in (1, 2, 3))
    assert [ws["B7"].value, ws["C7"].value, ws["E7"].value] == [total, done, overdue]
    subject = msg["Subject"]
    assert subject.startswith("【整改上报】沙窝镇 2024-07-17")
    assert f"问题总数{total}个" in subject and f"已完成{done}个" in subject and f"逾期{overdue}个" in subject
    assert f"完成率{done / total:.1%}" in subject
    body = msg.get_body(("plain",)).get_content()
    assert f"问题总数：{total}个" in body and f"完成率：{done / total:.1%}" in body and "沙窝镇汇总-上报.xlsx" in body


def test_starttls_with_login_uses_the_password_from_the_environment(
    tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZG_TEST_SMTP_PASSWORD", PASSWORD)
    with smtp_server(tmp_path, tls="starttls", login=(USER, PASSWORD)) as server:
        mail = settings(
            server.port,
            security="starttls",
            username=USER,
            password_env="ZG_TEST_SMTP_PASSWORD",
            ca_file=str(server.cert),
        )
        send(message_for(export, mail), mail)
    (got,) = server.inbox.messages
    assert got.login == USER
    assert received(server.inbox.messages)["Subject"].startswith("【整改上报】沙窝镇")


def test_ssl_from_the_first_byte_with_login(tmp_path: Path, export: Path) -> None:
    with smtp_server(tmp_path, tls="ssl", login=(USER, PASSWORD)) as server:
        mail = settings(server.port, security="ssl", username=USER, ca_file=str(server.cert))
        send(message_for(export, mail), mail, password=PASSWORD)
    assert [m.login for m in server.inbox.messages] == [USER]


def test_wrong_password_is_a_chinese_error_naming_the_server(
    tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZG_TEST_SMTP_PASSWORD", "wrong-password")
    with smtp_server(tmp_path, login=(USER, PASSWORD)) as server:
        mail = settings(server.port, username=USER, password_env="ZG_TEST_SMTP_PASSWORD")
        with pytest.raises(MailNotSent) as caught:
            send(message_for(export, mail), mail)
    text = str(caught.value)
    assert f"邮件服务器 {HOST}:{server.port}" in text and "登录失败，用户名或密码不正确" in text and "535" in text
    assert "授权码" in text and "Traceback" not in text
    assert isinstance(caught.value.__cause__, smtplib.SMTPAuthenticationError)
    assert server.inbox.messages == []


def test_a_self_signed_certificate_is_refused_unless_named_in_ca_file(tmp_path: Path, export: Path) -> None:
    with smtp_server(tmp_path, tls="starttls") as server:
        mail = settings(server.port, security="starttls")
        with pytest.raises(MailNotSent, match="服务器证书无法验证") as caught:
            send(message_for(export, mail), mail)
    assert "mail.ca_file" in str(caught.value)


def test_refused_recipients(tmp_path: Path, export: Path) -> None:
    stranger = "nobody@example.gov.cn"
    with smtp_server(tmp_path, refuse={stranger}) as server:
        some = settings(server.port, recipients=[COUNTY, stranger])
        assert send(message_for(export, some), some) == [stranger]
        only = settings(server.port, recipients=[stranger])
        with pytest.raises(MailNotSent, match=f"服务器拒收全部收件人：{stranger}（550"):
            send(message_for(export, only), only)
    assert [m.rcpt_tos for m in server.inbox.messages] == [[COUNTY]]


def test_connection_refused_and_missing_settings(tmp_path: Path, export: Path) -> None:
    mail = settings(free_port())  # nothing listens there
    with pytest.raises(MailNotSent, match="连接被拒绝") as caught:
        send(message_for(export, mail), mail)
    assert "mail.host、mail.port 和 mail.security" in str(caught.value)
    incomplete = MailSettings.from_dict({"host": HOST, "sender": SENDER})
    with pytest.raises(UsageError, match=r"mail\.recipients"):
        send(message_for(export, incomplete), incomplete)


class _Memory(KeyringBackend):
    """A real keyring backend that keeps passwords in memory (the OS keyrings are not there in CI)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[_Memory]:
    previous = keyring.get_keyring()
    backend = _Memory()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_password_can_come_from_the_system_keyring(
    tmp_path: Path, export: Path, memory_keyring: _Memory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZG_TEST_SMTP_PASSWORD", raising=False)
    memory_keyring.set_password("县扶贫办邮箱", USER, PASSWORD)
    with smtp_server(tmp_path, login=(USER, PASSWORD)) as server:
        mail = settings(
            server.port, username=USER, password_env="ZG_TEST_SMTP_PASSWORD", keyring_service="县扶贫办邮箱"
        )
        assert smtp_password(mail) == PASSWORD
        send(message_for(export, mail), mail)
    assert [m.login for m in server.inbox.messages] == [USER]
    monkeypatch.setenv("ZG_TEST_SMTP_PASSWORD", "from-the-environment")
    assert smtp_password(mail) == "from-the-environment"
    monkeypatch.setenv("ZG_TEST_SMTP_PASSWORD", "中文密码")
    with pytest.raises(MailNotSent, match="非英文字符"):
        send(message_for(export, mail), mail)


def test_a_login_without_any_password_says_where_to_put_it(
    memory_keyring: _Memory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZG_TEST_SMTP_PASSWORD", raising=False)
    mail = settings(free_port(), username=USER, password_env="ZG_TEST_SMTP_PASSWORD")
    with pytest.raises(MailNotSent, match=f"没有找到用户 {USER} 的密码") as caught:
        send(build_message(mail, [], KeyFigures(total=1)), mail)
    assert "setx ZG_TEST_SMTP_PASSWORD" in str(caught.value) and "python -m keyring set zhenggai-smtp" in str(
        caught.value
    )


def test_a_server_that_never_answers_times_out(export: Path) -> None:
    with socket.socket() as silent:  # accepts the connection, never greets
        silent.bind((HOST, 0))
        silent.listen(1)
        mail = settings(silent.getsockname()[1], timeout_seconds=1)
        with pytest.raises(MailNotSent, match="连接超时（1 秒内没有答复）") as caught:
            send(message_for(export, mail), mail)
    assert "mail.timeout_seconds" in str(caught.value)
