"""Lines in groups (a 방문묶음 key; a person–day–institution), per-line answers in numpy.

The reader's cross-line checks ask small questions of groups of lines: does this line's value
differ from its group's first line's, does any (every) line of the group, how many distinct
keys the group holds, its earliest and latest day. ``pandas`` ``groupby(...).transform`` answers
each in about a millisecond whatever the size (its set-up), which the reader paid ten times per
file and the property tests thousands of times; here each is one ``bincount`` or one gather.
The answers are those of ``groupby(sort=False).transform`` on values without nulls (tested
against it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Groups"]


class Groups:
    """Lines grouped by equal keys: ``codes[i]`` is line i's group, numbered in order of first
    appearance, ``first[g]`` the position of group g's first line."""

    def __init__(self, *keys: Sequence[Any] | np.ndarray) -> None:
        """Group by one key column or by several together (lines equal on all of them)."""
        if not keys:
            raise ValueError("Groups: give at least one key column")
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
        np.minimum.at(lo, self.codes[counted], d[counted])
        np.maximum.at(hi, self.codes[counted], d[counted])
        none = lo == np.iinfo(np.int64).max
        lo[none] = hi[none] = np.iinfo(np.int64).min  # NaT
        return lo[self.codes].view("datetime64[D]"), hi[self.codes].view("datetime64[D]")
