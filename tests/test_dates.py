"""Dates and deadlines as typed into county ledgers (domain.md §6.3)."""

from __future__ import annotations

import datetime as dt
import random
import time

import numpy as np
import pandas as pd
import pytest

from addin.ledger import dates
from addin.ledger._chinese_numerals import arabic_numerals
from addin.ledger.dates import (
    UNPARSABLE,
    DateValue,
    DeadlineKind,
    Precision,
    parse_date,
    parse_date_column,
    parse_deadline,
    parse_deadline_column,
    year_of,
)

MAY_12 = dt.date(2024, 5, 12)
NAT = np.datetime64("NaT")


def d64(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


# ---------------------------------------------------------------- parse_date: days


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-12", "2024-5-12", "2024/5/12", "2024/05/12", "2024.5.12", "2024.05.12",
        "2024年5月12日", "2024年5月12号", "2024年05月12日", "2024年5月12", "20240512", 20240512, 20240512.0,
        "24.5.12", "24/5/12", "24-5-12", " 2024 年 5 月 12 日 ", "2024.5.12。",
        "二〇二四年五月十二日", "二零二四年五月十二日", "二○二四年五月十二日",
        "２０２４年５月１２日", "２０２４．５．１２", "２０２４－０５－１２",
        "2024-05-12 00:00:00", "2024/5/12 8:30", "2024-05-12T08:30:00", "2024/5/12 8:30 PM",
        MAY_12, dt.datetime(2024, 5, 12, 8, 30), pd.Timestamp("2024-05-12 23:59"),
        np.datetime64("2024-05-12"),
        45424, 45424.0, 45424.75, np.int64(45424), np.float64(45424), "45424", "45424.5",
    ],
)  # fmt: skip
def test_full_dates_parse_to_the_day(value: object) -> None:
    assert parse_date(value) == DateValue(MAY_12, Precision.DAY)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("85.3.2", dt.date(1985, 3, 2)),  # birth dates: 70–99 are 19xx
        ("69.3.2", dt.date(2069, 3, 2)),
        ("13.12.31", dt.date(2013, 12, 31)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("二〇二四年十二月三十一日", dt.date(2024, 12, 31)),
        ("2024年十月一日", dt.date(2024, 10, 1)),
        ("2024年5月二十日", dt.date(2024, 5, 20)),
        ("1900-01-01", dt.date(1900, 1, 1)),
        ("2100-12-31", dt.date(2100, 12, 31)),
    ],
)
def test_other_days(value: str, expected: dt.date) -> None:
    parsed = parse_date(value)
    assert (parsed.date, parsed.precision, parsed.ambiguous) == (expected, Precision.DAY, False)


# ---------------------------------------------------------------- serials


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),  # last day before Excel's fictitious 1900-02-29
        (61, dt.date(1900, 3, 1)),
        (367, dt.date(1901, 1, 1)),
        (45424, MAY_12),
        (73050, dt.date(2099, 12, 31)),
    ],
)
def test_1900_serials(serial: int, expected: dt.date) -> None:
    assert parse_date(serial).date == expected


@pytest.mark.parametrize("serial", [0, -5, 60, 80000, 3_000_000])
def test_serials_that_are_not_dates(serial: int) -> None:
    assert parse_date(serial) is UNPARSABLE


@pytest.mark.parametrize(("serial", "expected"), [(0, dt.date(1904, 1, 1)), (60, dt.date(1904, 3, 1)), (43962, MAY_12)])
def test_1904_serials(serial: int, expected: dt.date) -> None:
    assert parse_date(serial, date1904=True).date == expected
    assert parse_date(str(serial), date1904=True).date == (expected if serial > 20000 else None)


@pytest.mark.parametrize("text", ["20000", "80000", "12345", "19999"])
def test_serial_text_only_between_20000_and_80000(text: str) -> None:
    assert parse_date(text) is UNPARSABLE


