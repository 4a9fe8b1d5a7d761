"""The "六个一" mapping as data: bundled defaults merged with the county's ``chain`` settings.

Which "一" a problem or a finding belongs to is a county decision (domain §2.3 is
a PROPOSAL), so nothing here is hard-coded: ``templates/chain/yi_map.json`` holds
the defaults (category → "一", description keywords, rule refs, ledger kinds,
scope words, veto trigger) and the ``chain`` block of the settings file overrides
them key by key. A mistake in either is refused with the JSON path that is wrong.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from addin.errors import ConfigError
from addin.jsonfiles import load_schema, load_validated, validate
from addin.ledger.text import value_key
from addin.resources import template_path

if TYPE_CHECKING:
    from addin.settings import Settings

SCOPES = ("village", "township", "county")
SCOPE_LABELS = {"village": "村级", "township": "乡镇级", "county": "县级"}
ROW = "row"
"""Kind target meaning "the problem row's own 一" (findings on a problems sheet)."""


@dataclass(frozen=True, slots=True)
class CategoryYi:
    """The "一" of one problem category: primary, secondary tags, and scope-specific primaries."""

    code: str
    yi: int  # 0 = cannot be decided automatically (C99 其他)
    tags: tuple[int, ...] = ()
    by_scope: Mapping[str, int] | None = None

    def primary(self, scope: str) -> int:
        return (self.by_scope or {}).get(scope, self.yi)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a finding goes: a "一" (or ``ROW`` = the problem row's own) and the category used for departments."""

    yi: int | str
    category: str | None = None


@dataclass(frozen=True, slots=True)
class RefPattern:
    """One key of ``rule_yi``: an exact ref, a numeric range ``HH-01..HH-20`` or a wildcard ``BF-*``."""

    text: str
    target: Target
    prefix: str = ""
    low: int = 0
    high: int = -1

    def matches(self, ref: str) -> bool:
        if not ref:
            return False
        if self.high >= 0:
            m = _NUMBERED.match(ref)
            return bool(m) and m.group(1) == self.prefix and self.low <= int(m.group(2)) <= self.high
        if "*" in self.text or "?" in self.text:
            return fnmatch.fnmatchcase(ref, self.text)
        return ref == self.text


@dataclass(frozen=True, slots=True)
class VetoTrigger:
    """What makes an open problem a one-vote-veto candidate (domain §4.2 step 3)."""

    sources: frozenset[str]
    flag_words: tuple[str, ...]
    flag_fields: tuple[str, ...]
    departments: bool = False


@dataclass(frozen=True)
class YiMap:
    """The mapping in force (defaults merged with the county's settings)."""

    categories: Mapping[str, CategoryYi]
    keywords: tuple[tuple[str, str], ...]  # (word, category code), longest word first
    category_map: Mapping[str, str]  # value_key(county category text) -> code
    rules: tuple[RefPattern, ...]  # in match order (settings first)
    kinds: tuple[tuple[str, Target], ...]  # (kind or pattern, target); exact kinds are tried first
    scope_words: Mapping[str, tuple[str, ...]]
    scope_yi: Mapping[str, frozenset[int]]
    county_units: tuple[str, ...]
    veto: VetoTrigger

    def category(self, code: str | None) -> CategoryYi | None:
        return self.categories.get(code) if code else None

    def rule_target(self, *names: str) -> Target | None:
        """The target of the first name (a rule's ref, then its id) some ``rule_yi`` key matches."""
        for name in names:
            for pattern in self.rules:
                if pattern.matches(name):
                    return pattern.target
        return None

    def kind_target(self, kind: str) -> Target | None:
        """The fallback target of a ledger kind (exact name first, then wildcard keys in order)."""
        for key, target in self.kinds:
            if key == kind:
                return target
        for key, target in self.kinds:
            if ("*" in key or "?" in key) and fnmatch.fnmatchcase(kind, key):
                return target
        return None


_NUMBERED = re.compile(r"^([A-Za-z]+)-(\d+)$")
_RANGE = re.compile(r"^([A-Za-z]+)-(\d+)(?:\.\.|…)([A-Za-z]+)-(\d+)$")
DEFAULTS = ("chain", "yi_map.json")


