"""The architecture the design fixes: the core runs without xlwings; front-ends are thin."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ("ledger", "rules", "report")
FRONT_ENDS = ("excel", "udfs")


def test_core_and_cli_run_without_importing_xlwings() -> None:
    code = (
        "import sys\n"
        "import addin.cli, addin.check, addin.report.annotate, addin.rules.engine, addin.ledger.reader\n"
        "import addin.risk, addin.settings\n"
        "from addin.rules.checks import load_all\n"
        "load_all()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'xlwings'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_core_modules_never_import_xlwings_or_front_ends() -> None:
    for folder in CORE:
        for path in (ROOT / "addin" / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    assert not name.startswith("xlwings"), f"{path} imports {name}"
                    assert not any(name.startswith(f"addin.{fe}") for fe in FRONT_ENDS), f"{path} imports {name}"
