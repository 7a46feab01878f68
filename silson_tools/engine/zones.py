"""The zone of each line (보장 축소 구간): the one rule a person reads as "why".

The limit that cut the line, if any: ``count_limit`` (횟수 한도), then ``annual_limit``
(연간 한도), then ``visit_cap`` (회당 한도). Otherwise the largest of ``excluded`` (보장 제외),
``deductible`` (최소공제), ``rate`` (자기부담률) and ``ceiling_offset`` (상한제 환급분),
ties in that order; a line with nothing cut is ``rate``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..schema import ZONES
from .lines import LineDetail

__all__ = ["ZONE_CODES", "zone_codes"]

ZONE_CODES: tuple[str, ...] = tuple(ZONES)
"""Zone code of each int8 zone number (index into schema.ZONES)."""


def zone_codes(excluded: np.ndarray, offset: np.ndarray, detail: LineDetail) -> np.ndarray:
    """Zone number of each line (int8, index into :data:`ZONE_CODES`).

    Each line's facts are bits of one byte (the rate, the deductible or ``excluded`` is the
    largest of the four; nothing was cut; a visit cap, yearly limit or count cut it), read
    in :func:`_zone_table` by the rules' order: one table lookup, not a pass per rule.
    """
    ded, rate = detail.deductible, detail.rate_part
    top = np.maximum(ded, rate)  # the largest of the four (a column of zeros adds nothing)
    if excluded.any():
        np.maximum(top, excluded, out=top)
    if offset.any():
        np.maximum(top, offset, out=top)
    facts = np.equal(rate, top).view(np.uint8)  # bit 0: the rate is the largest
    _set_bit(facts, np.equal(ded, top), 1)
    if excluded.any():  # excluded all 0 equals top only where top is 0, which bit 3 decides
        _set_bit(facts, np.equal(excluded, top), 2)
    _set_bit(facts, top == 0, 3)
    for bit, cut in ((4, detail.visit_cap_cut), (5, detail.annual_cut), (6, detail.count_cut)):
        if cut.any():
            _set_bit(facts, cut > 0, bit)
    return np.take(_zone_table(), facts)


def _set_bit(facts: np.ndarray, where: np.ndarray, bit: int) -> None:
    """``facts |= where << bit`` (``where`` a bool array, reused as the shifted bytes)."""
    shifted = where.view(np.uint8)
    if bit:
        np.left_shift(shifted, bit, out=shifted)
    facts |= shifted


@lru_cache(maxsize=1)
def _zone_table() -> np.ndarray:
    """Zone number of each byte of facts (see :func:`zone_codes`), lowest priority first, a
    later rule overriding an earlier one: ``ceiling_offset``; ``rate`` where the rate is the
    largest; ``deductible`` where the deductible is; ``excluded`` where the excluded amount
    is; ``rate`` where nothing was cut; then ``visit_cap``, ``annual_limit``,
    ``count_limit`` where that limit cut the line."""
    code = {name: i for i, name in enumerate(ZONE_CODES)}
    rules = ("rate", "deductible", "excluded", "rate", "visit_cap", "annual_limit", "count_limit")
    table = np.full(128, code["ceiling_offset"], dtype=np.int8)
    for facts in range(128):
        for bit, name in enumerate(rules):
            if facts >> bit & 1:
                table[facts] = code[name]
    table.flags.writeable = False
    return table
