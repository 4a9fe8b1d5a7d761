"""The ranking history database: publishing, the ladder over months, re-publishing, crashes, bad files."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.errors import UsageError
from addin.summary.history import SCHEMA_VERSION, History, HistoryCorrupt, HistoryLocked
from addin.summary.ladder import apply_ladder
from addin.summary.month import Month
from addin.summary.ranking import Ranking, ScorePart, UnitMetrics, rank_month
from addin.summary.ranking_settings import TOWNSHIP, RankingConfig, Unit
from addin.summary.ranking_sheet import export_history

ROOT = Path(__file__).resolve().parent.parent
TOWNS = [f"乡{i}" for i in range(1, 9)]
CONFIG = RankingConfig(units=tuple(Unit(n, TOWNSHIP, "第一组" if i < 4 else "第二组") for i, n in enumerate(TOWNS)))


def ranking(month: Month, worst: list[str], config: RankingConfig = CONFIG) -> Ranking:
    """A month in which the ``worst`` units (worst last) lose the most points."""
    points = {n: 1.0 for n in TOWNS}
    for k, name in enumerate(worst, start=1):
        points[name] = 10.0 * k
    metrics = {n: UnitMetrics(parts=[ScorePart("新发现问题", p, "")]) for n, p in points.items()}
    return rank_month(month, config, metrics)


def publish(db: History, month: Month, worst: list[str]) -> Ranking:
    result = ranking(month, worst)
    apply_ladder(result, db.bottom_months())
    db.publish(result)
    return result


def stored(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT month, unit, rank, score, in_bottom FROM results ORDER BY month, unit").fetchall()


def test_created_on_first_use_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "县扶贫办" / "zhenggai-history.sqlite"  # its folder is made too
    with History(path) as db:
        assert db.months() == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"schema_version", "months", "results"} <= tables


def test_the_ladder_climbs_over_three_published_months(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite") as db:
        may = publish(db, Month(2024, 5), ["乡6", "乡7", "乡8"])
        june = publish(db, Month(2024, 6), ["乡1", "乡6", "乡8"])
        july = publish(db, Month(2024, 7), ["乡6", "乡2", "乡8"])
        assert db.ladder("乡8", Month(2024, 7), CONFIG) == (3, "降级降职")
        assert db.ladder("乡7", Month(2024, 7), CONFIG) == (1, "")  # in the bottom 3 in May only
        rows = db.list_history(CONFIG)
    assert may.position("乡8").sanction == "表态发言"
    assert june.position("乡8").sanction == "诫勉谈话" and june.position("乡1").sanction == "表态发言"
    assert july.position("乡8").sanction == "降级降职" and july.position("乡6").sanction == "降级降职"
    assert july.position("乡2").sanction == "表态发言"
    steps = {(r.month, r.unit): (r.bottom_count, r.sanction) for r in rows if r.in_bottom}
    assert steps[("2024-05", "乡8")] == (1, "表态发言")
    assert steps[("2024-06", "乡8")] == (2, "诫勉谈话")
    assert steps[("2024-07", "乡8")] == (3, "降级降职")
    assert steps[("2024-07", "乡2")] == (1, "表态发言")
    assert len(rows) == 3 * len(TOWNS)


def test_republishing_a_month_replaces_it_and_never_double_counts(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with History(path) as db:
        publish(db, Month(2024, 5), ["乡6", "乡7", "乡8"])
        publish(db, Month(2024, 5), ["乡6", "乡7", "乡8"])
        publish(db, Month(2024, 5), ["乡3", "乡4", "乡5"])  # a corrected May
        june = publish(db, Month(2024, 6), ["乡1", "乡2", "乡5"])
        assert db.months() == [Month(2024, 5), Month(2024, 6)]
    assert len(stored(path)) == 2 * len(TOWNS)
    assert june.position("乡5").bottom_count == 2  # corrected May + June, each once
    assert [r[1] for r in stored(path) if r[0] == "2024-05" and r[4]] == ["乡3", "乡4", "乡5"]


def test_the_calendar_year_window_starts_counting_again_in_january(tmp_path: Path) -> None:
    yearly = RankingConfig(units=CONFIG.units, escalation_window="calendar_year")
    with History(tmp_path / "h.sqlite") as db:
        publish(db, Month(2023, 11), ["乡6", "乡7", "乡8"])
        publish(db, Month(2023, 12), ["乡6", "乡7", "乡8"])
        publish(db, Month(2024, 1), ["乡6", "乡7", "乡8"])
        assert db.ladder("乡8", Month(2024, 1), yearly) == (1, "表态发言")
        assert db.ladder("乡8", Month(2024, 1), CONFIG) == (3, "降级降职")


def test_an_error_in_the_middle_of_publishing_leaves_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite"
    with History(path) as db:
        publish(db, Month(2024, 5), ["乡6", "乡7", "乡8"])
    before = stored(path)
    from addin.summary import history

    real, calls = history.insert_result, []

    def failing(conn: sqlite3.Connection, row: history.HistoryRow) -> None:
        calls.append(row)
        if len(calls) % 5 == 0:  # half-way through each publication
            raise RuntimeError("disk pulled out")
        real(conn, row)

    monkeypatch.setattr(history, "insert_result", failing)
    with History(path) as db:
        with pytest.raises(RuntimeError):
            publish(db, Month(2024, 5), ["乡1", "乡2", "乡3"])  # replacing May fails half-way
        with pytest.raises(RuntimeError):
            publish(db, Month(2024, 6), ["乡1", "乡2", "乡3"])
        assert db.months() == [Month(2024, 5)]
    assert stored(path) == before


KILLED = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from addin.summary import history
    from addin.summary.month import Month
    from tests.test_history import ranking

    real, calls = history.insert_result, []

    def dying(conn, row):
        calls.append(row)
        if len(calls) == 5:
            os._exit(3)  # the process dies inside the transaction: no rollback, no cleanup
        real(conn, row)

    history.insert_result = dying
    with history.History(Path(sys.argv[1])) as db:
        db.publish(ranking(Month(2024, int(sys.argv[2])), ["乡1", "乡2", "乡3"]))
    """
)


