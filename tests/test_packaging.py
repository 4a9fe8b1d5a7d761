"""The installed package must carry everything the product needs at run time."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.relative_to(ROOT).parts[:-1]) for p in (ROOT / "addin").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_wheel_ships_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("zhenggai-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ledgers", "codes", "rules", "schemas"):
        shipped = {n for n in names if n.startswith(f"addin/templates/{folder}/")}
        expected = {f"addin/templates/{folder}/{p.name}" for p in (ROOT / "templates" / folder).glob("*.json")}
        assert expected and expected <= shipped, folder
    assert "addin/cli.py" in names
    assert "addin/templates/责任体系花名册.xlsx" in names  # the roster template
