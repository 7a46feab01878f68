"""The zone of each line (보장 축소 구간): the one rule a person reads as "why".

The limit that cut the line, if any: ``count_limit`` (횟수 한도), then ``annual_limit``
(연간 한도), then ``visit_cap`` (회당 한도). Otherwise the largest of ``excluded`` (보장 제외),
``deductible`` (최소공제), ``rate`` (자기부담률) and ``ceiling_offset`` (상한제 환급분),
ties in that order; a line with nothing cut is ``rate``.
"""

from __future__ import annotations

import numpy as np

from ..schema import ZONES
from .lines import LineDetail

__all__ = ["ZONE_CODES", "zone_codes"]

ZONE_CODES: tuple[str, ...] = tuple(ZONES)
"""Zone code of each int8 zone number (index into schema.ZONES)."""


def zone_codes(excluded: np.ndarray, offset: np.ndarray, detail: LineDetail) -> np.ndarray:
    """Zone number of each line (int8, index into :data:`ZONE_CODES`); written lowest
    priority first, so a later rule overwrites an earlier one."""
    code = {name: np.int8(i) for i, name in enumerate(ZONE_CODES)}
    ded, rate = detail.deductible, detail.rate_part
    top = np.maximum(ded, rate)  # the largest of the four (a column of zeros adds nothing)
    if excluded.any():
        np.maximum(top, excluded, out=top)
    if offset.any():
        np.maximum(top, offset, out=top)
    zone = np.full(len(top), code["ceiling_offset"], dtype=np.int8)
    np.copyto(zone, code["rate"], where=rate == top)
    np.copyto(zone, code["deductible"], where=ded == top)
    if excluded.any():
        np.copyto(zone, code["excluded"], where=excluded == top)
    np.copyto(zone, code["rate"], where=top == 0)
    for name, cut in (
        ("visit_cap", detail.visit_cap_cut),
        ("annual_limit", detail.annual_cut),
        ("count_limit", detail.count_cut),
    ):
        if cut.any():
            np.copyto(zone, code[name], where=cut > 0)
    return zone
