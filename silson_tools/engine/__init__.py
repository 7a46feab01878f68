"""The claim engine as named steps; :func:`assess` is the way in (see :mod:`.assess`).

One module per step of the computation, in the order ``assess`` runs them: :mod:`.inputs`,
:mod:`.lines`, :mod:`.exclusions`, :mod:`.deductibles`, :mod:`.visits`, :mod:`.treatments`,
:mod:`.limits`, :mod:`.shares`, :mod:`.zones`, :mod:`.output`; :mod:`.many` for duplicate
policies and :mod:`.ceiling_hook` for the ``ceiling=`` argument.
"""

from __future__ import annotations

from .assess import assess
from .ceiling_hook import CeilingHook
from .many import assess_many, proportional_share
from .output import DETAIL_COLUMNS

__all__ = [
    "DETAIL_COLUMNS",
    "CeilingHook",
    "assess",
    "assess_many",
    "proportional_share",
]
