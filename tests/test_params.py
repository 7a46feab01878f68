"""Dated parameters (params.py): units checked, unknown keys refused, sources resolved, dates."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from silson_tools.errors import InputError, RuleDataError
from silson_tools.params import (
    NHI_COPAY_FILE,
    PARAM_UNITS,
    UNITS,
    Ctx,
    Param,
    load_parameters,
    load_sources,
    nhi_copay,
    parse_param,
    read_fact,
    read_facts,
)

SOURCES = load_sources()


def _param(text: str, units: tuple[str, ...] | None = None) -> Param:
    """Parse ``[p]`` of a small TOML text as one parameter."""
    return parse_param(Ctx("t.toml"), "p", tomllib.loads(text)["p"], units)


def _table(unit: str, value: str, extra: str = "") -> str:
    return (
        f'[p]\nunit = "{unit}"\nlabel = "시험"\n'
        f'values."2021-07-01" = {{ value = {value}, confidence = "B", '
        f'source = "fss-4g-terms"{extra} }}\n'
    )


def test_a_parameter_keeps_unit_label_and_each_dated_value() -> None:
    p = _param(_table("won", "10_000", ', note = "의원"'))
    assert (p.unit, p.label, p.kind) == ("won", "시험", "amount")
    assert p.values == (10_000,) and p.dates == (dt.date(2021, 7, 1),)
    assert p.confidence == ("B",) and p.notes == ("의원",)
    ref = p.references[0][0]
    assert ref == SOURCES["fss-4g-terms"] and ref.url.startswith("https://")
    assert p.sources[0] == f"{ref.title}, {ref.url}"
    assert p.show(p.values[0]) == "10,000원"
    assert _param(_table("rate", "0.2")).show(0.2) == "20%"


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("rate", "1.2", "a rate must be between 0 and 1"),
        ("rate", "-0.1", "a rate must be between 0 and 1"),
        ("won", "-1", "must not be negative"),
        ("won", "10.5", "expected a whole number"),
        ("won", "1_000_000_000_001", "larger than 1,000,000,000,000"),
        ("count", "2.5", "expected a whole number"),
        ("years", "101", "larger than 100"),
        ("won", '"1만원"', "expected a number"),
        ("won", "true", "expected a number"),
    ],
)
def test_units_are_checked(unit: str, value: str, message: str) -> None:
    with pytest.raises(RuleDataError, match=rf"t\.toml: p\.values\.2021-07-01\.value: {message}"):
        _param(_table(unit, value))


def test_the_unit_must_be_known_and_the_one_the_key_is_read_in() -> None:
    with pytest.raises(RuleDataError, match=r"p\.unit: expected one of won, rate"):
        _param(_table("percent", "1"))
    with pytest.raises(RuleDataError, match=r"p\.unit: this key is read as rate, not 'won'"):
        _param(_table("won", "1"), units=("rate",))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (_table("won", "1").replace('label = "시험"', 'label = "시험"\nlabl = "x"'), r"p\.labl"),
        (_table("won", "1", ", sourse = 1"), r"p\.values\.2021-07-01\.sourse"),
    ],
)
def test_unknown_keys_are_refused(text: str, where: str) -> None:
    with pytest.raises(RuleDataError, match=rf"{where}: unknown key"):
        _param(text)


@pytest.mark.parametrize("missing", ["unit", "label"])
def test_unit_and_label_are_required(missing: str) -> None:
    text = "\n".join(
        line for line in _table("won", "1").splitlines() if not line.startswith(missing)
    )
    with pytest.raises(RuleDataError, match=rf"p\.{missing}: missing required value"):
        _param(text)


def test_value_confidence_and_source_are_required_and_checked() -> None:
    with pytest.raises(RuleDataError, match=r"2021-07-01\.source: missing required value"):
        _param(_table("won", "1").replace(', source = "fss-4g-terms"', ""))
    with pytest.raises(RuleDataError, match=r"2021-07-01\.confidence: expected A, B, C or user"):
        _param(_table("won", "1").replace('"B"', '"D"'))
    with pytest.raises(RuleDataError, match=r"2021-07-01\.source: unknown source 'nowhere'"):
        _param(_table("won", "1").replace("fss-4g-terms", "nowhere"))
    with pytest.raises(RuleDataError, match=r"July 2021: expected an effective date"):
        _param(_table("won", "1").replace("2021-07-01", "July 2021"))


def test_a_source_may_be_inline_or_a_list() -> None:
    inline = _table("won", "1").replace(
        '"fss-4g-terms"', '{ title = "내 보험 약관 제3조", url = "https://example.org/t" }'
    )
    p = _param(inline)
    assert p.sources == ("내 보험 약관 제3조, https://example.org/t",)
    listed = _param(_table("won", "1").replace('"fss-4g-terms"', '["fss-4g-terms", "keyzard"]'))
    assert len(listed.references[0]) == 2 and "; " in listed.sources[0]
    with pytest.raises(RuleDataError, match=r"source\.url: expected an address starting with"):
        _param(_table("won", "1").replace('"fss-4g-terms"', '{ title = "x", url = "www.x" }'))


def test_both_sides_of_an_effective_date() -> None:
    text = _table("won", "200_000") + (
        'values."2024-01-01" = { value = 150_000, confidence = "C", source = "keyzard" }\n'
    )
    cap = _param(text)
    assert cap.at(dt.date(2023, 12, 31)) == 200_000
    assert cap.at(dt.date(2024, 1, 1)) == 150_000
    assert cap.at(dt.date(2019, 1, 1)) == 200_000  # before the first date: the first value
    days = np.array(["2023-12-31", "2024-01-01", "2030-01-01"], dtype="datetime64[D]")
    assert list(cap.on(days)) == [200_000, 150_000, 150_000]
    rate = _param(_table("rate", "0.2") + (
        'values."2024-01-01" = { value = 0.3, confidence = "C", source = "keyzard" }\n'
    ))  # fmt: skip
    assert list(rate.ppm(days)) == [200_000, 300_000, 300_000]
    assert rate.ppm(days).dtype == np.int64


def test_a_value_can_be_ended_and_a_contract_date_resolves_it() -> None:
    text = _table("count", "180") + (
        'values."2024-01-01" = { ended = true, confidence = "B", source = "keyzard" }\n'
    )
    count = _param(text)
    assert count.values == (180, None) and count.ended
    assert count.at("2023-12-31") == 180 and count.at("2024-06-01") is None
    assert count.show(None).startswith("종료")
    assert count.for_contract("2022-01-01").values == (180,)
    assert count.for_contract("2022-01-01").dates == (dt.date(2021, 7, 1),)
    assert count.for_contract("2024-01-01") is None
    days = np.array(["2023-06-01", "2024-06-01"], dtype="datetime64[D]")
    with pytest.raises(InputError, match=r"p: no value on 2024-06-01: the parameter ended"):
        count.on(days)
    assert count.on(days[:1]).tolist() == [180]
    with pytest.raises(RuleDataError, match="cannot end the parameter"):
        _param(text.replace('"2024-01-01"', '"2020-01-01"'))
    with pytest.raises(RuleDataError, match="write ended = true, without a value"):
        _param(text.replace("ended = true", "ended = true, value = 1"))
    with pytest.raises(RuleDataError, match="this parameter is required"):
        parse_param(Ctx("t.toml"), "p", tomllib.loads(text)["p"], may_end=False)


def test_every_parameter_unit_has_a_kind_the_engine_knows() -> None:
    assert {UNITS[u].kind for u in PARAM_UNITS} == {"rate", "amount", "count"}
    assert PARAM_UNITS == ("won", "rate", "count", "years", "days")
    table_units = set(UNITS) - set(PARAM_UNITS)
    assert table_units == {"month", "months", "ppm", "date", "text", "grades"}
    with pytest.raises(RuleDataError, match=r"p\.unit: expected one of won, rate, count, "):
        _param(_table("ppm", "1"))


def _fact(unit: str, value: str) -> str:
    return (
        f'[f]\nunit = "{unit}"\nlabel = "시험"\nvalue = {value}\n'
        'confidence = "A"\nsource = "fss-4g-terms"\n'
    )


@pytest.mark.parametrize(
    ("unit", "value", "read", "shown"),
    [
        ("month", "8", 8, "8월"),
        ("months", "12", 12, "12개월"),
        ("days", "120", 120, "120일"),
        ("ppm", "250000", 250_000, "25%"),
        ("date", "2020-01-01", dt.date(2020, 1, 1), "2020-01-01"),
        ("text", '"calendar year"', "calendar year", "calendar year"),
        ("grades", "[1, 2]", (1, 2), "1, 2등급"),
    ],
)
def test_a_table_fact_is_read_and_shown_in_its_unit(
    unit: str, value: str, read: object, shown: str
) -> None:
    fact = read_fact(Ctx("t.toml"), "f", tomllib.loads(_fact(unit, value))["f"], unit)
    assert (fact.key, fact.unit, fact.label, fact.value) == ("f", unit, "시험", read)
    assert fact.show() == shown and fact.confidence == "A" and fact.sources


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("month", "13", "larger than 12 (month)"),
        ("ppm", "-1", "must not be negative"),
        ("date", '"2020-01-01"', "expected a date like 2020-01-01, got '2020-01-01'"),
        ("grades", "[0]", "expected a list of grade numbers, got [0]"),
        ("text", '""', "expected text, got ''"),
    ],
)
def test_a_table_fact_value_is_checked(unit: str, value: str, message: str) -> None:
    node = tomllib.loads(_fact(unit, value))["f"]
    with pytest.raises(RuleDataError, match=rf"t\.toml: f\.value: {re.escape(message)}"):
        read_fact(Ctx("t.toml"), "f", node, unit)


def test_a_table_fact_must_be_declared_in_the_unit_it_is_read_in() -> None:
    node = tomllib.loads(_fact("days", "1"))["f"]
    with pytest.raises(RuleDataError, match=r"f\.unit: this key is read as month, not 'days'"):
        read_fact(Ctx("t.toml"), "f", node, "month")
    with pytest.raises(RuleDataError, match=r"rules\.refund_month: missing required value"):
        read_facts(Ctx("t.toml"), "rules", {}, {"refund_month": "month"}, ("refund_month",))
    with pytest.raises(RuleDataError, match=r"rules\.other: unknown key"):
        read_facts(Ctx("t.toml"), "rules", {"other": node}, {"refund_month": "month"})


def test_the_source_registry_has_a_title_and_an_address_for_every_entry() -> None:
    assert len(SOURCES) >= 15
    for key, source in SOURCES.items():
        assert source.title, key
        assert source.url.startswith(("https://", "http://")), key


def test_nhi_copay_rates_load_with_unit_label_and_source() -> None:
    rates = nhi_copay()
    assert set(rates) == {
        "outpatient.clinic",
        "outpatient.hospital",
        "outpatient.general",
        "outpatient.tertiary",
        "outpatient.pharmacy",
        "inpatient.all",
    }
    assert rates["outpatient.general"].at("2026-01-01") == 0.5
    assert rates["inpatient.all"].at("2026-01-01") == 0.2
    for param in rates.values():
        assert param.unit == "rate" and param.label and param.sources[0]


def test_a_parameter_file_with_its_own_sources(tmp_path: Path) -> None:
    path = tmp_path / "law.toml"
    path.write_text(
        '[sources.mine]\ntitle = "내 자료"\nurl = "https://example.org"\n\n'
        '[group.rate]\nunit = "rate"\nlabel = "비율"\n'
        'values."2020-01-01" = { value = 0.5, confidence = "C", source = "mine" }\n',
        encoding="utf-8",
    )
    params = load_parameters(path)
    assert params["group.rate"].sources == ("내 자료, https://example.org",)
    path.write_text(
        path.read_text(encoding="utf-8").replace("[sources.mine]", "[sources.keyzard]"),
        encoding="utf-8",
    )
    with pytest.raises(RuleDataError, match=r"sources\.keyzard: already defined"):
        load_parameters(path)
    assert NHI_COPAY_FILE.is_file()


# --- parsed once per text ------------------------------------------------------------------------


def test_a_changed_rule_file_is_read_anew_at_once_and_trees_are_not_shared(tmp_path: Path) -> None:
    """The parse and the validated ceiling table are reused only for the same text: a file
    rewritten at once with a value of the same length (same size, maybe the same time stamp)
    gives the new value, and changing a returned tree changes no later read."""
    from silson_tools import catalog, ceiling
    from silson_tools.params import read_toml

    product = tmp_path / "mine.toml"
    for label in ("내 상품 A", "내 상품 B", "내 상품 A"):
        product.write_text(f'extends = "gen4"\n[policy]\nlabel = "{label}"\n', encoding="utf-8")
        assert catalog.load_policy(product).label == label
        raw = read_toml(product)
        assert raw["policy"]["label"] == label
        raw["policy"]["label"] = "바뀜"  # the caller's own copy
        assert read_toml(product)["policy"]["label"] == label

    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    row = "d1 = 810_000, d2_3 = 1_010_000, d4_5 = 1_520_000, d6_7 = 2_800_000"
    path = tmp_path / "c.toml"
    for d1 in ("810_000", "820_000", "810_000"):
        path.write_text(text.replace(row, row.replace("810_000", d1)), encoding="utf-8")
        assert ceiling.limit(2019, 1, table=ceiling.load_table(path)) == int(d1)
    assert ceiling.load_table(path) is ceiling.load_table(path)  # same text: validated once
