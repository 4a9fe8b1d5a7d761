"""Checks that look for patterns across rows of a visit log.

BF-06: the same (or nearly the same) 帮扶内容 text written for many households by
one helper, i.e. copied entries. BF-14: cadres going down to villages on fewer
than two days in a week.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict

import numpy as np

from addin.ledger.text import clean_text, squeeze
from addin.rules.checks import Hits, check
from addin.rules.expressions import Context, evaluate, join_keys, truthy
from addin.rules.model import Rule

_NOISE = re.compile(r"[\s\d,，。.、；;：:！!？?（）()\"“”'‘’-]+")


def _norm(text: object) -> str:
    return _NOISE.sub("", squeeze(clean_text(text)))


def _ratio_bound(a: str, b: str, letters: dict[str, Counter[str]]) -> float:
    """An upper bound of ``SequenceMatcher(None, a, b).ratio()`` from shared letters (difflib's quick_ratio).

    Matching blocks pair equal letters one to one, so they never match more letters than the two texts
    share; most pairs of different texts fail this cheap test and skip the costly matcher.
    """
    for t in (a, b):
        if t not in letters:
            letters[t] = Counter(t)
    matches = sum((letters[a] & letters[b]).values())
    length = len(a) + len(b)
    return 2.0 * matches / length if length else 1.0


@check(
    "copied_text",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "by", "unit"],
        "properties": {
            "text": {"type": "string"},
            "by": {"type": "array", "items": {"type": "string"}},
            "unit": {"type": "string"},
        },
    },
)
def copied_text(rule: Rule, ctx: Context) -> Hits:
    """Rows whose text equals (or nearly equals) the text written for ``copy_threshold``+ other households."""
    table = ctx.table
    text_key, unit_key = rule.options["text"], rule.options["unit"]
    if not table.has(text_key):
        return Hits()
    threshold = int(rule.params.get("copy_threshold", 5))
    similarity = float(rule.params.get("similarity", 0.9))
    min_chars = int(rule.params.get("min_chars", 6))
    groups = join_keys(ctx, rule.options["by"]) if rule.options["by"] else np.full(len(table), "*", dtype=object)
    units = join_keys(ctx, [unit_key])
    texts = [_norm(v) for v in table.raw[text_key]]
    by_group: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for g, u, t in zip(groups, units, texts, strict=True):
        if g and u and len(t) >= min_chars:
            by_group[g][t].add(u)
    flagged: dict[tuple[str, str], int] = {}
    for g, by_text in by_group.items():
        distinct = sorted(by_text, key=len)
        clusters: list[tuple[str, set[str], list[str]]] = []
        letters: dict[str, Counter[str]] = {}
        for t in distinct[:500]:  # bound the quadratic part per helper
            for rep, members, texts_in in clusters:
                if abs(len(rep) - len(t)) <= len(rep) * (1 - similarity) + 1 and (
                    rep == t
                    or (
                        _ratio_bound(rep, t, letters) >= similarity
                        and difflib.SequenceMatcher(None, rep, t).ratio() >= similarity
                    )
                ):
                    members |= by_text[t]
                    texts_in.append(t)
                    break
            else:
                clusters.append((t, set(by_text[t]), [t]))
        for _rep, members, texts_in in clusters:
            if len(members) >= threshold:
                for t in texts_in:
                    flagged[(g, t)] = len(members)
    count = np.array([flagged.get((g, t), 0) for g, t in zip(groups, texts, strict=True)], dtype=float)
    return Hits(mask=count > 0, values={"n": count})


@check(
    "weekly_visits",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["person", "date", "who"],
        "properties": {
            "person": {"type": "string"},
            "date": {"type": "string"},
            "who": {"description": "expression selecting the cadres' rows"},
        },
    },
)
def weekly_visits(rule: Rule, ctx: Context) -> Hits:
    """Cadres with fewer than ``min_days`` distinct visit days in a Mon–Sun week.

    The weeks checked run from the cadre's first logged visit to the week of the
    log's last date, and never into ``today``'s (unfinished) week, so a quarterly log
    checked months later is not blamed for the months after it ends. A short week is
    reported on the cadre's last row within that week, or, for a week without any
    visit, on the cadre's last row before it; several short weeks landing on the same
    row are reported once, naming the first week and the count.
    """
    table = ctx.table
    person_key, date_key = rule.options["person"], rule.options["date"]
    if not (table.has(person_key) and table.has(date_key)):
        return Hits()
    min_days = int(rule.params.get("min_days", 2))
    who = truthy(evaluate(rule.options["who"], ctx))
    people = join_keys(ctx, [person_key])
    dates = table.values(date_key).astype("datetime64[D]")
    logged = dates[~np.isnat(dates)]
    if not len(logged):
        return Hits()
    last_logged = logged.max().astype(dt.date)
    this_monday = ctx.today - dt.timedelta(days=ctx.today.weekday())
    stop = min(this_monday, last_logged - dt.timedelta(days=last_logged.weekday()) + dt.timedelta(days=7))
    days: dict[str, dict[dt.date, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    rows: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for i in np.nonzero(who & (people != "") & ~np.isnat(dates))[0]:
        d = dates[i].astype(dt.date)
        days[people[i]][d - dt.timedelta(days=d.weekday())].add(d)
        rows[people[i]].append((d, int(i)))
    short: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for person, by_week in days.items():
        visits = sorted(rows[person])
        monday = min(by_week)
        while monday < stop:
            n = len(by_week.get(monday, ()))
            if n < min_days:
                sunday = monday + dt.timedelta(days=6)
                before = [i for d, i in visits if d <= sunday]
                short[before[-1]].append((monday, n))
            monday += dt.timedelta(days=7)
    mask = np.zeros(len(table), dtype=bool)
    weeks = np.full(len(table), "", dtype=object)
    counts = np.full(len(table), np.nan)
    n_weeks = np.full(len(table), np.nan)
    for i, found in short.items():
        mask[i] = True
        weeks[i] = found[0][0].isoformat()
        counts[i] = found[0][1]
        n_weeks[i] = len(found)
    return Hits(mask=mask, values={"week": weeks, "n": counts, "weeks": n_weeks})
