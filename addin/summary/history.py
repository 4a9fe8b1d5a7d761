"""The ranking history: every published month in one embedded SQLite file.

Where: ``settings.history_db`` (or ``--history-db``), else ``zhenggai-history.sqlite``
beside the (first) input workbook — the county office keeps it with the county's
workbooks. Created on first use, with a ``schema_version`` table so that a later
version of the add-in can migrate it.

Safety: :meth:`History.publish` replaces a month in ONE transaction (``BEGIN
IMMEDIATE`` … ``COMMIT``): re-publishing a month replaces it and never counts it
twice, and a crash or a killed process in the middle leaves the previous state
(SQLite's rollback journal is rolled back on the next open). The ladder counts
are computed from the stored bottom-3 months each time they are read, so a
re-published earlier month changes later counts consistently.

Every sqlite3 failure becomes one of our errors with a Chinese message naming the
file: not a database / damaged (:class:`HistoryCorrupt`), locked by another
program (:class:`HistoryLocked`), cannot be opened or written (:class:`OutputError`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from addin.errors import InputError, OutputError
from addin.fsutil import describe
from addin.summary.ladder import count_in_window, sanction_for
from addin.summary.month import Month
from addin.summary.ranking import Ranking
from addin.summary.ranking_settings import RankingConfig

DEFAULT_NAME = "zhenggai-history.sqlite"
SCHEMA_VERSION = 1
TIMEOUT_SECONDS = 5.0

_SCHEMA = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE months (
        month TEXT PRIMARY KEY,
        published_at TEXT NOT NULL,
        as_of TEXT,
        sources TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE results (
        month TEXT NOT NULL REFERENCES months(month),
        unit TEXT NOT NULL,
        unit_type TEXT NOT NULL,
        rank INTEGER NOT NULL,
        score REAL NOT NULL,
        score_source TEXT NOT NULL,
        vetoed INTEGER NOT NULL,
        veto TEXT NOT NULL DEFAULT '',
        band TEXT NOT NULL DEFAULT '',
        grp TEXT NOT NULL DEFAULT '',
        group_rank INTEGER,
        group_mark TEXT NOT NULL DEFAULT '',
        in_bottom INTEGER NOT NULL,
        remark TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (month, unit)
    )""",
)
_COLUMNS = (
    "month, unit, unit_type, rank, score, score_source, vetoed, veto, band, grp, group_rank, group_mark, in_bottom, "
    "remark"
)


class HistoryCorrupt(InputError):
    """The history file is not a SQLite database of ours, or it is damaged."""

    remedy = "请用 --history-db 换一个文件，或从备份恢复该文件（不要直接删除，里面可能有历次排名记录）"


class HistoryLocked(InputError):
    """Another program holds the history database's write lock."""

    remedy = "可能有另一个“zhenggai rank”或数据库查看工具正在使用它，请关闭后重试"


@dataclass(frozen=True)
class HistoryRow:
    """One unit's stored result for one month; ``bottom_count``/``sanction`` are computed when listed."""

    month: str
    unit: str
    unit_type: str
    rank: int
    score: float
    score_source: str
    vetoed: bool
    veto: str
    band: str
    group: str
    group_rank: int | None
    group_mark: str
    in_bottom: bool
    remark: str
    published_at: str = ""
    bottom_count: int | None = None
    sanction: str = ""


def default_path(first_input: Path | None) -> Path:
    """``zhenggai-history.sqlite`` beside the first input workbook (inside it when it is a folder)."""
    if first_input is None:
        return Path.cwd() / DEFAULT_NAME
    folder = first_input if first_input.is_dir() else first_input.parent
    return folder / DEFAULT_NAME


def rows_of(ranking: Ranking) -> list[HistoryRow]:
    """The rows a publication stores for ``ranking``."""
    return [
        HistoryRow(
            month=str(ranking.month),
            unit=p.unit.name,
            unit_type=p.unit.unit_type,
            rank=p.rank,
            score=p.score,
            score_source=p.score_source,
            vetoed=p.vetoed,
            veto=p.veto.text if p.veto is not None else "",
            band=p.band,
            group=p.unit.group,
            group_rank=p.group_rank or None,
            group_mark=p.group_mark,
            in_bottom=p.in_bottom,
            remark="；".join(p.reasons),
        )
        for p in ranking.positions
    ]


def insert_result(conn: sqlite3.Connection, row: HistoryRow) -> None:
    """Store one result row (inside the caller's transaction)."""
    conn.execute(
        f"INSERT INTO results ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.month,
            row.unit,
            row.unit_type,
            row.rank,
            row.score,
            row.score_source,
            int(row.vetoed),
            row.veto,
            row.band,
            row.group,
            row.group_rank,
            row.group_mark,
            int(row.in_bottom),
            row.remark,
        ),
    )


