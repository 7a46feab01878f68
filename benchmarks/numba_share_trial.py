"""Trial: the visit sharing step (``shares.share_steps``) as one numba-compiled loop.

Not part of the engine: this script measures whether a compiled pass would earn its place.
It swaps ``share_steps`` for a loop compiled by numba (each visit's four steps shared over
its lines by largest remainders of what is left on each, ties to the earlier line; the same
integers as the numpy path), checks that ``assess`` returns the identical frame on the
benchmark's receipts, and prints, alternating the two in one process:

- the best CPU time of ``assess`` with the numpy and with the compiled step (warm);
- what a process pays once: importing numba, and compiling (or loading from numba's cache,
  ``NUMBA_CACHE_DIR``, default a temporary folder here) the loop on its first call.

Needs numba (``pip install numba``; not a dependency of the project). Run from the
repository root::

    .venv/bin/python benchmarks/numba_share_trial.py [--lines 1000000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

EXACT = 2.0**62
"""A visit whose largest step × largest weight reaches this goes to the numpy path."""


def give(
    total: int,
    target: np.ndarray,
    rest: np.ndarray,
    rem: np.ndarray,
    chosen: np.ndarray,
    idx: np.ndarray,
    a: int,
    b: int,
) -> None:
    """Share ``total`` over lines ``a … b − 1`` (weights ``rest[0 : b − a]``, less what each
    gets) by largest remainders, adding each share into ``target[idx[line]]``."""
    if total == 0:
        return
    n = b - a
    w = 0
    for k in range(n):
        w += rest[k]
    safe = w if w > 0 else 1
    given = 0
    for k in range(n):
        num = total * rest[k]
        share = num // safe
        rem[k] = num - share * safe
        given += share
        rest[k] -= share
        target[idx[a + k]] += share
    left = total - given
    if left <= 0:
        return
    for k in range(n):
        chosen[k] = False
    for _ in range(min(left, n)):  # one won each to the largest remainders, ties: earlier
        best = -1
        for k in range(n):
            if not chosen[k] and (best < 0 or rem[k] > rem[best]):
                best = k
        chosen[best] = True
        rest[best] -= 1
        target[idx[a + best]] += 1


def share(
    s0: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    s3: np.ndarray,
    live: int,
    t0: np.ndarray,
    t1: np.ndarray,
    t2: np.ndarray,
    t3: np.ndarray,
    u_left: np.ndarray,
    claim: np.ndarray,
    starts: np.ndarray,
    idx: np.ndarray,
    payout: np.ndarray,
) -> bool:
    """share_steps as one loop over the visits (``live``: bit k set when step k is not all 0; a step
    that is all 0 is not read). False, having written nothing, when a product could pass
    int64."""
    nv = len(starts)
    m = len(idx)
    big = 1
    for u in range(nv):  # a first pass: the largest visit, and the int64 bound
        b = starts[u + 1] if u + 1 < nv else m
        n = b - starts[u]
        if n > big:
            big = n
        if n > 1:
            top = 0
            if live & 1 and s0[u] > top:
                top = s0[u]
            if live & 2 and s1[u] > top:
                top = s1[u]
            if live & 4 and s2[u] > top:
                top = s2[u]
            if live & 8 and s3[u] > top:
                top = s3[u]
            if top > 0:
                most = 0
                for k in range(starts[u], b):
                    if claim[idx[k]] > most:
                        most = claim[idx[k]]
                if float(top) * float(most) >= EXACT:
                    return False
    rest = np.empty(big, np.int64)
    rem = np.empty(big, np.int64)
    chosen = np.empty(big, np.bool_)
    for u in range(nv):
        a = starts[u]
        b = starts[u + 1] if u + 1 < nv else m
        if b - a == 1:  # the visit's only line takes its steps and its payout
            j = idx[a]
            if live & 1:
                t0[j] += s0[u]
            if live & 2:
                t1[j] += s1[u]
            if live & 4:
                t2[j] += s2[u]
            if live & 8:
                t3[j] += s3[u]
            payout[j] = u_left[u]
            continue
        for k in range(a, b):
            rest[k - a] = claim[idx[k]]
        if live & 1:
            give(s0[u], t0, rest, rem, chosen, idx, a, b)
        if live & 2:
            give(s1[u], t1, rest, rem, chosen, idx, a, b)
        if live & 4:
            give(s2[u], t2, rest, rem, chosen, idx, a, b)
        if live & 8:
            give(s3[u], t3, rest, rem, chosen, idx, a, b)
        for k in range(a, b):
            payout[idx[k]] = rest[k - a]
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(tempfile.gettempdir()) / "silson_numba"))
    t0 = time.process_time()
    try:
        import numba
    except ImportError:
        print("numba is not installed (pip install numba): nothing to measure")
        return
    imported = time.process_time() - t0
    import pandas as pd
    from bench_engine import synthetic

    from silson_tools import assess, load_policy

    visits = importlib.import_module("silson_tools.engine.visits")
    numpy_step = visits.share_steps
    jit = numba.njit(cache=True, nogil=True)
    give_c = jit(give)
    share.__globals__["give"] = give_c  # the compiled loop calls the compiled helper
    share_c = jit(share)

    def compiled_step(steps, targets, u_left, claim, unit, starts, idx, payout) -> None:
        """share_steps by the loop; the numpy path where it cannot run."""
        live, args = 0, []
        for k, step in enumerate(steps):
            if step.strides[0] == 0 and not step[:1].any():  # a read-only view of one 0
                args.append(u_left)  # not read
            else:
                live |= 1 << k
                args.append(step)
        cols = [*args, *targets, u_left, claim, starts, idx, payout]
        plain = all(a.dtype == np.int64 and a.flags.c_contiguous for a in cols)
        if (
            len(steps) != 4
            or not plain
            or not share_c(*args, live, *targets, u_left, claim, starts, idx, payout)
        ):
            numpy_step(steps, targets, u_left, claim, unit, starts, idx, payout)

    policy = load_policy("gen4")
    frame = synthetic(args.lines, args.people)
    assess(frame.head(1000), policy)
    visits.share_steps = compiled_step
    c0 = time.process_time()
    got = assess(frame, policy)
    first = time.process_time() - c0
    visits.share_steps = numpy_step
    want = assess(frame, policy)
    pd.testing.assert_frame_equal(got, want)
    del got, want
    best = {"numpy": float("inf"), "compiled": float("inf")}
    for r in range(args.repeat):
        for name in ("numpy", "compiled") if r % 2 == 0 else ("compiled", "numpy"):
            visits.share_steps = numpy_step if name == "numpy" else compiled_step
            c0 = time.process_time()
            assess(frame, policy)
            best[name] = min(best[name], time.process_time() - c0)
    visits.share_steps = numpy_step
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(f"assess, gen4, {args.lines:,} lines; numba {numba.__version__}; load {load}")
    print("results: identical")
    print(f"numpy share_steps:    {best['numpy']:.3f} s CPU (best of {args.repeat})")
    print(f"compiled share_steps: {best['compiled']:.3f} s CPU (best of {args.repeat})")
    print(f"once per process:     import numba {imported:.3f} s CPU, first call {first:.3f} s CPU")


if __name__ == "__main__":
    main()
