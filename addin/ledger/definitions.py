"""Ledger definitions and code lists: what each kind of ledger holds.

The data lives in ``templates/ledgers/*.json`` and ``templates/codes/*.json`` so a
county can add an alias or a value without touching code; this module turns those
files into typed, validated objects and answers the two questions the reader asks:
"which field is this header?" and "which canonical value is this cell?".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.errors import ConfigError
from addin.jsonfiles import load_validated
from addin.ledger.text import header_key, value_key
from addin.resources import template_path

DEFAULT_SEPARATORS = r"[、，,；;/／＋+\n\r]|及|和"


@dataclass(frozen=True, slots=True)
class CodeValue:
    """One legal value of a code list and the facts rules read from it."""

    value: str
    code: str = ""
    synonyms: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CodeList:
    """A list of legal values with the variants that map onto each."""

    name: str
    label: str
    values: tuple[CodeValue, ...]
    open: bool = False
    separators: str = DEFAULT_SEPARATORS

    @functools.cached_property
    def _exact(self) -> dict[str, CodeValue]:
        table: dict[str, CodeValue] = {}
        for v in self.values:
            for text in (v.value, *v.synonyms, v.code):
                if text:
                    table.setdefault(value_key(text), v)
        return table

    @functools.cached_property
    def _split(self) -> re.Pattern[str]:
        return re.compile(self.separators)

    def by_value(self, value: str) -> CodeValue | None:
        """The entry whose canonical value is ``value``."""
        for v in self.values:
            if v.value == value:
                return v
        return None

    def lookup_exact(self, text: object) -> CodeValue | None:
        """The entry whose value, synonym or code equals the (normalised) text; no patterns."""
        key = value_key(text)
        return self._exact.get(key) if key else None

    def lookup(self, text: object) -> CodeValue | None:
        """The entry a cell text stands for, or None when it matches nothing.

        Exact (normalised) match on value, synonyms and code first, then the
        regular expressions of each value in order.
        """
        key = value_key(text)
        if not key:
            return None
        hit = self._exact.get(key)
        if hit is not None:
            return hit
        for v in self.values:
            if any(p.search(key) for p in v.patterns):
                return v
        return None

    def split(self, text: str) -> list[str]:
        """The items of a multi-value cell ("因病、缺资金" → ["因病", "缺资金"])."""
        text = re.sub(r"(?:^|(?<=\s))\d{1,2}[.、)）]\s*", "\n", text)  # "1.…2.…" numbered lists
        return [t.strip() for t in self._split.split(text) if t and t.strip()]

    def attr(self, value: str | None, name: str, default: Any = None) -> Any:
        """An attribute of a canonical value, e.g. ``attr("之子", "sex")`` → "男"."""
        if value is None:
            return default
        entry = self.by_value(value)
        return default if entry is None else entry.attrs.get(name, default)


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One canonical column of a ledger kind."""

    key: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    codes: str | None = None
    unit: str | None = None
    required: bool = False
    identifying: bool = False
    event_date: bool = False
    carry_down: bool = False

    @property
    def header_keys(self) -> tuple[str, ...]:
        """Label and aliases in comparison form."""
        return tuple(dict.fromkeys(header_key(t) for t in (self.label, *self.aliases)))


@dataclass(frozen=True)
class LedgerDef:
    """A ledger kind: its fields and how to recognise it."""

    kind: str
    label: str
    fields: tuple[FieldDef, ...]
    title_keywords: tuple[str, ...] = ()
    key_fields: tuple[str, ...] = ()
    one_row_per: str | None = None
    shares_sheet_with: tuple[str, ...] = ()
    min_matched_fields: int = 3

    @functools.cached_property
    def by_key(self) -> dict[str, FieldDef]:
        return {f.key: f for f in self.fields}

    @functools.cached_property
    def alias_index(self) -> dict[str, FieldDef]:
        """Header comparison form → field (first definition wins on clashes)."""
        index: dict[str, FieldDef] = {}
        for f in self.fields:
            for k in f.header_keys:
                index.setdefault(k, f)
        return index

    def field(self, key: str) -> FieldDef:
        return self.by_key[key]

    def match_header(self, text: object) -> FieldDef | None:
        """The field a header cell names, or None."""
        key = header_key(text)
        return self.alias_index.get(key) if key else None


