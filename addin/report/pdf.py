"""A PDF of the export, printed by LibreOffice headless when it is installed.

The PDF is a convenience for readers on a phone; the .xlsx is the record. So a
machine without LibreOffice gets a clear Chinese message (raised as
:class:`OutputError`, which callers report and then go on), never a failed export.
Each run uses its own throw-away LibreOffice profile, so a LibreOffice window the
user has open does not swallow the job, and a hung conversion is killed after
:data:`TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from addin.errors import OutputError
from addin.fsutil import atomic_write_bytes

TIMEOUT_SECONDS = 120
_WINDOWS_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
NOT_INSTALLED = "没有找到 LibreOffice，无法生成 PDF（Excel 文件不受影响）"
INSTALL_HINT = "如需 PDF，请安装 LibreOffice（https://zh-cn.libreoffice.org/），或在 Excel 中“另存为”PDF"


def find_soffice() -> str | None:
    """The LibreOffice program: on PATH, else (Windows) where its installer puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and sys.platform == "win32":
        found = next((p for p in _WINDOWS_PLACES if Path(p).is_file()), None)
    return found


def export_pdf(xlsx: str | Path, dst: str | Path, *, timeout: float = TIMEOUT_SECONDS) -> Path:
    """Print every sheet of ``xlsx`` to the PDF ``dst``; raises OutputError when that cannot be done."""
    xlsx, dst = Path(xlsx), Path(dst)
    exe = find_soffice()
    if exe is None:
        raise OutputError(dst, NOT_INSTALLED, remedy=INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="zhenggai-pdf-") as tmp:
        work = Path(tmp)
        source = work / "export.xlsx"  # an ASCII name: LibreOffice on Windows mangles some paths
        shutil.copyfile(xlsx, source)
        command = [
            exe,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        _run(command, dst, timeout)
        produced = work / "export.pdf"
        data = produced.read_bytes() if produced.is_file() else b""
        if not data.startswith(b"%PDF"):
            raise OutputError(dst, "LibreOffice 没有生成 PDF", remedy="请用 Excel 打开导出文件后“另存为”PDF")
        atomic_write_bytes(dst, data)
    return dst


def _run(command: list[str], dst: Path, timeout: float) -> None:
    kwargs: dict[str, object] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NO_WINDOW  # type: ignore[attr-defined]
    else:
        kwargs["start_new_session"] = True  # soffice forks soffice.bin: a timeout ends the whole group
    try:
        proc = subprocess.Popen(command, **kwargs)  # type: ignore[call-overload]
    except OSError as exc:
        raise OutputError(dst, f"无法启动 LibreOffice（{exc.strerror or exc}）", remedy=INSTALL_HINT) from exc
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if sys.platform == "win32":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise OutputError(dst, f"LibreOffice 在 {timeout:g} 秒内没有完成转换", remedy="请稍后重试") from None
    if proc.returncode != 0:
        raise OutputError(dst, f"LibreOffice 转换失败（退出码 {proc.returncode}）", remedy=INSTALL_HINT)
