"""Benchmark: the ZG_ worksheet functions through xlwings' Office.js custom-function path.

The goal (issue "Excel front-end"): ZG_CHECKS over a 10,000-row × 20-column table,
called through ``xlwings.server.custom_functions_call`` as Excel's custom-functions
runtime calls it, in under 300 ms on the Python side. Measured in the same run, so
the ratios survive noisy machines:

* core floor: ``addin.check.check_grid`` called directly on exactly the grid
  ZG_CHECKS receives (the request's table after xlwings' argument conversion);
* call floor: a trivial UDF (ZG_OWNER on one cell) through ``custom_functions_call``;
* ZG_CHECKS through ``custom_functions_call`` (request body already decoded), the
  xlwings share of it (reading the argument, writing the result: the conversion
  steps ``custom_functions_call`` runs, timed on their own), and the JSON
  decode/encode an HTTP server adds;
* ZG_IDCARD over a 10,000-cell column, ZG_CHECK on one row (per call), and the cold
  first call in a fresh interpreter (imports, catalogue, settings).

``--profile`` adds a cProfile of one ZG_CHECKS call: the functions with the largest
cumulative share, from our code and xlwings.

Run: .venv/bin/python bench/bench_udfs.py [--rows N] [--repeat K] [--profile]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# Benchmark process only (never product code): the Office.js path needs the PRO
# licence key and the server decorators, both read when xlwings is imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ["XLWINGS_ON_SERVER"] = "true"
_CONFIG = tempfile.mkdtemp(prefix="zg-bench-")
(Path(_CONFIG) / "zhenggai").mkdir()
(Path(_CONFIG) / "zhenggai" / "zhenggai.json").write_text('{"as_of": "2024-07-17"}', encoding="utf-8")
os.environ["XDG_CONFIG_HOME"] = os.environ["APPDATA"] = _CONFIG

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import xlwings  # noqa: E402
import xlwings.server  # noqa: E402
from xlwings import conversion  # noqa: E402
from xlwings.pro.udfs_officejs import convert, to_scalar  # noqa: E402

from addin.check import check_grid  # noqa: E402
from addin.udfs import functions, logic  # noqa: E402
from tests.test_udfs import body, good_id, problem_grid  # noqa: E402

GOAL_MS = 300.0
AS_OF = dt.date(2024, 7, 17)


def call(data: dict[str, Any]) -> Any:
    return asyncio.run(xlwings.server.custom_functions_call(data, functions))


def measure(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median milliseconds of each function, after one warm-up; run round-robin so drift hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for fn in runs.values():
        fn()
    for _ in range(repeat):
        for name, fn in runs.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def cold_first_call() -> float:
    """Milliseconds for a fresh interpreter to import the UDF module and answer its first ZG_CHECKS."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "import asyncio, xlwings, xlwings.server\n"
        "from addin.udfs import functions\n"
        "data = {'func_name': 'ZG_CHECKS', 'args': [[['序号', '问题描述', '整改时限', '整改进度'],"
        " [1, '档卡信息不符', 45000, '整改中']]], 'version': xlwings.__version__, 'client': 'Office.js',"
        " 'runtime': '1.4'}\n"
        "asyncio.run(xlwings.server.custom_functions_call(data, functions))\n"
        "print((time.perf_counter() - t0) * 1000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def profile(data: dict[str, Any], top: int = 25) -> str:
    """The functions of our code and xlwings with the largest cumulative share of one call."""
    profiler = cProfile.Profile()
    profiler.enable()
    call(data)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (path, line, name), (_cc, _nc, _tt, cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/addin/" in path or "/xlwings/" in path:
            short = path[path.rfind("/addin/") + 1 :] if "/addin/" in path else path[path.rfind("/xlwings/") + 1 :]
            rows.append((cum, f"{short}:{line} {name}"))
    rows.sort(reverse=True)
    out = io.StringIO()
    print(f"  cProfile of one ZG_CHECKS call ({total * 1000:.0f} ms under the profiler), cumulative share:", file=out)
    for cum, where in rows[:top]:
        print(f"    {cum / total * 100:5.1f}%  {where}", file=out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    kinds = ("bad_checksum", "id_as_number", "overdue")
    defects = {row: kinds[n % 3] for n, row in enumerate(range(17, args.rows, 997))}
    grid = problem_grid(args.rows, defects)
    width = len(grid[0])
    checks = body("ZG_CHECKS", grid)
    wire = json.dumps(checks, ensure_ascii=False)
    settings = logic.settings_in_force()
    result = call(checks)
    flagged = sum(1 for r in result[1:] if r[0])
    assert flagged == len(defects), (flagged, len(defects))

    info = functions.ZG_CHECKS.__xlfunc__
    options = info["args"][0]["options"]
    table = conversion.read(None, to_scalar(checks["args"][0]), options, engine_name="officejs")
    ids = body("ZG_IDCARD", [[good_id(i)] for i in range(args.rows)])
    one_row = body("ZG_CHECK", [grid[1]], [grid[0]])
    ms = measure(
        {
            "core": lambda: check_grid(table, settings=settings, today=AS_OF),
            "trivial": lambda: call(body("ZG_OWNER", [["产业扶贫"]], None, None, None)),
            "udf": lambda: call(checks),
            "read": lambda: conversion.read(None, to_scalar(checks["args"][0]), options, engine_name="officejs"),
            "write": lambda: asyncio.run(convert(result, info["ret"], checks)),
            "decode": lambda: json.loads(wire),
            "encode": lambda: json.dumps({"result": result}, ensure_ascii=False),
            "idcard": lambda: call(ids),
            "row": lambda: call(one_row),
        },
        args.repeat,
    )
    core, trivial, udf, read, write = ms["core"], ms["trivial"], ms["udf"], ms["read"], ms["write"]
    decode, encode, idcard, row = ms["decode"], ms["encode"], ms["idcard"], ms["row"]
    cold = cold_first_call()

    print(f"ZG_CHECKS over {args.rows} rows × {width} columns ({flagged} rows flagged); medians of {args.repeat} runs")
    print(f"  core floor: check_grid directly     : {core:8.1f} ms")
    print(f"  call floor: trivial UDF (ZG_OWNER)  : {trivial:8.3f} ms")
    verdict = "met" if udf < GOAL_MS else "MISSED"
    print(f"  ZG_CHECKS via custom_functions_call : {udf:8.1f} ms   {udf / core:5.2f}x core floor   goal: {verdict}")
    print(f"    of which xlwings: read argument   : {read:8.1f} ms   ({read / udf * 100:4.1f}%)")
    print(f"    of which xlwings: write result    : {write:8.1f} ms   ({write / udf * 100:4.1f}%)")
    print(f"  + JSON decode of the request body   : {decode:8.1f} ms   ({len(wire) / 1e6:.1f} MB)")
    print(f"  + JSON encode of the response       : {encode:8.1f} ms")
    print(f"  ZG_IDCARD over {args.rows} cells          : {idcard:8.1f} ms")
    print(f"  ZG_CHECK on one row (per call)      : {row:8.2f} ms   ({row * args.rows / 1000:.1f} s if used per row)")
    print(f"  cold first call (fresh interpreter) : {cold:8.0f} ms")
    if args.profile:
        print(profile(checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
