"""``assess_table``: a claims table on disk → parquet with every line assessed.

**pandas engine** (in memory): every part is read, the table assessed in one piece
(:func:`.persons.assess_persons`) and written in its line order.

**dask engine** (larger than memory; a local cluster of ``workers`` processes, or an existing
cluster at ``scheduler``): two passes, each task holding one part or one bucket.

1. *Split.* Each part is read, each line's person hashed into one of B buckets (B = lines ÷
   ``bucket_lines``, at least one per worker thread), and the part's lines of each bucket
   written as one piece (``<out>.work/pieces/b<bucket>/p<part>.arrow``); the task returns
   the part's earliest date (for the table's default contract date).
2. *Assess.* Each bucket reads its pieces in part order, so a person's lines, wherever they
   sat, are together and in the input's line order (a day's payout is shared between lines
   in that order, so the order matters, not only the grouping), and is assessed and written
   as ``<out>/part-<bucket>.parquet``.

Memory per worker is one part (pass 1) or one bucket (pass 2): about ``bucket_lines`` lines
plus the largest person's, whatever the table's size. The pieces are a disk shuffle that
keeps line order (a sort-free shuffle would not). ``<out>.work`` sits beside the output
(workers of a remote cluster must see that folder and the input) and is removed at the end;
the output appears only when every bucket is written. Each output file holds whole persons,
their lines in input order; a line id column in the input (any extra column passes through)
joins the output back to the input.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dates import as_day, calendar_year_start
from ..errors import InputError, ReceiptError, ReceiptProblem
from ..receipts.cells import parse_date
from .persons import CEILINGS, SEPARATOR, Plan, assess_persons, person_keys
from .sources import Part, find_parts, locate_problems, read_part

__all__ = ["RunStats", "assess_table", "earliest_day", "make_plan"]

WORK_SUFFIX = ".work"


@dataclass
class RunStats:
    """What a run did: lines, seconds, and the peak memory (bytes) of each process."""

    lines: int = 0
    seconds: float = 0.0
    parts: int = 0
    buckets: int = 0
    peak_rss: dict[str, int] = field(default_factory=dict)

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


def peak_rss() -> int:
    """This process's peak resident memory in bytes: ``VmHWM`` of /proc/self/status (the
    high-water mark of this program; ru_maxrss may carry the parent's from before exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def earliest_day(frame: pd.DataFrame) -> np.datetime64 | None:
    """The earliest readable date of the ``date`` column (None: none readable); unreadable
    dates are left to the engine, which reports them with their row."""
    if "date" not in frame.columns or not len(frame):
        return None
    col = frame["date"]
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        low = col.min()
        return None if pd.isna(low) else np.datetime64(low, "D")
    days = [d for d in (parse_date(v)[0] for v in pd.unique(col)) if d is not None]
    return np.datetime64(min(days), "D") if days else None


def make_plan(
    columns: list[str],
    policy: str | None,
    start: str | None,
    earliest: list[Any],
    ceiling: str = "certain",
    decile_column: str | None = None,
) -> Plan:
    """The run's :class:`Plan`: the table's default start when any line may need it, and the
    상한제 refund taken out (``ceiling``: certain, decile or none; see :class:`Plan`)."""
    if decile_column is not None:
        ceiling = "decile"
        if decile_column not in columns:
            raise InputError(
                f"--decile-column {decile_column!r}: no such column; the table has "
                f"{', '.join(map(repr, columns))}"
            )
    if ceiling not in CEILINGS or (ceiling == "decile" and decile_column is None):
        raise InputError(
            f"ceiling: expected one of {', '.join(CEILINGS)} (decile with a decile column), "
            f"got {ceiling!r}"
        )
    for text in (start or "").split(SEPARATOR) if start else ():
        as_day(text.strip(), "--start")  # InputError: the form is wrong or the day does not exist
    table_start = None
    if start is None:
        found = [d for d in earliest if d is not None]
        table_start = calendar_year_start(np.array(found, dtype="datetime64[D]"))
    duplicates = "policy" in columns or SEPARATOR in (policy or "")
    if policy is None and "policy" not in columns:
        raise InputError("no policy: give --policy (e.g. gen4) or a 'policy' column")
    return Plan(policy, start, table_start, duplicates, ceiling, decile_column)


