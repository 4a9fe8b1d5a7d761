"""Regenerate the sample ledgers of templates/samples/ and their manifest.

    .venv/bin/python scripts/make_samples.py [--out DIR] [--seed N]

The workbooks are deterministic for a seed (tests/test_samples.py rebuilds them and
compares cell values). manifest.json lists, per file, what the reader must make
of every sheet (ledger kinds, header rows), every deliberately injected problem
(rule id, sheet, cell, row) and the data rows that must stay free of errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.samples.generator import AS_OF, build_samples  # noqa: E402

DEFAULT_SEED = 7


def manifest_text(samples: list, seed: int) -> str:
    doc = {
        "description": "由 scripts/make_samples.py 生成。参照日期 as_of 下，injections 必须被检查出来，"
        "clean_rows 不得有错误级问题。",
        "as_of": AS_OF.isoformat(),
        "seed": seed,
        "samples": [s.manifest() for s in samples],
    }
    return _dump(doc) + "\n"


def _dump(value: object, indent: int = 0) -> str:
    """JSON with objects indented and lists of plain values (row numbers, kinds) on one line."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        items = [pad + _dump(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates" / "samples")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    samples = build_samples(args.out, seed=args.seed)
    (args.out / "manifest.json").write_text(manifest_text(samples, args.seed), encoding="utf-8")
    for s in samples:
        rows = sum(len(r) for r in s.clean_rows.values())
        print(f"{s.path.name}: {len(s.sheets)} sheets, {rows} clean data rows, {len(s.injections)} injections")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
