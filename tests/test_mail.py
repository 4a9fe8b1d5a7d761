"""The upward message and the .eml: encodings any mail client reads, figures from the workbook, settings."""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import json
import re
from pathlib import Path

import openpyxl
import pytest

from addin.errors import SchemaError
from addin.report.export import export_workbook
from addin.report.figures import key_figures
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET
from addin.report.mail import KeyFigures, MailSettings, build_message, eml_name, mail_settings, write_eml
from addin.settings import load_settings
from tests.helpers.export_books import TOWNS, summary_source

MAIL = MailSettings(
    sender="shawo@example.gov.cn",
    sender_name="沙窝镇扶贫工作站",
    recipients=("fupinban@example.gov.cn", "jiancha@example.gov.cn"),
    cc=("zhenzhang@example.gov.cn",),
    unit="沙窝镇",
)
FIGURES = KeyFigures(total=40, done=28, rate=0.7, overdue=7, errors=3, as_of=dt.date(2024, 7, 17))


def attachment(tmp_path: Path, name: str, data: bytes = b"PK\x03\x04 workbook bytes") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def test_subject_sender_and_body_are_chinese_and_carry_the_figures(tmp_path: Path) -> None:
    msg = parsed(bytes(build_message(MAIL, [attachment(tmp_path, "沙窝镇汇总-上报.xlsx")], FIGURES)))
    assert msg["Subject"] == "【整改上报】沙窝镇 2024-07-17：问题总数40个，已完成28个，完成率70.0%，逾期7个"
    assert msg["From"].addresses[0].display_name == "沙窝镇扶贫工作站"
    assert msg["From"].addresses[0].addr_spec == "shawo@example.gov.cn"
    assert [a.addr_spec for a in msg["To"].addresses] == list(MAIL.recipients)
    assert [a.addr_spec for a in msg["Cc"].addresses] == list(MAIL.cc)
    body = msg.get_body(("plain",))
    assert body.get_content_charset() == "utf-8" and body["Content-Transfer-Encoding"] == "base64"
    text = body.get_content()
    for line in (
        "问题总数：40个",
        "已完成：28个",
        "完成率：70.0%",
        "逾期：7个",
        "错误级问题：3个",
        "统计日期：2024-07-17",
    ):
        assert line in text
    assert "沙窝镇汇总-上报.xlsx" in text


def test_chinese_attachment_names_are_encoded_both_ways_and_lines_stay_short(tmp_path: Path) -> None:
    long_name = "县扶贫开发领导小组办公室关于二〇二四年七月份脱贫攻坚问题整改情况的汇总表-上报.xlsx"
    data = bytes(range(256)) * 40
    raw = bytes(build_message(MAIL, [attachment(tmp_path, long_name, data)], FIGURES))
    assert raw.isascii() and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 998
    head = raw.split(b"\r\n\r\n", 1)[0] + raw[raw.index(b"Content-Type: application/vnd") :].split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n") if b"vnd.openxmlformats" not in line) <= 78
    (part,) = list(parsed(raw).iter_attachments())
    assert part.get_filename() == long_name  # RFC 2231, continuations and all
    assert re.search(rb"filename\*0\*=utf-8''%E5%8E%BF", raw) and b"filename*1*=" in raw
    encoded_name = part["Content-Type"].params["name"]
    assert str(email.header.make_header(email.header.decode_header(encoded_name))) == long_name  # RFC 2047
    assert part.get_content() == data


def test_ascii_names_stay_plain(tmp_path: Path) -> None:
    raw = bytes(build_message(MAIL, [attachment(tmp_path, "report.pdf")], KeyFigures()))
    assert b'filename="report.pdf"' in raw and b"application/pdf" in raw
    assert parsed(raw)["Subject"] == "【整改上报】沙窝镇"


def test_the_eml_is_a_draft_outlook_opens_ready_to_send(tmp_path: Path) -> None:
    message = build_message(MAIL, [attachment(tmp_path, "沙窝镇汇总-上报.xlsx")], FIGURES)
    eml = write_eml(message, tmp_path / eml_name("沙窝镇汇总-上报.xlsx"))
    assert eml.name == "沙窝镇汇总-上报.eml"
    saved = parsed(eml.read_bytes())
    assert saved["X-Unsent"] == "1" and message["X-Unsent"] is None  # the message to send is not marked
    assert saved["Subject"] == message["Subject"]
    assert [p.get_filename() for p in saved.iter_attachments()] == ["沙窝镇汇总-上报.xlsx"]