def test_serial_text_can_be_switched_off() -> None:
    assert parse_date("45424", serial_text=False) is UNPARSABLE
    assert parse_date(45424, serial_text=False).date == MAY_12  # a number is still a serial


def test_integer_year_in_a_date_cell_is_a_year_not_a_1905_serial() -> None:
    parsed = parse_date(2024)
    assert (parsed.date, parsed.precision) == (dt.date(2024, 1, 1), Precision.YEAR)
    assert parsed.note


# ---------------------------------------------------------------- month and year precision


@pytest.mark.parametrize(
    "value",
    ["2024年5月", "2024年05月", "2024年5月份", "2024.5", "2024.05", "2024-05", "2024/5", "202405", 202405,
     2024.5, 2024.05, "二〇二四年五月", "24年5月"],
)  # fmt: skip
def test_month_precision(value: object) -> None:
    parsed = parse_date(value)
    assert (parsed.date, parsed.precision, parsed.ambiguous) == (dt.date(2024, 5, 1), Precision.MONTH, False)
    assert parsed.last_day == dt.date(2024, 5, 31)


@pytest.mark.parametrize(("value", "month"), [(2024.12, 12), (2024.11, 11), (2024.2, 2), ("2024.10", 10)])
def test_numeric_year_month_without_ambiguity(value: object, month: int) -> None:
    parsed = parse_date(value)
    expected = (dt.date(2024, month, 1), Precision.MONTH, False)
    assert (parsed.date, parsed.precision, parsed.ambiguous) == expected


def test_numeric_2024_1_is_ambiguous_january_or_october() -> None:
    parsed = parse_date(2024.1)
    assert (parsed.date, parsed.precision, parsed.ambiguous) == (dt.date(2024, 1, 1), Precision.MONTH, True)
    assert "10月" in parsed.note


def test_text_2024_1_is_january_without_doubt() -> None:
    parsed = parse_date("2024.1")
    assert (parsed.date, parsed.ambiguous) == (dt.date(2024, 1, 1), False)


@pytest.mark.parametrize("value", ["2024", "2024年", "2024年度", "二〇二四年"])
def test_year_precision(value: str) -> None:
    parsed = parse_date(value)
    assert (parsed.date, parsed.precision) == (dt.date(2024, 1, 1), Precision.YEAR)
    assert parsed.last_day == dt.date(2024, 12, 31)


def test_last_day() -> None:
    assert DateValue(dt.date(2024, 2, 1), Precision.MONTH).last_day == dt.date(2024, 2, 29)
    assert DateValue(dt.date(2023, 2, 1), Precision.MONTH).last_day == dt.date(2023, 2, 28)
    assert DateValue(dt.date(2024, 2, 7), Precision.DAY).last_day == dt.date(2024, 2, 7)
    assert DateValue(dt.date(2024, 1, 1), Precision.YEAR).last_day == dt.date(2024, 12, 31)
    assert UNPARSABLE.last_day is None


# ---------------------------------------------------------------- US order and missing years


@pytest.mark.parametrize(
    ("text", "expected", "ambiguous"),
    [
        ("5/13/2024", dt.date(2024, 5, 13), False),
        ("5/12/2024", dt.date(2024, 5, 12), True),
        ("5/6/2024", dt.date(2024, 5, 6), True),
        ("05/06/2024", dt.date(2024, 5, 6), True),
        ("5/5/2024", dt.date(2024, 5, 5), False),
        ("13/5/2024", dt.date(2024, 5, 13), False),  # first part > 12: day first
        ("12-31-2024", dt.date(2024, 12, 31), False),
    ],
)
def test_us_order(text: str, expected: dt.date, ambiguous: bool) -> None:
    parsed = parse_date(text)
    assert (parsed.date, parsed.ambiguous) == (expected, ambiguous)
    assert bool(parsed.note) == ambiguous


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        ("5月12日", MAY_12, Precision.DAY),
        ("5月12号", MAY_12, Precision.DAY),
        ("5.12", MAY_12, Precision.DAY),
        ("5/12", MAY_12, Precision.DAY),
        ("五月十二日", MAY_12, Precision.DAY),
        (5.12, MAY_12, Precision.DAY),
        ("5月", dt.date(2024, 5, 1), Precision.MONTH),
        ("十二月", dt.date(2024, 12, 1), Precision.MONTH),
    ],
)
def test_no_year_uses_the_ledger_year(value: object, expected: dt.date, precision: Precision) -> None:
    parsed = parse_date(value, ledger_year=2024)
    assert (parsed.date, parsed.precision, parsed.inferred_year) == (expected, precision, True)
    assert "2024" in parsed.note
    assert parse_date(value) is UNPARSABLE


