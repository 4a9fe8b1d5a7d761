"""Chinese ID numbers: normalisation, facts, problems, and the vectorised column analysis."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from addin.ledger.idcard import (
    PROVINCE_CODES,
    IdProblem,
    age_on,
    analyse_ids,
    birth_date,
    check_digit,
    normalise_id_text,
    problems,
    sex,
    upgrade_15_to_18,
)

P = IdProblem
TODAY = dt.date(2025, 6, 1)

# Check characters computed outside the module (the first is GB 11643-1999's own example;
# 440524188001010014 is the widely published example with an 1880 birth date).
GB_EXAMPLE = "11010519491231002X"
KNOWN_VALID = {
    GB_EXAMPLE: (dt.date(1949, 12, 31), "女"),
    "411523199001011239": (dt.date(1990, 1, 1), "男"),
    "520102200002290029": (dt.date(2000, 2, 29), "女"),
    "650101198507150040": (dt.date(1985, 7, 15), "女"),
    "820000193001010056": (dt.date(1930, 1, 1), "男"),
}
OLD_EXAMPLE = "440524188001010014"
NINES = "520102199001099999"  # valid checksum, contains "99999"
ONES = "110105191111111115"  # valid checksum, nine 1s in a row


def with_check(first17: str) -> str:
    """An ID with the right check character (check_digit is itself tested against KNOWN_VALID)."""
    return first17 + check_digit(first17)


def wrong_check(first17: str) -> str:
    right = check_digit(first17)
    return first17 + ("0" if right != "0" else "1")


# ---------------------------------------------------------------- check digit, provinces, upgrade


@pytest.mark.parametrize("id18", [*KNOWN_VALID, OLD_EXAMPLE, NINES, ONES])
def test_check_digit_matches_independently_computed_ids(id18):
    assert check_digit(id18[:17]) == id18[17]


@pytest.mark.parametrize(
    "bad",
    ["1101051949123100", "110105194912310021", "1101051949123100X", "１１０１０５１９４９１２３１００２"],
)
def test_check_digit_rejects_anything_but_17_ascii_digits(bad):
    with pytest.raises(ValueError, match="17 digits"):
        check_digit(bad)


def test_province_codes_are_exactly_the_gb_t_2260_list():
    expected = {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    }  # fmt: skip
    assert expected == PROVINCE_CODES
    assert isinstance(PROVINCE_CODES, frozenset)


@pytest.mark.parametrize(
    ("id15", "id18"),
    [("110105491231002", GB_EXAMPLE), ("411523900101123", "411523199001011239")],
)
def test_upgrade_15_to_18_inserts_century_and_check_digit(id15, id18):
    assert upgrade_15_to_18(id15) == id18


@pytest.mark.parametrize("bad", [GB_EXAMPLE, "11010549123100X", "11010549123100"])
def test_upgrade_15_to_18_rejects_anything_but_15_digits(bad):
    with pytest.raises(ValueError, match="15 digits"):
        upgrade_15_to_18(bad)


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (GB_EXAMPLE, GB_EXAMPLE),
        ("11010519491231002x", GB_EXAMPLE),
        ("１１０１０５１９４９１２３１００２Ｘ", GB_EXAMPLE),
        ("１１０１０５１９４９１２３１００２ｘ", GB_EXAMPLE),
        (" 110105 19491231 002X ", GB_EXAMPLE),
        ("110105\u300019491231\u3000002X", GB_EXAMPLE),
        ("\t11010519491231002X\n", GB_EXAMPLE),
        ("'11010519491231002X", GB_EXAMPLE),
        ("‘11010519491231002X’", GB_EXAMPLE),
        ("\ufeff110105\u200b19491231002X", GB_EXAMPLE),
        ("110105491231002", "110105491231002"),
        ("abc", "abc"),
        ("", ""),
        ("   ", ""),
        (None, ""),
        (float("nan"), ""),
        (np.nan, ""),
        (pd.NA, ""),
    ],
)
def test_normalise_id_text_makes_comparable_text(raw, text):
    norm = normalise_id_text(raw)
    assert norm.text == text
    assert norm.stored_as_number is False


@pytest.mark.parametrize(
    "raw",
    [
        411523199001011239,  # openpyxl/xlwings integer
        4.115231990010112e17,  # python-calamine float
        np.float64(4.115231990010112e17),
        np.int64(411523199001011239),
        "4.11523E+17",
        "4.11523e+17",
        " 4.11523E+17 ",
        "４．１１５２３Ｅ＋１７",
        "411523199001011239.0",
        "'411523199001011239.0",
        110105491231002,  # even an exactly representable 15-digit number is a numeric cell
        110105491231002.0,
    ],
)
def test_numbers_are_flagged_and_never_turned_back_into_an_id(raw):
    norm = normalise_id_text(raw)
    assert norm.stored_as_number is True
    assert len(norm.text) not in (15, 18) or not norm.text.isdigit()
    assert problems(norm.text, today=TODAY, stored_as_number=norm.stored_as_number) == [P.STORED_AS_NUMBER]
    assert birth_date(norm.text) is None
    assert sex(norm.text) is None


def test_a_number_is_rendered_as_excel_keeps_it():
    assert normalise_id_text(4.115231990010112e17).text == "4.11523199001011E+17"
    assert normalise_id_text(411523199001011239).text == "4.11523199001011E+17"
    assert normalise_id_text(12345.0) == normalise_id_text(12345)
    assert normalise_id_text(12345).text == "12345"
    assert normalise_id_text(110105491231002).text == "1.10105491231002E+14"
    assert normalise_id_text(1.2e12).text == "1.2E+12"
    assert normalise_id_text(99999999999.0).text == "99999999999"


@pytest.mark.parametrize(
    "raw",
    [
        GB_EXAMPLE,
        "１１０１０５１９４９１２３１００２ｘ",
        4.115231990010112e17,
        123,
        "4.11523e+17",
        "1.0",
        " ' 12 ",
        None,
    ],
)
def test_normalise_id_text_is_idempotent(raw):
    once = normalise_id_text(raw)
    twice = normalise_id_text(once.text)
    assert twice.text == once.text
    if isinstance(raw, str) or raw is None:
        assert twice.stored_as_number == once.stored_as_number
    elif raw > 1e15:  # a long number keeps its "E+" form, so its text stays flagged
        assert twice.stored_as_number


def test_id_text_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        normalise_id_text(GB_EXAMPLE).text = "x"  # type: ignore[misc]


# ---------------------------------------------------------------- birth date, sex, age


@pytest.mark.parametrize(("id18", "facts"), list(KNOWN_VALID.items()))
def test_birth_date_and_sex_of_known_ids(id18, facts):
    assert (birth_date(id18), sex(id18)) == facts


def test_birth_date_and_sex_of_old_15_digit_ids():
    assert birth_date("110105491231002") == dt.date(1949, 12, 31)
    assert sex("110105491231002") == "女"  # 15th digit 2
    assert sex("110105491231001") == "男"


def test_birth_date_and_sex_read_unnormalised_text():
    assert birth_date("１１０１０５ １９４９１２３１ ００２ｘ") == dt.date(1949, 12, 31)
    assert sex("'11010519491231002x") == "女"


@pytest.mark.parametrize(
    "text",
    ["110105194902300021", "110105194913010021", "110105194912000021", "110105000001010021",
     "110105490230002", "1101051949123100", "11010519491231002Y", "", "4.11523E+17"],
)  # fmt: skip
def test_birth_date_is_none_for_impossible_dates_and_malformed_text(text):
    assert birth_date(text) is None


def test_sex_is_none_for_malformed_text():
    assert sex("11010519491231002Y") is None
    assert sex("1101051949123100") is None
    assert sex("") is None


def test_sex_follows_the_17th_digit_even_with_a_bad_check_character():
    assert sex("110105194912310031") == "男"
    assert sex("110105194912310041") == "女"


@pytest.mark.parametrize(
    ("text", "on", "age"),
    [
        (GB_EXAMPLE, dt.date(2025, 6, 1), 75),
        (GB_EXAMPLE, dt.date(2024, 12, 30), 74),
        (GB_EXAMPLE, dt.date(2024, 12, 31), 75),
        (GB_EXAMPLE, dt.date(1949, 12, 31), 0),
        ("520102200002290029", dt.date(2021, 2, 28), 20),
        ("520102200002290029", dt.date(2021, 3, 1), 21),
        ("520102200002290029", dt.date(2024, 2, 29), 24),
        ("110105491231002", dt.date(2000, 1, 1), 50),
        (GB_EXAMPLE, dt.date(1949, 12, 30), None),
        ("110105194902300021", dt.date(2000, 1, 1), None),
        ("4.11523E+17", dt.date(2000, 1, 1), None),
    ],
)
def test_age_on_counts_full_years(text, on, age):
    assert age_on(text, on) == age


# ---------------------------------------------------------------- problems, one rule at a time


@pytest.mark.parametrize(
    "text", [*KNOWN_VALID, "11010519491231002x", " 1101 0519 4912 3100 2X", "110105194912310021"[:17] + "X"]
)
def test_valid_ids_have_no_problems(text):
    assert problems(text, today=TODAY) == []


@pytest.mark.parametrize("text", ["", "  ", "'"])
def test_empty_values_have_no_id_problem(text):
    assert problems(text, today=TODAY) == []


@pytest.mark.parametrize(
    "text",
    ["1101051949123100", "11010519491231002X1", "11010549123100X", "11010549123100", "99999", "abc",
     "11010519491231002X12", "110105-19491231-002X"],
)  # fmt: skip
def test_bad_length_is_reported_alone(text):
    assert problems(text, today=TODAY) == [P.BAD_LENGTH]


@pytest.mark.parametrize(
    "text",
    ["1101051949123100X2", "11010519491231002Y", "110105194912310O2X", "11010519491231002\u0663",
     "99999999999999999Y", "1101051949-1231002"],
)  # fmt: skip
def test_bad_chars_is_reported_alone(text):
    assert problems(text, today=TODAY) == [P.BAD_CHARS]


def test_bad_checksum():
    assert problems(wrong_check("11010519491231002"), today=TODAY) == [P.BAD_CHECKSUM]
    assert problems("11010519491231002x".replace("x", "1"), today=TODAY) == [P.BAD_CHECKSUM]


@pytest.mark.parametrize(
    ("birth", "bad"),
    [
        ("19490230", True),  # no such day
        ("19491301", True),  # no such month
        ("19491200", True),
        ("19000229", True),  # 1900 is not a leap year
        ("20000229", False),
        ("18991231", True),  # before 1900-01-01 (also older than 120)
        ("19000101", True),  # 125 years old
        ("19040601", True),  # 121 today
        ("19040602", False),  # 120 today
        ("20250601", False),  # born today
        ("20250602", True),  # born tomorrow
        ("00000101", True),
    ],
)
def test_bad_birth_covers_calendar_range_and_age(birth, bad):
    found = problems(with_check("110105" + birth + "002"), today=TODAY)
    assert found == ([P.BAD_BIRTH] if bad else [])


def test_bad_birth_is_relative_to_today():
    born_2025 = with_check("110105" + "20250602" + "002")
    assert problems(born_2025, today=dt.date(2025, 6, 1)) == [P.BAD_BIRTH]
    assert problems(born_2025, today=dt.date(2025, 6, 2)) == []


def test_births_before_1900_are_bad_even_when_younger_than_120():
    born_1899 = with_check("110105" + "18991231" + "002")
    assert problems(born_1899, today=dt.date(1990, 1, 1)) == [P.BAD_BIRTH]
    assert list(analyse_ids([born_1899], today=dt.date(1990, 1, 1)).bad_birth) == [True]


def test_the_published_1880_example_has_a_valid_checksum_but_a_bad_birth_date():
    assert problems(OLD_EXAMPLE, today=TODAY) == [P.BAD_BIRTH]


@pytest.mark.parametrize(("text", "found"), [(NINES, [P.PLACEHOLDER]), (ONES, [P.PLACEHOLDER])])
def test_placeholder(text, found):
    assert problems(text, today=TODAY) == found


def test_seven_identical_digits_and_four_nines_are_not_placeholders():
    assert problems(with_check("419999" + "19900101" + "123"), today=TODAY) == []  # 9999 only
    assert problems(with_check("111111" + "19111111" + "023"), today=TODAY) == []  # 1111111 then 9


@pytest.mark.parametrize("code", sorted(PROVINCE_CODES))
def test_every_province_code_is_accepted(code):
    assert problems(with_check(code + "0105" + "19491231" + "002"), today=TODAY) == []


@pytest.mark.parametrize(
    "code",
    [
        "00",
        "10",
        "16",
        "20",
        "24",
        "30",
        "38",
        "40",
        "47",
        "49",
        "55",
        "60",
        "66",
        "70",
        "72",
        "80",
        "83",
        "90",
        "99",
    ],
)
def test_bad_province(code):
    assert problems(with_check(code + "0105" + "19491231" + "002"), today=TODAY) == [P.BAD_PROVINCE]


def test_old_15_alone_and_with_content_problems():
    assert problems("110105491231002", today=TODAY) == [P.OLD_15]
    assert problems("110105490230002", today=TODAY) == [P.BAD_BIRTH, P.OLD_15]
    assert problems("990105491231002", today=TODAY) == [P.OLD_15, P.BAD_PROVINCE]
    assert problems("410105999999002", today=TODAY) == [P.BAD_BIRTH, P.PLACEHOLDER, P.OLD_15]


def test_independent_problems_of_an_18_digit_id_are_reported_together():
    assert problems("999999999999999999", today=TODAY) == [
        P.BAD_CHECKSUM, P.BAD_BIRTH, P.PLACEHOLDER, P.BAD_PROVINCE,
    ]  # fmt: skip
    assert problems(wrong_check("10" + "0105" + "19490230" + "002"), today=TODAY) == [
        P.BAD_CHECKSUM, P.BAD_BIRTH, P.BAD_PROVINCE,
    ]  # fmt: skip


@pytest.mark.parametrize("text", [GB_EXAMPLE, "12345", "999999999999999999", "abc", "11010519491231002Y"])
def test_stored_as_number_hides_every_consequence(text):
    assert problems(text, today=TODAY, stored_as_number=True) == [P.STORED_AS_NUMBER]


@pytest.mark.parametrize("text", ["4.11523E+17", "4.11523e+17", "411523199001011239.0", "99999.00"])
def test_text_that_shows_a_number_is_stored_as_number(text):
    assert problems(text, today=TODAY) == [P.STORED_AS_NUMBER]


def test_disability_certificates_need_20_characters_and_a_valid_id_prefix():
    assert problems(GB_EXAMPLE + "12", today=TODAY, disability_cert=True) == []
    assert problems(GB_EXAMPLE + "12", today=TODAY) == [P.BAD_LENGTH]
    assert problems(GB_EXAMPLE, today=TODAY, disability_cert=True) == [P.BAD_LENGTH]
    assert problems("110105491231002", today=TODAY, disability_cert=True) == [P.BAD_LENGTH]
    assert problems(GB_EXAMPLE + "1A", today=TODAY, disability_cert=True) == [P.BAD_CHARS]
    assert problems("110105194912310021" + "12", today=TODAY, disability_cert=True) == [P.BAD_CHECKSUM]
    assert problems(NINES + "34", today=TODAY, disability_cert=True) == [P.PLACEHOLDER]
    assert problems(4.1e19, today=TODAY, disability_cert=True) == [P.STORED_AS_NUMBER]  # type: ignore[arg-type]


# ---------------------------------------------------------------- column analysis


MIXED = [
    GB_EXAMPLE,  # 0
    "11010519491231002x",  # 1
    "１１０１０５１９４９１２３１００２Ｘ",  # 2
    "'110105 19491231 002X",  # 3
    4.115231990010112e17,  # 4
    411523199001011239,  # 5
    "4.11523E+17",  # 6
    "411523199001011239.0",  # 7
    "110105491231002",  # 8
    None,  # 9
    float("nan"),  # 10
    "",  # 11
    "1101051949123100",  # 12
    "11010519491231002Y",  # 13
    "110105194912310021",  # 14
    OLD_EXAMPLE,  # 15
    NINES,  # 16
    "101051194912310022",  # 17 (checksum and province)
    "999999999999999999",  # 18
]
MIXED_PROBLEMS = [
    [], [], [], [],
    [P.STORED_AS_NUMBER], [P.STORED_AS_NUMBER], [P.STORED_AS_NUMBER], [P.STORED_AS_NUMBER],
    [P.OLD_15], [], [], [],
    [P.BAD_LENGTH], [P.BAD_CHARS], [P.BAD_CHECKSUM], [P.BAD_BIRTH], [P.PLACEHOLDER],
    [P.BAD_CHECKSUM, P.BAD_PROVINCE],
    [P.BAD_CHECKSUM, P.BAD_BIRTH, P.PLACEHOLDER, P.BAD_PROVINCE],
]  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [
        MIXED,
        pd.Series(MIXED, index=range(100, 100 + len(MIXED)), dtype=object),
        np.array(MIXED, dtype=object),
    ],
    ids=["list", "series", "ndarray"],
)
def test_analyse_ids_on_a_mixed_column(values):
    a = analyse_ids(values, today=TODAY)
    assert [a.problems_at(i) for i in range(len(MIXED))] == MIXED_PROBLEMS
    assert list(a.text[:4]) == [GB_EXAMPLE] * 4
    assert a.text[4] == a.text[5] == "4.11523199001011E+17"
    assert list(a.empty) == [i in (9, 10, 11) for i in range(len(MIXED))]
    assert [str(b) for b in a.birth[[0, 4, 8, 12, 13, 14, 15]]] == [
        "1949-12-31", "NaT", "1949-12-31", "NaT", "NaT", "1949-12-31", "1880-01-01",
    ]  # fmt: skip
    assert list(a.sex[[0, 4, 8, 9, 13, 14, 15]]) == ["女", None, "女", None, None, "女", "男"]
    ages = a.ages(TODAY)
    assert ages[0] == 75 and ages[8] == 75 and ages[15] == 145
    assert np.isnan(ages[[4, 9, 12, 13]]).all()
    assert list(a.upgraded()) == [GB_EXAMPLE if i == 8 else "" for i in range(len(MIXED))]


def test_analyse_ids_masks_are_named_after_the_problems():
    a = analyse_ids(MIXED, today=TODAY)
    for problem in IdProblem:
        mask = a.mask(problem)
        assert mask.dtype == bool and mask.shape == (len(MIXED),)
        assert mask.any(), problem


def test_analyse_ids_of_nothing():
    a = analyse_ids([], today=TODAY)
    assert a.text.shape == a.birth.shape == a.bad_checksum.shape == (0,)
    assert a.ages(TODAY).shape == (0,) and a.upgraded().shape == (0,)


def test_analyse_ids_ages_are_nan_before_birth():
    a = analyse_ids([GB_EXAMPLE, "520102200002290029"], today=TODAY)
    assert list(a.ages(dt.date(2021, 2, 28))) == [71, 20]
    ages = a.ages(dt.date(1990, 1, 1))
    assert ages[0] == 40 and np.isnan(ages[1])


def test_analyse_ids_disability_flags_per_row():
    values = [
        GB_EXAMPLE + "12",
        GB_EXAMPLE + "12",
        GB_EXAMPLE,
        GB_EXAMPLE,
        "110105491231002",
        GB_EXAMPLE + "1A",
    ]
    a = analyse_ids(values, today=TODAY, disability_cert=[True, False, True, False, True, True])
    assert [a.problems_at(i) for i in range(len(values))] == [
        [], [P.BAD_LENGTH], [P.BAD_LENGTH], [], [P.BAD_LENGTH], [P.BAD_CHARS],
    ]  # fmt: skip
    assert str(a.birth[0]) == "1949-12-31" and a.sex[0] == "女"
    assert not a.old_15[4]
    everything = analyse_ids(values, today=TODAY, disability_cert=True)
    assert list(everything.bad_length) == [False, False, True, True, True, False]


def _random_values(rng: np.random.Generator, count: int) -> list[object]:
    """Realistic and broken ID cells, so that every rule fires somewhere."""
    provinces = [*sorted(PROVINCE_CODES), "00", "10", "19", "99"]
    values: list[object] = []
    for _ in range(count):
        prov = provinces[rng.integers(len(provinces))]
        year = int(rng.choice([rng.integers(1890, 2030), rng.integers(1930, 2020)]))
        month, day = int(rng.integers(0, 14)), int(rng.integers(0, 33))
        if rng.random() < 0.8:
            month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
        first17 = f"{prov}{rng.integers(0, 10000):04d}{year:04d}{month:02d}{day:02d}{rng.integers(0, 1000):03d}"
        if rng.random() < 0.03:
            first17 = first17[:8] + str(rng.integers(10)) * 8 + first17[16:]
        good = with_check(first17)
        kind = rng.integers(0, 16)
        if kind <= 5:
            value: object = good
        elif kind == 6:
            value = wrong_check(first17)
        elif kind == 7:
            value = good[:6] + good[8:17]  # 15 digits
        elif kind == 8:
            value = good[: rng.integers(0, 22)] + "1" * int(rng.integers(0, 3))
        elif kind == 9:
            pos = int(rng.integers(0, 18))
            value = good[:pos] + "AOx-.,年"[rng.integers(7)] + good[pos + 1 :]
        elif kind == 10:
            value = good.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
        elif kind == 11:
            value = "'" + good[:6] + " " + good[6:14] + "\u3000" + good[14:].lower()
        elif kind == 12:
            value = [float(good[:17]), int(good[:17]), f"{float(good[:17]):.5E}", good + ".0"][rng.integers(4)]
        elif kind == 13:
            value = [None, float("nan"), "", "  "][rng.integers(4)]
        elif kind == 14:
            value = good + f"{rng.integers(0, 100):02d}"  # 20 characters
        else:
            value = "".join(str(d) for d in rng.integers(0, 10, size=int(rng.integers(14, 20))))
        values.append(value)
    return values


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_analyse_ids_agrees_with_problems_and_scalar_facts(seed):
    rng = np.random.default_rng(seed)
    values = _random_values(rng, 3000)
    certs = rng.random(len(values)) < 0.1
    on = dt.date(2010, 3, 1)
    a = analyse_ids(values, today=TODAY, disability_cert=certs)
    ages, upgraded = a.ages(on), a.upgraded()
    seen: set[IdProblem] = set()
    for i, value in enumerate(values):
        norm = normalise_id_text(value)
        assert a.text[i] == norm.text, value
        expected = problems(norm.text, today=TODAY, stored_as_number=norm.stored_as_number, disability_cert=certs[i])
        assert a.problems_at(i) == expected, (value, certs[i])
        seen.update(expected)
        if certs[i]:
            continue
        born = birth_date(norm.text) if not norm.stored_as_number else None
        assert (None if np.isnat(a.birth[i]) else a.birth[i].item()) == born, value
        assert a.sex[i] == (sex(norm.text) if not norm.stored_as_number else None), value
        age = age_on(norm.text, on) if not norm.stored_as_number else None
        assert (None if np.isnan(ages[i]) else int(ages[i])) == age, value
        assert upgraded[i] == (upgrade_15_to_18(norm.text) if a.old_15[i] else ""), value
    assert seen == set(IdProblem)


def _vectorised_ids(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n valid IDs of people born 1930-1998, and their birth dates, built with numpy and its own checksum."""
    codes = np.array(sorted(PROVINCE_CODES))
    births = np.datetime64("1930-01-01") + rng.integers(0, 25000, size=n).astype("timedelta64[D]")
    parts = [
        codes[rng.integers(len(codes), size=n)],
        np.char.mod("%04d", rng.integers(0, 10**4, size=n)),
        np.char.replace(np.datetime_as_string(births, unit="D"), "-", ""),
        np.char.mod("%03d", rng.integers(0, 1000, size=n)),
    ]
    first17 = parts[0]
    for part in parts[1:]:
        first17 = np.char.add(first17, part)
    digits = first17.astype("U17").view(np.uint32).reshape(n, 17).astype(np.int64) - ord("0")
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))[(digits @ weights) % 11]
    return np.char.add(first17, check), births