def assess_table(
    source: str | Path,
    out: str | Path,
    *,
    policy: str | None = None,
    start: str | None = None,
    engine: str = "pandas",
    workers: int = 2,
    scheduler: str | None = None,
    client: Any = None,
    part_lines: int = 1_000_000,
    bucket_lines: int = 500_000,
    memory_limit: str = "2GB",
    progress: Callable[[str, int, int], None] | None = None,
    ceiling: str = "certain",
    decile_column: str | None = None,
) -> RunStats:
    """Assess every line of ``source`` (parquet file/folder, or CSV) into parquet at ``out``.

    ``policy``/``start``: for lines whose ``policy``/``policy_start`` cell is blank or absent
    (see :mod:`.persons`). ``engine``: ``pandas`` (in memory) or ``dask``; ``client``: a
    ``distributed.Client`` to use, else one on ``scheduler``, else a local cluster of
    ``workers`` processes of ``memory_limit`` each. ``out`` must not exist: nothing a user
    has is overwritten. ``progress(stage, done, total)`` is called as tasks finish.
    ``ceiling``: the 본인부담상한제 refund taken out, per person and calendar year, as by
    ``silson report``: ``certain`` (default: what every 소득분위 gets back), ``none``, or each
    person's own 소득분위 from ``decile_column`` (one value 1–10 per person).
    """
    ceiling_choice = (ceiling, decile_column)
    out = Path(out)
    t0 = time.perf_counter()
    parts = find_parts(source, part_lines)
    if out.exists():
        raise InputError(f"output {out} exists already: give a new name (nothing is overwritten)")
    if engine == "pandas":
        stats = _pandas(parts, str(source), out, policy, start, ceiling_choice)
    elif engine == "dask":
        stats = _dask(
            parts, str(source), out, policy, start,
            _Cluster(client, scheduler, workers, memory_limit), bucket_lines, progress,
            ceiling_choice,
        )  # fmt: skip
    else:
        raise InputError(f"engine: expected 'pandas' or 'dask', got {engine!r}")
    stats.seconds = time.perf_counter() - t0
    stats.peak_rss.setdefault("driver", peak_rss())
    stats.peak_rss["driver"] = max(stats.peak_rss["driver"], peak_rss())
    return stats


def _pandas(
    parts: list[Part],
    source: str,
    out: Path,
    policy: str | None,
    start: str | None,
    ceiling: tuple[str, str | None] = ("certain", None),
) -> RunStats:
    frame = pd.concat([read_part(p) for p in parts])
    plan = make_plan(list(frame.columns), policy, start, [earliest_day(frame)], *ceiling)
    try:
        result = assess_persons(frame, plan)
    except ReceiptError as err:
        raise locate_problems(err, parts, source) from None
    tmp = out.with_name(out.name + WORK_SUFFIX)
    try:
        target = tmp if out.suffix == ".parquet" else tmp / "part-00000.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        result.to_parquet(target, index=False)
        tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return RunStats(len(frame), parts=len(parts), buckets=1)


# --- dask -----------------------------------------------------------------------------------


@dataclass
class _Cluster:
    client: Any
    scheduler: str | None
    workers: int
    memory_limit: str

    def open(self) -> tuple[Any, Callable[[], None]]:
        """(client, close)."""
        if self.client is not None:
            return self.client, lambda: None
        from distributed import Client, LocalCluster

        if self.scheduler:
            client = Client(self.scheduler)
            return client, client.close
        cluster = LocalCluster(
            n_workers=self.workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=self.memory_limit,
            dashboard_address=None,
            # no dashboard; the scheduler's small HTTP server (health checks) still starts,
            # on a free loopback port rather than 8787 (taken when another cluster runs)
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,  # not the nanny's shutdown chatter
        )
        client = Client(cluster)

        def close() -> None:
            client.close()
            cluster.close()

        return client, close


