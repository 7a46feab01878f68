"""``silson assess INPUT --out OUTPUT``: a claims table on disk, every line assessed.

    silson assess claims/ --out assessed/ --policy gen4 [--start 2022-01-01]
    silson assess claims/ --out assessed/ --engine dask --workers 2
    silson assess claims/ --out assessed/ --policy gen4 --decile-column 소득분위
    silson assess claims/ --out assessed/ --engine dask --scheduler tcp://10.0.0.5:8786

INPUT: a parquet file or folder (or a CSV file for small tables) in the canonical columns,
optionally with per-person ``policy`` and ``policy_start`` columns (see
:mod:`silson_tools.scale.persons`). OUTPUT (parquet; must not exist) holds every input
column plus the engine's detail columns. The 본인부담상한제 refund is taken out as by ``silson
report``: by default the part every 소득분위 gets back (``--ceiling none``: nothing;
``--decile-column``: each person's own decile). Bad input prints every problem (file, row, column,
value, what was expected) on stderr, exits with status 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from ..errors import SilsonError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (help in Korean and English)."""
    p = argparse.ArgumentParser(
        prog="silson assess",
        description=(
            "큰 청구 자료(parquet)를 줄마다 계산해 parquet으로 씁니다. (Assess every line of a "
            "claims table — parquet file or folder, or CSV — and write parquet with the "
            "input columns plus payout, self_pay, zone and the detail columns.)"
        ),
    )
    p.add_argument("input", metavar="INPUT", help="parquet 파일·폴더 또는 CSV (input table)")
    p.add_argument("--out", required=True, metavar="OUTPUT",
                   help="결과 parquet (폴더; pandas 엔진은 .parquet 파일도) — 없는 이름 "
                   "(output; must not exist)")  # fmt: skip
    p.add_argument("--policy", metavar="NAME",
                   help="상품 (gen4; 중복가입 gen3+gen4) — policy 열이 없거나 빈 줄에 "
                   "(for lines without a 'policy' cell)")  # fmt: skip
    p.add_argument("--start", metavar="YYYY-MM-DD",
                   help="계약일 — policy_start 열이 없거나 빈 줄에; 없으면 자료 전체에서 가장 "
                   "이른 진료일의 1월 1일 (contract date; default: 1 January of the table's "
                   "earliest receipt year)")  # fmt: skip
    p.add_argument("--ceiling", choices=("certain", "none"), default="certain",
                   help="본인부담상한제 환급: certain = 어느 소득분위든 받는 만큼 (사람·해마다, "
                   "silson report 와 같음), none = 빼지 않음 (the NHI ceiling refund taken out: "
                   "the part every decile gets, per person and year; or none)")  # fmt: skip
    p.add_argument("--decile-column", metavar="COLUMN",
                   help="사람마다 소득분위 (1–10) 가 든 열: 그 분위의 환급을 뺍니다 (a column "
                   "with each person's NHI income decile; one value per person and "
                   "calendar year)")  # fmt: skip
    p.add_argument("--engine", choices=("pandas", "dask"), default="pandas",
                   help="pandas: 메모리 안에서 (in memory); dask: 사람별 조각으로 "
                   "(partitioned by person; larger than memory)")  # fmt: skip
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="dask 로컬 작업 프로세스 수 (local workers; default 2)")  # fmt: skip
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="기존 dask 클러스터 주소 (existing cluster: tcp://host:8786)")  # fmt: skip
    p.add_argument("--memory-limit", default="2GB", metavar="SIZE",
                   help="작업 프로세스당 메모리 한도 (per local worker; 2GB)")  # fmt: skip
    p.add_argument("--bucket-lines", type=int, default=500_000, metavar="N",
                   help="조각당 줄 수 (lines per person bucket; memory per worker)")  # fmt: skip
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="진행 막대 (progress bar; default: when stderr is a terminal)")  # fmt: skip
    return p


def main(argv: list[str]) -> int:
    """Run ``silson assess``; 0 on success, 1 on bad input (messages on stderr)."""
    args = build_parser().parse_args(argv)
    needed = ["pyarrow"] + (["dask", "distributed"] if args.engine == "dask" else [])
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:  # a lean install (no [scale] extra): say what to install, no traceback
        print(
            f"silson assess: {', '.join(missing)} 없음 (not installed): "
            "pip install 'silson_tools[scale]'",
            file=sys.stderr,
        )
        return 2
    from .run import assess_table, text_progress

    show = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        _check_sold(args.policy, args.start)
        stats = assess_table(
            args.input,
            args.out,
            policy=args.policy,
            start=args.start,
            engine=args.engine,
            workers=args.workers,
            scheduler=args.scheduler,
            bucket_lines=args.bucket_lines,
            memory_limit=args.memory_limit,
            progress=text_progress() if show else None,
            ceiling=args.ceiling,
            decile_column=args.decile_column,
        )
    except (SilsonError, FileNotFoundError) as err:
        print(err, file=sys.stderr)
        return 1
    peak = max(stats.peak_rss.values()) / 2**30 if stats.peak_rss else 0.0
    print(
        f"{stats.lines:,}줄 계산 → {args.out} ({stats.lines:,} lines in {stats.seconds:.1f} s, "
        f"{stats.lines_per_second:,.0f} lines/s, peak {peak:.2f} GB per process)"
    )
    return 0


def _check_sold(policy: str | None, start: str | None) -> None:
    """``--policy`` with ``--start``: :class:`InputError` when that product was not sold on
    that date (a contract of that date cannot have it), naming the products sold then. One
    product only: ``gen3+gen4`` are two contracts of two dates (give ``policy_start`` per
    person), and per-person columns are taken as the analyst wrote them."""
    if policy is None or start is None or "+" in policy:
        return
    from ..catalog import load_policy

    load_policy(policy).check_sold_on(start)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
