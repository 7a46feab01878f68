"""money.py: parsing and formatting integer won."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silson_tools.money import format_won, parse_won


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("12,000원", 12_000),
        ("12000", 12_000),
        ("1.5만원", 15_000),
        ("808만원", 8_080_000),  # seed 003: 2024 사전급여 최고상한액
        ("1,050만 원", 10_500_000),  # seed 003: 요양병원 120일 초과 최고상한액
        (" 3만 ", 30_000),
        ("99만 9,999원", 999_999),  # 만 with a won remainder, as people write it
        ("1만5000원", 15_000),
        ("0", 0),
        ("0원", 0),
        (12_000, 12_000),
    ],
)
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