def test_explicit_year_is_not_inferred() -> None:
    parsed = parse_date("2023年5月12日", ledger_year=2024)
    assert (parsed.date, parsed.inferred_year, parsed.note) == (dt.date(2023, 5, 12), False, "")


@pytest.mark.parametrize(
    ("number", "expected", "ambiguous"),
    [(5.1, dt.date(2024, 5, 1), True), (5.3, dt.date(2024, 5, 3), True), (2.3, dt.date(2024, 2, 3), False),
     (5.4, dt.date(2024, 5, 4), False), (12.25, dt.date(2024, 12, 25), False)],
)  # fmt: skip
def test_numeric_month_day(number: float, expected: dt.date, ambiguous: bool) -> None:
    parsed = parse_date(number, ledger_year=2024)
    assert (parsed.date, parsed.ambiguous) == (expected, ambiguous)


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024.5.1—2024.5.31", dt.date(2024, 5, 31)),
        ("2024.5.1——2024.5.31", dt.date(2024, 5, 31)),
        ("2024.5.1-2024.5.31", dt.date(2024, 5, 31)),
        ("2024-05-01-2024-05-31", dt.date(2024, 5, 31)),
        ("2024.5.1~2024.6.15", dt.date(2024, 6, 15)),
        ("2024.5.1～2024.6.15", dt.date(2024, 6, 15)),
        ("2024年5月1日至2024年5月31日", dt.date(2024, 5, 31)),
        ("2024年5月1日至5月31日", dt.date(2024, 5, 31)),
        ("2024年5月1日至31日", dt.date(2024, 5, 31)),
        ("2024.5.1-31", dt.date(2024, 5, 31)),
        ("2024年5月1日到2024年6月1日", dt.date(2024, 6, 1)),
        ("2024.5.1 — 2024.5.31", dt.date(2024, 5, 31)),
    ],
)
def test_range_gives_the_end_date(text: str, expected: dt.date) -> None:
    parsed = parse_date(text)
    assert (parsed.date, parsed.precision, parsed.ambiguous) == (expected, Precision.DAY, False)
    assert "区间" in parsed.note


def test_range_without_year_uses_the_ledger_year() -> None:
    parsed = parse_date("5月1日至5月31日", ledger_year=2024)
    assert (parsed.date, parsed.inferred_year) == (dt.date(2024, 5, 31), True)
    assert parse_date("5月1日至5月31日") is UNPARSABLE


def test_month_range_end_keeps_month_precision() -> None:
    parsed = parse_date("2024.5—2024.6")
    assert (parsed.date, parsed.precision, parsed.last_day) == (dt.date(2024, 6, 1), Precision.MONTH,
                                                                dt.date(2024, 6, 30))  # fmt: skip


def test_range_ending_before_it_starts_is_ambiguous() -> None:
    parsed = parse_date("2024.6.1—2024.5.31")
    assert (parsed.date, parsed.ambiguous) == (dt.date(2024, 5, 31), True)


