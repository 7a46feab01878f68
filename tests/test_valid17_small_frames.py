"""Small frames take fast paths through receipt validation; each gives exactly what the
path it bypasses gives: the same checked columns, codes and rows, or the same ReceiptError
(its located problems and its message).

The slow paths stay callable: ``groups.SMALL`` (and ``validate.SMALL``) set to −1 turns
every small-array path off, so a frame is checked both ways and compared. Code replaced
outright (pandas Series work done in numpy) is kept here as it was, as the oracle.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import warnings
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_claims import POLICIES, receipts

from silson_tools.errors import InputError, ReceiptError
from silson_tools.receipts import cells, crosscheck, groups, validate
from silson_tools.receipts.groups import Groups, codes_by_identity, codes_by_value
from silson_tools.receipts.header import default_aliases
from silson_tools.receipts.lines import ReceiptLines, _Columns
from silson_tools.receipts.validate import Texts, built

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def slow_paths() -> Any:
    """Every small-array fast path off: pandas' factorize and groupby-free numpy as before."""
    with mock.patch.object(groups, "SMALL", -1), mock.patch.object(validate, "SMALL", -1):
        yield


# --- the answers compared ------------------------------------------------------------------


def _column(values: Any) -> tuple[str, list[Any]]:
    values = built(values)
    dtype = str(getattr(values, "dtype", type(values)))
    return dtype, [repr(v) for v in np.asarray(values, dtype=object).tolist()]


def _problems(err: ReceiptError) -> tuple[Any, ...]:
    return ("ReceiptError", [(p.file, p.row, p.column, repr(p.value), p.expected)
                             for p in err.problems], str(err))  # fmt: skip


def checked(frame: pd.DataFrame, **options: Any) -> tuple[Any, ...]:
    """What ``_check_frame`` gives (as the engine asks: text deferred), comparable."""
    try:
        got, index, name, rows, attrs, extra = ReceiptLines._check_frame(frame, defer_text=True,
                                                                         **options)  # fmt: skip
    except ReceiptError as err:
        return _problems(err)
    except InputError as err:
        return ("InputError", str(err))
    return (
        {c: _column(v) for c, v in got.columns.items()},
        {c: (code.dtype.str, code.tolist(), names) for c, (code, names) in got.codes.items()},
        got.refs, index.tolist(), name, rows.tolist(), repr(attrs), extra,
    )  # fmt: skip


def made(frame: pd.DataFrame, **options: Any) -> tuple[Any, ...]:
    """What ``from_frame`` gives, comparable (the frame, its attrs, rows, codes)."""
    try:
        lines = ReceiptLines.from_frame(frame, **options)
    except ReceiptError as err:
        return _problems(err)
    return (
        {c: (str(lines[c].dtype), [repr(v) for v in lines[c].tolist()]) for c in lines.columns},
        lines.index.tolist(), repr(lines.attrs), lines.rows.tolist(), lines.source,
        [(c, lines.codes(c)[0].tolist(), lines.codes(c)[1])
         for c in ("person", "setting", "tier", "category")],
    )  # fmt: skip


def both_ways(frame: pd.DataFrame, **options: Any) -> tuple[Any, Any]:
    fast = (checked(frame, **options), made(frame, **options))
    with slow_paths():
        slow = (checked(frame, **options), made(frame, **options))
    return fast, slow


# --- frames: drawn as the claims test draws them, then written as people write them -------

KOREAN = {
    "person": "이름", "date": "진료일자", "institution": "병원명", "visit": "방문묶음",
    "setting": "진료구분", "tier": "요양기관종류", "covered_copay": "본인부담금",
    "full_copay": "전액본인부담", "noncovered": "비급여", "nhis_paid": "공단부담금",
    "over_ceiling": "상한액초과금", "days": "입원일수", "category": "항목",
}  # fmt: skip
JUNK = st.sampled_from([
    "", " ", None, np.nan, pd.NA, "합계", "소계", "12,000원", "1.5", "-3", "abc", "2024-13-45",
    "2024.03.05", "약국", "입원", "외래", "치과", "한방", "도수치료", "일반", 3.0, 2.5, -1,
    10**13, "3일", "P0001", "가나 의원", "미소치과", "a", "pharmacy", "inpatient", 0, 7,
    dt.date(2024, 2, 29), pd.Timestamp("1900-01-01"), "예", "Y", "F32.9",
])  # fmt: skip
NUMBER_JUNK = st.sampled_from([-1, -5_000, 10**13, 1.5, 3_600.0000000000005, np.nan, 2.0])
EXTRA = st.sampled_from([
    ("비고", ["", "합계", "메모"]), ("진료과", ["", "정형외과", "정형외과(OS)", "내과"]),
    ("횟수", [1, 1, 2]), ("진료비총액", [0, 10_000, None]), ("번호", [1, 2, 3]),
    ("산정특례", ["", "예", "아니오"]), ("상병코드", ["", "F32.9", "M54"]),
    ("department", ["", "ENT", "ent", "안과"]), ("진료종료일", ["", "2025-01-03", None]),
])  # fmt: skip


