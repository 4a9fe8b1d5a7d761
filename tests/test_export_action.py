"""The ribbon button 导出上报 through the real xlwings remote engine (tests/helpers/remote.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from pathlib import Path

import openpyxl
import pytest

from addin.excel import ribbon
from tests.helpers.export_books import TOWNS, summary_source
from tests.helpers.remote import Click, click, workbook_state
from tests.helpers.smtp_server import HOST, smtp_server

SENDER, COUNTY = "shawo@example.gov.cn", "fupinban@example.gov.cn"


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "config"))


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return summary_source(tmp_path / "沙窝镇汇总.xlsx")


def open_book(path: Path) -> openpyxl.Workbook:
    """The workbook as Excel shows it: every formula as its result (what the Office.js client sends)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    del wb.defined_names["外部数据"]  # the harness models names inside the workbook only
    return wb


def press(wb: openpyxl.Workbook, name: str) -> Click:
    return click(wb, lambda book: ribbon.dispatch("export_report", book), name=name)


def shown(value: object) -> object:
    """A cell as the open workbook shows it to the add-in (the harness sends formula text as its result "")."""
    if value is None or (isinstance(value, str) and value.startswith("=")):
        return None
    return value


def test_the_open_workbook_is_exported_as_it_is_shown_and_left_untouched(saved: Path) -> None:
    wb = open_book(saved)
    wb["汇总"]["B4"] = 13  # typed after the last save
    wb["汇总"]["A15"] = "@李四"
    before = workbook_state(wb)
    result = press(wb, str(saved))
    assert result.funcs == ["alert"] and workbook_state(wb) == before
    prompt, _title, mode = result.alerts[0]
    export, eml = saved.with_name("沙窝镇汇总-上报.xlsx"), saved.with_name("沙窝镇汇总-上报.eml")
    assert mode == "info" and str(export) in prompt and str(eml) in prompt and "包含的工作表：汇总、排名" in prompt
    assert "邮件没有自动发送" in prompt and "当前工作簿没有被修改" in prompt
    out = openpyxl.load_workbook(export)
    for name in ("汇总", "排名"):
        ws = wb[name]
        expected = [[shown(c.value) for c in row] for row in ws.iter_rows()]
        got = [[out[name].cell(r, c).value for c in range(1, ws.max_column + 1)] for r in range(1, ws.max_row + 1)]
        assert got == expected, name
    assert out["汇总"]["B4"].value == 13 and out["汇总"]["A15"].value == "@李四"
    assert out["汇总"]["D4"].number_format == "0.0%" and out["汇总"]["B2"].value == dt.datetime(2024, 7, 17)
    assert [str(r) for r in out["汇总"].merged_cells.ranges] == ["A1:F1"]
    assert not [c for ws in out.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert f"问题总数{wb['汇总']['B7'].value}个" in msg["Subject"]  # the figures the workbook shows


def test_a_workbook_never_saved_is_asked_to_be_saved_first(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["乡镇", "问题总数"])
    result = press(wb, "工作簿1")
    assert result.funcs == ["alert"]
    prompt, _title, mode = result.alerts[0]
    assert mode == "critical" and "请先保存工作簿" in prompt and "没有做任何修改" in prompt
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".eml")] == []


def test_a_sheet_added_since_the_last_save_is_exported_from_its_values(saved: Path) -> None:
    wb = open_book(saved)
    extra = wb.create_sheet("检查结果")
    extra.append(["序号", "工作表", "单元格"])
    extra.append([1, "台账", "K12"])
    result = press(wb, str(saved))
    prompt = result.alerts[0][0]
    assert "包含的工作表：汇总、排名、检查结果" in prompt and "“检查结果”还没有保存到文件中" in prompt
    out = openpyxl.load_workbook(saved.with_name("沙窝镇汇总-上报.xlsx"))
    assert [[c.value for c in row] for row in out["检查结果"].iter_rows()] == [
        ["序号", "工作表", "单元格"],
        [1, "台账", "K12"],
    ]


def test_configured_mail_is_sent_to_a_real_server(saved: Path, tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        (tmp_path / "zhenggai.json").write_text(
            json.dumps(
                {
                    "mail": {
                        "host": HOST,
                        "port": server.port,
                        "security": "none",
                        "sender": SENDER,
                        "recipients": [COUNTY],
                        "unit": "沙窝镇",
                        "export_dir": "上报",
                        "export_sheets": ["汇总"],
                    }
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        result = press(open_book(saved), str(saved))
    prompt = result.alerts[0][0]
    assert f"邮件已发送给：{COUNTY}" in prompt and str(tmp_path / "上报" / "沙窝镇汇总-上报.xlsx") in prompt
    (got,) = server.inbox.messages
    msg = email.message_from_bytes(got.content, policy=email.policy.default)
    assert msg["Subject"].startswith("【整改上报】沙窝镇 2024-07-17：问题总数40个")
    (part,) = list(msg.iter_attachments())
    received = tmp_path / "received.xlsx"
    received.write_bytes(part.get_content())
    assert openpyxl.load_workbook(received).sheetnames == ["汇总", "说明"]
    assert openpyxl.load_workbook(received)["汇总"]["C7"].value == sum(t[2] for t in TOWNS)


def test_a_failed_send_says_why_and_keeps_the_eml(saved: Path, tmp_path: Path) -> None:
    with smtp_server(tmp_path, refuse={COUNTY}) as server:
        settings = {"host": HOST, "port": server.port, "security": "none", "sender": SENDER, "recipients": [COUNTY]}
        (tmp_path / "zhenggai.json").write_text(json.dumps({"mail": settings}), encoding="utf-8")
        result = press(open_book(saved), str(saved))
    prompt, _title, mode = result.alerts[0]
    assert mode == "critical" and "服务器拒收全部收件人" in prompt and "手动发送" in prompt
    assert saved.with_name("沙窝镇汇总-上报.eml").is_file() and server.inbox.messages == []
