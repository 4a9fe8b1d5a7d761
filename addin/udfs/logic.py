"""Glue between Excel's argument shapes and the core, for the ZG_ worksheet functions.

Nothing here imports xlwings, so every function is an ordinary Python function the
tests call directly. What lives here is only what a formula needs and the core does
not: turning cell arguments (scalars, 1×n / n×m ranges as nested lists, empty cells
as None, dates as datetimes, serial numbers or text, IDs as text or as numbers Excel
already corrupted) into core inputs, and core results into values a cell can show.
The checks themselves are the core's (``addin.check.check_grid``, ``addin.ledger.*``,
the rule catalogue, ``addin.risk``).

A worksheet function must never raise into Excel (the user would see #VALUE! and a
Python traceback in a tooltip): every public function here returns readable Chinese
text for bad input or an unexpected failure instead.

Settings are the user's ``zhenggai.json`` (``addin.settings.load_settings`` without a
workbook: a function cannot know the workbook's folder without asking Excel, which a
UDF must not do). The parsed file is cached until it changes on disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from addin.chain.assign import owner_for
from addin.chain.roster import Roster, load_roster
from addin.chain.run import owner_text
from addin.chain.yimap import YiMap, load_yi_map
from addin.check import check_grid
from addin.errors import ZhenggaiError
from addin.ledger import idcard
from addin.ledger.dates import DeadlineKind, parse_date, parse_deadline, year_of
from addin.ledger.definitions import default_catalog
from addin.ledger.normalize import parse_bool, parse_number
from addin.risk import RiskFacts, assess_risk
from addin.rules.catalog import default_rules
from addin.rules.engine import configure, display, render
from addin.rules.model import Finding, Rule, Severity
from addin.settings import Settings, find_settings, load_settings

log = logging.getLogger(__name__)

SEPARATOR = "；"
TABLE_LEVEL_CHECKS = frozenset({"required_columns", "money_unit_mix"})
"""Check kinds that judge the table's columns, not a row: reported once per table, never per row."""

_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?$")
_ID_RULES = {
    idcard.IdProblem.STORED_AS_NUMBER: "GEN-ID-AS-NUMBER",
    idcard.IdProblem.BAD_LENGTH: "ID-LENGTH",
    idcard.IdProblem.BAD_CHARS: "ID-CHARS",
    idcard.IdProblem.BAD_CHECKSUM: "ID-CHECKSUM",
    idcard.IdProblem.BAD_BIRTH: "ID-BIRTH",
    idcard.IdProblem.PLACEHOLDER: "ID-PLACEHOLDER",
    idcard.IdProblem.OLD_15: "ID-OLD-15",
    idcard.IdProblem.BAD_PROVINCE: "ID-PROVINCE",
}


class BadInput(ValueError):
    """An argument the function cannot use; the message is shown in the cell as it is."""


# ---------------------------------------------------------------- shapes


Grid = list[list[Any]]


def as_grid(value: Any) -> Grid:
    """Any argument as a rectangle of cells: a scalar is 1×1, a flat sequence one row, nested sequences rows.

    Ragged rows are padded with empty cells; nothing at all is one empty cell. A
    list of equally long lists (what xlwings hands over) is returned as it is, not
    copied: a 10,000-row copy costs time and memory, and nothing here mutates it.
    """
    if not isinstance(value, list | tuple):
        return [[value]]
    if not all(isinstance(r, list | tuple) for r in value):
        value = [value]
    width = max((len(r) for r in value), default=0)
    if width == 0:
        return [[None]]
    if isinstance(value, list) and all(isinstance(r, list) and len(r) == width for r in value):
        return value
    return [[*r, *[None] * (width - len(r))] for r in value]


def is_empty(value: Any) -> bool:
    """An empty cell as Excel or xlwings hand it over: None, "" or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def guarded(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, or the reason it failed as cell text: a UDF never raises into Excel."""
    try:
        return fn(*args)
    except (BadInput, ZhenggaiError) as exc:
        return str(exc)
    except Exception as exc:  # any bug must still end as text in the cell, not as #VALUE!
        log.exception("worksheet function failed")
        return f"计算出错（{type(exc).__name__}：{exc}），请把此信息告诉管理员"