def _fresh(value: Any, copy: bool) -> Any:
    """``value``, or an equal str that is another object (cells a reader made one by one)."""
    if copy and isinstance(value, str) and value:
        return "".join(list(value))
    return value


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """A drawn receipt frame, then some of: Korean headers, dropped optional columns, junk
    cells, equal texts as separate objects, text as object/category, dates as datetime64
    or text, unread columns (비고 saying 합계, 진료과, 횟수 …)."""
    policy = POLICIES[draw(st.sampled_from(["gen4", "gen2", "gen5"]))]
    base, _, _ = draw(receipts(policy))
    n = len(base)
    columns: dict[str, Any] = {c: base[c].tolist() for c in base.columns}
    for c in draw(st.sets(st.sampled_from(["institution", "visit", "full_copay", "nhis_paid",
                                           "over_ceiling", "days", "category"]))):  # fmt: skip
        del columns[c]
    copies = draw(st.booleans())
    for c in columns:
        columns[c] = [_fresh(v, copies) for v in columns[c]]
    for _ in range(draw(st.integers(0, 3))):
        c = draw(st.sampled_from(sorted(columns)))
        columns[c][draw(st.integers(0, n - 1))] = draw(JUNK)
    amounts = [c for c in ("covered_copay", "noncovered", "days", "nhis_paid") if c in columns]
    for _ in range(draw(st.integers(0, 2))):  # a bad number in a number column (stays numeric)
        c = draw(st.sampled_from(amounts))
        columns[c][draw(st.integers(0, n - 1))] = draw(NUMBER_JUNK)
    if "date" in columns and draw(st.booleans()):
        how = draw(st.sampled_from(["datetime64", "text", "tz"]))
        nat = np.datetime64("NaT", "us")
        stamps = pd.Series([np.datetime64(v, "us") if isinstance(v, dt.date) else nat
                            for v in columns["date"]], dtype="datetime64[us]")  # fmt: skip
        if how == "datetime64":
            columns["date"] = stamps.to_numpy()
        elif how == "tz":
            columns["date"] = stamps.dt.tz_localize("Asia/Seoul")
        else:
            columns["date"] = [str(v).replace("-", ".") for v in columns["date"]]
    for name, values in draw(st.lists(EXTRA, max_size=2, unique_by=lambda e: e[0])):
        columns[name] = [values[draw(st.integers(0, len(values) - 1))] for _ in range(n)]
    frame = pd.DataFrame(columns)
    for c in list(frame.columns):
        form = draw(st.sampled_from(["as is", "as is", "object", "category"]))
        if frame[c].dtype.kind not in "iufM" and form != "as is":
            try:
                frame[c] = frame[c].astype(object if form == "object" else "category")
            except (TypeError, ValueError):
                pass
    if draw(st.booleans()):
        frame = frame.rename(columns={c: KOREAN.get(c, c) for c in frame.columns})
    if draw(st.integers(0, 4)) == 0:
        frame.index = [f"r{i}" for i in range(n)]
    elif draw(st.integers(0, 4)) == 0:
        frame.index = np.arange(n) * 3 + 2
    return frame


@pytest.mark.filterwarnings("ignore")
@SETTINGS
@given(frame=frames())
def test_a_small_frame_checks_as_the_slow_paths_check_it(frame: pd.DataFrame) -> None:
    fast, slow = both_ways(frame)
    assert fast == slow
    if isinstance(fast[0][0], dict):  # checked: its lines as a plain frame, checked again
        lines = pd.DataFrame(ReceiptLines.from_frame(frame))
        again, again_slow = both_ways(lines)
        assert again == again_slow
        assert again[1][0] == fast[1][0]  # the same lines
        part, part_slow = both_ways(lines.iloc[::2])
        assert part == part_slow


