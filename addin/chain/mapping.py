"""Which "一" of the "六个一" a problem row or a finding belongs to (domain §2.3, §2.4 steps 1–2).

A problem row is mapped by its category (the county's own category text through
``category_map``, else the standard category list), or — when the category is
empty, unknown or 其他 — by keywords in its description. A problem touching
several "一" takes the lowest-numbered one that fits its scope (村级 ①②③,
乡镇级 ④⑤, 县级 ⑤⑥) and keeps the others as tags. A valid "六个一归属" the
user typed always wins. A finding is mapped by its rule's ref (then its rule id),
else by the kind of ledger it was found in; findings on a problems sheet take
that problem row's own "一".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from addin.chain.yimap import ROW, SCOPE_LABELS, Target, YiMap, load_yi_map
from addin.ledger.definitions import CodeList, default_catalog
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text, squeeze, value_key
from addin.rules.expressions import Context
from addin.rules.model import Finding
from addin.rules.ops_problems import blank_row

__all__ = [
    "ProblemYi",
    "YiChoice",
    "YiMap",
    "category_code",
    "finding_target",
    "finding_yi",
    "household_mask",
    "is_county_unit",
    "load_yi_map",
    "problem_rows",
    "problem_yi",
    "resolve_yi",
    "row_scope",
    "scope_label",
    "texts",
    "typed_yi",
    "yi_label",
    "yi_mark",
]

MARKS = "①②③④⑤⑥"
HOUSEHOLD_FIELDS = ("household_head", "household_id_no", "hh_no")


def yi_label(yi: int) -> str:
    """The canonical text of a "一" (as the 六个一 code list spells it, so a written value reads back), "" for 0."""
    if not 1 <= yi <= 6:
        return ""
    for v in _yi_codes().values:
        if v.attrs.get("n") == yi:
            return v.value
    return ""


def yi_mark(yi: int) -> str:
    """ "①" … "⑥" for display; "" for 0."""
    return MARKS[yi - 1] if 1 <= yi <= 6 else ""


def _yi_codes() -> CodeList:
    return default_catalog().code_list("yi")


@dataclass(frozen=True, slots=True)
class YiChoice:
    """The "一" of one problem row and how it was reached."""

    yi: int  # 1–6; 0 = cannot be determined
    tags: tuple[int, ...] = ()  # secondary "一"
    category: str | None = None  # category code used (after category_map / keywords)
    scope: str = "county"  # village / township / county
    how: str = ""  # typed / category / keywords / "" when unknown
    reason: str = ""  # Chinese, why the "一" could not be determined
    household: bool = False  # the problem concerns one household


def _keyword_scores(description: str, yimap: YiMap) -> dict[str, int]:
    """Category code → number of distinct keywords found in the description."""
    text = squeeze(description)
    scores: dict[str, int] = {}
    for word, code in yimap.keywords:
        if word in text:
            scores[code] = scores.get(code, 0) + 1
    return scores


def resolve_yi(
    yimap: YiMap,
    *,
    category: str | None,
    description: str = "",
    scope: str = "county",
    typed: int = 0,
    household: bool = False,
) -> YiChoice:
    """The "一" of one problem from its category code (may be None), description and scope.

    ``typed`` is a valid "一" the user entered (1–6), which wins; the derived one
    then only contributes tags.
    """
    entry = yimap.category(category)
    if entry is not None and entry.primary(scope):
        yi = entry.primary(scope)
        tags = tuple(t for t in dict.fromkeys((*entry.tags, entry.yi)) if t and t != yi)
        choice = YiChoice(yi, tags, category, scope, "category", household=household)
    else:
        choice = _by_keywords(yimap, category, description, scope, household)
    if 1 <= typed <= 6:
        tags = tuple(t for t in dict.fromkeys((choice.yi, *choice.tags)) if t and t != typed)
        return YiChoice(typed, tags, choice.category, scope, "typed", household=household)
    return choice


def _by_keywords(yimap: YiMap, category: str | None, description: str, scope: str, household: bool) -> YiChoice:
    """Category by description keywords; several categories → the tie-break of domain §2.3."""
    scores = _keyword_scores(description, yimap) if description else {}
    candidates = [
        (code, yimap.categories[code].primary(scope), score)
        for code, score in scores.items()
        if code in yimap.categories and yimap.categories[code].primary(scope)
    ]
    if not candidates:
        if category == "C99":
            what = "问题类别为“其他”"
        elif category and yimap.category(category) is not None:
            what = f"问题类别 {category} 未对应任何“一”"
        else:
            what = "问题类别为空或无法归类"
        why = "问题描述中也没有可识别的关键词" if description else "问题描述为空"
        return YiChoice(
            0, (), category, scope, "", f"{what}，{why}；请填写问题类别或在“六个一归属”列中指定", household=household
        )
    fitting = [c for c in candidates if c[1] in yimap.scope_yi.get(scope, frozenset())]
    if fitting:
        code, yi, _ = min(fitting, key=lambda c: (c[1], -c[2], c[0]))
    else:
        code, yi, _ = min(candidates, key=lambda c: (-c[2], c[1], c[0]))
    others = [c[1] for c in candidates if c[1] != yi] + list(yimap.categories[code].tags)
    tags = tuple(sorted({t for t in others if t and t != yi}))
    return YiChoice(yi, tags, code, scope, "keywords", household=household)


# ------------------------------------------------------------------ scope
def _has_word(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def is_county_unit(text: str, yimap: YiMap) -> bool:
    """A unit text naming a county department (code list or ``county_units``) or starting with 县."""
    departments = default_catalog().codes.get("departments")
    for item in departments.split(text) if departments is not None else [text]:
        item = squeeze(clean_text(item))
        if not item:
            continue
        if item.startswith("县") or item in yimap.county_units:
            return True
        if departments is not None and departments.lookup_exact(item) is not None:
            return True
    return False


def row_scope(
    yimap: YiMap, *, township: str, village: str, household: bool, description: str, units: Iterable[str] = ()
) -> str:
    """村级 when the row names a village or a household; else by the description's scope words,
    the township column, and whether the responsible unit is a county department; 县级 by default."""
    words = yimap.scope_words
    if village or household:
        return "village"
    if _has_word(description, words.get("county", ())):
        return "county"
    if township:
        return "township"
    if _has_word(description, words.get("township", ())):
        return "township"
    if any(is_county_unit(u, yimap) for u in units if u):
        return "county"
    if _has_word(description, words.get("village", ())):
        return "village"
    return "county"


# ------------------------------------------------------------------ tables
def category_code(yimap: YiMap, raw: object, canonical: object, codes: CodeList | None) -> str | None:
    """The category code of a cell: the county's ``category_map`` first, then the standard list."""
    mapped = yimap.category_map.get(value_key(raw)) if raw not in (None, "") else None
    if mapped:
        return mapped
    if isinstance(canonical, str) and codes is not None:
        entry = codes.by_value(canonical)
        if entry is not None and entry.code:
            return entry.code
    return None