# ---------------------------------------------------------------- empty and unparsable


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "\n", "—", "——", "/", "／", "无", "空", "以下空白", " 无 ", float("nan"), pd.NaT,
     np.datetime64("NaT"), np.float64("nan")],
)  # fmt: skip
def test_empty_values_give_none(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024年4月31日", "20240230", 20240230,
        "1899-12-31", "2101-01-01", dt.date(1850, 1, 1), dt.datetime(2150, 1, 1), "2101年5月",
        "已完成", "完成", "已整改", "长期坚持", "abc", "12日", "2024年12", "5/12/24", "5月底", "2024年底",
        "2024.5.1—", "2024.5.1—abc", "2024.5.1—2024.5.2—2024.5.3",
        True, False, float("inf"), 2024.123, object(), b"2024-05-12", ["2024-05-12"],
    ],
)  # fmt: skip
def test_unparsable_values(value: object) -> None:
    assert parse_date(value, ledger_year=2024) is UNPARSABLE


def test_unparsable_constant() -> None:
    assert UNPARSABLE.date is None
    assert UNPARSABLE.precision is Precision.DAY


# ---------------------------------------------------------------- year_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2014, 2014), (2014.0, 2014), (np.int64(2014), 2014), ("2014", 2014), ("2014年", 2014),
        ("2014年度", 2014), (" 2014 年度 ", 2014), ("二〇一四年", 2014), (dt.date(2014, 3, 3), 2014),
        (dt.datetime(2014, 12, 31, 23, 59), 2014), ("2014年12月", 2014), ("2014-12-01", 2014), (41640, 2014),
        (None, None), ("", None), ("abc", None), ("41640", None), ("—", None), (True, None),
    ],
)  # fmt: skip
def test_year_of(value: object, expected: int | None) -> None:
    assert year_of(value) == expected


# ---------------------------------------------------------------- deadlines


FOUND = dt.date(2024, 3, 1)


@pytest.mark.parametrize("word", ["立行立改", "即知即改", "立即整改", " 立行立改 ", "立行立改。", "立行立改，已完成"])
def test_immediate_deadline_is_found_date_plus_days(word: str) -> None:
    deadline = parse_deadline(word, found_date=FOUND)
    assert (deadline.kind, deadline.date) == (DeadlineKind.IMMEDIATE, dt.date(2024, 3, 8))
    assert deadline.keyword in word
    assert parse_deadline(word, found_date=FOUND, immediate_days=3).date == dt.date(2024, 3, 4)


def test_immediate_without_found_date_has_no_date() -> None:
    deadline = parse_deadline("立行立改")
    assert (deadline.kind, deadline.date, deadline.keyword) == (DeadlineKind.IMMEDIATE, None, "立行立改")
    assert deadline.note


@pytest.mark.parametrize(
    "word",
    ["长期坚持", "长期", "持续推进", "持续整改", "常态化", "常态化推进", "长期整改",
     "2024年6月底前完成，长期坚持"],
)  # fmt: skip
def test_long_term(word: str) -> None:
    deadline = parse_deadline(word, found_date=FOUND, ledger_year=2024)
    assert (deadline.kind, deadline.date) == (DeadlineKind.LONG_TERM, None)
    assert deadline.keyword in word and deadline.keyword


