"""Bad input never ends in a traceback: one Chinese line naming the file, exit code 2,
and the other files of the same run are still checked."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest

from addin.cli import main
from tests.helpers.book import SheetSpec, write_book

PROBLEM_HEADER = [
    "序号",
    "问题类别",
    "问题描述",
    "问题来源",
    "整改措施",
    "责任单位",
    "责任领导",
    "责任人",
    "整改时限",
    "整改进度",
]
PROBLEM_ROW = [
    1,
    "精准识别",
    "无房户未纳入",
    "省级督查",
    "全面排查无房户并及时纳入建档立卡",
    "扶贫办",
    "王明",
    "张三",
    "2024-08-30",
    "整改中",
]


def good_book(path: Path) -> Path:
    return write_book(path, [SheetSpec("整改台账", PROBLEM_HEADER, [PROBLEM_ROW])])


def run_cli(*args: str | Path) -> tuple[int, str]:
    """Run the real console script in a subprocess: what a user sees, exit code and all."""
    proc = subprocess.run(
        [sys.executable, "-m", "addin.cli", *map(str, args)], capture_output=True, text=True, timeout=120
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_missing_file_is_named_and_others_still_checked(tmp_path: Path) -> None:
    good = good_book(tmp_path / "沙窝镇.xlsx")
    code, out = run_cli("check", tmp_path / "不存在.xlsx", good, "--out", tmp_path / "out", "--as-of", "2024-07-17")
    assert code == 2
    assert "文件“不存在.xlsx”：文件不存在" in out
    assert "Traceback" not in out
    assert (tmp_path / "out" / "沙窝镇.checked.xlsx").exists()


def test_text_file_with_xlsx_name(tmp_path: Path) -> None:
    bad = tmp_path / "假的.xlsx"
    bad.write_text("这不是表格", encoding="utf-8")
    code, out = run_cli("check", bad, "--no-copies")
    assert code == 2 and "假的.xlsx" in out and "不是 Excel 工作簿" in out
    assert "Traceback" not in out


def test_unsupported_extension(tmp_path: Path) -> None:
    csv = tmp_path / "台账.csv"
    csv.write_text("序号,问题描述\n1,无\n", encoding="utf-8")
    code, out = run_cli("check", csv, "--no-copies")
    assert code == 2 and "不支持的文件类型“.csv”" in out


def test_word_document_renamed(tmp_path: Path) -> None:
    doc = tmp_path / "汇报.xlsx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    code, out = run_cli("check", doc, "--no-copies")
    assert code == 2 and "没有 Excel 工作簿" in out


def test_truncated_workbook(tmp_path: Path) -> None:
    good = good_book(tmp_path / "原表.xlsx")
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    code, out = run_cli("check", broken, "--no-copies")
    assert code == 2 and "损坏.xlsx" in out and "损坏" in out
    assert "Traceback" not in out


def test_password_protected_workbook(tmp_path: Path) -> None:
    good = good_book(tmp_path / "原表.xlsx")
    locked = tmp_path / "加密.xlsx"
    with good.open("rb") as src, locked.open("wb") as dst:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("123456", dst)
    code, out = run_cli("check", locked, "--no-copies")
    assert code == 2 and "加密.xlsx" in out and "密码" in out


def test_empty_and_headerless_sheets_are_skipped_with_reason(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "混合.xlsx",
        [
            SheetSpec("整改台账", PROBLEM_HEADER, [PROBLEM_ROW]),
            SheetSpec("说明", ["本表由乡镇扶贫办维护", "请按月更新"], [["联系人：李四"]]),
        ],
    )
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb.create_sheet("空表")
    wb.save(path)
    report = tmp_path / "r.json"
    code, out = run_cli("check", path, "--json", report, "--no-copies", "--as-of", "2024-07-17")
    assert code == 0, out
    doc = json.loads(report.read_text(encoding="utf-8"))
    skipped = {s["name"]: s["reason"] for s in doc["files"][0]["skipped_sheets"]}
    assert skipped["空表"] == "空工作表"
    assert "未找到表头" in skipped["说明"]
    assert "空表" in out and "已跳过" in out


def test_too_large_by_settings(tmp_path: Path) -> None:
    good = good_book(tmp_path / "大表.xlsx")
    settings = tmp_path / "zhenggai.json"
    settings.write_text(json.dumps({"limits": {"max_rows": 1}}), encoding="utf-8")
    code, out = run_cli("check", good, "--no-copies", "--settings", settings)
    assert code == 2 and "超过上限" in out and "大表.xlsx" in out


def test_bad_settings_file_names_json_path(tmp_path: Path) -> None:
    good = good_book(tmp_path / "表.xlsx")
    settings = tmp_path / "zhenggai.json"
    settings.write_text(json.dumps({"rules": {"PR-OVERDUE": {"severity": "fatal"}}}), encoding="utf-8")
    code, out = run_cli("check", good, "--no-copies", "--settings", settings)
    assert code == 2
    assert "$.rules.PR-OVERDUE.severity" in out


def test_usage_error_exit_code() -> None:
    code, out = run_cli("check", "--as-of", "昨天", "x.xlsx")
    assert code == 2 and "参数错误" in out


def test_xlsm_is_accepted(tmp_path: Path) -> None:
    good = good_book(tmp_path / "宏表.xlsx")
    xlsm = tmp_path / "宏表.xlsm"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            dst.writestr(item, data)
    report = tmp_path / "r.json"
    code, out = run_cli("check", xlsm, "--json", report, "--out", tmp_path / "out", "--as-of", "2024-07-17")
    assert code == 0, out
    assert json.loads(report.read_text(encoding="utf-8"))["files"][0]["sheets"][0]["kind"] == "problems"
    assert (tmp_path / "out" / "宏表.checked.xlsx").exists()


def test_xls_is_accepted(tmp_path: Path) -> None:
    from tests.helpers.libreoffice import convert

    good = good_book(tmp_path / "老格式.xlsx")
    (xls,) = convert(good, "xls", tmp_path / "xls")
    report = tmp_path / "r.json"
    code, out = run_cli("check", xls, "--json", report, "--out", tmp_path / "out", "--as-of", "2024-07-17")
    assert code == 0, out
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["files"][0]["sheets"][0]["kind"] == "problems"
    assert (tmp_path / "out" / "老格式.checked.xlsx").exists()


def test_main_never_raises_on_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "无.xlsx"), "--no-copies"]) == 2
    assert "无.xlsx" in capsys.readouterr().out
