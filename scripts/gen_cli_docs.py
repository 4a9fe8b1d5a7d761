"""Regenerate docs/cli.md from the command line's own --help texts.

The CLI reference is the parser itself, so it cannot drift from the code:
tests/test_docs.py fails when docs/cli.md differs from what this script writes.
Run: .venv/bin/python scripts/gen_cli_docs.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.cli import build_parser  # noqa: E402

DOC = ROOT / "docs" / "cli.md"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps sub-commands here; there is no public accessor
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def render() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal width: fix it so the text is reproducible
    parser = build_parser()
    parser.prog = "zhenggai"
    lines = [
        "# 命令行参考",
        "",
        "本文件由 `scripts/gen_cli_docs.py` 根据命令行自身的 `--help` 生成，请勿手工修改。",
        "",
        "```text",
        parser.format_help().rstrip(),
        "```",
        "",
    ]

    def walk(name: str, sub: argparse.ArgumentParser) -> None:
        lines.extend([f"## `{name}`", "", "```text", sub.format_help().rstrip(), "```", ""])
        for child_name, child in _subparsers(sub).items():
            walk(f"{name} {child_name}", child)

    for name, sub in _subparsers(parser).items():
        walk(f"zhenggai {name}", sub)
    return "\n".join(lines)


def main() -> int:
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
