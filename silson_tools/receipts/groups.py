"""Lines in groups (a 방문묶음 key; a person–day–institution), per-line answers in numpy.

The reader's cross-line checks ask small questions of groups of lines: does this line's value
differ from its group's first line's, does any (every) line of the group, how many distinct
keys the group holds, its earliest and latest day. ``pandas`` ``groupby(...).transform`` answers
each in about a millisecond whatever the size (its set-up), which the reader paid ten times per
file and the property tests thousands of times; here each is one ``bincount`` or one gather.
The answers are those of ``groupby(sort=False).transform`` on values without nulls (tested
against it).

Small arrays (at most :data:`SMALL` values: the property tests' frames) are coded by a Python
dict instead (:func:`codes_by_value`, :func:`codes_by_identity`): ``pd.factorize`` costs about
25 µs to set up whatever the size, a dict about 0.2 µs a value. Each gives the codes and
distinct values ``pd.factorize`` gives (tested against it).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SMALL", "Groups", "codes_by_identity", "codes_by_value", "factorize", "plain_values",
]  # fmt: skip

SMALL = 64
"""Arrays of at most this many values are coded by a Python dict (see the module docstring)."""
_POINTER_UNIQUES = 1 << 16
"""Object columns whose cells are at most this many distinct objects skip hashing text."""
_SAMPLE = 4096
"""Lines looked at first to decide whether a column shares its text objects."""


def codes_by_value(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """(code per value, distinct values) in order of first appearance, ``None`` → −1: what
    ``pd.factorize(…, use_na_sentinel=True)`` gives for values that are ``None`` or
    ``str`` (Arrow text as ``to_pylist`` gives it)."""
    index: dict[Any, int] = {}
    codes = [-1 if v is None else index.setdefault(v, len(index)) for v in values]
    return np.array(codes, dtype=np.intp), list(index)


def codes_by_identity(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """(code per value, distinct objects) by object identity, in order of first appearance:
    what factorizing the objects' addresses gives (equal texts that are two objects are two
    codes; a missing value is an object like any other)."""
    index: dict[int, int] = {}
    objects: list[Any] = []
    codes = []
    for v in values:
        code = index.setdefault(id(v), len(objects))
        if code == len(objects):
            objects.append(v)
        codes.append(code)
    return np.array(codes, dtype=np.intp), objects


def _objects(values: np.ndarray | pd.Series) -> np.ndarray:
    """The column's cells as a numpy object array (the array itself when it is one)."""
    if isinstance(values, pd.Series):
        return np.asarray(values.array, dtype=object)
    return np.asarray(values, dtype=object)