def _dask(
    parts: list[Part],
    source: str,
    out: Path,
    policy: str | None,
    start: str | None,
    cluster: _Cluster,
    bucket_lines: int,
    progress: Callable[[str, int, int], None] | None,
    ceiling: tuple[str, str | None] = ("certain", None),
) -> RunStats:
    from distributed import as_completed

    known = sum(max(p.rows, 0) for p in parts)
    work = out.with_name(out.name + WORK_SUFFIX)
    if work.exists():
        raise InputError(f"{work} exists (an earlier run?): remove it or choose another output")
    client, close = cluster.open()
    try:
        # at least one bucket per worker thread, so that none waits
        threads = sum(client.nthreads().values()) or 1
        n_buckets = max(threads, -(-known // max(bucket_lines, 1)))
        pieces = work / "pieces"
        futures = [client.submit(split_part, p, n_buckets, str(pieces), pure=False) for p in parts]
        split = _gather(futures, as_completed, "split", progress)
        columns = sorted({c for s in split for c in s.columns})
        plan = make_plan(columns, policy, start, [s.earliest for s in split], *ceiling)
        done = work / "out"
        done.mkdir(parents=True)
        futures = [
            client.submit(assess_bucket, b, str(pieces), plan, str(done), parts, source, pure=False)
            for b in range(n_buckets)
        ]
        assessed = _gather(futures, as_completed, "assess", progress)
        problems = [p for a in assessed for p in (a.problems or [])]
        if problems:
            raise ReceiptError(problems)
        done.rename(out)
        stats = RunStats(sum(s.rows for s in split), parts=len(parts), buckets=n_buckets)
        for a in [*split, *assessed]:
            stats.peak_rss[a.worker] = max(stats.peak_rss.get(a.worker, 0), a.peak_rss)
        return stats
    finally:
        close()
        shutil.rmtree(work, ignore_errors=True)


def _gather(
    futures: list[Any],
    as_completed: Callable[..., Any],
    stage: str,
    progress: Callable[[str, int, int], None] | None,
) -> list[Any]:
    """Results in submission order; ``progress`` told as each finishes."""
    if progress is not None:
        progress(stage, 0, len(futures))
        for n, _ in enumerate(as_completed(futures), start=1):
            progress(stage, n, len(futures))
    return [f.result() for f in futures]


@dataclass
class SplitResult:
    rows: int
    earliest: np.datetime64 | None
    columns: list[str]
    worker: str
    peak_rss: int


@dataclass
class BucketResult:
    rows: int
    problems: list[ReceiptProblem] | None
    """Located receipt problems (a list: a ReceiptError does not survive pickling)."""
    worker: str
    peak_rss: int


def _worker_name() -> str:
    return f"worker {os.getpid()}"


def split_part(part: Part, n_buckets: int, pieces: str) -> SplitResult:
    """Pass 1: write ``part``'s lines of each bucket as one piece (line order kept)."""
    import pyarrow as pa
    import pyarrow.feather as feather

    frame = read_part(part)
    keys = person_keys(frame).to_numpy(dtype=object)
    bucket = pd.util.hash_array(keys) % np.uint64(n_buckets)
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(n_buckets + 1, dtype=np.uint64))
    for b in range(n_buckets):
        lo, hi = bounds[b], bounds[b + 1]
        if lo == hi:
            continue
        piece = frame.iloc[order[lo:hi]]
        folder = Path(pieces) / f"b{b:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(piece, preserve_index=True)
        feather.write_feather(table, str(folder / f"p{part.no:06d}.arrow"))
    return SplitResult(
        len(frame), earliest_day(frame), list(frame.columns), _worker_name(), peak_rss()
    )


def assess_bucket(
    b: int, pieces: str, plan: Plan, done: str, parts: list[Part], source: str
) -> BucketResult:
    """Pass 2: a bucket's pieces in part order (whole persons, line order) → assessed →
    ``done/part-<b>.parquet``; a receipt problem comes back located (file, row, column),
    not raised."""
    target = Path(done) / f"part-{b:05d}.parquet"
    import pyarrow.feather as feather

    folder = Path(pieces) / f"b{b:05d}"
    files = sorted(folder.glob("p*.arrow")) if folder.exists() else []
    if not files:
        return BucketResult(0, None, _worker_name(), peak_rss())
    frame = pd.concat([feather.read_feather(str(f)) for f in files])
    try:
        result = assess_persons(frame, plan)
    except ReceiptError as err:
        located = locate_problems(err, parts, source).problems
        return BucketResult(len(frame), located, _worker_name(), peak_rss())
    result.to_parquet(target, index=False)
    shutil.rmtree(folder, ignore_errors=True)  # the pieces are no longer needed
    return BucketResult(len(frame), None, _worker_name(), peak_rss())


def text_progress(stream: Any = None) -> Callable[[str, int, int], None]:
    """A one-line progress bar on ``stream`` (stderr): ``assess [#####-----] 12/24 0:35``."""
    out = stream or sys.stderr
    t0 = time.perf_counter()

    def show(stage: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        elapsed = int(time.perf_counter() - t0)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done == total else ""
        out.write(f"\r{stage:7s} [{bar}] {done}/{total} {elapsed // 60}:{elapsed % 60:02d}{end}")
        out.flush()

    return show