@pytest.mark.parametrize("month", [5, 6], ids=["replacing-a-month", "adding-a-month"])
def test_a_process_killed_mid_transaction_leaves_a_valid_database(tmp_path: Path, month: int) -> None:
    path = tmp_path / "h.sqlite"
    with History(path) as db:
        publish(db, Month(2024, 5), ["乡6", "乡7", "乡8"])
    before = stored(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLED, str(path), str(month)], env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 3
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert stored(path) == before
    with History(path) as db:
        assert db.months() == [Month(2024, 5)]
        publish(db, Month(2024, 6), ["乡1", "乡2", "乡3"])  # and it can be written again
        assert db.months() == [Month(2024, 5), Month(2024, 6)]


def test_a_file_that_is_not_a_database_gives_a_chinese_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "排名历史.sqlite"
    path.write_bytes(b"This is not a database, it is a note someone saved here.\n" * 40)
    with pytest.raises(HistoryCorrupt) as err:
        History(path)
    assert "排名历史.sqlite" in str(err.value) and "不是有效的排名历史数据库" in str(err.value)
    assert path.read_bytes().startswith(b"This is not a database")  # left as it was


def test_the_cli_reports_a_corrupt_database_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "坏的.sqlite"
    path.write_bytes(os.urandom(4096))
    assert main(["rank", "--list", "--history-db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "坏的.sqlite" in err and "排名历史数据库" in err and "Traceback" not in err


def test_another_programs_sqlite_file_is_not_taken_for_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    with pytest.raises(HistoryCorrupt, match="不是整改台账助手的排名历史"):
        History(path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    History(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(HistoryCorrupt, match="请升级整改台账助手"):
        History(path)


def test_a_locked_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    History(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryLocked) as err, History(path, timeout=0.2) as db:
            db.publish(ranking(Month(2024, 5), ["乡8"]))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "正被其他程序使用（已锁定）" in str(err.value) and "h.sqlite" in str(err.value)


def test_listing_a_missing_database_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--list", "--history-db", str(tmp_path / "none.sqlite")]) == 2
    assert "排名历史数据库不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()


def test_history_exports_to_csv_and_xlsx(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite") as db:
        publish(db, Month(2024, 5), ["乡6", "乡7", "乡8"])
        publish(db, Month(2024, 6), ["乡1", "乡7", "乡8"])
        rows = db.list_history(CONFIG)
    export_history(rows, tmp_path / "历史.csv")
    with (tmp_path / "历史.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][:4] == ["月份", "单位类型", "名次", "单位"] and len(table) == 1 + 2 * len(TOWNS)
    june_last = next(r for r in table if r[0] == "2024-06" and r[3] == "乡8")
    assert june_last[11:13] == ["2", "诫勉谈话"]
    export_history(rows, tmp_path / "历史.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "历史.xlsx").active
    values = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(values) == 2 * len(TOWNS) and values[-1][:2] == ("2024-06", "乡镇")
    with pytest.raises(UsageError, match=r"\.xlsx 或 \.csv"):
        export_history(rows, tmp_path / "历史.txt")
