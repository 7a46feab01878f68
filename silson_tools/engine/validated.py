"""The engine's handle on validated receipt lines: the :class:`ReceiptLines` built on demand.

:func:`validated_lines` makes exactly the checks of
:func:`~silson_tools.receipts.as_receipt_lines` (the same problems, the same
:class:`~silson_tools.errors.ReceiptError`), but keeps the checked columns instead of building
the ReceiptLines frame at once: its text columns (이름, 진료구분, 요양기관종류, 항목, 병원명 …)
hold one Python ``str`` reference per line, about 6 ms and 8 MB per million lines each, and
the engine reads only their codes. :attr:`DeferredLines.lines` builds the frame (equal to
``as_receipt_lines``'s) the first time something needs it: a ``ceiling=`` hook, a problem
to report, a text column's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError, ReceiptError
from ..receipts.lines import ReceiptLines, _as_is, as_receipt_lines
from ..receipts.validate import Checked, Texts
from ..schema import CANONICAL_COLUMNS, CATEGORIES

__all__ = ["DeferredLines", "validated_lines"]

_CODED = ("person", "setting", "tier", "category")


class DeferredLines:
    """Validated receipt lines: the checked columns, and the :class:`ReceiptLines` they make
    (:attr:`lines`, built once when first read). The methods the engine calls on every run
    (:meth:`codes_of`, :meth:`arrays`, :meth:`text_codes`, :attr:`given_columns`) read the
    checked columns and answer as the ReceiptLines would; the rest ask :attr:`lines`."""

    def __init__(
        self,
        built: ReceiptLines | None = None,
        pending: tuple[Checked, pd.Index, str, np.ndarray, dict[str, Any], tuple[str, ...]]
        | None = None,
    ) -> None:
        self._lines = built
        self._pending = pending
        if built is not None:
            self._n = len(built)
            self._given = built.given_columns
        elif pending is not None:
            refs = pending[0].refs
            self._n = len(pending[1])
            self._given = tuple(c for c in CANONICAL_COLUMNS if c in refs)
        else:
            raise ValueError("DeferredLines: built lines or checked columns")

    @property
    def lines(self) -> ReceiptLines:
        """The :class:`ReceiptLines` (built from the checked columns the first time)."""
        if self._lines is None:
            assert self._pending is not None
            self._lines = ReceiptLines._create(*self._pending)
            self._pending = None
        return self._lines

    def __len__(self) -> int:
        return self._n

    @property
    def given_columns(self) -> tuple[str, ...]:
        """:attr:`ReceiptLines.given_columns`."""
        return self._given

    def codes_of(self, *columns: str) -> list[tuple[np.ndarray, tuple[str, ...]]]:
        """:meth:`ReceiptLines.codes_of`."""
        if self._pending is None:
            return self.lines.codes_of(*columns)
        for column in columns:
            if column not in _CODED:
                raise InputError(f"codes: one of {', '.join(_CODED)}, not {column!r}")
        return [self._pending[0].codes[column] for column in columns]

    def arrays(self, *columns: str) -> tuple[np.ndarray, ...]:
        """:meth:`ReceiptLines.arrays`: the columns' own memory (a text column: its values as
        an object array)."""
        if self._pending is None:
            return self.lines.arrays(*columns)
        out = []
        for column in columns:
            value = self._pending[0].columns[column]
            if isinstance(value, Texts):
                out.append(value.objects())
            else:
                out.append(np.asarray(value.array if isinstance(value, pd.Series) else value))
        return tuple(out)

    def values(self, column: str) -> np.ndarray:
        """``lines[column].to_numpy()`` of the ReceiptLines (a read-only view of a number
        column; a text column's values as a new object array of str), without building the
        other columns."""
        if self._pending is None:
            return self.lines[column].to_numpy()
        value = self._pending[0].columns[column]
        if isinstance(value, Texts):
            return value.objects()
        if isinstance(value, pd.Series):
            return value.to_numpy()
        view = np.asarray(value).view()
        view.flags.writeable = False
        return view

    def text_codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]] | None:
        """:meth:`ReceiptLines.text_codes`."""
        if self._pending is None:
            return self.lines.text_codes(column)
        codes = self._pending[0].codes
        return codes.get(column) if column in ("institution", "visit") else None

    def error(
        self,
        positions: npt.ArrayLike,
        column: str | None,
        expected: str,
        values: Sequence[Any] | np.ndarray | None = None,
    ) -> ReceiptError:
        """:meth:`ReceiptLines.error` (builds :attr:`lines`: a problem is rare)."""
        return self.lines.error(positions, column, expected, values)


def validated_lines(receipts: object, extra_categories: Sequence[str] = ()) -> DeferredLines:
    """``as_receipt_lines(receipts, extra_categories=…)`` as a :class:`DeferredLines`: an
    intact ReceiptLines it would hand back as is, wrapped; a DataFrame checked with the same
    checks (:meth:`ReceiptLines.from_frame`), its text columns not built; anything else
    through ``as_receipt_lines``."""
    extra = tuple(str(c) for c in extra_categories if c not in CATEGORIES)
    if isinstance(receipts, pd.DataFrame) and not _as_is(receipts, extra):
        return DeferredLines(pending=ReceiptLines._check_frame(receipts, None, None, extra, True))
    return DeferredLines(as_receipt_lines(receipts, extra_categories=extra))  # type: ignore[arg-type]
