"""Benchmark: the 检查台账 button on a county-sized workbook, through the remote-engine harness.

The workbook is the one ``bench/bench_check.py`` uses (built once and cached under
bench/out/ by ``tests.samples.generator.build_county_workbook``: 30,000 households,
~100,000 members, visits, loans, relocation and 500 problem items). One click is
timed in the three stages the harness has:

* payload: the file → the JSON payload an Office.js client would send (values read
  with python-calamine, JSON round trip included: openpyxl's load of this workbook
  takes tens of minutes, its merged-range bookkeeping being quadratic);
* action: ``xw.Book(json=payload)`` + ``ribbon.dispatch("check_ledgers")`` — all of
  the Python side of a click: the snapshot read, the check, the plan, the queued writes;
* replay: the returned actions applied to an openpyxl workbook with the same sheets
  (without their values: our actions add sheets, rules and notes, they read nothing).

The baseline is ``check_book`` on the same file (what ``zhenggai check`` does before
it writes), timed in the same run; the ratio action / baseline is what to watch.

Run: .venv/bin/python bench/bench_ribbon.py [--households N] [--repeat K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine, for this harness only

import openpyxl  # noqa: E402  (fallback workbook)
import xlwings as xw  # noqa: E402

from addin.check import check_book  # noqa: E402
from addin.excel import ribbon  # noqa: E402
from addin.excel.book import read_book  # noqa: E402
from addin.settings import load_settings  # noqa: E402
from bench.county import CACHE, county_workbook  # noqa: E402
from tests.helpers.remote import Replayer, file_payload, shadow_workbook  # noqa: E402

AS_OF = dt.date(2024, 7, 17)


def bench_workbook(households: int, visits: int, problems: int, *, fallback: bool = False) -> Path:
    """The shared county workbook (bench/county.py), or our own plainer one with a finding in most rows."""
    if not fallback:
        return county_workbook(households, visits, problems)
    path = CACHE / f"fallback-county-{households}-{problems}.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        CACHE.mkdir(parents=True, exist_ok=True)
        fallback_county_workbook(path, households=households, problems=problems)
        print(f"built {path.name} in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def fallback_county_workbook(path: Path, *, households: int, problems: int) -> None:
    """Households, three members each and problem items, with a finding in roughly every 30th row."""
    from addin.ledger.idcard import check_digit

    def pid(n: int, birth: str) -> str:
        first17 = f"420624{birth}{n % 1000:03d}"
        return first17 + check_digit(first17)

    wb = openpyxl.Workbook(write_only=True)
    hh_sheet = wb.create_sheet("脱贫户信息")
    hh_sheet.append(["某县脱贫户信息表"])
    hh_sheet.append(["序号", "户编号", "户主姓名", "户主身份证号", "家庭人口数（人）", "贫困户属性", "脱贫状态"])
    member_sheet = wb.create_sheet("家庭成员")
    member_sheet.append(["某县脱贫户家庭成员信息表"])
    member_sheet.append(["序号", "户编号", "姓名", "性别", "身份证号码", "与户主关系", "民族", "文化程度", "人员状态"])
    n = 0
    for h in range(households):
        hh = f"H{h:06d}"
        head_id = pid(h, "19700101")
        size = 3 if h % 53 else 4
        hh_sheet.append([h + 1, hh, f"户主{h}", head_id, size, "一般脱贫户", "已脱贫（享受政策）"])
        for k, (rel, birth) in enumerate((("户主", "19700101"), ("配偶", "19720305"), ("之子", "19980808"))):
            n += 1
            pid_text = head_id if k == 0 else pid(h * 3 + k, birth)
            if n % 37 == 0:
                pid_text = pid_text[:-1] + ("0" if pid_text[-1] != "0" else "1")
            value: object = float(pid_text) if n % 211 == 0 and pid_text.isdigit() else pid_text
            member_sheet.append([n, hh, f"成员{n}", "男" if k != 1 else "女", value, rel, "汉族", "初中", "正常"])
    items = wb.create_sheet("整改台账")
    items.append(["问题整改台账"])
    items.append(["序号", "问题类别", "问题描述", "问题来源", "整改措施", "责任单位", "责任人", "整改时限", "整改进度"])
    for i in range(problems):
        deadline = dt.datetime(2024, 5, 31) if i % 7 == 0 else dt.datetime(2024, 12, 31)
        status = "正在整改" if i % 3 else "已完成"
        measure = "逐户排查并建立整改台账"
        items.append([i + 1, "精准识别", f"问题{i}", "省级督查", measure, "乡扶贫站", f"干部{i}", deadline, status])
    wb.save(path)


def one_click(path: Path) -> dict[str, float | int]:
    """Time one 检查台账 click in its stages."""
    t0 = time.perf_counter()
    payload = json.loads(json.dumps(file_payload(path)))
    t1 = time.perf_counter()
    book = xw.Book(json=payload)
    ribbon.dispatch("check_ledgers", book)
    actions = json.loads(json.dumps(book.json()["actions"], default=str))
    t2 = time.perf_counter()
    replayer = Replayer(shadow_workbook(payload))
    t3 = time.perf_counter()
    replayer.apply(actions)
    t4 = time.perf_counter()
    read_book(xw.Book(json=payload))
    t5 = time.perf_counter()
    if replayer.alerts and replayer.alerts[-1][2] != "info":
        raise SystemExit(f"the action failed: {replayer.alerts[-1][0]}")
    return {
        "payload": t1 - t0,
        "action": t2 - t1,
        "replay": t4 - t3,
        "snapshot": t5 - t4,
        "actions": len(actions),
        "notes": sum(1 for a in actions if a["func"] == "addNote"),
        "payload_mb": len(json.dumps(payload)) / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--problems", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--fallback", action="store_true", help="our own plainer county with a finding in about every 30th row"
    )
    args = parser.parse_args()
    path = bench_workbook(args.households, args.visits, args.problems, fallback=args.fallback)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp  # no user settings, logs into the temporary folder
        (Path(tmp) / "zhenggai").mkdir()
        (Path(tmp) / "zhenggai" / "zhenggai.json").write_text(json.dumps({"as_of": AS_OF.isoformat()}))
        settings = load_settings()
        baselines, clicks = [], []
        findings = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            findings = len(check_book(path, settings=settings, today=AS_OF)[1])
            baselines.append(time.perf_counter() - t0)
            clicks.append(one_click(path))
    med = statistics.median
    base = med(baselines)

    def stage(key: str) -> float:
        return med(float(c[key]) for c in clicks)

    print(f"workbook: {path.name}, findings: {findings}, runs: {args.repeat} (medians)")
    print(f"  check_book(file)   : {base:6.2f} s   baseline (what `zhenggai check` does before writing)")
    print(f"  payload build      : {stage('payload'):6.2f} s   ({clicks[0]['payload_mb']:.0f} MB of JSON)")
    print(f"  action (Python)    : {stage('action'):6.2f} s   ratio to baseline {stage('action') / base:5.2f}x")
    print(f"    of which snapshot: {stage('snapshot'):6.2f} s   (read_book on the remote book)")
    counts = f"{clicks[0]['actions']} actions, {clicks[0]['notes']} notes"
    print(f"  replay             : {stage('replay'):6.2f} s   ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