def elementwise(fn: Callable[..., Any], *args: Any) -> Any:
    """Apply a one-cell function over ranges: one value for single cells, a same-shaped array otherwise.

    Ranges of one shape are walked cell by cell; single cells (and omitted optional
    arguments) are repeated for every position, so ``ZG_IDCARD(A2:A10001)`` is one call
    for a whole column. Each cell is guarded on its own: one bad value does not blank
    the column.
    """
    grids = [as_grid(a) for a in args]
    shapes = {(len(g), len(g[0])) for g in grids if (len(g), len(g[0])) != (1, 1)}
    if len(shapes) > 1:
        return "各参数的区域大小应一致（或为单个单元格）"
    if not shapes:
        return guarded(fn, *(g[0][0] for g in grids))
    ((rows, cols),) = shapes
    return [
        [guarded(fn, *(g[0][0] if len(g) == 1 and len(g[0]) == 1 else g[r][c] for g in grids)) for c in range(cols)]
        for r in range(rows)
    ]


# ---------------------------------------------------------------- settings and rules


@functools.lru_cache(maxsize=4)
def _load(path: Path | None, _content: bytes) -> Settings:
    return Settings() if path is None else load_settings(path)


def settings_in_force() -> Settings:
    """The user's settings, parsed again only when the file's content changes; ConfigError for a broken file.

    Keyed by content rather than modification time: a file saved twice within the
    file system's timestamp resolution must not leave the old thresholds in force.
    """
    path = find_settings()
    if path is None:
        return _load(None, b"")
    try:
        content = path.read_bytes()
    except OSError:
        content = b""  # load_settings reports the unreadable file itself
    return _load(path, content)


@functools.cache
def _rules() -> dict[str, Rule]:
    """The catalogue's rules by id and by domain ref (first rule of a ref wins)."""
    out: dict[str, Rule] = {}
    for template in default_rules():
        out.setdefault(template.rule.id, template.rule)
        out.setdefault(template.rule.ref, template.rule)
    return out


def rule_in_force(key: str, settings: Settings) -> Rule | None:
    """A catalogue rule (by id or domain ref) with the county's parameters; None when absent or switched off."""
    rule = _rules().get(key)
    return None if rule is None else configure(rule, settings.rule_settings)


@functools.cache
def _table_level_rules() -> frozenset[str]:
    return frozenset(t.rule.id for t in default_rules() if t.rule.check in TABLE_LEVEL_CHECKS)


def as_date(value: Any, *, what: str = "参数") -> dt.date:
    """A date argument: a date cell, a serial number, or text such as "2024年7月17日" / ISO."""
    if isinstance(value, str) and (m := _ISO_DATETIME.match(value.strip())):
        return dt.date.fromisoformat(m.group(1))
    parsed = None if isinstance(value, bool) else parse_date(value)
    if parsed is None or parsed.date is None:
        raise BadInput(f"{what}应为日期")
    return parsed.date


def _reference_date(as_of: Any, settings: Settings) -> dt.date:
    return settings.today() if is_empty(as_of) else as_date(as_of, what="参照日期")


# ---------------------------------------------------------------- ZG_CHECK / ZG_CHECKS


def _row_text(findings: Sequence[Finding], table_level: frozenset[str]) -> str:
    """The row's messages; a 提示 (info) says so, so it is not read as an error or warning."""
    return SEPARATOR.join(
        f"提示：{f.message}" if f.severity is Severity.INFO else f.message
        for f in findings
        if f.rule not in table_level
    )


def check_row(row_range: Any, header_range: Any) -> str:
    """ZG_CHECK: the findings of one data row, checked under its header row(s)."""

    def run() -> str:
        header, row = as_grid(header_range), as_grid(row_range)
        if len(row) != 1:
            raise BadInput("第一个参数应为一行数据")
        if all(is_empty(v) for v in row[0]):
            return ""
        width = max(len(r) for r in header)
        if len(row[0]) != width:
            raise BadInput(f"数据行有{len(row[0])}列，表头有{width}列，应一致")
        settings = settings_in_force()
        result = check_grid([*header, row[0]], settings=settings, today=settings.today())
        if not result.kinds:
            return result.skipped_reason
        return _row_text(result.by_row[-1], _table_level_rules())

    return guarded(run)