@pytest.mark.parametrize("word", ["已完成", "完成", "已整改", "已整改到位"])
def test_status_text_in_a_deadline_column(word: str) -> None:
    deadline = parse_deadline(word, found_date=FOUND, ledger_year=2024)
    assert (deadline.kind, deadline.date, deadline.keyword) == (DeadlineKind.STATUS_TEXT, None, word)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年5月", dt.date(2024, 5, 31)),
        ("2024.5", dt.date(2024, 5, 31)),
        ("2024年2月", dt.date(2024, 2, 29)),
        ("5月", dt.date(2024, 5, 31)),
        ("5月底", dt.date(2024, 5, 31)),
        ("5月底前", dt.date(2024, 5, 31)),
        ("5月末", dt.date(2024, 5, 31)),
        ("五月底前", dt.date(2024, 5, 31)),
        ("2024年6月底前完成", dt.date(2024, 6, 30)),
        ("2023年6月底前完成整改", dt.date(2023, 6, 30)),
        ("6月30日前", dt.date(2024, 6, 30)),
        ("6月30日之前", dt.date(2024, 6, 30)),
        ("6月30日以前完成", dt.date(2024, 6, 30)),
        ("截至2024年6月30日", dt.date(2024, 6, 30)),
        ("2024年6月30日前整改到位", dt.date(2024, 6, 30)),
        ("2024年5月上旬", dt.date(2024, 5, 10)),
        ("5月中旬", dt.date(2024, 5, 20)),
        ("2月下旬", dt.date(2024, 2, 29)),
        ("2023年2月下旬", dt.date(2023, 2, 28)),
        ("年底前", dt.date(2024, 12, 31)),
        ("年内", dt.date(2024, 12, 31)),
        ("年底", dt.date(2024, 12, 31)),
        ("年底前完成", dt.date(2024, 12, 31)),
        ("本年底", dt.date(2024, 12, 31)),
        ("2024年底", dt.date(2024, 12, 31)),
        ("2025年底前", dt.date(2025, 12, 31)),
        ("一季度", dt.date(2024, 3, 31)),
        ("第一季度", dt.date(2024, 3, 31)),
        ("一季度末", dt.date(2024, 3, 31)),
        ("二季度", dt.date(2024, 6, 30)),
        ("三季度末", dt.date(2024, 9, 30)),
        ("四季度", dt.date(2024, 12, 31)),
        ("2023年第三季度", dt.date(2023, 9, 30)),
        ("上半年", dt.date(2024, 6, 30)),
        ("下半年", dt.date(2024, 12, 31)),
        ("2025年上半年", dt.date(2025, 6, 30)),
        ("2024.5.1—2024.5.31", dt.date(2024, 5, 31)),
        ("5月1日至5月31日", dt.date(2024, 5, 31)),
        ("2024-05-12", MAY_12),
        ("2024年5月12日前", MAY_12),
        ("２０２４年５月１２日前", MAY_12),
        (45424, MAY_12),
        (MAY_12, MAY_12),
        (2024.5, dt.date(2024, 5, 31)),
        (2024, dt.date(2024, 12, 31)),
    ],
)
def test_deadline_dates(text: object, expected: dt.date) -> None:
    deadline = parse_deadline(text, found_date=FOUND, ledger_year=2024)
    assert (deadline.kind, deadline.date) == (DeadlineKind.DATE, expected)


def test_deadline_with_year_needs_no_ledger_year() -> None:
    assert parse_deadline("2024年底前").date == dt.date(2024, 12, 31)
    assert parse_deadline("2024年第三季度").date == dt.date(2024, 9, 30)


@pytest.mark.parametrize("text", ["年底前", "6月底前", "三季度", "上半年", "6月30日前"])
def test_deadline_without_any_year_is_unparsable(text: str) -> None:
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.date) == (DeadlineKind.UNPARSABLE, None)


def test_deadline_inferred_year_is_noted() -> None:
    assert "2024" in parse_deadline("6月底前", ledger_year=2024).note
    assert parse_deadline("2024年6月底前", ledger_year=2024).note == ""


def test_ambiguous_deadline() -> None:
    deadline = parse_deadline(2024.1)
    assert (deadline.kind, deadline.date) == (DeadlineKind.DATE, dt.date(2024, 1, 31))
    assert deadline.ambiguous and deadline.note


@pytest.mark.parametrize("value", [None, "", " ", "—", "/", "无", float("nan")])
def test_empty_deadline(value: object) -> None:
    assert parse_deadline(value, found_date=FOUND, ledger_year=2024) is None


