"""One function per ribbon button, each taking the user's open ``xw.Book``.

Every action reads what it needs once, computes with the core (the same calls as
``zhenggai check``), and only then writes, in bulk; a write that fails midway is
taken back (:func:`addin.excel.marks.all_or_nothing`). Actions use the portable
subset of the xlwings Book API; whatever differs between engines is asked of
:mod:`addin.excel.com`. Messages are rendered by :mod:`addin.excel.messages`.

``ACTIONS`` maps each button's tag (the ``tag`` attribute in ``ribbon/customUI14.xml``)
to its :class:`Action`, in the order of the buttons on the tab.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from addin import __version__
from addin.chain.run import finding_owner_texts
from addin.check import check_book
from addin.excel import com, marks, messages
from addin.excel.assign_action import assign_owners, undo_assignment
from addin.excel.book import book_file, read_book
from addin.excel.export_action import export_report
from addin.excel.findings_sheet import write_findings_sheet
from addin.excel.ranking_action import monthly_ranking
from addin.excel.rule_docs_action import write_rule_docs
from addin.excel.summary_action import make_summary
from addin.report.findings import cell_marks, findings_rows
from addin.rules.model import Severity
from addin.settings import Settings, load_settings, user_config_dir

if TYPE_CHECKING:
    import xlwings as xw


@dataclass(frozen=True)
class Action:
    """A ribbon button: its tag, its label on the tab, and what it does."""

    tag: str
    label: str
    func: Callable[[xw.Book], None]

    def run(self, book: xw.Book) -> None:
        self.func(book)


def settings_for(book: xw.Book) -> Settings:
    """The settings in force for this workbook (a zhenggai.json next to it wins over the user's)."""
    return load_settings(near=book_file(book))


def check_ledgers(book: xw.Book) -> None:
    """检查台账: check every ledger sheet; findings sheet, marks and notes; a rerun replaces the last run."""
    settings = settings_for(book)
    today = settings.today()
    ledgers, findings = check_book(read_book(book), settings=settings, today=today)
    if not ledgers.tables:
        messages.show(book, messages.no_ledgers(ledgers.skipped), problem=True)
        return
    state = marks.read_state(book)
    rows = findings_rows(findings, owners=finding_owner_texts(ledgers, findings, settings=settings, today=today))
    plan = marks.plan_marks(book, cell_marks(findings), state)
    with com.quiet_screen(book), marks.all_or_nothing(book) as journal:
        marks.remove_marks(book, state)
        results = write_findings_sheet(book, rows, journal)
        marks.write_marks(book, plan, journal)
        results.activate()
    messages.show(
        book,
        messages.check_done(
            as_of=today,
            sheets=list(dict.fromkeys(t.sheet for t in ledgers.tables)),
            errors=sum(1 for f in findings if f.severity is Severity.ERROR),
            warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
            infos=sum(1 for f in findings if f.severity is Severity.INFO),
            notes=len(plan.notes),
            kept_user_notes=plan.kept_user_notes,
            notes_over_limit=plan.notes_over_limit,
            skipped=ledgers.skipped,
        ),
    )


def clear_marks(book: xw.Book) -> None:
    """清除标记: remove exactly what 检查台账 added; the user's values, formats and notes stay as they are."""
    state = marks.read_state(book)
    if state.empty:
        messages.show(book, messages.NOTHING_TO_CLEAR)
        return
    with com.quiet_screen(book):
        removed = marks.remove_marks(book, state)
    messages.show(
        book,
        messages.cleared(
            sheets=len({a.sheet for a in state.areas}),
            notes=removed,
            results=state.findings_sheet or state.flags_sheet,
        ),
    )


def show_settings(book: xw.Book) -> None:
    """设置: where the settings file is and what is in force."""
    settings = settings_for(book)
    messages.show(book, messages.settings_text(settings, config_dir=user_config_dir(), today=settings.today()))


def about(book: xw.Book) -> None:
    """关于: version, rule count and the ledger kinds we recognise."""
    from addin.ledger.definitions import default_catalog
    from addin.rules.catalog import default_rules

    kinds = [ledger.label for ledger in default_catalog().ledgers.values()]
    messages.show(book, messages.about_text(version=__version__, rules=len(default_rules()), ledgers=kinds))


ACTIONS: dict[str, Action] = {
    a.tag: a
    for a in (
        Action("check_ledgers", "检查台账", check_ledgers),
        Action("clear_marks", "清除标记", clear_marks),
        Action("assign_owners", "分配责任人", assign_owners),
        Action("undo_assignment", "撤销上次分配", undo_assignment),
        Action("make_summary", "生成汇总", make_summary),
        Action("monthly_ranking", "月度排名", monthly_ranking),
        Action("export_report", "导出上报", export_report),
        Action("show_settings", "设置", show_settings),
        Action("rule_docs", "规则说明", write_rule_docs),
        Action("about", "关于", about),
    )
}