def texts(table: LedgerTable, key: str) -> list[str]:
    """Clean text of a field for every data row ("" where empty or where the sheet lacks the column)."""
    if not table.has(key):
        return [""] * len(table)
    empty = table.empty(key)
    return ["" if e else clean_text(v) for v, e in zip(table.values(key).tolist(), empty.tolist(), strict=True)]


@dataclass
class ProblemYi:
    """The "一" of every data row of a problems table (``choices[i]`` for data row ``i``)."""

    choices: list[YiChoice]
    blank: np.ndarray  # rows with nothing but a serial number: nothing to assign

    @property
    def yi(self) -> np.ndarray:
        return np.array([c.yi for c in self.choices], dtype=np.int8)

    @property
    def unknown(self) -> np.ndarray:
        """Rows whose "一" cannot be determined (blank rows excluded)."""
        return (self.yi == 0) & ~self.blank

    def __len__(self) -> int:
        return len(self.choices)


def _blank_rows(table: LedgerTable) -> np.ndarray:
    today = dt.date.today()
    return blank_row(Context(table, {table.kind: [table]}, today, today))


def household_mask(table: LedgerTable) -> np.ndarray:
    """Rows that name one household (户主, 身份证号 or 户编号 filled)."""
    out = np.zeros(len(table), dtype=bool)
    for key in HOUSEHOLD_FIELDS:
        if table.has(key):
            out |= ~table.empty(key)
    return out