@pytest.mark.parametrize("value", ["xyz", "2024-02-30", "13月底", "5季度", "前", True, "尽快"])
def test_unparsable_deadline(value: object) -> None:
    deadline = parse_deadline(value, found_date=FOUND, ledger_year=2024)
    assert (deadline.kind, deadline.date) == (DeadlineKind.UNPARSABLE, None)


# ---------------------------------------------------------------- columns


def test_date_column_arrays() -> None:
    values = [MAY_12, "2024.5", None, "", "abc", "—", 2024.1, "2024.5", "5/6/2024", 45424]
    col = parse_date_column(values)
    assert col.dates.dtype == np.dtype("datetime64[D]")
    expected_dates = [d64("2024-05-12"), d64("2024-05-01"), NAT, NAT, NAT, NAT, d64("2024-01-01"),
                      d64("2024-05-01"), d64("2024-05-06"), d64("2024-05-12")]  # fmt: skip
    np.testing.assert_array_equal(col.dates, np.array(expected_dates, dtype="datetime64[D]"))
    expected_last = [d64("2024-05-12"), d64("2024-05-31"), NAT, NAT, NAT, NAT, d64("2024-01-31"),
                     d64("2024-05-31"), d64("2024-05-06"), d64("2024-05-12")]  # fmt: skip
    np.testing.assert_array_equal(col.last_days, np.array(expected_last, dtype="datetime64[D]"))
    assert col.empty.tolist() == [False, False, True, True, False, True, False, False, False, False]
    assert col.unparsable.tolist() == [False, False, False, False, True, False, False, False, False, False]
    assert col.ambiguous.tolist() == [False, False, False, False, False, False, True, False, True, False]
    D, M = Precision.DAY, Precision.MONTH
    assert col.precision.tolist() == [D, M, None, None, None, None, M, M, D, D]


def test_date_column_passes_options() -> None:
    col = parse_date_column(["5月12日", 43962], ledger_year=2023, date1904=True)
    np.testing.assert_array_equal(col.dates, np.array(["2023-05-12", "2024-05-12"], dtype="datetime64[D]"))


def test_date_column_keeps_true_apart_from_1_and_handles_unhashable() -> None:
    col = parse_date_column([True, 1, 1.0, "1", ["x"]])
    assert col.unparsable.tolist() == [True, False, False, True, True]
    assert col.dates[1] == d64("1900-01-01") and col.dates[2] == d64("1900-01-01")


def test_empty_column() -> None:
    col = parse_date_column([])
    assert col.dates.shape == col.empty.shape == (0,)
    assert parse_deadline_column([], found_dates=np.array([], dtype="datetime64[D]")).kind.shape == (0,)


def test_date_column_parses_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = dates.parse_date

    def counting(value: object, **kwargs: object) -> DateValue | None:
        calls.append(value)
        return real(value, **kwargs)

    monkeypatch.setattr(dates, "parse_date", counting)
    col = parse_date_column(["2024-05-12"] * 500 + [45424] * 500 + [None] * 500 + ["2024-05-12"])
    assert sorted(map(str, calls)) == ["2024-05-12", "45424", "None"]
    assert col.dates.shape == (1501,)
    assert (col.dates[:1000] == d64("2024-05-12")).all() and col.empty[1000:1500].all()


def test_deadline_column_parses_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = dates.parse_deadline

    def counting(value: object, **kwargs: object) -> object:
        calls.append(value)
        return real(value, **kwargs)

    monkeypatch.setattr(dates, "parse_deadline", counting)
    found = np.array(["2024-01-01", "2024-02-01"] * 300, dtype="datetime64[D]")
    col = parse_deadline_column(["立行立改", "6月底前"] * 300, found_dates=found, ledger_year=2024)
    assert sorted(calls) == sorted(["立行立改", "6月底前"])
    assert col.dates[0] == d64("2024-01-08") and col.dates[2] == d64("2024-01-08")
    assert col.dates[1] == d64("2024-06-30")


