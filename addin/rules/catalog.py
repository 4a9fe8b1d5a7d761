"""Load the rule catalogue from ``templates/rules/*.json``.

Each file is validated twice: the rule objects against ``rules.schema.json``, then
each rule's options against the JSON Schema its check kind declares, and its
expressions against the operators and the fields of its ledger. Every mistake is
reported with the file and JSON path (``$.rules[12].when.all[1]``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from addin.errors import ConfigError, SchemaError
from addin.jsonfiles import load_schema, load_validated, validate
from addin.ledger.definitions import Catalog, default_catalog
from addin.resources import template_path
from addin.rules import derived  # noqa: F401 - registers @-values
from addin.rules.checks import CHECKS, load_all
from addin.rules.expressions import DERIVED, OPERATORS
from addin.rules.model import Rule, Severity

PARAM_OPERATORS = frozenset({"related", "group_count", "group_share"})
# Operators taking exactly [a, b]: checked when the rule is loaded, so a mistake names its key.
BINARY_OPERATORS = frozenset(
    {"<", "<=", ">", ">=", "==", "!=", "in", "not_in", "has_any", "has_all", "only", "contains", "matches", "days"}
    | {"months", "div", "add_days"}
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RuleTemplate:
    """A rule as written in its file; ``for_each`` rules become one Rule per matching field."""

    rule: Rule
    for_each: Mapping[str, Any] | None = None
    enabled: bool = True

    def instances(self, fields: Iterable[Any]) -> list[Rule]:
        if self.for_each is None:
            return [self.rule]
        out = []
        for f in fields:
            if "types" in self.for_each and f.type not in self.for_each["types"]:
                continue
            if "keys" in self.for_each and f.key not in self.for_each["keys"]:
                continue
            if f.key in self.for_each.get("exclude_keys", ()):
                continue
            if "event_date" in self.for_each and f.event_date != self.for_each["event_date"]:
                continue
            out.append(_substitute(self.rule, f.key))
        return out


def _substitute(rule: Rule, key: str) -> Rule:
    def sub(value: Any) -> Any:
        return json.loads(json.dumps(value, ensure_ascii=False).replace('"$field"', json.dumps(key)))

    return replace(
        rule,
        target=key if rule.target == "$field" else rule.target,
        fields=tuple(key if f == "$field" else f for f in rule.fields),
        options=sub(rule.options),
        let=sub(rule.let),
    )


def _walk(expr: Any, path: str) -> Iterable[tuple[str, Any, str]]:
    """Every (kind, value, json_path) inside an expression: ("op", name) and ("ref", field/@/$ name)."""
    if isinstance(expr, dict):
        for op, arg in expr.items():
            yield "op", op, path
            if op in BINARY_OPERATORS and not (isinstance(arg, list) and len(arg) == 2):
                yield "arity", op, f"{path}.{op}"
            if op == "date":  # a literal, not a field
                yield "date", arg, f"{path}.{op}"
                continue
            if op in PARAM_OPERATORS and isinstance(arg, dict):
                for k in ("where", "value"):
                    if k in arg:
                        yield "nested", (arg.get("kind"), arg[k]), f"{path}.{op}.{k}"
                for k in ("by",):
                    for i, f in enumerate(arg.get(k, [])):
                        yield from _walk(f, f"{path}.{op}.{k}[{i}]")
                if "distinct" in arg:
                    yield from _walk(arg["distinct"], f"{path}.{op}.distinct")
                continue
            if op in ("in", "not_in", "has_any", "has_all", "only", "contains", "matches") and isinstance(arg, list):
                yield from _walk(arg[0], f"{path}.{op}[0]")
                continue
            if op in ("attr", "id_problem", "slice", "not_listed") and isinstance(arg, list):
                if op == "not_listed":
                    for j, f in enumerate(arg[0]):
                        yield from _walk(f, f"{path}.{op}[0][{j}]")
                    continue
                yield from _walk(arg[0], f"{path}.{op}[0]")
                continue
            if op == "by_year" and isinstance(arg, list):
                yield from _walk(arg[1], f"{path}.{op}[1]")
                continue
            for i, a in enumerate(arg if isinstance(arg, list) else [arg]):
                yield from _walk(a, f"{path}.{op}[{i}]" if isinstance(arg, list) else f"{path}.{op}")
    elif isinstance(expr, str):
        yield "ref", expr, path


def check_expression(expr: Any, ledger_kind: str, catalog: Catalog, source: Path, path: str, names: set[str]) -> None:
    """Raise SchemaError for an unknown operator, field, derived value or parameter."""
    for kind, value, where in _walk(expr, path):
        if kind == "op" and value not in OPERATORS:
            raise SchemaError(source, where, f"未知的运算符“{value}”")
        if kind == "date" and not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
            raise SchemaError(source, where, f"日期应写成 YYYY-MM-DD（如 2024-01-01），实际为 {value!r}")
        if kind == "arity":
            raise SchemaError(source, where, f"运算符“{value}”需要两项，写成 [左边, 右边]")
        if kind == "nested":
            other, sub = value
            if other is not None and other not in catalog.ledgers:
                raise SchemaError(source, where, f"未知的台账类型“{other}”")
            check_expression(sub, other or ledger_kind, catalog, source, where, names)
        if kind == "ref":
            if value.startswith("@"):
                if value[1:] not in DERIVED:
                    raise SchemaError(source, where, f"未知的派生值“{value}”")
            elif value.startswith("$"):
                if value[1:] not in names and value[1:] not in ("today", "as_of", "field"):
                    raise SchemaError(source, where, f"参数“{value}”未在 params 或 let 中定义")
            elif value.startswith("="):
                continue
            elif ledger_kind != "*" and value != "$field":
                ledger = catalog.ledgers.get(ledger_kind)
                if ledger is not None and value not in ledger.by_key:
                    raise SchemaError(source, where, f"台账“{ledger.label}”没有字段“{value}”")


def _reason(exc: SchemaError) -> str:
    """What is wrong, without the file and position (the caller names a better position)."""
    return exc.detail.split(f"位置 {exc.json_path}：", 1)[-1]


def _rule(
    doc: Mapping[str, Any], default_ledger: str, source: Path, index: int, catalog: Catalog, key: str = "rules"
) -> RuleTemplate:
    base = f"$.{key}[{index}]"
    ledger = doc.get("ledger", default_ledger)
    if ledger != "*" and ledger not in catalog.ledgers:
        raise SchemaError(source, f"{base}.ledger", f"未知的台账类型“{ledger}”")
    kind = CHECKS.get(doc["check"])
    if kind is None:
        raise SchemaError(source, f"{base}.check", f"未知的检查类型“{doc['check']}”，可用：{', '.join(sorted(CHECKS))}")
    options = dict(doc.get("options", {}))
    if "when" in doc:
        options["when"] = doc["when"]
    try:
        validate(options, kind.params_schema, source)
    except SchemaError as exc:
        sub = exc.json_path[1:] if exc.json_path != "$" else ""
        where = f"{base}{sub}" if sub.startswith(".when") else f"{base}.options{sub}"
        raise SchemaError(source, where, _reason(exc)) from exc
    names = set(doc.get("params", {})) | set(doc.get("let", {}))
    for key, expr in (
        ("when", options.get("when")),
        *((f"let.{k}", v) for k, v in doc.get("let", {}).items()),
    ):
        if expr is not None:
            check_expression(expr, ledger, catalog, source, f"{base}.{key}", names)
    for key in ("target", *doc.get("fields", [])):
        value = doc.get("target") if key == "target" else key
        if value and value != "$field" and ledger != "*" and value not in catalog.ledger(ledger).by_key:
            raise SchemaError(
                source,
                f"{base}.target" if key == "target" else f"{base}.fields",
                f"台账“{catalog.ledger(ledger).label}”没有字段“{value}”",
            )
    rule = Rule(
        id=doc["id"],
        ref=doc["ref"],
        ledger=ledger,
        check=doc["check"],
        severity=Severity(doc["severity"]),
        message=doc["message"],
        title=doc.get("title", ""),
        target=doc.get("target"),
        fields=tuple(doc.get("fields", ())),
        params=dict(doc.get("params", {})),
        options=options,
        let=dict(doc.get("let", {})),
        once_per=tuple(doc.get("once_per", ())),
        source=str(source),
        why=doc.get("why", ""),
        fix=doc.get("fix", ""),
        examples=dict(doc.get("examples", {})),
    )
    return RuleTemplate(rule=rule, for_each=doc.get("for_each"), enabled=doc.get("enabled", True))


def load_rules(files: Iterable[Path] | None = None, catalog: Catalog | None = None) -> list[RuleTemplate]:
    """Every rule of the given files (default: templates/rules/*.json), validated."""
    load_all()  # registers check kinds, operators and derived values before validating
    catalog = catalog or default_catalog()
    files = sorted(template_path("rules").glob("*.json")) if files is None else list(files)
    templates: list[RuleTemplate] = []
    seen: dict[str, str] = {}
    for path in files:
        doc = load_validated(path, "rules.schema.json")
        default_ledger = doc.get("ledger", "*")
        for i, raw in enumerate(doc["rules"]):
            template = _rule(raw, default_ledger, path, i, catalog)
            if template.rule.id in seen:
                raise ConfigError(path, f"规则编号“{template.rule.id}”重复（已在 {seen[template.rule.id]} 中定义）")
            seen[template.rule.id] = path.name
            templates.append(template)
    return templates


def load_custom_rules(
    docs: Sequence[Mapping[str, Any]],
    source: Path,
    *,
    key: str = "custom_rules",
    builtin: Iterable[RuleTemplate] | None = None,
    catalog: Catalog | None = None,
) -> tuple[RuleTemplate, ...]:
    """A county's own rules, written in its settings file under ``key``, validated like a rule file.

    Every mistake names the settings file and the exact key (``$.custom_rules[2].when.all[1]``);
    a rule must say which ledger it checks, and its id must not be one of the built-in rules'
    (a county changes a built-in rule through the ``rules`` overrides instead).
    """
    load_all()
    catalog = catalog or default_catalog()
    try:
        validate({"rules": list(docs)}, load_schema("rules.schema.json"), source)
    except SchemaError as exc:
        raise SchemaError(source, exc.json_path.replace("$.rules", f"$.{key}", 1), _reason(exc)) from exc
    taken = {t.rule.id: Path(t.rule.source).name for t in (default_rules() if builtin is None else builtin)}
    out: list[RuleTemplate] = []
    for i, doc in enumerate(docs):
        where = f"$.{key}[{i}]"
        if "ledger" not in doc:
            raise SchemaError(source, where, "缺少必填项 ledger（这条规则检查哪种台账，例如 problems）")
        if doc["id"] in taken:
            raise SchemaError(
                source,
                f"{where}.id",
                f"规则编号“{doc['id']}”与{taken[doc['id']]}中的规则重复；县里自定的规则请另起编号（如 XD-…），"
                f"要调整内置规则请写在 rules 下",
            )
        template = _rule(doc, "*", source, i, catalog, key=key)
        taken[doc["id"]] = f"{key}[{i}]"
        out.append(template)
    return tuple(out)


@functools.cache
def default_rules() -> tuple[RuleTemplate, ...]:
    """The bundled rule catalogue (cached)."""
    return tuple(load_rules())