@dataclass(frozen=True)
class Catalog:
    """All ledger definitions and code lists in force."""

    ledgers: Mapping[str, LedgerDef]
    codes: Mapping[str, CodeList]

    def ledger(self, kind: str) -> LedgerDef:
        return self.ledgers[kind]

    def code_list(self, name: str) -> CodeList:
        return self.codes[name]

    def codes_for(self, f: FieldDef) -> CodeList | None:
        return self.codes.get(f.codes) if f.codes else None

    @functools.cached_property
    def header_vocabulary(self) -> frozenset[str]:
        """Every alias of every field of every ledger kind, in comparison form."""
        return frozenset(k for ledger in self.ledgers.values() for k in ledger.alias_index)

    def is_header_text(self, key: str) -> bool:
        """Whether a normalised header text names some field of some ledger."""
        return key in self.header_vocabulary


def _code_list(doc: Mapping[str, Any], path: Path) -> CodeList:
    values = []
    for i, v in enumerate(doc["values"]):
        patterns = []
        for j, p in enumerate(v.get("patterns", ())):
            try:
                patterns.append(re.compile(p))
            except re.error as exc:
                raise ConfigError(path, f"位置 $.values[{i}].patterns[{j}]：正则表达式有误（{exc}）") from exc
        values.append(
            CodeValue(
                value=v["value"],
                code=v.get("code", ""),
                synonyms=tuple(v.get("synonyms", ())),
                patterns=tuple(patterns),
                attrs=dict(v.get("attrs", {})),
            )
        )
    return CodeList(
        name=doc["name"],
        label=doc["label"],
        values=tuple(values),
        open=doc.get("open", False),
        separators=doc.get("separators", DEFAULT_SEPARATORS),
    )


def _ledger(doc: Mapping[str, Any]) -> LedgerDef:
    fields = tuple(
        FieldDef(
            key=f["key"],
            label=f["label"],
            type=f["type"],
            aliases=tuple(f.get("aliases", ())),
            codes=f.get("codes"),
            unit=f.get("unit"),
            required=f.get("required", False),
            identifying=f.get("identifying", False),
            event_date=f.get("event_date", False),
            carry_down=f.get("carry_down", False),
        )
        for f in doc["fields"]
    )
    return LedgerDef(
        kind=doc["kind"],
        label=doc["label"],
        fields=fields,
        title_keywords=tuple(doc.get("title_keywords", ())),
        key_fields=tuple(doc.get("key_fields", ())),
        one_row_per=doc.get("one_row_per"),
        shares_sheet_with=tuple(doc.get("shares_sheet_with", ())),
        min_matched_fields=doc.get("min_matched_fields", 3),
    )


def load_catalog(ledger_files: Iterable[Path] | None = None, code_files: Iterable[Path] | None = None) -> Catalog:
    """Read and validate definitions; by default every file under templates/."""
    if ledger_files is None:
        ledger_files = sorted(template_path("ledgers").glob("*.json"))
    if code_files is None:
        code_files = sorted(template_path("codes").glob("*.json"))
    codes: dict[str, CodeList] = {}
    for path in code_files:
        doc = load_validated(path, "codes.schema.json")
        codes[doc["name"]] = _code_list(doc, path)
    ledgers: dict[str, LedgerDef] = {}
    for path in ledger_files:
        doc = load_validated(path, "ledger.schema.json")
        ledger = _ledger(doc)
        for i, f in enumerate(ledger.fields):
            if f.codes and f.codes not in codes:
                raise ConfigError(path, f"位置 $.fields[{i}].codes：找不到代码表“{f.codes}”")
        ledgers[ledger.kind] = ledger
    return Catalog(ledgers=ledgers, codes=codes)


@functools.cache
def default_catalog() -> Catalog:
    """The bundled catalogue (cached for the life of the process)."""
    return load_catalog()
