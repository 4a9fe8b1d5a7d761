"""``zhenggai export`` end to end: from the bundled samples' 汇总 to a message a real local SMTP server receives."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.resources import template_path
from tests.helpers.export_books import summary_source
from tests.helpers.smtp_server import HOST, smtp_server

SENDER, COUNTY = "shawo@example.gov.cn", "fupinban@example.gov.cn"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def settings_file(folder: Path, **mail: object) -> Path:
    path = folder / "zhenggai.json"
    path.write_text(json.dumps({"mail": mail}, ensure_ascii=False), encoding="utf-8")
    return path


def block_totals(ws: openpyxl.worksheet.worksheet.Worksheet, first_header: str) -> dict[str, object]:
    """The 合计 row of the block whose header starts with ``first_header``, by column name (found by the test)."""
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    top = next(i for i, r in enumerate(rows) if r[0] == first_header and "问题总数" in r)
    total = next(r for r in rows[top + 1 :] if r[0] == "合计")
    return {name: value for name, value in zip(rows[top], total, strict=True) if name}


def values(path: Path, sheet: str) -> list[list[object]]:
    return [[c.value for c in row] for row in openpyxl.load_workbook(path)[sheet].iter_rows()]


def test_samples_summary_to_a_received_message_with_consistent_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "out" / "汇总.xlsx"
    assert main(["summary", str(template_path("samples")), "--out", str(summary), "--as-of", "2024-07-17", "-q"]) == 0
    up = tmp_path / "上报"
    with smtp_server(tmp_path) as server:
        settings = settings_file(
            tmp_path, host=HOST, port=server.port, security="none", sender=SENDER, recipients=[COUNTY], unit="全县"
        )
        code = main(["export", str(summary), "--out", str(up), "--pdf", "--send", "--settings", str(settings)])
    out = capsys.readouterr().out
    assert code == 0, out
    exported, pdf, eml = up / "汇总-上报.xlsx", up / "汇总-上报.pdf", up / "汇总-上报.eml"
    assert (
        f"已导出：{exported}" in out and f"PDF：{pdf}" in out and f"邮件：{eml}" in out and f"已发送给：{COUNTY}" in out
    )
    (got,) = server.inbox.messages
    msg = email.message_from_bytes(got.content, policy=email.policy.default)
    parts = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    assert set(parts) == {"汇总-上报.xlsx", "汇总-上报.pdf"} and parts["汇总-上报.pdf"].startswith(b"%PDF")
    received = tmp_path / "received.xlsx"
    received.write_bytes(parts["汇总-上报.xlsx"])
    assert values(received, "汇总") == values(summary, "汇总")  # every number of the summary, unchanged
    assert not [c for row in openpyxl.load_workbook(received)["汇总"].iter_rows() for c in row if c.data_type == "f"]
    totals = block_totals(openpyxl.load_workbook(summary)["汇总"], "乡镇")
    subject = msg["Subject"]
    assert subject.startswith("【整改上报】全县 2024-07-17：")
    assert f"问题总数{totals['问题总数']}个" in subject and f"已完成{totals['已完成']}个" in subject
    assert f"完成率{totals['完成率']:.1%}" in subject and f"逾期{totals['逾期未完成']}个" in subject
    body = msg.get_body(("plain",)).get_content()
    assert f"问题总数：{totals['问题总数']}个" in body and f"完成率：{totals['完成率']:.1%}" in body
    assert email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)["Subject"] == subject


def test_sheets_option_and_eml_without_sending(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    assert main(["export", str(src), "--sheets", "排名，汇总", "--out", str(tmp_path / "o"), "--eml"]) == 0
    out = capsys.readouterr().out
    assert "（工作表：排名、汇总）" in out and "注意：工作表“汇总”有 1 个公式没有保存计算结果" in out
    assert openpyxl.load_workbook(tmp_path / "o" / "沙窝镇汇总-上报.xlsx").sheetnames == ["排名", "汇总", "说明"]
    assert (tmp_path / "o" / "沙窝镇汇总-上报.eml").is_file()
    assert main(["export", str(src), "--out", str(tmp_path / "p")]) == 0
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["沙窝镇汇总-上报.xlsx"]  # no .eml unless asked


def test_send_without_a_server_keeps_the_eml_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    assert main(["export", str(src), "--out", str(tmp_path / "o"), "--send"]) == 2
    err = capsys.readouterr().err
    assert "没有完整的发信信息" in err and "沙窝镇汇总-上报.eml" in err
    assert (tmp_path / "o" / "沙窝镇汇总-上报.eml").is_file()


def test_a_refused_login_is_reported_and_the_eml_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    monkeypatch.setenv("ZG_CLI_SMTP_PASSWORD", "wrong")
    with smtp_server(tmp_path, login=(SENDER, "right")) as server:
        settings_file(
            tmp_path,
            host=HOST,
            port=server.port,
            security="none",
            username=SENDER,
            password_env="ZG_CLI_SMTP_PASSWORD",
            sender=SENDER,
            recipients=[COUNTY],
            export_dir="上报",
        )
        assert main(["export", str(src), "--send"]) == 2  # zhenggai.json found beside the workbook
    err = capsys.readouterr().err
    assert "邮件没有发出" in err and "登录失败，用户名或密码不正确" in err and "Traceback" not in err
    assert (tmp_path / "上报" / "沙窝镇汇总-上报.eml").is_file() and server.inbox.messages == []


def test_pdf_without_libreoffice_is_a_note_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert main(["export", str(src), "--out", str(tmp_path / "o"), "--pdf"]) == 0
    out = capsys.readouterr().out
    assert "已导出：" in out and "注意：" in out and "没有找到 LibreOffice，无法生成 PDF" in out
    assert (tmp_path / "o" / "沙窝镇汇总-上报.xlsx").is_file() and not (tmp_path / "o" / "沙窝镇汇总-上报.pdf").exists()


def test_a_sheet_that_is_not_there_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = summary_source(tmp_path / "沙窝镇汇总.xlsx")
    assert main(["export", str(src), "--sheets", "月报", "--out", str(tmp_path / "o")]) == 2
    assert "没有名为“月报”的工作表" in capsys.readouterr().err
    assert not (tmp_path / "o" / "沙窝镇汇总-上报.xlsx").exists()