def test_deadline_column_arrays() -> None:
    values = ["立行立改", "立行立改", "6月底前", "长期坚持", None, "xyz", "立行立改", "已完成", 2024.1]
    found_text = ["2024-03-01", "2024-04-10"] + ["2024-01-01"] * 4 + ["NaT"] + ["2024-01-01"] * 2
    found = np.array(found_text, dtype="datetime64[D]")
    col = parse_deadline_column(values, found_dates=found, ledger_year=2024, immediate_days=10)
    expected = ["2024-03-11", "2024-04-20", "2024-06-30", "NaT", "NaT", "NaT", "NaT", "NaT", "2024-01-31"]
    np.testing.assert_array_equal(col.dates, np.array(expected, dtype="datetime64[D]"))
    K = DeadlineKind
    assert col.kind.tolist() == [K.IMMEDIATE, K.IMMEDIATE, K.DATE, K.LONG_TERM, None, K.UNPARSABLE,
                                 K.IMMEDIATE, K.STATUS_TEXT, K.DATE]  # fmt: skip
    assert col.empty.tolist() == [False, False, False, False, True, False, False, False, False]
    assert col.unparsable.tolist() == [False, False, False, False, False, True, False, False, False]
    assert col.ambiguous.tolist() == [False] * 8 + [True]


def test_deadline_column_found_dates_as_objects() -> None:
    found = [dt.date(2024, 3, 1), None, dt.datetime(2024, 4, 1, 9), pd.NaT]
    col = parse_deadline_column(["即知即改"] * 4, found_dates=found)
    expected = np.array(["2024-03-08", "NaT", "2024-04-08", "NaT"], dtype="datetime64[D]")
    np.testing.assert_array_equal(col.dates, expected)


def test_deadline_column_without_found_dates() -> None:
    col = parse_deadline_column(["立行立改", "2024-05-12"], found_dates=None)
    np.testing.assert_array_equal(col.dates, np.array(["NaT", "2024-05-12"], dtype="datetime64[D]"))
    assert col.kind.tolist() == [DeadlineKind.IMMEDIATE, DeadlineKind.DATE]


def test_deadline_column_rejects_found_dates_of_another_length() -> None:
    with pytest.raises(ValueError, match="found_dates"):
        parse_deadline_column(["立行立改"] * 3, found_dates=np.array(["2024-01-01"], dtype="datetime64[D]"))


def test_date_column_is_fast_for_many_rows_and_few_values() -> None:
    rng = random.Random(7)
    start = dt.date(2015, 1, 1)
    distinct: list[object] = []
    for i in range(2000):
        d = start + dt.timedelta(days=i)
        distinct.append([d, f"{d.year}.{d.month}.{d.day}", f"{d.year}年{d.month}月{d.day}日",
                         (d - dt.date(1899, 12, 30)).days][i % 4])  # fmt: skip
    values = [rng.choice(distinct) for _ in range(100_000)]
    t0 = time.perf_counter()
    col = parse_date_column(values)
    elapsed = time.perf_counter() - t0
    assert not col.unparsable.any() and not col.empty.any()
    assert elapsed < 0.3, f"parse_date_column took {elapsed:.3f} s"


# ---------------------------------------------------------------- helpers and surface


@pytest.mark.parametrize(
    ("text", "expected"),
    [("二〇二四年", "2024年"), ("十月", "10月"), ("十二月", "12月"), ("二十日", "20日"), ("三十一日", "31日"),
     ("第三季度", "第3季度"), ("长期坚持", "长期坚持"), ("十十", "十十")],
)  # fmt: skip
def test_arabic_numerals(text: str, expected: str) -> None:
    assert arabic_numerals(text) == expected


def test_public_names_exist() -> None:
    assert all(hasattr(dates, name) for name in dates.__all__)
    assert {"parse_date", "parse_deadline", "parse_date_column", "parse_deadline_column", "year_of"} <= set(
        dates.__all__
    )
