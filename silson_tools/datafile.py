"""Transitional re-exports: the shared checks of rule data files now live in
:mod:`silson_tools.params` (one loader and validator). Import from there; this module will
be removed.
"""

from __future__ import annotations

from .params import check_keys, fail, required

__all__ = ["check_keys", "fail", "required"]
