"""money.py: parsing, checking and formatting integer won."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from silson_tools.errors import InputError
from silson_tools.money import (
    MAX_LINE_WON,
    MAX_WON,
    NEGATIVE_EXPECTED,
    WHOLE_EXPECTED,
    as_won,
    format_won,
    line_limit_expected,
    parse_won,
    won_faults,
)


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("12,000원", 12_000),
        ("12000", 12_000),
        ("1.5만원", 15_000),
        ("808만원", 8_080_000),  # 2024 본인부담상한제 사전급여 최고상한액 (NHIS, see below)
        ("1,050만 원", 10_500_000),  # 2024 요양병원 120일 초과 최고상한액 (NHIS)
        (" 3만 ", 30_000),
        ("99만 9,999원", 999_999),  # 만 with a won remainder, as people write it
        ("1만5000원", 15_000),
        ("0", 0),
        ("0원", 0),
        (12_000, 12_000),
    ],
)
# The two 2024 amounts are the 10분위 상한액 of 국민건강보험공단's 본인부담상한제 page,
# https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900
def test_parse(text, won):
    assert parse_won(text) == won


@pytest.mark.parametrize(
    "text",
    ["abc", "", "12,00", "1.23456만원", "1.5원", "만원", "12,000달러", "1e5", "--5", None, 1.5],
)
def test_parse_rejects_and_names_the_text(text):
    with pytest.raises(ValueError) as err:
        parse_won(text)
    assert repr(text) in str(err.value)


def test_negative_refused_unless_allowed():
    with pytest.raises(ValueError, match="negative"):
        parse_won("-5,000원")
    assert parse_won("-5,000원", allow_negative=True) == -5_000


@pytest.mark.parametrize(
    ("won", "text"),
    [
        (12_000, "12,000원"),
        (8_080_000, "808만원"),
        (10_500_000, "1,050만원"),
        (0, "0원"),
        (15_000, "15,000원"),
        (-20_000, "-20,000원"),
        (123_456, "123,456원"),
    ],
)
def test_format(won, text):
    assert format_won(won) == text


def test_format_forced_units():
    assert format_won(15_000, unit="man") == "1.5만원"
    assert format_won(8_080_000, unit="won") == "8,080,000원"
    with pytest.raises(ValueError, match="unit"):
        format_won(1, unit="dollar")


@given(st.integers(min_value=0, max_value=10**12))
def test_format_then_parse_round_trips(won):
    assert parse_won(format_won(won)) == won
    assert parse_won(format_won(won, unit="man")) == won


# --- the one amount check -------------------------------------------------------------------


def test_errors_are_input_errors():
    with pytest.raises(InputError):
        parse_won("abc")
    with pytest.raises(InputError):
        format_won(1, unit="dollar")


def test_one_line_limit_keeps_the_engines_products_inside_int64():
    # 급여/비급여 split: 2 × p × N with p ≤ 3 × MAX_LINE_WON, N ≤ MAX_LINE_WON; rates in ppm
    assert 2 * (3 * MAX_LINE_WON) * MAX_LINE_WON < 2**63
    assert MAX_LINE_WON * 1_000_000 < 2**63 and MAX_WON * 1_000_000 < 2**63
    assert line_limit_expected() == (
        "1,000,000,000원 이하의 금액 (an amount of at most 1,000,000,000 won)"
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 5, MAX_LINE_WON], []),
        ([0, -1, 2], [([False, True, False], NEGATIVE_EXPECTED)]),
        ([1.0, 1.5, np.inf], [([False, True, True], WHOLE_EXPECTED)]),
        ([MAX_LINE_WON + 1, 0], [([True, False], line_limit_expected())]),
        (np.array([MAX_LINE_WON + 1], dtype=np.uint64), [([True], line_limit_expected())]),
    ],
)
def test_won_faults_masks_each_failed_check(values, expected):
    got = [(mask.tolist(), text) for mask, text in won_faults(np.asarray(values))]
    assert got == expected


def test_as_won_names_the_argument():
    assert as_won("C", "1.5만원").tolist() == 15_000
    assert as_won("C", [1, 2]).tolist() == [1, 2]
    assert as_won("H", None, allow_none=True) is None
    for value, message in [
        (None, "C is required"),
        (-1, "C must not be negative, got -1"),
        (1.5, "C must be a whole number of won"),
        ("abc", "C: 금액으로 읽을 수 없습니다"),
        (True, "C must be a number of won"),
        (MAX_WON + 1, "C is larger than 1,000,000,000,000 won"),
    ]:
        with pytest.raises(InputError, match=message):
            as_won("C", value)
    with pytest.raises(InputError, match="larger than 1,000,000,000 won"):
        as_won("line", MAX_LINE_WON + 1, limit=MAX_LINE_WON)


@pytest.mark.parametrize("text", ["12²", "③", "١٢٠٠٠", "１２٣", "1²,000원"])
def test_parse_won_reads_only_ascii_digits(text):
    with pytest.raises(InputError, match="cannot read as won"):
        parse_won(text)


@pytest.mark.parametrize(
    ("cell", "won", "expected"),
    [
        ("₩ -", 0, None),
        (" ₩ -   ", 0, None),
        ("-", 0, None),
        ("₩ 12,000 ", 12_000, None),
        ("12,000 ₩", 12_000, None),
        ("１２，０００", 12_000, None),
        ("\u200b12000\u200b", 12_000, None),
        ("\u00a05,000\u00a0원", 5_000, None),
        ("12.000", None, "thousands separator or a decimal point"),
        ("1.234.567", None, "thousands separator or a decimal point"),
        ("1.500만원", None, "thousands separator or a decimal point"),
        ("12²", None, "such as ² or ③"),
        ("③", None, "such as ² or ③"),
        ("١٢", None, "such as ² or ③"),
        ("12.5", None, "whole number of won"),
    ],
)
def test_amount_cells_as_people_type_them(cell, won, expected):
    from silson_tools.receipts.cells import parse_amount

    value, problem = parse_amount(cell)
    assert value == won
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem
