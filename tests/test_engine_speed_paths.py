"""The engine's faster paths give what the paths they replace give.

Each test runs a shortcut (the sort by day then by person with the sorted columns rebuilt
without a gather, the zone read from one table of facts, the lines of every 3대 비급여 and
상급병실 part found in one pass, a mostly-zero detail column put back in row order in its own
memory, the zone and policy year put back by one scatter, an exclusion clause whose
categories no line has skipped, the clause codes when no clause applied, validated lines
whose text columns are built only when asked for) beside the plain computation it replaces,
on data where both apply, ties and zeros included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from silson_tools.catalog import Policy, load_policy
from silson_tools.engine.assess import assess, assess_lines, noncovered_lines
from silson_tools.engine.exclusions import (
    _care,
    clause_labels,
    excluded_amount,
    exclusion_masks,
    routes,
)
from silson_tools.engine.inputs import read_lines
from silson_tools.engine.lines import LineDetail, SortedLines, in_order, sort_order
from silson_tools.engine.output import (
    SortedResult,
    _policy_year,
    _Recycled,
    _zone_and_policy_year,
    detail_columns,
)
from silson_tools.engine.validated import validated_lines
from silson_tools.engine.zones import ZONE_CODES, zone_codes
from silson_tools.errors import ReceiptError
from silson_tools.receipts import ReceiptLines, as_receipt_lines
from silson_tools.receipts.cells import text
from silson_tools.receipts.validate import (
    STR_DTYPE,
    Problems,
    RawColumn,
    Texts,
    _by_distinct,
    _factorize,
    _plain_texts,
    _texts,
)
from silson_tools.scale import cohort
from silson_tools.schema import AMOUNT_COLUMNS


def _lexsorted(person: np.ndarray, day: np.ndarray) -> np.ndarray:
    return np.lexsort((np.arange(len(day)), day, person))


@pytest.mark.parametrize(
    ("people", "days", "first"),
    [
        (1, 1, "2024-03-01"),  # one key: order is file order
        (65_536, 300, "2024-01-01"),  # the most persons the day-then-person passes take
        (65_537, 300, "2024-01-01"),  # one more: 16-bit passes over the key
        (50, 65_536, "1977-01-01"),  # the longest span the day pass takes
        (50, 65_537, "1977-01-01"),
        (9_000, 2, "2099-12-30"),
    ],
)
def test_sort_order_is_lexsort_on_either_side_of_the_16_bit_bounds(
    people: int, days: int, first: str
) -> None:
    rng = np.random.default_rng(people + days)
    n = 40_000
    person = rng.integers(0, people, n).astype(np.intp)
    person[:2] = [0, people - 1]  # the bounds are reached
    day = np.datetime64(first, "D") + rng.integers(0, days, n).astype("m8[D]")
    day[:2] = [np.datetime64(first, "D"), np.datetime64(first, "D") + np.timedelta64(days - 1, "D")]
    order, p, d = sort_order(person, day)
    want = _lexsorted(person, day)
    assert (order == want).all()
    assert p is not None and d is not None
    assert p.dtype == person.dtype and d.dtype == day.dtype
    assert (p == person[want]).all() and (d == day[want]).all()


def test_sort_order_of_sorted_lines_is_identity_and_in_order_says_so() -> None:
    person = np.repeat(np.arange(50, dtype=np.intp), 20)
    day = np.tile(np.datetime64("2024-01-01", "D") + np.arange(20).astype("m8[D]"), 50)
    order, _, _ = sort_order(person, day)
    assert in_order(order) and (order == np.arange(len(day))).all()
    swapped = order.copy()
    swapped[[3, 4]] = swapped[[4, 3]]
    assert not in_order(swapped)
    assert not in_order(np.array([0, 2, 1, 3]))  # ends right, middle wrong
    assert in_order(np.zeros(0, np.intp)) and in_order(np.array([0]))
    shuffled = sort_order(person[::-1].copy(), day[::-1].copy())[0]
    assert not in_order(shuffled)


def _zone_by_rules(excluded: np.ndarray, offset: np.ndarray, detail: LineDetail) -> np.ndarray:
    """The zone written rule by rule, lowest priority first (the path zone_codes replaces)."""
    code = {name: np.int8(i) for i, name in enumerate(ZONE_CODES)}
    ded, rate = detail.deductible, detail.rate_part
    top = np.maximum.reduce([ded, rate, excluded, offset])
    zone = np.full(len(top), code["ceiling_offset"], dtype=np.int8)
    zone[rate == top] = code["rate"]
    zone[ded == top] = code["deductible"]
    zone[excluded == top] = code["excluded"]
    zone[top == 0] = code["rate"]
    zone[detail.visit_cap_cut > 0] = code["visit_cap"]
    zone[detail.annual_cut > 0] = code["annual_limit"]
    zone[detail.count_cut > 0] = code["count_limit"]
    return zone


@pytest.mark.parametrize("empty", [(), ("excluded",), ("offset",), ("visit_cap_cut", "count_cut")])
def test_zone_from_one_table_equals_the_rules_one_by_one(empty: tuple[str, ...]) -> None:
    """Small amounts, so ties between the four and zeros are common; some columns all 0."""
    rng = np.random.default_rng(len(empty))
    n = 20_000

    def col(name: str, high: int = 4) -> np.ndarray:
        values = rng.integers(0, high, n)
        values[rng.random(n) < 0.5] = 0
        return np.zeros(n, np.int64) if name in empty else values

    detail = LineDetail.zeros(n)
    detail.deductible, detail.rate_part = col("deductible"), col("rate_part")
    detail.visit_cap_cut, detail.annual_cut = col("visit_cap_cut", 2), col("annual_cut", 2)
    detail.count_cut = col("count_cut", 2)
    excluded, offset = col("excluded"), col("offset")
    before = [a.copy() for a in (excluded, offset, detail.deductible, detail.rate_part)]
    got = zone_codes(excluded, offset, detail)
    want = _zone_by_rules(excluded, offset, detail)
    assert got.dtype == np.int8
    assert (got == want).all()
    assert len(np.unique(got)) >= 4  # several rules decided lines
    after = (excluded, offset, detail.deductible, detail.rate_part)
    assert all((a == b).all() for a, b in zip(before, after, strict=True))  # read only


@pytest.mark.parametrize(
    "kinds",
    [
        ["visit", "visit", "treatment", "treatment", "room"],
        ["treatment", "room"],  # every part takes ④ by itself
        ["visit"],
    ],
)
def test_noncovered_lines_are_each_parts_lines_with_an_amount(kinds: list[str]) -> None:
    rng = np.random.default_rng(len(kinds))
    n = 30_000
    route = rng.integers(-1, len(kinds), n).astype(np.int16)
    nc = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 10_000, n))
    got = noncovered_lines(nc, route, kinds)
    want = {
        k: np.flatnonzero((route == k) & (nc > 0))
        for k, kind in enumerate(kinds)
        if kind != "visit"
    }
    assert got.keys() == want.keys()
    for k, idx in want.items():
        assert len(idx) and (got[k] == idx).all(), k


def _sorted_and_result(frame: pd.DataFrame) -> tuple:
    pol = load_policy("gen4")
    lines = read_lines(frame, pol)
    return lines, assess_lines(lines, pol.for_contract(lines.start), None)


@pytest.fixture(scope="module")
def shuffled() -> pd.DataFrame:
    """People over years with caps, counts and refunds, in random row order."""
    frame = cohort(6_000, people=60, seed=7).drop(columns=["policy", "policy_start"])
    return frame.sample(frac=1.0, random_state=11)


def test_mostly_zero_columns_are_put_back_in_their_own_memory(shuffled: pd.DataFrame) -> None:
    """consume=True moves the few nonzero values of a sparse column inside its own array:
    the columns equal the fresh path's, and the memory really is the sorted column's."""
    lines, result = _sorted_and_result(shuffled)
    want = detail_columns(lines, result, shuffled.index)
    lines, result = _sorted_and_result(shuffled)
    sparse = {"visit_cap_cut": result.detail.visit_cap_cut, "session_no": result.detail.session_no}
    assert all(0 < np.count_nonzero(a) * 8 < lines.n for a in sparse.values())
    got = detail_columns(lines, result, shuffled.index, consume=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name, a in sparse.items():
        assert np.shares_memory(got[name].to_numpy(), a), name


@pytest.mark.parametrize("alias", ["same array twice", "a view of another column"])
def test_columns_sharing_memory_are_not_rewritten(shuffled: pd.DataFrame, alias: str) -> None:
    """A result whose columns share memory (not what the steps make, but possible) is put
    back as the fresh path puts it back: no column is rewritten under another."""
    lines, result = _sorted_and_result(shuffled)
    detail = result.detail
    if alias == "same array twice":
        detail.annual_cut = detail.visit_cap_cut
    else:  # session_no (put back later) reads visit_cap_cut's memory, which alone owns it
        detail.session_no = detail.visit_cap_cut[:]
    copy = SortedResult(**{k: getattr(result, k) for k in result.__dataclass_fields__})
    want = detail_columns(lines, copy, shuffled.index)
    got = detail_columns(lines, result, shuffled.index, consume=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert (got["visit_cap_cut"] > 0).any()


@pytest.mark.parametrize("start", [None, "2019-02-28"])
def test_zone_and_policy_year_put_back_together_equal_each_put_back(
    shuffled: pd.DataFrame, start: str | None
) -> None:
    """One scatter of (year << 8 | zone) gives the zone and policy year of a scatter each."""
    pol = load_policy("gen4")
    lines = read_lines(shuffled, pol, start)
    result = assess_lines(lines, pol.for_contract(lines.start), None)
    assert not lines.identity and len(np.unique(lines.year)) > 2
    assert len(np.unique(result.zone)) >= 4
    zone, year = _zone_and_policy_year(lines, result.zone, _Recycled(lines, ()))
    want_year = _policy_year(lines, _Recycled(lines, ()))
    assert zone.dtype == result.zone.dtype and year.dtype == want_year.dtype
    assert (zone == lines.input_order(result.zone)).all()
    assert (year == want_year).all()


def _masks_by_every_clause(lines: SortedLines, policy: Policy) -> tuple[dict, np.ndarray]:
    """exclusion_masks without skipping a clause whose categories no line has."""
    before = lines.year < 0
    masks = {col: before.copy() for col in AMOUNT_COLUMNS}
    clause = np.where(before, -2, -1).astype(np.int16)
    amounts = {"covered_copay": lines.cc, "full_copay": lines.fc, "noncovered": lines.nc}
    for i, ex in enumerate(policy.exclusions):
        hit = _care(lines, ex)
        if ex.waiting_years is not None:
            hit &= lines.year < np.asarray(ex.waiting_years.on(lines.day), dtype=np.int64)
        assert ex.severe is None and ex.settings is None and ex.start is None and ex.until is None
        removes = np.zeros(lines.n, dtype=bool)
        for col in ex.amounts:
            removes |= hit & ~masks[col] & (amounts[col] > 0)
            masks[col] |= hit
        clause[removes & (clause == -1)] = i
    return masks, clause


@pytest.mark.parametrize("present", [(), ("dental", "infertility"), ("cosmetic", "orthosis")])
def test_clauses_of_absent_categories_are_skipped_alike(
    shuffled: pd.DataFrame, present: tuple[str, ...]
) -> None:
    """gen4's clauses name categories; those no line has are skipped without a pass."""
    pol = load_policy("gen4")
    named = {c for ex in pol.exclusions for c in ex.categories or ()}
    frame = shuffled.assign(category=shuffled["category"].astype(str))
    frame.loc[frame["category"].isin(named), "category"] = ""  # then only ``present``
    at = np.arange(len(frame)) % 11 == 0
    for k, category in enumerate(present):
        frame.loc[at & (np.arange(len(frame)) % 2 == k), "category"] = category
    lines = read_lines(frame, pol, "2023-06-01")
    pol = pol.for_contract(lines.start)
    masks, clause = exclusion_masks(lines, pol)
    want_masks, want_clause = _masks_by_every_clause(lines, pol)
    assert (clause == want_clause).all()
    assert all((masks[c] == want_masks[c]).all() for c in AMOUNT_COLUMNS)
    assert (clause >= 0).any() == bool(present)
    route, _ = routes(lines, pol)
    excluded = excluded_amount(lines, route)
    code, labels = clause_labels(pol, clause, excluded)
    assert (code == _clause_codes(clause, excluded)).all() and code.dtype == np.int16
    assert len(labels) == 3 + len(pol.exclusions)


def _clause_codes(clause: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """clause_labels' codes, computed the general way."""
    code = np.where(clause >= 0, clause + 3, np.where(clause == -2, 1, 0)).astype(np.int16)
    code[(excluded > 0) & (code == 0)] = 2
    code[excluded == 0] = 0
    return code


@pytest.mark.parametrize("clauses", ["none", "before start", "a clause"])
def test_clause_codes_without_a_clause_equal_the_general_way(clauses: str) -> None:
    rng = np.random.default_rng(3)
    n = 10_000
    excluded = np.where(rng.random(n) < 0.3, rng.integers(1, 100, n), 0)
    clause = np.full(n, -1, np.int16)
    if clauses == "before start":
        clause[:50] = -2
    elif clauses == "a clause":
        clause[::7] = 1
    pol = load_policy("gen4")
    code, _ = clause_labels(pol, clause, excluded)
    assert code.dtype == np.int16
    assert (code == _clause_codes(clause, excluded)).all()
    assert set(np.unique(code)) >= {0, 2}


# --- validated lines whose text columns are built only when asked for -------------------------

_HEADERS = {"person": "이름", "days": "입원일수", "institution": "병원명", "severe": "산정특례"}


def _frames() -> dict[str, pd.DataFrame]:
    """Frames that take each way a text column is made: categorical, str and object cells,
    defaults for missing columns, columns under Korean headers, a 상병코드 column."""
    base = cohort(3_000, people=40, seed=8).drop(columns=["policy", "policy_start"])
    base["days"] = np.minimum(base["days"], 1)  # one-day stays: no two of them overlap
    rng = np.random.default_rng(8)
    n = len(base)
    named = np.where(rng.random(n) < 0.4, "", rng.choice(["가 의원", "B병원"], n))
    pharmacy = (base["setting"] == "pharmacy").to_numpy()
    full = base.assign(  # a 약국 line names its prescriber (unnamed, a tie may be asked)
        institution=np.where(pharmacy, "가 의원", named),
        diagnosis=np.where(rng.random(n) < 0.3, rng.choice(["F32.9", "K29"], n), ""),
        severe=rng.random(n) < 0.1,
    )
    text = full.copy()
    for col in ("person", "setting", "tier", "category"):
        text[col] = text[col].astype(object)
    strs = full.astype({c: "str" for c in ("person", "setting", "tier", "institution")})
    cats = full.astype({c: "category" for c in ("person", "setting", "tier", "category")})
    return {
        "cohort": base,
        "object": text,
        "str": strs,
        "categorical": cats,
        "korean": full.rename(columns=_HEADERS),
    }


@pytest.mark.parametrize("name", ["cohort", "object", "str", "categorical", "korean"])
def test_deferred_lines_answer_as_the_receipt_lines_do(name: str) -> None:
    """validated_lines keeps the text columns unbuilt: each answer the engine reads (codes,
    arrays, values, text codes, given columns) equals the ReceiptLines', and the frame it
    builds on demand equals as_receipt_lines' (values, dtypes, index, attrs)."""
    frame = _frames()[name]
    eager = as_receipt_lines(frame)
    lazy = validated_lines(frame)
    assert lazy._lines is None  # nothing built yet
    assert lazy.given_columns == eager.given_columns
    assert len(lazy) == len(eager)
    coded = ("person", "setting", "tier", "category")
    for (code, names), (want, want_names) in zip(
        lazy.codes_of(*coded), eager.codes_of(*coded), strict=True
    ):
        assert names == want_names
        np.testing.assert_array_equal(code, want)
    for column in ("institution", "visit"):
        got, want = lazy.text_codes(column), eager.text_codes(column)
        assert (got is None) == (want is None)
        if got is not None:
            np.testing.assert_array_equal(got[0], want[0])
            assert got[1] == want[1]
    for column in eager.columns:
        got, want = lazy.arrays(column)[0], eager.arrays(column)[0]
        assert got.dtype == want.dtype, column
        np.testing.assert_array_equal(got, want)
        got, want = lazy.values(column), eager[column].to_numpy()
        assert got.dtype == want.dtype and got.flags.writeable == want.flags.writeable, column
        np.testing.assert_array_equal(got, want)
    assert lazy._lines is None  # still nothing built
    built = lazy.lines
    pd.testing.assert_frame_equal(built, eager, check_exact=True)
    assert built.attrs == eager.attrs and built.rows.tolist() == eager.rows.tolist()
    assert [type(built[c].array) for c in built] == [type(eager[c].array) for c in eager]


def test_the_engine_builds_no_receipt_lines_unless_asked() -> None:
    """A run with no hook and no problem never builds the frame; a ceiling hook is given the
    ReceiptLines; a problem found by the engine names the same rows either way."""
    frame = _frames()["korean"]
    pol = load_policy("gen4")
    lines = read_lines(frame, pol)
    assess_lines(lines, pol.for_contract(lines.start), None)
    assert lines.receipts is not None and lines.receipts._lines is None
    seen: list[type] = []

    class Hook:
        def line_offsets(self, receipts: pd.DataFrame) -> np.ndarray:
            seen.append(type(receipts))
            assert receipts.is_intact() and receipts["person"].dtype == "str"
            return np.zeros(len(receipts), np.int64)

    out = assess(frame, "gen4", ceiling=Hook())
    assert seen == [ReceiptLines]
    for column, header in _HEADERS.items():  # under another header: the validated values
        want = as_receipt_lines(frame)[column].to_numpy()
        np.testing.assert_array_equal(out[column].to_numpy(), want)
        assert header in out.columns  # the input's own column kept beside it
    bad = frame.assign(nhis_paid=0, date=pd.Timestamp("2027-03-02"))  # 5세대 needs ②
    with pytest.raises(ReceiptError) as lazy_error:
        assess(bad, "gen5")
    with pytest.raises(ReceiptError) as eager_error:
        assess(as_receipt_lines(bad), "gen5")
    assert "gen5" in lazy_error.value.problems[0].expected
    assert lazy_error.value.problems == eager_error.value.problems


def test_texts_read_and_build_as_the_str_array() -> None:
    """A Texts column reads (by position, as an array) and builds as the str array it
    stands for; a constant one (codes None) as n copies of its text."""
    table = np.array(["외래", "", "약국"], dtype=object)
    codes = np.array([2, 0, 0, 1, 2], dtype=np.int8)
    texts = Texts(table, codes, len(codes))
    want = ["약국", "외래", "외래", "", "약국"]
    assert [texts[i] for i in range(5)] == want
    assert np.asarray(texts, dtype=object).tolist() == want
    assert texts.strings().tolist() == want and texts.strings().dtype == STR_DTYPE
    same = Texts(np.array(["본인"], dtype=object), None, 4)
    assert np.asarray(same).tolist() == ["본인"] * 4 and same[3] == "본인"
    assert same.strings().tolist() == ["본인"] * 4


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["나", "가", "나", None, " 다 "], dtype="str"),
        pd.Series(["b", "a", "b"], dtype=object),
        pd.Series(["b", "a", None], dtype="string"),
        pd.Series([3, 1, 3]),
        pd.Series(pd.to_datetime(["2024-01-02", "2023-05-06", "2024-01-02"])),
        pd.Series(pd.to_datetime(["2024-01-02", "2023-05-06"]).tz_localize("Asia/Seoul")),
        pd.Series([1, "a", 2.5, "a"], dtype=object),
        pd.Series([True, False, True]),
    ],
    ids=["str", "object", "string", "int", "datetime", "tz", "mixed", "bool"],
)
def test_text_categories_are_read_as_iterating_reads_them(values: pd.Series) -> None:
    """A categorical column's distinct values read in one call are the values, and the
    types, that iterating over the categories gives."""
    column = values.astype("category")
    codes, uniques = _factorize(column)
    want = list(column.cat.categories)
    assert uniques == want and [type(u) for u in uniques] == [type(u) for u in want]
    np.testing.assert_array_equal(codes, column.cat.codes.to_numpy())


