"""The PDF of the export: printed by the real LibreOffice, and a Chinese message when it cannot be."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from addin.errors import OutputError
from addin.report.export import export_workbook
from addin.report.pdf import export_pdf, find_soffice
from tests.helpers.export_books import summary_source
from tests.helpers.libreoffice import soffice


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return export_workbook(summary_source(tmp_path / "沙窝镇汇总.xlsx"), tmp_path / "沙窝镇汇总-上报.xlsx").path


def fake_soffice(folder: Path, script: str) -> None:
    """A stand-in ``soffice`` on PATH that runs ``script`` (sh) instead of converting."""
    folder.mkdir()
    exe = folder / "soffice"
    exe.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)


def test_libreoffice_prints_the_export_to_pdf(export: Path) -> None:
    soffice()  # fails with the install command when LibreOffice is missing
    pdf = export_pdf(export, export.with_suffix(".pdf"))
    data = pdf.read_bytes()
    assert pdf.name == "沙窝镇汇总-上报.pdf" and data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) >= 3  # 汇总 (and its chart), 排名, 说明


def test_without_libreoffice_the_message_says_so_and_nothing_is_written(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_soffice() is None
    with pytest.raises(OutputError, match="没有找到 LibreOffice，无法生成 PDF") as caught:
        export_pdf(export, tmp_path / "a.pdf")
    assert "安装 LibreOffice" in str(caught.value) and not (tmp_path / "a.pdf").exists()


def test_a_hung_conversion_is_stopped(export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path / "bin", "sleep 60 & wait")  # a child that would outlive a plain kill
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(OutputError, match="1 秒内没有完成转换"):
        export_pdf(export, tmp_path / "b.pdf", timeout=1)
    assert not (tmp_path / "b.pdf").exists()


def test_a_failed_conversion_is_reported(export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path / "bin", "echo 'Error: source file could not be loaded' >&2; exit 1")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(OutputError, match="退出码 1"):
        export_pdf(export, tmp_path / "c.pdf")
    fake_soffice(tmp_path / "bin2", "exit 0")  # says it worked, wrote nothing
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin2'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(OutputError, match="没有生成 PDF"):
        export_pdf(export, tmp_path / "c.pdf")
    assert not (tmp_path / "c.pdf").exists()
