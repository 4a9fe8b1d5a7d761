"""A real SMTP server on localhost for the mail tests (aiosmtpd), with TLS and login when asked.

:func:`smtp_server` starts aiosmtpd's threaded controller on 127.0.0.1 and a free
port: plain, STARTTLS (``tls="starttls"``) or implicit TLS (``tls="ssl"``) with a
self-signed certificate made here with ``cryptography``, and AUTH LOGIN/PLAIN
against one user and password (``login=(user, password)``). Everything the
server accepts lands in :class:`Inbox`; recipients in ``refuse`` get a 550.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


@dataclass
class Received:
    """One message as the server took it."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    login: str | None


@dataclass
class Inbox:
    """aiosmtpd handler: keeps every message, refuses some recipients."""

    refuse: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, login))
        return "250 Message accepted"


@dataclass(frozen=True)
class Server:
    port: int
    inbox: Inbox
    cert: Path | None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files in ``folder``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server-cert.pem", folder / "server-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


@contextmanager
def smtp_server(
    folder: Path,
    *,
    tls: str = "none",
    login: tuple[str, str] | None = None,
    refuse: set[str] | None = None,
) -> Iterator[Server]:
    """Run a local SMTP server for the duration of the block."""
    inbox = Inbox(refuse=set(refuse or ()))
    kwargs: dict[str, Any] = {}
    cert = None
    if tls != "none":
        cert, key = self_signed(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        if tls == "ssl":
            kwargs["ssl_context"] = context
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    if login is not None:
        kwargs.update(
            authenticator=_authenticator(*login), auth_required=True, auth_require_tls=tls == "starttls"
        )  # aiosmtpd counts only STARTTLS as TLS
    port = free_port()
    controller = Controller(inbox, hostname=HOST, port=port, ready_timeout=10, **kwargs)
    controller.start()
    try:
        yield Server(port=port, inbox=inbox, cert=cert)
    finally:
        controller.stop()
