"""The library entry point for checking workbooks: what the CLI and the ribbon call.

``check_book`` checks one workbook already read (from a file, or from Excel via
xlwings); ``check_paths`` runs a batch over files and folders, turning each
unreadable file into an error entry while the rest of the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from addin.chain.roster import with_roster_tables
from addin.errors import InputError, ZhenggaiError
from addin.ledger.reader import WorkbookLedgers, read_ledgers
from addin.ledger.workbook import WORKBOOK_SUFFIXES, RawSheet, RawWorkbook
from addin.rules.engine import run_rules
from addin.rules.model import Finding, Severity
from addin.settings import Settings


@dataclass
class Timings:
    """Seconds spent per stage (the benchmark reports these)."""

    read: float = 0.0
    check: float = 0.0
    write: float = 0.0


@dataclass
class FileResult:
    """The outcome for one input file."""

    path: str
    ledgers: WorkbookLedgers | None = None
    findings: list[Finding] = field(default_factory=list)
    error: ZhenggaiError | None = None
    output: Path | None = None
    timings: Timings = field(default_factory=Timings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


@dataclass
class CheckRun:
    """A batch: every file's result, with the date the rules used."""

    as_of: dt.date
    files: list[FileResult] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.files if r.error is not None]


def check_book(
    source: str | Path | RawWorkbook, *, settings: Settings, today: dt.date, timings: Timings | None = None
) -> tuple[WorkbookLedgers, list[Finding]]:
    """Read and check one workbook; returns its ledger tables and findings."""
    timings = timings or Timings()
    t0 = time.perf_counter()
    ledgers = read_ledgers(
        source if isinstance(source, RawWorkbook) else str(source),
        today=today,
        kind_overrides=settings.sheet_kinds,
        immediate_days=int(settings.params.get("immediate_days", 7)),
        max_mb=settings.max_file_mb,
        max_rows=settings.max_rows,
    )
    t1 = time.perf_counter()
    # A roster kept in its own workbook (settings.roster) joins the run for the cross-sheet roster rules;
    # its own cells are reported when that workbook itself is checked.
    combined = with_roster_tables(ledgers, settings, today=today)
    findings = run_rules(
        combined,
        today=today,
        age_reference=settings.age_reference_date(today),
        settings=settings.rule_settings,
    )
    if combined is not ledgers:
        findings = [f for f in findings if f.file == ledgers.path]
    timings.read += t1 - t0
    timings.check += time.perf_counter() - t1
    return ledgers, findings


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given, and every workbook below each folder (sorted, our own outputs and ~$ lock files skipped)."""
    out: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith("~$")
                and ".checked." not in p.name
            )
            out.extend(found)
        else:
            out.append(path)
    return out


Writer = Callable[[FileResult, Path], Path]


def check_paths(
    inputs: Sequence[str | Path],
    *,
    settings: Settings,
    today: dt.date,
    out_dir: Path | None = None,
    write_copy: Writer | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> CheckRun:
    """Check every workbook of the inputs; bad files become error entries, the batch goes on."""
    run = CheckRun(as_of=today)
    files = expand_inputs(inputs)
    for n, path in enumerate(files, start=1):
        if progress is not None:
            progress(n, len(files), path)
        result = FileResult(path=str(path))
        try:
            result.ledgers, result.findings = check_book(path, settings=settings, today=today, timings=result.timings)
        except InputError as exc:
            result.error = exc
        run.files.append(result)
        if result.error is None and out_dir is not None and write_copy is not None:
            t0 = time.perf_counter()
            try:
                result.output = write_copy(result, out_dir)
            except ZhenggaiError as exc:
                result.error = exc
            result.timings.write += time.perf_counter() - t0
    return run


@dataclass
class GridCheck:
    """Findings of a table given as a grid of values (a worksheet range), per grid row."""

    findings: list[Finding]
    by_row: list[list[Finding]]  # one list per input row (header, title and total rows get [])
    kinds: list[str]
    skipped_reason: str = ""

    def texts(self, *, separator: str = "；") -> list[str]:
        """One text per input row: the findings' messages joined, "" when the row is clean."""
        return [separator.join(f.message for f in row) for row in self.by_row]


def check_grid(
    values: Sequence[Sequence[object]],
    *,
    settings: Settings,
    today: dt.date,
    sheet_name: str = "表格",
    kind: str | None = None,
) -> GridCheck:
    """Check a rectangular block of cell values (header included) as one sheet.

    What the live worksheet functions use: the block is read exactly like a sheet
    of a file (header detection, kind detection, normalisation), rules that need
    another ledger of the workbook are skipped, and findings are mapped back to the
    block's own rows.
    """
    cells = [list(r) for r in values]
    width = max((len(r) for r in cells), default=0)
    for r in cells:
        r.extend([""] * (width - len(r)))
        for i, v in enumerate(r):
            if v is None:
                r[i] = ""
    book = RawWorkbook(path=sheet_name, sheets=[RawSheet(name=sheet_name, cells=cells)])
    ledgers = read_ledgers(
        book,
        today=today,
        kind_overrides={sheet_name: kind} if kind else settings.sheet_kinds,
        immediate_days=int(settings.params.get("immediate_days", 7)),
    )
    findings = run_rules(
        ledgers, today=today, age_reference=settings.age_reference_date(today), settings=settings.rule_settings
    )
    by_row: list[list[Finding]] = [[] for _ in cells]
    for f in findings:
        if f.row is not None and 1 <= f.row <= len(cells):
            by_row[f.row - 1].append(f)
    reason = ledgers.skipped[0].reason if ledgers.skipped and not ledgers.tables else ""
    return GridCheck(findings, by_row, [t.kind for t in ledgers.tables], reason)