def factorize(values: np.ndarray | pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(code per line, distinct values); code −1 for a missing value (NaN, None, NaT).

    Object columns whose cells are few distinct *objects* (pandas' CSV reader and numpy
    fancy indexing share them) are factorized by object address, without hashing text;
    each distinct address is then read back as the object the column holds. A column of at
    most :data:`SMALL` lines is coded by a dict (:func:`codes_by_value` for Arrow text,
    :func:`codes_by_identity` for objects), with the same answer.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        # the codes as stored (int8/int16: small to index with; −1 marks a missing value),
        # wide enough to hold one more code (the blank entry of the table)
        # the categories in one call: iterating over Arrow-backed text takes ~0.5 µs each
        # (5 ms for 10,000 names); tolist() boxes every kind as iterating does
        codes, categories = np.asarray(values.array.codes), values.cat.categories.tolist()
        if len(categories) >= np.iinfo(codes.dtype).max:
            codes = codes.astype(np.intp)
        return codes, categories
    if (
        isinstance(values, pd.Series)
        and isinstance(values.dtype, pd.StringDtype)
        and values.dtype.storage == "pyarrow"
    ):
        # pyarrow-backed text (pandas' str): Arrow's dictionary encoding, not a Python
        # object per line (a few lines: a dict, without the encoding's set-up)
        if len(values) <= SMALL:
            arrow = getattr(values.array, "_pa_array", None)
            if arrow is not None:
                return codes_by_value(arrow.to_pylist())
            cells = getattr(values.array, "_ndarray", None)  # str cells held as objects
            if cells is not None:  # a cell not str is a missing one
                return codes_by_value([v if isinstance(v, str) else None for v in cells.tolist()])
        codes, uniques = pd.factorize(values.array, use_na_sentinel=True)
        return np.asarray(codes, dtype=np.intp), list(uniques)
    arr = _objects(values)
    if len(arr) and arr.flags.c_contiguous:
        try:
            address = np.frombuffer(memoryview(arr), dtype=np.intp)
        except (TypeError, ValueError, BufferError):  # pragma: no cover - exotic arrays
            address = None
        limit = min(_POINTER_UNIQUES, max(len(arr) // 4, 64))
        if address is not None and len(arr) > _SAMPLE:
            # where equal texts are different objects (each cell its own str), addresses
            # cannot stand for values: a sample says so before every address is hashed
            if len(pd.unique(address[:_SAMPLE])) > len(pd.unique(arr[:_SAMPLE])):
                address = None
        if address is not None and len(arr) <= SMALL:  # at most 64 objects: all by address
            return codes_by_identity(arr.tolist())
        if address is not None:
            codes, distinct = pd.factorize(address)
            if len(distinct) <= limit:
                # ``arr`` holds a reference to each object, so each address is a live object.
                return codes, [ctypes.cast(a, ctypes.py_object).value for a in distinct.tolist()]
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    return codes, list(uniques)


def plain_values(key: Sequence[Any] | np.ndarray) -> list[Any] | None:
    """``key`` as a list of Python values that are equal exactly where ``pd.factorize`` of
    the key as objects (nulls as one value) puts them together, or None when that is not
    sure: integers, booleans and datetime64 (NaT one value), or objects that are all str."""
    arr = np.asarray(key)
    if arr.dtype.kind in "biuM":
        return arr.tolist()
    if arr.dtype.kind in "OU":
        values = arr.tolist()
        return values if all(type(v) is str for v in values) else None
    return None


class Groups:
    """Lines grouped by equal keys: ``codes[i]`` is line i's group, numbered in order of first
    appearance, ``first[g]`` the position of group g's first line."""

    def __init__(self, *keys: Sequence[Any] | np.ndarray) -> None:
        """Group by one key column or by several together (lines equal on all of them)."""
        if not keys:
            raise ValueError("Groups: give at least one key column")
        if len(keys[0]) <= SMALL and self._small(keys):
            return
        codes = np.zeros(len(keys[0]), dtype=np.int64)
        size = 1
        for key in keys:
            own, uniques = pd.factorize(np.asarray(key, dtype=object), use_na_sentinel=False)
            codes, found = pd.factorize(codes * max(len(uniques), 1) + own)
            size = len(found)
        self.codes: np.ndarray = codes.astype(np.int64, copy=False)
        self.size = size
        self.first = np.full(size, len(codes), dtype=np.int64)
        np.minimum.at(self.first, self.codes, np.arange(len(codes), dtype=np.int64))

    def _small(self, keys: tuple[Sequence[Any] | np.ndarray, ...]) -> bool:
        """Group a few lines by a dict of their keys' tuples (False: keys not plain)."""
        columns = []
        for key in keys:
            values = plain_values(key)
            if values is None:
                return False
            columns.append(values)
        index: dict[tuple[Any, ...], int] = {}
        first: list[int] = []
        codes = []
        for i, row in enumerate(zip(*columns, strict=True)):
            code = index.setdefault(row, len(first))
            if code == len(first):
                first.append(i)
            codes.append(code)
        self.codes = np.array(codes, dtype=np.int64)
        self.size = len(first)
        self.first = np.array(first, dtype=np.int64)
        return True

    def differs_from_first(self, values: Sequence[Any] | np.ndarray) -> np.ndarray:
        """True on each line whose value differs from its group's first line's value."""
        v = np.asarray(values)
        return v != v[self.first[self.codes]]

    def any(self, mask: np.ndarray) -> np.ndarray:
        """Per line: True when any line of its group is True in ``mask``."""
        hits = np.bincount(self.codes, weights=np.asarray(mask, dtype=bool), minlength=self.size)
        return hits[self.codes] > 0

    def all(self, mask: np.ndarray) -> np.ndarray:
        """Per line: True when every line of its group is True in ``mask``."""
        return ~self.any(~np.asarray(mask, dtype=bool))

    def several(self, values: Sequence[Any] | np.ndarray) -> np.ndarray:
        """Per line: True when its group holds two or more distinct ``values``."""
        return self.any(self.differs_from_first(values))

    def distinct(self, values: Sequence[Any] | np.ndarray, counted: np.ndarray) -> np.ndarray:
        """Per line: how many distinct ``values`` its group holds among the lines ``counted``
        (``nunique`` with the others as nulls)."""
        counted = np.asarray(counted, dtype=bool)
        values_of = plain_values(values) if len(counted) <= SMALL else None
        if values_of is not None:
            seen = {(g, v) for g, v, c in zip(self.codes.tolist(), values_of, counted.tolist(),
                                             strict=True) if c}  # fmt: skip
            per = np.bincount(np.array([g for g, _ in seen], dtype=np.int64), minlength=self.size)
            return per[self.codes]
        v, _ = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        pairs = np.unique(np.stack([self.codes[counted], v[counted]]), axis=1)
        per_group = (
            np.bincount(pairs[0], minlength=self.size)
            if pairs.size
            else np.zeros(self.size, dtype=np.int64)
        )
        return per_group[self.codes]

    def day_range(self, days: np.ndarray, counted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per line: the earliest and latest of its group's ``days`` (datetime64[D]) among the
        lines ``counted``; NaT where the group has none."""
        d = np.asarray(days, dtype="datetime64[D]").view(np.int64)
        counted = np.asarray(counted, dtype=bool) & (d != np.iinfo(np.int64).min)
        lo = np.full(self.size, np.iinfo(np.int64).max, dtype=np.int64)
        hi = np.full(self.size, np.iinfo(np.int64).min, dtype=np.int64)
        if len(d) <= SMALL:  # a loop: ufunc.at costs about 10 µs to set up
            low, high = lo.tolist(), hi.tolist()
            for g, day, c in zip(self.codes.tolist(), d.tolist(), counted.tolist(), strict=True):
                if c:
                    low[g], high[g] = min(low[g], day), max(high[g], day)
            lo, hi = np.array(low, dtype=np.int64), np.array(high, dtype=np.int64)
        else:
            np.minimum.at(lo, self.codes[counted], d[counted])
            np.maximum.at(hi, self.codes[counted], d[counted])
        none = lo == np.iinfo(np.int64).max
        lo[none] = hi[none] = np.iinfo(np.int64).min  # NaT
        return lo[self.codes].view("datetime64[D]"), hi[self.codes].view("datetime64[D]")
