"""Claims tables larger than memory: ``silson assess`` on pandas or dask (the ``scale`` extra).

- :func:`assess_table` (:mod:`.run`): a parquet file or folder (or a CSV) → parquet with every
  input column plus ``payout``, ``self_pay``, ``zone`` and the engine's detail columns,
  each person under their own ``policy`` / ``policy_start`` (:mod:`.persons`), in memory
  (``engine="pandas"``) or on a dask cluster partitioned by person (``engine="dask"``),
  line for line equal.
- :func:`write_cohort` / :func:`cohort` (:mod:`.cohort`): a synthetic claims cohort with a
  seed, for tests, benchmarks and teaching.
- :mod:`.cli`: ``silson assess INPUT --out OUTPUT ...``.

dask and distributed are imported only by the dask engine; pyarrow reads and writes parquet.
"""

from __future__ import annotations

from .cohort import cohort, write_cohort
from .persons import Plan, assess_persons
from .run import RunStats, assess_table

__all__ = ["Plan", "RunStats", "assess_persons", "assess_table", "cohort", "write_cohort"]
