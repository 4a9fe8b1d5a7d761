"""County settings: one JSON file, validated, found where staff would put it.

Lookup order (first found wins): an explicit path; ``zhenggai.json`` next to the
(first) workbook; the user's config folder (``%APPDATA%\\zhenggai\\zhenggai.json``
on Windows, ``~/.config/zhenggai/zhenggai.json`` elsewhere). No file = defaults.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.errors import ConfigError, SchemaError
from addin.jsonfiles import load_validated
from addin.rules.catalog import RuleTemplate, default_rules, load_custom_rules
from addin.rules.engine import RuleSettings

SETTINGS_NAME = "zhenggai.json"


def user_config_dir() -> Path:
    """Where per-user settings live on this platform."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "zhenggai"
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "zhenggai"


@dataclass
class Settings:
    """Everything a county can change without touching code."""

    path: Path | None = None
    as_of: dt.date | None = None
    age_reference: dt.date | None = None
    params: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    sheet_kinds: dict[str, str] = field(default_factory=dict)
    max_file_mb: float = 200.0
    max_rows: int = 1_048_576
    roster: Path | None = None  # 责任体系花名册 workbook, resolved against the settings file's folder
    chain: dict[str, Any] = field(default_factory=dict)  # "六个一" mapping overrides (addin.chain)
    summary: dict[str, Any] = field(default_factory=dict)  # 汇总 options (addin.summary)
    ranking: dict[str, Any] = field(default_factory=dict)  # 月度排名 options (addin.summary)
    history_db: Path | None = None  # ranking history SQLite file, resolved like ``roster``
    mail: dict[str, Any] = field(default_factory=dict)  # SMTP and recipients (addin.report)
    custom_rules: tuple[RuleTemplate, ...] = ()  # the county's own rules ("custom_rules"), validated on load

    @property
    def rule_settings(self) -> RuleSettings:
        # The chain and ranking blocks reach the rules as their "chain" parameter (PR-YI-UNKNOWN,
        # addin/rules/ops_chain.py) and "ranking" parameter (IS-*, addin/rules/ops_inspection.py).
        params = {**self.params, **{k: v for k, v in (("chain", self.chain), ("ranking", self.ranking)) if v}}
        return RuleSettings(params=params, overrides=self.rules, custom=self.custom_rules)

    def today(self, cli_as_of: dt.date | None = None) -> dt.date:
        """“Today” for every date rule: --as-of, else the settings file, else the system date."""
        return cli_as_of or self.as_of or dt.date.today()

    def age_reference_date(self, today: dt.date) -> dt.date:
        return self.age_reference or today


def find_settings(explicit: Path | None = None, near: Path | None = None) -> Path | None:
    """The settings file in force, or None."""
    if explicit is not None:
        if not explicit.exists():
            raise ConfigError(explicit, "设置文件不存在")
        return explicit
    candidates = []
    if near is not None:
        folder = near if near.is_dir() else near.parent
        candidates.append(folder / SETTINGS_NAME)
    candidates.append(user_config_dir() / SETTINGS_NAME)
    return next((c for c in candidates if c.is_file()), None)


def _date(value: str | None, path: Path, key: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(path, f"{key} 不是有效日期：{value}（格式 YYYY-MM-DD）") from exc


def _path(value: str | None, settings_file: Path) -> Path | None:
    """A path named in the settings file; relative ones are relative to that file's folder."""
    if value is None:
        return None
    named = Path(value).expanduser()
    return named if named.is_absolute() else settings_file.parent / named


def load_settings(explicit: Path | None = None, near: Path | None = None) -> Settings:
    """Load and validate the settings in force (defaults when there is no file)."""
    path = find_settings(explicit, near)
    if path is None:
        return Settings()
    doc = load_validated(path, "settings.schema.json")
    limits = doc.get("limits", {})
    custom = load_custom_rules(doc.get("custom_rules", []), path)
    _check_rule_ids(doc.get("rules", {}), custom, path)
    return Settings(
        path=path,
        as_of=_date(doc.get("as_of"), path, "as_of"),
        age_reference=_date(doc.get("age_reference_date"), path, "age_reference_date"),
        params=dict(doc.get("params", {})),
        rules={k: dict(v) for k, v in doc.get("rules", {}).items()},
        sheet_kinds=dict(doc.get("sheet_kinds", {})),
        max_file_mb=float(limits.get("max_file_mb", 200.0)),
        max_rows=int(limits.get("max_rows", 1_048_576)),
        roster=_path(doc.get("roster"), path),
        chain=dict(doc.get("chain", {})),
        summary=dict(doc.get("summary", {})),
        ranking=dict(doc.get("ranking", {})),
        history_db=_path(doc.get("history_db"), path),
        mail=dict(doc.get("mail", {})),
        custom_rules=custom,
    )


def _check_rule_ids(overrides: dict[str, Any], custom: tuple[RuleTemplate, ...], path: Path) -> None:
    """An override must name a rule that exists: a mistyped id would otherwise change nothing, silently."""
    known = {t.rule.id for t in (*default_rules(), *custom)}
    for rule_id in overrides:
        if rule_id not in known:
            raise SchemaError(path, f"$.rules.{rule_id}", f"没有编号为“{rule_id}”的规则（规则编号见 docs/rules.md）")