def test_analyse_ids_on_100000_ids():
    n = 100_000
    rng = np.random.default_rng(7)
    ids, births = _vectorised_ids(rng, n)
    assert all(check_digit(v[:17]) == v[17] for v in ids[:50].tolist())
    values: list[object] = ids.tolist()
    kind = np.arange(n) % 1000
    for i in np.flatnonzero(kind == 1):  # wrong check character
        values[i] = values[i][:17] + ("0" if values[i][17] != "0" else "1")
    for i in np.flatnonzero(kind == 2):  # what python-calamine returns for a numeric cell
        values[i] = float(values[i][:17] + "0")
    for i in np.flatnonzero(kind == 3):  # the old 15-digit form
        values[i] = values[i][:6] + values[i][8:17]
    for i in np.flatnonzero(kind == 4):
        values[i] = None
    for i in np.flatnonzero(kind == 5):  # unknown province, right check character
        values[i] = with_check("10" + values[i][2:17])
    for i in np.flatnonzero(kind == 6):  # lower-case and spaced, otherwise valid
        values[i] = values[i][:6] + " " + values[i][6:].lower()
    for i in np.flatnonzero(kind == 7):  # month 13, right check character
        values[i] = with_check(values[i][:10] + "13" + values[i][12:17])
    a = analyse_ids(values, today=TODAY)

    assert (a.stored_as_number == (kind == 2)).all()
    assert (a.bad_checksum == (kind == 1)).all()
    assert (a.old_15 == (kind == 3)).all()
    assert (a.empty == (kind == 4)).all()
    assert (a.bad_province == (kind == 5)).all()
    assert (a.bad_birth == (kind == 7)).all()
    assert not (a.bad_length | a.bad_chars).any()
    texts = [v.upper().replace(" ", "") if isinstance(v, str) else "" for v in values]
    placeholder = [("99999" in t or any(c * 8 in t for c in "0123456789")) for t in texts]
    assert (a.placeholder == np.array(placeholder)).all()
    assert (a.text[kind == 6] == ids[kind == 6]).all()
    known = ~np.isin(kind, [2, 4, 7])
    assert (a.birth[known] == births[known]).all()
    assert np.isnat(a.birth[~known]).all()
    seventeenth = ids.astype("U18").view(np.uint32).reshape(n, 18)[:, 16] - ord("0")  # 15th of an old ID
    expected_sex = np.where(seventeenth % 2 == 1, "男", "女")
    assert (a.sex[known] == expected_sex[known]).all()
    assert (a.ages(TODAY)[known] == [age_on(t, TODAY) for t in ids[known].tolist()]).all()
    assert (a.upgraded()[kind == 3] == ids[kind == 3]).all()