def test_unknown_figures_are_left_out_not_shown_as_zero() -> None:
    assert KeyFigures(total=5, rate=None, overdue=0).items() == [("问题总数", "5个"), ("逾期", "0个")]
    assert KeyFigures(rate=0.51428).items() == [("完成率", "51.4%")]


# --------------------------------------------------------------------------- figures read from the workbook
def test_figures_come_from_the_exported_workbook(tmp_path: Path) -> None:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    export = export_workbook(src, tmp_path / "out.xlsx").path
    figures = key_figures(export)
    total, done, overdue = (sum(t[i] for t in TOWNS) for i in (1, 2, 3))
    assert (figures.total, figures.done, figures.overdue) == (total, done, overdue)
    assert figures.rate == pytest.approx(done / total)
    assert figures.as_of == dt.date(2024, 7, 17) and figures.errors is None


def test_error_count_comes_from_the_findings_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = FINDINGS_SHEET
    ws.append(FINDINGS_HEADER)
    for n, level in enumerate(["错误", "警告", "错误", "错误"], start=1):
        ws.append(
            [n, "台账", f"K{n + 4}", n + 4, "整改时限", "已超过整改时限", level, "PR-OVERDUE", "ZG-10", "", "", ""]
        )
    summary = wb.create_sheet("汇总", 0)
    summary.append(["统计日期：2024年7月1日"])
    summary.append([])
    summary.append(["乡镇", "问题总数", "已完成", "逾期未完成", "完成率"])
    summary.append(["沙窝镇", 3, 1, 2, 1 / 3])  # a single row and no 合计: that row is the total
    wb.save(tmp_path / "book.xlsx")
    figures = key_figures(tmp_path / "book.xlsx")
    assert figures == KeyFigures(
        total=3, done=1, rate=pytest.approx(1 / 3), overdue=2, errors=3, as_of=dt.date(2024, 7, 1)
    )


# --------------------------------------------------------------------------- settings
def write_settings(folder: Path, mail: dict[str, object]) -> Path:
    path = folder / "zhenggai.json"
    path.write_text(json.dumps({"mail": mail}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["password", "smtp_password", "密码"])
def test_a_password_in_the_settings_file_is_refused(tmp_path: Path, key: str) -> None:
    path = write_settings(tmp_path, {"host": "smtp.example.gov.cn", key: "secret"})
    with pytest.raises(SchemaError) as caught:
        load_settings(path)
    assert caught.value.json_path == f"$.mail.{key}"
    assert "不能保存密码" in str(caught.value) and "password_env" in str(caught.value)


def test_mail_settings_from_the_file_with_paths_beside_it(tmp_path: Path) -> None:
    path = write_settings(
        tmp_path,
        {
            "host": "smtp.example.gov.cn",
            "security": "ssl",
            "username": "shawo@example.gov.cn",
            "password_env": "ZHENGGAI_SMTP_PASSWORD",
            "sender": "shawo@example.gov.cn",
            "recipients": ["fupinban@example.gov.cn"],
            "ca_file": "certs/county-ca.pem",
            "export_dir": "上报",
            "export_sheets": ["汇总", "排名"],
        },
    )
    mail = mail_settings(load_settings(path))
    assert (mail.host, mail.effective_port, mail.security, mail.can_send) == ("smtp.example.gov.cn", 465, "ssl", True)
    assert mail.ca_file == tmp_path / "certs" / "county-ca.pem" and mail.export_dir == tmp_path / "上报"
    assert mail.export_sheets == ("汇总", "排名") and mail.subject_prefix == "【整改上报】"
    assert not mail_settings(load_settings(write_settings(tmp_path, {"host": "smtp.example.gov.cn"}))).can_send


@pytest.mark.parametrize(
    ("mail", "where"),
    [
        ({"security": "tls"}, "$.mail.security"),
        ({"recipients": ["不是地址"]}, "$.mail.recipients[0]"),
        ({"hots": "x"}, "$.mail"),
    ],
)
def test_mail_settings_mistakes_point_at_the_key(tmp_path: Path, mail: dict[str, object], where: str) -> None:
    with pytest.raises(SchemaError) as caught:
        load_settings(write_settings(tmp_path, mail))
    assert caught.value.json_path == where


def test_a_status_word_in_a_data_row_is_not_taken_for_a_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "台账"
    for row in (["序号", "整改进度", "备注"], [1, "已完成", "合计"], [2, 5, 7]):
        wb.active.append(row)
    wb.save(tmp_path / "ledger.xlsx")
    assert key_figures(tmp_path / "ledger.xlsx") == KeyFigures()