def typed_yi(table: LedgerTable) -> np.ndarray:
    """The valid "一" (1–6) the user typed in 六个一归属, 0 where empty or not a legal value."""
    out = np.zeros(len(table), dtype=np.int8)
    if table.has("yi"):
        codes = _yi_codes()
        ok = ~table.empty("yi") & ~table.bad("yi")
        for i in np.nonzero(ok)[0]:
            out[i] = int(codes.attr(table.values("yi")[i], "n", 0) or 0)
    return out


def problem_yi(table: LedgerTable, yimap: YiMap) -> ProblemYi:
    """The "一" of each data row of a problems table (work done once per distinct row content)."""
    codes = default_catalog().codes_for(table.ledger.field("category"))
    n = len(table)
    raw_category = table.raw["category"].tolist() if table.has("category") else [None] * n
    category = table.values("category").tolist() if table.has("category") else [None] * n
    columns = [texts(table, k) for k in ("description", "township", "village", "resp_unit", "lead_unit")]
    household = household_mask(table).tolist()
    typed = typed_yi(table).tolist()
    cache: dict[tuple[object, ...], YiChoice] = {}
    choices: list[YiChoice] = []
    for key in zip(raw_category, category, *columns, household, typed, strict=True):
        choice = cache.get(key)
        if choice is None:
            raw, canonical, description, township, village, resp_unit, lead_unit, one_household, typed_one = key
            scope = row_scope(
                yimap,
                township=township,
                village=village,
                household=one_household,
                description=description,
                units=(resp_unit, lead_unit),
            )
            code = category_code(yimap, raw, canonical, codes)
            choice = cache[key] = resolve_yi(
                yimap, category=code, description=description, scope=scope, typed=typed_one, household=one_household
            )
        choices.append(choice)
    return ProblemYi(choices, _blank_rows(table) if n else np.zeros(0, dtype=bool))


RowKey = tuple[str, str, int]


def problem_rows(tables: Iterable[LedgerTable], yimap: YiMap) -> dict[RowKey, YiChoice]:
    """(file, sheet, Excel row) → the row's choice, for every problems table given."""
    out: dict[RowKey, YiChoice] = {}
    for table in tables:
        if table.kind != "problems":
            continue
        for row, choice in zip(table.rows.tolist(), problem_yi(table, yimap).choices, strict=True):
            out[(table.file, table.sheet, int(row))] = choice
    return out


def finding_target(finding: Finding, yimap: YiMap, problems: Mapping[RowKey, YiChoice] | None = None) -> YiChoice:
    """The "一" of a finding with the category its owners are looked up by (``yi`` 0 + reason if none).

    By the rule's ref, then its rule id (``rule_yi``), else by the ledger kind
    (``kind_yi``); ``"row"`` means the problem row's own "一" from ``problems``.
    """
    target: Target | None = yimap.rule_target(finding.ref, finding.rule) or yimap.kind_target(finding.kind)
    if target is None:
        return YiChoice(0, reason=f"规则 {finding.rule}（{finding.ref}）和台账类型“{finding.kind}”都没有对应的“六个一”")
    if target.yi == ROW:
        choice = (problems or {}).get((finding.file, finding.sheet, finding.row or 0))
        if choice is None:
            return YiChoice(0, category=target.category, reason="找不到该检查结果所在的问题行")
        return choice
    return YiChoice(int(target.yi), (), target.category, how="rule")


def finding_yi(finding: Finding, yimap: YiMap, problems: Mapping[RowKey, YiChoice] | None = None) -> int:
    """The "一" (1–6, 0 = unknown) of a finding; see :func:`finding_target`."""
    return finding_target(finding, yimap, problems).yi


def scope_label(scope: str) -> str:
    return SCOPE_LABELS.get(scope, scope)