class History:
    """The ranking history database at ``path``; use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, *, create: bool = True, timeout: float = TIMEOUT_SECONDS) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise InputError(self.path, "排名历史数据库不存在", remedy="先用“zhenggai rank --publish”发布一个月的排名")
        if self.path.is_dir():
            raise HistoryCorrupt(self.path, "这是一个文件夹，不是排名历史数据库")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(self.path, "无法打开或创建排名历史数据库", remedy="请检查保存位置和写入权限") from exc
        try:
            with self._errors():
                self._prepare()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    # ------------------------------------------------------------------ errors and schema
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn sqlite3's exceptions into ours, naming the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise HistoryLocked(self.path, "排名历史数据库正被其他程序使用（已锁定），暂时无法读写") from exc
            if "not a database" in text or "malformed" in text or "corrupt" in text:
                raise HistoryCorrupt(self.path, "不是有效的排名历史数据库（文件已损坏，或不是 SQLite 数据库）") from exc
            if "readonly" in text or "unable to open" in text or "disk i/o" in text:
                raise OutputError(
                    self.path, f"无法写入排名历史数据库（{describe(exc)}）", remedy="请检查写入权限和磁盘空间"
                ) from exc
            raise HistoryCorrupt(self.path, f"读取排名历史数据库出错（{describe(exc)}）") from exc

    def _prepare(self) -> None:
        """Create the tables on first use; refuse a database that is not ours or is newer than us."""
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA:
                    self._conn.execute(statement)
                self._conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
            return
        if not {"schema_version", "months", "results"} <= tables:
            raise HistoryCorrupt(self.path, "这是一个 SQLite 数据库，但不是整改台账助手的排名历史")
        row = self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        version = row[0] if row else None
        if version is None or version > SCHEMA_VERSION:
            raise HistoryCorrupt(
                self.path,
                f"排名历史数据库的版本（{version}）高于本程序支持的版本（{SCHEMA_VERSION}）",
                remedy="请升级整改台账助手后再使用该文件",
            )

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    # ------------------------------------------------------------------ writing
    def publish(self, ranking: Ranking, *, as_of: dt.date | None = None, sources: Sequence[str] = ()) -> int:
        """Store ``ranking`` as its month, replacing an earlier publication of that month; returns rows stored."""
        rows = rows_of(ranking)
        month = str(ranking.month)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute("DELETE FROM results WHERE month = ?", (month,))
                self._conn.execute("DELETE FROM months WHERE month = ?", (month,))
                self._conn.execute(
                    "INSERT INTO months (month, published_at, as_of, sources) VALUES (?, ?, ?, ?)",
                    (month, stamp, as_of.isoformat() if as_of else None, "\n".join(sources)),
                )
                for row in rows:
                    insert_result(self._conn, row)
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        return len(rows)

    # ------------------------------------------------------------------ reading
    def months(self) -> list[Month]:
        """Published months, oldest first."""
        with self._errors():
            return [Month.parse(r[0]) for r in self._conn.execute("SELECT month FROM months ORDER BY month")]

    def bottom_months(self) -> dict[str, list[Month]]:
        """For each unit, the published months in which it was in the bottom 3."""
        out: dict[str, list[Month]] = {}
        with self._errors():
            for unit, month in self._conn.execute(
                "SELECT unit, month FROM results WHERE in_bottom = 1 ORDER BY month, unit"
            ):
                out.setdefault(unit, []).append(Month.parse(month))
        return out

    def ladder(self, unit: str, month: Month, config: RankingConfig) -> tuple[int, str]:
        """(n, step): the unit's count of bottom-3 months in the window up to ``month``, and the step if
        it was in the bottom 3 in ``month`` itself ("" otherwise)."""
        months = self.bottom_months().get(unit, [])
        n = count_in_window(months, month, config)
        return n, sanction_for(n) if month in months else ""

    def list_history(self, config: RankingConfig) -> list[HistoryRow]:
        """Every stored row, by month, unit type and rank, with the ladder count and step as of that month."""
        with self._errors():
            raw = self._conn.execute(
                f"SELECT {_COLUMNS}, m.published_at FROM results JOIN months m USING (month) "
                "ORDER BY month, unit_type, rank, unit"
            ).fetchall()
        bottoms: dict[str, list[Month]] = {}
        for r in raw:
            if r[12]:
                bottoms.setdefault(r[1], []).append(Month.parse(r[0]))
        out = []
        for r in raw:
            month = Month.parse(r[0])
            count = count_in_window(bottoms.get(r[1], []), month, config) if config.escalates(r[2]) else None
            out.append(
                HistoryRow(
                    month=r[0],
                    unit=r[1],
                    unit_type=r[2],
                    rank=r[3],
                    score=r[4],
                    score_source=r[5],
                    vetoed=bool(r[6]),
                    veto=r[7],
                    band=r[8],
                    group=r[9],
                    group_rank=r[10],
                    group_mark=r[11],
                    in_bottom=bool(r[12]),
                    remark=r[13],
                    published_at=r[14],
                    bottom_count=count,
                    sanction=sanction_for(count or 0) if r[12] and count else "",
                )
            )
        return out
