"""Open files with LibreOffice (headless) to prove they load outside Excel.

Each call gets its own LibreOffice profile directory, so tests may convert in
parallel (pytest-xdist); a missing ``soffice`` fails the test with the command
that installs it rather than skipping, since a skipped check proves nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 120
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
"""CSV in UTF-8 (76), comma separated, one file per sheet (the trailing -1, LibreOffice >= 7.2)."""


def soffice() -> str:
    """The LibreOffice executable; fails the calling test when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(
            "LibreOffice (soffice) is not on PATH: run scripts/ensure-system-deps to install it",
            pytrace=False,
        )
    return found


def convert(path: Path, fmt: str, outdir: Path) -> list[Path]:
    """Convert ``path`` with LibreOffice; returns the files it wrote into ``outdir``.

    ``fmt`` is a ``--convert-to`` argument ("pdf", "xlsx", a full filter string);
    "csv" means :data:`CSV_ALL_SHEETS`, which writes ``<stem>-<sheet>.csv`` per sheet.
    """
    exe = soffice()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    target = CSV_ALL_SHEETS if fmt == "csv" else fmt
    before = set(outdir.iterdir())
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    command = [
        exe,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(path),
    ]
    try:
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            out, err = proc.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice forks soffice.bin: end the whole group
            proc.communicate()
            message = f"LibreOffice did not finish converting {path} in {TIMEOUT_SECONDS} s"
            raise AssertionError(message) from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0:
        raise AssertionError(f"LibreOffice failed on {path} (exit {proc.returncode}):\n{out}\n{err}")
    produced = sorted(set(outdir.iterdir()) - before)
    if not produced:
        raise AssertionError(f"LibreOffice wrote nothing for {path}:\n{out}\n{err}")
    return produced