def load_yi_map(settings: Settings | None = None, *, overrides: Mapping[str, Any] | None = None) -> YiMap:
    """The mapping in force: the bundled defaults with ``settings.chain`` (or ``overrides``) merged over them.

    Overrides are validated against the ``chain`` block of the settings schema, so a
    ``Settings`` built in code (or by a front-end) is held to the same rules as a file.
    """
    chain = dict(overrides if overrides is not None else (settings.chain if settings is not None else {}))
    where = settings.path if settings is not None and settings.path is not None else Path("zhenggai.json")
    key = json.dumps(chain, sort_keys=True, ensure_ascii=False, default=str)
    return _cached(key, str(where))


@functools.lru_cache(maxsize=32)
def _cached(key: str, where: str) -> YiMap:
    chain = json.loads(key)
    if chain:
        block = load_schema("settings.schema.json")["properties"]["chain"]
        wrapper = {"type": "object", "properties": {"chain": block}}
        validate({"chain": chain}, wrapper, Path(where))
    defaults = load_validated(template_path(*DEFAULTS), "yi_map.schema.json")
    return build_yi_map(defaults, chain, Path(where))


def _merged(default: Mapping[str, Any], override: Mapping[str, Any] | None) -> dict[str, Any]:
    """Override keys first (in their order), then the defaults they do not replace; ``null`` deletes a key."""
    override = override or {}
    out = {k: v for k, v in override.items() if v is not None}
    out.update({k: v for k, v in default.items() if k not in override})
    return out


def _target(value: Any) -> Target:
    if isinstance(value, dict):
        return Target(value["yi"], value.get("category"))
    return Target(value)


def _pattern(text: str, target: Target, source: Path, section: str) -> RefPattern:
    m = _RANGE.match(text)
    if m:
        if m.group(1) != m.group(3) or int(m.group(2)) > int(m.group(4)):
            raise ConfigError(source, f"位置 $.{section}.{text}：区间写法应为“HH-01..HH-20”（前缀相同、由小到大）")
        return RefPattern(text, target, prefix=m.group(1), low=int(m.group(2)), high=int(m.group(4)))
    if ".." in text or "…" in text:
        raise ConfigError(source, f"位置 $.{section}.{text}：区间写法应为“HH-01..HH-20”")
    return RefPattern(text, target)


def build_yi_map(defaults: Mapping[str, Any], chain: Mapping[str, Any], source: Path) -> YiMap:
    """Merge the county's ``chain`` block over the defaults and compile it."""
    categories = {
        code: CategoryYi(code, v["yi"], tuple(v.get("tags", ())), dict(v["by_scope"]) if "by_scope" in v else None)
        for code, v in _merged(defaults["categories"], chain.get("categories")).items()
    }
    keywords = _merged(defaults["keywords"], chain.get("keywords"))
    category_map = {value_key(k): v for k, v in _merged(defaults["category_map"], chain.get("category_map")).items()}
    known = set(categories)
    for section, table in (("keywords", keywords), ("category_map", category_map)):
        for word, code in table.items():
            if code not in known:
                raise ConfigError(source, f"位置 $.chain.{section}.{word}：类别代码“{code}”未在 categories 中定义")
    rules = tuple(
        _pattern(text, _target(v), source, "rule_yi")
        for text, v in _merged(defaults["rule_yi"], chain.get("rule_yi")).items()
    )
    kinds = tuple((k, _target(v)) for k, v in _merged(defaults["kind_yi"], chain.get("kind_yi")).items())
    scope_words = {s: tuple(_merged(defaults["scope_words"], chain.get("scope_words")).get(s, ())) for s in SCOPES}
    scope_yi = {s: frozenset(_merged(defaults["scope_yi"], chain.get("scope_yi")).get(s, ())) for s in SCOPES}
    veto = _merged(defaults["veto"], chain.get("veto"))
    return YiMap(
        categories=categories,
        keywords=tuple(sorted(keywords.items(), key=lambda kv: -len(kv[0]))),
        category_map=category_map,
        rules=rules,
        kinds=kinds,
        scope_words=scope_words,
        scope_yi=scope_yi,
        county_units=tuple(dict.fromkeys([*defaults.get("county_units", ()), *chain.get("county_units", ())])),
        veto=VetoTrigger(
            sources=frozenset(veto.get("sources", ())),
            flag_words=tuple(veto.get("flag_words", ())),
            flag_fields=tuple(veto.get("flag_fields", ())),
            departments=bool(veto.get("departments", False)),
        ),
    )
