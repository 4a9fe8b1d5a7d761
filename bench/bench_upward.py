"""Benchmark: owner assignment, summary and ranking on the county-sized workbook, against the check they build on.

Each of ``assign_workbook`` (分配责任人 / ``zhenggai assign`` before writing),
the 汇总 blocks and the monthly ranking starts by reading and checking the
workbook; what they add on top is what this measures. The baseline is
``check_book`` on the same file in the same run (machines here are noisy: watch
the ratios, not the seconds). The workbook is bench/county.py's (30,000
households, ~100,000 members, 20,000 visits, 500 problems).

Run: .venv/bin/python bench/bench_upward.py [--repeat K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.chain.run import assign_workbook  # noqa: E402
from addin.check import check_book, check_paths  # noqa: E402
from addin.settings import Settings  # noqa: E402
from addin.summary.month import Month  # noqa: E402
from addin.summary.ranking_run import rank_books  # noqa: E402
from addin.summary.tables import summarize_run  # noqa: E402
from bench.county import county_workbook  # noqa: E402

AS_OF = dt.date(2024, 7, 17)


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    path = county_workbook()
    settings = Settings()

    def check() -> object:
        return check_book(path, settings=settings, today=AS_OF)

    def assign() -> object:
        return assign_workbook(path, settings=settings, today=AS_OF)

    def summary() -> object:
        return summarize_run(check_paths([path], settings=settings, today=AS_OF), settings=settings)

    def rank() -> object:
        ledgers, findings = check_book(path, settings=settings, today=AS_OF)
        return rank_books([ledgers], findings, month=Month.of(AS_OF), as_of=AS_OF, settings=settings)

    base = timed(check, args.repeat)
    print(f"{path.name}: check_book (baseline) {base:.2f} s (median of {args.repeat})")
    for name, fn in (("assign_workbook", assign), ("summary", summary), ("ranking", rank)):
        t = timed(fn, args.repeat)
        print(f"  {name:16s} {t:6.2f} s   {t / base:4.2f}× check_book   (+{t - base:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
