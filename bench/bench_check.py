"""Benchmark: `zhenggai check` on a county-sized workbook.

Builds (once, cached under bench/out/) a synthetic county workbook of 30,000
households, ~100,000 members, 20,000 visits and 500 problems, with one deliberate
instance of every injectable problem the proportions allow (so the copy has marks), then times one full
check in stages: read (calamine + layout + normalisation), check (all rules),
write (annotated copy). The floor is a bare python-calamine read of the same
file, measured in the same run, so the ratio survives noisy machines. Peak memory
is the process's maximum RSS.

Run: make bench   (or: .venv/bin/python bench/bench_check.py [--households N] [--repeat K])
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import python_calamine  # noqa: E402

from addin.check import FileResult, Timings, check_book  # noqa: E402
from addin.report.annotate import write_checked_copy  # noqa: E402
from addin.settings import Settings  # noqa: E402
from bench.county import county_workbook  # noqa: E402

AS_OF = dt.date(2024, 7, 17)


def calamine_floor(path: Path) -> float:
    """Seconds for python-calamine alone to read every sheet's values."""
    t0 = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - t0


def one_check(path: Path, out_dir: Path) -> tuple[Timings, int]:
    timings = Timings()
    ledgers, findings = check_book(path, settings=Settings(), today=AS_OF, timings=timings)
    result = FileResult(path=str(path), ledgers=ledgers, findings=findings, timings=timings)
    t0 = time.perf_counter()
    write_checked_copy(result, out_dir)
    timings.write = time.perf_counter() - t0
    return timings, len(findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--problems", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = county_workbook(args.households, args.visits, args.problems)

    floors, reads, checks, writes, totals = [], [], [], [], []
    n_findings = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            floors.append(calamine_floor(path))
            timings, n_findings = one_check(path, Path(tmp))
            reads.append(timings.read)
            checks.append(timings.check)
            writes.append(timings.write)
            totals.append(timings.read + timings.check + timings.write)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    med = statistics.median
    print(f"workbook: {path.name}, findings: {n_findings}, runs: {args.repeat} (medians)")
    print(f"  calamine floor : {med(floors):6.2f} s")
    print(f"  read           : {med(reads):6.2f} s   ratio to floor {med(reads) / med(floors):5.2f}x")
    print(f"  check (rules)  : {med(checks):6.2f} s   goal < 2 s")
    print(f"  write copy     : {med(writes):6.2f} s")
    print(f"  total          : {med(totals):6.2f} s   goal < 20 s")
    print(f"  peak memory    : {peak_mb:6.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