def check_table(table_range: Any) -> list[list[str]]:
    """ZG_CHECKS: one text per row of the range (header included), as an n×1 array that spills.

    Data rows get their findings; the first row of the range (the formula's own row,
    a title or header row) says what concerns the table as a whole: why it is not
    recognised as a ledger, or its missing required columns. Other non-data rows are "".
    """

    def run() -> list[list[str]]:
        grid = as_grid(table_range)
        settings = settings_in_force()
        result = check_grid(grid, settings=settings, today=settings.today())
        out = [[""] for _ in grid]
        if not result.kinds:
            out[0][0] = result.skipped_reason
            return out
        table_level = _table_level_rules()
        for i, found in enumerate(result.by_row):
            out[i][0] = _row_text(found, table_level)
        whole = [f.message for f in result.findings if f.rule in table_level]
        out[0][0] = SEPARATOR.join([*dict.fromkeys(whole), *([out[0][0]] if out[0][0] else [])])
        return out

    result = guarded(run)
    return result if isinstance(result, list) else [[result]]


# ---------------------------------------------------------------- ZG_IDCARD / ZG_AGE


def _id_reasons(value: Any, today: dt.date, settings: Settings) -> str:
    """The ID rules' own messages (rule catalogue) for every problem of one value; "" when valid."""
    norm = idcard.normalise_id_text(value)
    found = idcard.problems(norm.text, today=today, stored_as_number=norm.stored_as_number)
    facts = {"n": len(norm.text), "prefix": norm.text[:2], "value": norm.text}
    if idcard.IdProblem.OLD_15 in found:
        facts["new"] = idcard.upgrade_15_to_18(norm.text)
    messages = []
    for problem in found:
        rule = rule_in_force(_ID_RULES[problem], settings)
        if rule is not None:
            messages.append(render(rule.message, {**rule.params, **facts}))
    return SEPARATOR.join(messages)


def idcard_reason(id_number: Any) -> Any:
    """ZG_IDCARD: "" for a valid ID number, else why not (one text per cell of a range)."""

    def run() -> Any:
        settings = settings_in_force()
        today = settings.today()
        return elementwise(lambda v: "身份证号为空" if is_empty(v) else _id_reasons(v, today, settings), id_number)

    return guarded(run)


def age(id_number: Any, as_of: Any = None) -> Any:
    """ZG_AGE: full years on ``as_of`` from the birth date in the ID; "" for an empty cell."""

    def one(value: Any, on: Any, settings: Settings) -> int | str:
        if is_empty(value):
            return ""
        day = _reference_date(on, settings)
        norm = idcard.normalise_id_text(value)
        born = None if norm.stored_as_number else idcard.birth_date(norm.text)
        if born is None:
            return _id_reasons(value, day, settings) or "无法从身份证号读出出生日期"
        if born > day:
            return "身份证号中的出生日期晚于参照日期"
        years = idcard.age_on(norm.text, day)
        return "" if years is None else years

    return guarded(lambda: elementwise(one, id_number, as_of, settings_in_force()))


# ---------------------------------------------------------------- ZG_OVERDUE


def _status_settles(status: Any) -> bool:
    """Whether a 整改状态 means the item can no longer be overdue (done, closed, long-term, void)."""
    if is_empty(status):
        return False
    if isinstance(status, float) and 0 <= status <= 1:  # a percentage cell: 0.6 shows as 60%
        status = f"{round(status * 100)}%"
    entry = default_catalog().code_list("status").lookup(status)
    if entry is None:
        return False  # an unknown status counts as not done, as in the checker's PR-OVERDUE
    attrs = entry.attrs
    return bool(attrs.get("done") or attrs.get("long_term") or attrs.get("void"))


def overdue(deadline: Any, status: Any, as_of: Any = None) -> Any:
    """ZG_OVERDUE: "逾期N天", "即将到期" or "" per 整改时限 and 整改状态."""

    def one(due: Any, state: Any, on: Any, settings: Settings) -> str:
        if is_empty(due) or _status_settles(state):
            return ""
        day = _reference_date(on, settings)
        params = settings.params
        parsed = parse_deadline(due, ledger_year=day.year, immediate_days=int(params.get("immediate_days", 7)))
        if parsed is None:
            return ""
        if parsed.kind is DeadlineKind.UNPARSABLE:
            rule = rule_in_force("PR-BAD-DEADLINE", settings)
            template = rule.message if rule is not None else "整改时限无法识别：“{value}”"
            return render(template, {"value": due if isinstance(due, str) else display(due)})
        if parsed.kind is not DeadlineKind.DATE or parsed.date is None:
            return ""  # 长期坚持, a status word in the deadline cell, 立行立改 without a found date
        overdue_rule = rule_in_force("PR-OVERDUE", settings)
        grace = int(overdue_rule.params.get("grace_days", 0)) if overdue_rule is not None else 0
        soon = int(params.get("due_soon_days", 7))
        late = (day - parsed.date).days  # the grace period moves the day an item counts as late, not N
        if late > grace:
            return f"逾期{late}天"
        return "即将到期" if late - grace >= -soon else ""

    return guarded(lambda: elementwise(one, deadline, status, as_of, settings_in_force()))


