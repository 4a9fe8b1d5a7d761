"""The county-sized workbook every benchmark times, built once and cached under bench/out/.

30,000 households (~100,000 members), 20,000 visits and 500 problem items by
default, spread over 17 townships the way counties keep them, with one deliberate
instance of every problem the county's proportions allow, so the write stage has
marks to place and the findings sheet has rows.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = ROOT / "bench" / "out"


def county_workbook(households: int = 30_000, visits: int = 20_000, problems: int = 500) -> Path:
    """The cached workbook (built on first use: about a minute and a half for the default size)."""
    from tests.samples.generator import build_county_workbook
    from tests.samples.injectors import INJECTORS

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"county-{households}-{visits}-{problems}-injected.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        build_county_workbook(
            path,
            households=households,
            visits=visits,
            problems=problems,
            seed=1,
            inject_rules=sorted(INJECTORS),
            skip_impossible=True,
        )
        print(f"built {path.name} in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    return path