def test_the_strategy_reaches_both_passing_and_refused_frames() -> None:
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(frame=frames())
    def run(frame: pd.DataFrame) -> None:
        got = checked(frame)
        seen.add(got[0] if isinstance(got[0], str) else "checked")

    run()
    assert {"checked", "ReceiptError"} <= seen


# --- the coding helpers against pandas -----------------------------------------------------

TEXTS = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "", " ", "가", "a "])),
                 max_size=64)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(values=TEXTS)
def test_codes_by_value_is_factorize_of_arrow_text(values: list[Any]) -> None:
    series = pd.Series(values, dtype="str")
    codes, uniques = pd.factorize(series.array, use_na_sentinel=True)
    got_codes, got_uniques = codes_by_value(series.array._pa_array.to_pylist())
    assert got_codes.dtype == np.intp and got_codes.tolist() == codes.tolist()
    assert got_uniques == list(uniques)


def _by_address(arr: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """The address factorization ``validate._factorize`` makes of larger object arrays."""
    address = np.frombuffer(memoryview(arr), dtype=np.intp)
    codes, distinct = pd.factorize(address)
    return codes, [ctypes.cast(a, ctypes.py_object).value for a in distinct.tolist()]


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.just(np.nan), st.integers(0, 3),
                                 st.sampled_from(["a", "b", "가"])), min_size=1, max_size=64),
       copies=st.booleans())  # fmt: skip
def test_codes_by_identity_is_factorize_of_addresses(values: list[Any], copies: bool) -> None:
    arr = np.array([_fresh(v, copies) for v in values] + [object()], dtype=object)[:-1]
    codes, objects = _by_address(arr)
    got_codes, got_objects = codes_by_identity(arr.tolist())
    assert got_codes.dtype == codes.dtype and got_codes.tolist() == codes.tolist()
    assert len(got_objects) == len(objects)
    assert all(a is b for a, b in zip(got_objects, objects, strict=True))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.just(np.nan), st.just(pd.NaT),
                                 st.sampled_from(["a", "b", "가", ""])), min_size=1, max_size=70),
       form=st.sampled_from(["str", "object", "category", "str as objects"]))  # fmt: skip
def test_factorize_of_a_small_column_as_the_slow_path(values: list[Any], form: str) -> None:
    series = pd.Series(values, dtype=object)
    if form == "str as objects":  # a str column as validation builds it (not Arrow)
        cells = np.array([v if isinstance(v, str) else np.nan for v in values], dtype=object)
        series = pd.Series(pd.arrays.StringArray(cells, dtype=validate.STR_DTYPE))
        assert getattr(series.array, "_pa_array", None) is None
    elif form != "object":
        series = series.astype(form)
    for values_of in (series, series.to_numpy(dtype=object)):
        fast = validate._factorize(values_of)
        with slow_paths():
            slow = validate._factorize(values_of)
        assert fast[0].dtype == slow[0].dtype and fast[0].tolist() == slow[0].tolist()
        assert [repr(u) for u in fast[1]] == [repr(u) for u in slow[1]]
        if isinstance(values_of, np.ndarray) or form == "object":  # the objects themselves
            assert all(a is b for a, b in zip(fast[1], slow[1], strict=True))


KEYS = st.lists(st.tuples(st.sampled_from(["a", "b", "가", ""]), st.integers(0, 3),
                          st.one_of(st.none(), st.integers(19_700, 19_702)), st.booleans(),
                          st.sampled_from(["x", "y", ""])), max_size=64)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(rows=KEYS)