@pytest.mark.parametrize(
    "cells",
    [
        ["P01", " P02 ", "P01", "", "   ", None, "12.0", "P01 "],  # ASCII: the shortcut
        ["김민수", " 김민수", "P01", "", None],  # not all ASCII: cell by cell
        ["a\u200bb", "ab"],  # an invisible character: not printable
    ],
    ids=["ascii", "korean", "invisible"],
)
@pytest.mark.parametrize("kind", ["object", "category", "str"])
def test_ascii_free_text_is_coded_as_cell_by_cell(cells: list, kind: str) -> None:
    """이름/병원명 of printable ASCII cells take a shortcut (strip, blank → the default);
    the column and codes equal those of parsing each distinct cell (cells.text)."""
    values = pd.Series(cells, dtype=object if kind == "object" else kind)
    if kind == "category":
        values = values.astype("category")
    col = RawColumn("person", values, "'person' 열")
    got_values, (got_code, got_names) = _texts(col, "본인", Problems("x", np.arange(len(cells))))
    table, codes, _, _ = _by_distinct(
        col, lambda v: (text(v), None), blank="본인", required=False,
        problems=Problems("x", np.arange(len(cells))),
    )  # fmt: skip
    assert list(got_values) == [table[c] for c in codes]
    names, where = pd.factorize(np.asarray(table, dtype=object))
    np.testing.assert_array_equal(got_code, names[codes])
    assert got_names == tuple(where)
    if kind == "category":  # which way it went
        assert (_plain_texts(col, "본인")[0] is not None) == (cells[0] == "P01")


def test_texts_compare_per_line_as_the_str_array() -> None:
    """A check that compares a text column (``columns["setting"] == "inpatient"``) gets the
    same per-line answer from Texts as from the built str array, so the engine's checks
    refuse what as_receipt_lines refuses (a 영수일 date column beside 입원 lines)."""
    texts = Texts(np.array(["inpatient", "outpatient"], dtype=object), np.array([0, 1, 0]), 3)
    assert (texts == "inpatient").tolist() == (texts.strings() == "inpatient").tolist()
    assert (texts != "inpatient").tolist() == [False, True, False]
    frame = pd.DataFrame({"영수일": ["2024-03-01", "2024-03-02"], "진료구분": ["입원", "외래"],
                          "요양기관종류": ["병원", "의원"], "본인부담금": [100_000, 10_000],
                          "입원일수": [3, 0]})  # fmt: skip
    with pytest.raises(ReceiptError) as eager:
        as_receipt_lines(frame)
    with pytest.raises(ReceiptError) as lazy:
        assess(frame, "gen4")
    assert lazy.value.problems == eager.value.problems
