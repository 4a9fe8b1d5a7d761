"""The JSON report: a fixed contract (design §5), written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from addin import __version__
from addin.check import CheckRun
from addin.errors import OutputError
from addin.fsutil import atomic_write_bytes


def report_dict(run: CheckRun) -> dict[str, Any]:
    """The report as a dict: tool, version, as_of, files (with their sheets), findings.

    Only error and warning findings are reported (the contract of design §5); 提示
    (info) findings stay in the workbook's 检查结果 sheet and the console.
    """
    files = []
    for result in run.files:
        entry: dict[str, Any] = {"path": result.path, "sheets": []}
        if result.ledgers is not None:
            entry["sheets"] = [
                {"name": t.sheet, "kind": t.kind, "header_rows": t.header_rows, "data_rows": len(t)}
                for t in result.ledgers.tables
            ]
            entry["skipped_sheets"] = [{"name": s.sheet, "reason": s.reason} for s in result.ledgers.skipped]
        if result.error is not None:
            entry["error"] = str(result.error)
        files.append(entry)
    return {
        "tool": "zhenggai",
        "version": __version__,
        "as_of": run.as_of.isoformat(),
        "files": files,
        "findings": [f.as_report() for f in run.findings if f.severity.reported],
    }


def write_json_atomic(path: Path, document: Any) -> None:
    """Write JSON through a temporary file: readers never see half a report."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from exc
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


def write_report(run: CheckRun, path: Path) -> None:
    write_json_atomic(path, report_dict(run))