def test_small_groups_as_the_slow_path(rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    text = np.array([r[0] for r in rows], dtype=object)
    number = np.array([r[1] for r in rows], dtype=np.int64)
    days = np.array([np.datetime64("NaT", "D") if r[2] is None else np.datetime64(r[2], "D")
                     for r in rows], dtype="datetime64[D]")  # fmt: skip
    flag = np.array([r[3] for r in rows])
    value = np.array([r[4] for r in rows], dtype=object)
    for keys in ((text,), (text, number), (days, text, flag), (number, days)):
        fast = Groups(*keys)
        with slow_paths():
            slow = Groups(*keys)
            slow_distinct = slow.distinct(value, value != "")
            slow_days = slow.distinct(days, flag)
            slow_range = slow.day_range(days, flag)
        assert fast.size == slow.size
        assert fast.codes.dtype == slow.codes.dtype and fast.codes.tolist() == slow.codes.tolist()
        assert fast.first.dtype == slow.first.dtype and fast.first.tolist() == slow.first.tolist()
        got = fast.distinct(value, value != "")
        assert got.dtype == slow_distinct.dtype and got.tolist() == slow_distinct.tolist()
        assert fast.distinct(days, flag).tolist() == slow_days.tolist()
        for got_day, want_day in zip(fast.day_range(days, flag), slow_range, strict=True):
            assert got_day.dtype == want_day.dtype
            np.testing.assert_array_equal(got_day, want_day)


def test_groups_of_keys_that_are_not_plain_take_the_slow_path() -> None:
    floats = np.array([1.0, np.nan, 1.0, np.nan])
    mixed = np.array(["a", None, "a", np.nan], dtype=object)
    for key in (floats, mixed):
        assert groups.plain_values(key) is None
        g = Groups(key)
        with slow_paths():
            slow = Groups(key)
        assert g.codes.tolist() == slow.codes.tolist() == [0, 1, 0, 1]


def test_columns_are_the_frames_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": pd.Categorical(["p", "q"])},
                         index=[5, 7])  # fmt: skip
    frame.attrs["source"] = {"file": "x.csv"}
    column = _Columns(frame)

    class _H:
        def __init__(self, index: int) -> None:
            self.index = index

    for j in range(3):
        got = column(_H(j))  # type: ignore[arg-type]
        pd.testing.assert_series_equal(got, frame.iloc[:, j])
        assert got.attrs == frame.attrs and column(_H(j)) is got  # type: ignore[arg-type]


# --- code replaced outright, kept here as it was ------------------------------------------


def old_visit_keyed(out: dict[str, Any], ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_visit_keys``' first lines as they were: the keyed lines and their keys, by pandas."""
    key = pd.Series(np.asarray(out["visit"], dtype=object))
    keyed = ok & (key != "").to_numpy()
    at = np.flatnonzero(keyed)
    return keyed, key.iloc[at].to_numpy()


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.sampled_from(["", "a", "b", " "]), min_size=1, max_size=40),
       data=st.data())  # fmt: skip
def test_visit_keys_read_as_pandas_read_them(keys: list[str], data: Any) -> None:
    ok = np.array(data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys))))
    texts = Texts(np.array(sorted(set(keys)), dtype=object),
                  np.array([sorted(set(keys)).index(k) for k in keys]), len(keys))  # fmt: skip
    for visit in (texts, texts.strings()):
        keyed, at_keys = old_visit_keyed({"visit": visit}, ok)
        got_keyed, got_keys = crosscheck._keyed({"visit": visit}, ok)
        assert got_keyed.tolist() == keyed.tolist()
        assert got_keys.tolist() == at_keys.tolist() and got_keys.dtype == at_keys.dtype


@pytest.mark.parametrize("extra", [(), ("hook",), ("hook", "도수치료")])
@pytest.mark.parametrize("fld", ["setting", "tier", "category"])
def test_a_kept_choice_parser_reads_as_a_new_one(fld: str, extra: tuple[str, ...]) -> None:
    aliases = default_aliases()
    kept = cells.choice_parser(fld, aliases, extra)
    new = cells._choice_parser(fld, aliases, extra)
    assert cells.choice_parser(fld, aliases, extra) is kept  # made once
    values = [v for column in aliases.values.values() for v in column]
    values += ["", " ", "치과", "대학병원", "hook", "HOOK", "nonsense", None, 3.0, np.nan]
    assert [kept(v) for v in values] == [new(v) for v in values]
    copy = replace(aliases)  # other aliases: a parser made for them
    assert cells.choice_parser(fld, copy, extra) is not kept


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.integers(-10, 10**12), st.floats()), max_size=40),
       dtype=st.sampled_from(["int64", "float64", "uint8", "Int64", "Float64", "float32"]))
def test_a_numeric_column_reads_as_numpy_reads_it(values: list[Any], dtype: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # casting 1e300 to float32 and the like
            series = pd.Series(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        return
    got = validate._numeric_array(series)
    if isinstance(series.dtype, np.dtype):
        want = np.asarray(series)
        assert got is not None and got.dtype == want.dtype
        # never less protected than np.asarray (read-only under copy-on-write pandas)
        assert want.flags.writeable or not got.flags.writeable or not len(want)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(validate._numeric_array(series.to_numpy()), got)
