"""Writing result files safely: whole or not at all, never over the input.

Every file we produce (JSON reports, annotated copies, the add-in, settings) is
written to a temporary file in the destination folder and renamed into place only
when complete, so a crash, a full disk or a file locked by Excel never leaves a
half-written file behind; the error says why in Chinese and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from addin.errors import OutputError

_UMASK: list[int] = []


def _file_mode() -> int:
    """The mode a newly created file gets (mkstemp's 0600 would hide the result from others)."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return 0o666 & ~_UMASK[0]


def atomic_write(dst: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file in dst's folder, moved into place only when complete."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=".tmp", dir=dst.parent)
    except OSError as exc:
        raise OutputError(dst, _reason(exc), remedy=_remedy(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        with contextlib.suppress(OSError):
            os.chmod(tmp, _file_mode())
        os.replace(tmp, dst)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, Exception):
            raise OutputError(dst, _reason(exc), remedy=_remedy(exc)) from exc
        raise


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限，或同名文件正被 Excel/WPS 打开"
    if isinstance(exc, FileNotFoundError):
        return "保存位置不存在"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    return f"写入时出错（{describe(exc)}）"


def _remedy(exc: Exception) -> str | None:
    if isinstance(exc, PermissionError):
        return "请关闭该文件，或换一个保存位置"
    if isinstance(exc, FileNotFoundError):
        return "请先创建保存文件夹，或换一个保存位置"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "请清理磁盘空间后重试"
    return None


def describe(exc: BaseException) -> str:
    """An exception as "Type: message" for a one-line Chinese error."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def atomic_write_bytes(dst: Path, data: bytes) -> None:
    """Write ``data`` to ``dst`` atomically."""
    atomic_write(Path(dst), lambda fh: fh.write(data))