# ---------------------------------------------------------------- ZG_RISK


def _number(value: Any, label: str) -> float | None:
    if is_empty(value):
        return None
    number = parse_number(value)
    if number is None:
        raise BadInput(f"{label}应为数字")
    return number


def _flag(value: Any, label: str) -> bool:
    if is_empty(value):
        return False
    parsed = parse_bool(value)
    if parsed is None:
        raise BadInput(f"{label}应填“是”或“否”")
    return parsed


def _risk_param(name: str, ref: str, settings: Settings, default: Any) -> Any:
    """A RISK threshold: the rule's configured parameter, else the settings' global one, else the default."""
    rule = rule_in_force(ref, settings)
    if rule is not None and name in rule.params:
        return rule.params[name]
    return settings.params.get(name, default)


def risk(
    per_capita_income: Any,
    transfer_income: Any,
    total_income: Any,
    serious_illness: Any,
    no_labour: Any,
    year: Any = None,
) -> Any:
    """ZG_RISK: 高风险/中风险/低风险 and the reasons (addin.risk), thresholds from the settings."""

    def one(pci: Any, transfer: Any, total: Any, ill: Any, labour: Any, y: Any, settings: Settings) -> str:
        if all(is_empty(v) for v in (pci, transfer, total, ill, labour)):
            return ""
        if is_empty(y):
            data_year = settings.today().year
        else:
            data_year = year_of(y)
            if data_year is None:
                raise BadInput("年度应为年份，如2024")
        facts = RiskFacts(
            per_capita_income=_number(pci, "人均纯收入"),
            transfer_income=_number(transfer, "转移性收入"),
            total_income=_number(total, "家庭总收入"),
            serious_illness=_flag(ill, "是否有大病患者"),
            no_labour=_flag(labour, "是否均无劳动力"),
            year=data_year,
        )
        try:
            assessment = assess_risk(
                facts,
                monitoring_line=_risk_param("monitoring_line", "RISK-01", settings, None),
                transfer_share_threshold=_risk_param("transfer_share_threshold", "RISK-02", settings, None),
            )
        except ValueError as exc:  # a threshold in the settings file that is not a number
            raise BadInput(str(exc)) from exc
        return assessment.text()

    args = (per_capita_income, transfer_income, total_income, serious_illness, no_labour, year)
    return guarded(lambda: elementwise(one, *args, settings_in_force()))


# ---------------------------------------------------------------- ZG_OWNER


def _roster_and_map(settings: Settings) -> tuple[Roster, YiMap]:
    """The roster named in the settings (read once per file version) and the "一" mapping in force."""
    roster = load_roster(settings, [], today=settings.today()) if settings.roster is not None else Roster()
    return roster, load_yi_map(settings)


def owner(category: Any, township: Any = None, village: Any = None, household: Any = None) -> Any:
    """ZG_OWNER: the "一" and the named owner of an item, from the settings' roster (as 分配责任人 decides)."""
    settings = settings_in_force()

    def one(cat: Any, town: Any, vil: Any, hh: Any) -> str:
        if is_empty(cat):
            return ""
        roster, yimap = _roster_and_map(settings)
        text = "" if is_empty(cat) else str(cat).strip()
        found = owner_for(
            roster,
            yimap,
            category=text,
            description=text,
            township="" if is_empty(town) else str(town),
            village="" if is_empty(vil) else str(vil),
            household="" if is_empty(hh) else str(hh),
        )
        return owner_text(found) + ("（未配置责任体系花名册）" if roster.empty else "")

    return guarded(lambda: elementwise(one, category, township, village, household))
