"""The ``silson`` command: explain a year of receipts from the command line.

    silson report FILE --policy gen4 --start 2024-03-01 [--person NAME] --out DIR [--format md|html]
    silson check FILE                     # only validate the file and summarise what was read
    silson assess FILE --out OUT ...      # large files in chunks (silson_tools.scale, optional)

``report`` reads the receipt export, assesses it, renders the report (Markdown or HTML),
PNG charts with Hangul and the assessed lines as CSV (UTF-8 with BOM) — all in memory —
and only then writes, into a temporary folder moved into place whole. Files already in
DIR are replaced only with ``--force``, an input file (or a link to one) never. Bad input
prints the loader's messages (file, row, column, value, what was expected) on stderr,
exits with status 1 and writes nothing; no traceback reaches the person.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_parser", "main", "terminal_text"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2  # argparse's own code for a bad command line
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


def _date(text: str) -> dt.date:
    """``--start``: read as ``assess`` reads ``policy_start`` (dates.as_day: YYYY-MM-DD)."""
    from ..dates import as_day
    from ..errors import InputError

    try:
        return as_day(text, "--start").astype(object)
    except InputError as err:  # says whether the form is wrong or the day does not exist
        raise argparse.ArgumentTypeError(f"날짜는 2024-03-01 형식의 실제 날짜로: {err}") from None


def _decile(text: str) -> int | dict[int, int]:
    from ..errors import InputError
    from .deciles import parse_deciles

    try:
        return parse_deciles(text)
    except InputError:
        raise argparse.ArgumentTypeError(
            f"1–10 사이의 정수, 또는 해마다 2023=5,2024=7 (a whole number 1–10, or "
            f"year=decile pairs), not {text!r}"
        ) from None


def _add_file_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        type=Path,
        help="영수증 파일: CSV (UTF-8, UTF-8 BOM, cp949/EUC-KR) 또는 XLSX "
        "(receipt export: CSV or XLSX; Korean or English headers)",
    )
    parser.add_argument(
        "--encoding",
        metavar="ENC",
        help="CSV 인코딩: utf-8, utf-8-sig, cp949, euc-kr (CSV encoding; default: detected)",
    )
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help="XLSX 시트 이름 (XLSX sheet name; default: the one sheet with a receipt header "
        "in its first 20 rows — several such sheets are refused, naming them)",
    )
    parser.add_argument(
        "--person",
        metavar="NAME",
        help="이 사람의 줄만 (only this person's lines; default: everyone in the file)",
    )
    parser.add_argument(
        "--hidden-rows",
        choices=("refuse", "read", "skip"),
        default="refuse",
        help="XLSX에서 숨긴 행의 영수증 줄: refuse (기본, 행 번호를 알려 줌), read (읽음), "
        "skip (빼고 읽음) (receipt lines on rows hidden in Excel, often cancelled receipts: "
        "refuse them naming the rows (default), read them, or leave them out)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: ``silson report`` and ``silson check``, help in Korean and English."""
    from ..catalog import default_product, products

    parser = argparse.ArgumentParser(
        prog="silson",
        description=(
            "실손보험 계산기: 영수증 파일로 1년 동안 받은 보험금과 자기부담, 줄어든 이유를 "
            "설명합니다. (Korean indemnity health insurance: explain a year of receipts — "
            "what was claimed, paid and self-paid, and which rule cut each amount.)"
        ),
        epilog=(
            "예 (example): silson report data/samples/receipts.csv --policy gen4 "
            "--start 2024-03-01 --out out/  ·  자세한 도움말: silson report --help"
        ),
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="명령 (commands)", required=True
    )
    report = sub.add_parser(
        "report",
        help="보고서 만들기 (write the report, charts and assessed lines)",
        description=(
            "영수증 파일을 읽고 보험 약관대로 계산해 DIR에 보고서(report.md 또는 report.html), "
            "그림(PNG), 줄별 계산 결과(assessed_lines.csv, UTF-8 BOM)를 씁니다. 입력에 문제가 "
            "있으면 모든 문제를 보여 주고 아무것도 쓰지 않습니다. (Read the receipts, assess "
            "them under the policy and write the report, PNG charts and the assessed lines "
            "as CSV into DIR. On bad input, every problem is shown and nothing is written.)"
        ),
        epilog=(
            "종료 코드 (exit status): 0 성공 (ok), 1 입력 문제 (bad file, policy or person), "
            "2 명령줄 문제 (bad command line)."
        ),
    )
    _add_file_options(report)
    report.add_argument(
        "--policy",
        default=default_product(),
        metavar="NAME",
        help=(
            "보험 상품 (policy): " + ", ".join(products()) + " 또는 규칙 파일 경로 "
            "(or a path to a custom rule file .toml); 기본값 (default): %(default)s, "
            "the product whose file says default = true"
        ),
    )
    report.add_argument(
        "--start",
        type=_date,
        metavar="YYYY-MM-DD",
        help=(
            "계약일: 보험 연도가 이 날부터 시작하고, 이 날 전 진료는 보장되지 않습니다 "
            "(policy start date: policy years run from it; care before it is not covered). "
            "상품의 판매 기간 밖이면 거절 (refused outside the product's sale window). "
            "기본값 (default): 1 January of the first receipt's year"
        ),
    )
    report.add_argument(
        "--decile",
        type=_decile,
        metavar="N",
        help=(
            "건강보험 소득분위 1–10 (해마다 다르면 2023=5,2024=7): 주면 그 분위의 "
            "본인부담상한제 환급분을 보험금에서 뺍니다; 주지 않으면 어느 분위든 받는 만큼 "
            "(그해 최고 상한액을 넘는 ①) 만 뺍니다 "
            "(NHI income decile: its national-ceiling refund is left out of the payout; "
            "default: only the refund every decile gets)"
        ),
    )
    report.add_argument(
        "--compare",
        metavar="NAMES",
        help=(
            "비교할 상품, 쉼표로 구분 (policies to compare, comma-separated); "
            "default: every generation"
        ),
    )
    report.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="결과를 쓸 폴더; 없으면 만듭니다 (output folder, created if missing)",
    )
    report.add_argument(
        "--force",
        action="store_true",
        help=(
            "DIR에 있는 이전 보고서 파일을 바꿉니다; 입력 파일과 심볼릭 링크는 절대 "
            "바꾸지 않습니다 (replace an earlier report's files in DIR; an input file or a "
            "symbolic link is never replaced). 기본값 (default): refuse and write nothing"
        ),
    )
    report.add_argument(
        "--estimate-nhis",
        action="store_true",
        help=(
            "② 공단부담금이 없는 줄은 건강보험 본인부담률로 ②를 추정합니다 (5세대); 보고서와 "
            "CSV가 추정이라고 적습니다 (estimate a missing ② from the NHI co-pay rate instead "
            "of refusing; the report and the CSV say it is an estimate). 기본값 (default): refuse"
        ),
    )
    report.add_argument(
        "--format",
        choices=("md", "html"),
        default="md",
        help="보고서 형식 (report format): md (Markdown, default) or html",
    )
    check = sub.add_parser(
        "check",
        help="파일 검사만 (only validate the file and summarise it)",
        description=(
            "영수증 파일을 읽고 검사 결과만 보여 줍니다; 아무것도 쓰지 않습니다. "
            "(Validate the receipt file and print what was read; writes nothing.)"
        ),
    )
    _add_file_options(check)
    sub.add_parser(
        "assess",
        add_help=False,
        help=(
            "큰 파일을 조각으로 계산 (assess a large receipt file in chunks; "
            "needs pip install silson_tools[scale]; silson assess --help)"
        ),
    )
    return parser


_CONTROL = {i: f"\\x{i:02x}" for i in (*range(0x20), *range(0x7F, 0xA0)) if i != 0x0A}


def terminal_text(text: str) -> str:
    """``text`` safe for a terminal: control characters other than LF (escape sequences
    from a hostile file, CR, tab) are shown as ``\\xNN`` instead of acting."""
    return text.translate(_CONTROL)


def _fail(message: str) -> int:
    print(f"silson: {terminal_text(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


SCALE_MISSING = (
    "silson assess에는 추가 패키지가 필요합니다: pip install silson_tools[scale] "
    "(silson assess needs the optional scale extra: pip install silson_tools[scale]; "
    "missing: {name})"
)


def _assess(rest: list[str]) -> int:
    """``silson assess ...``: handed whole to ``silson_tools.scale.cli.main`` (the scale extra)."""
    try:
        from ..scale.cli import main as scale_main
    except ImportError as err:  # the module or its dependency (dask) is not installed
        print(f"silson: {SCALE_MISSING.format(name=err.name or err)}", file=sys.stderr)
        return EXIT_USAGE
    return int(scale_main(rest))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 bad input, 2 bad usage, 130
    interrupted). No traceback reaches the person: an unexpected error is one located line."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list[:1] == ["assess"]:
            return _assess(args_list[1:])
        return _run(build_parser().parse_args(args_list))
    except BrokenPipeError:  # `silson check F | head`: the reader left; stop quietly
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("silson: 중단했습니다 (interrupted)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except MemoryError:
        return _fail(
            "메모리가 부족합니다 (out of memory); 더 작은 파일이나 --person으로 나눠 보세요"
        )
    except Exception as err:  # a bug: say where, in one line, and never show a traceback
        return _fail(_unexpected(err))


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (tests, notebooks)
        pass


def _unexpected(err: BaseException) -> str:
    """``예상하지 못한 오류 (unexpected error) in module.py:line, function: Type: text``."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" ({Path(last.filename).name}:{last.lineno}, {last.name})"
    return (
        f"예상하지 못한 오류입니다 (unexpected error){where}: {type(err).__name__}: {err}. "
        "입력 파일은 바뀌지 않았고 보고서는 쓰지 않았습니다 (the input is unchanged and no "
        "report was written); 이 메시지와 함께 알려 주세요 (please report it with this message)."
    )


def _say(message: str) -> None:
    """Progress on a terminal only (a pipe or a log file gets just the result)."""
    if sys.stderr.isatty():
        print(f"silson: {message}", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    """The command, once the command line is read."""
    from ..errors import InputError
    from ..receipts import read_receipts

    inputs: list[Path] = []
    if args.command == "report":  # refuse an unusable --out before the long work
        from .output import check_targets
        from .render import report_names

        compare = [n.strip() for n in (args.compare or "").split(",") if n.strip()]
        inputs = [args.file] + [Path(n) for n in [args.policy, *compare] if n.endswith(".toml")]
        try:
            check_targets(report_names(args.format), args.out, force=args.force, inputs=inputs)
        except InputError as err:
            return _fail(str(err))
    _say(f"{args.file} 읽는 중 (reading)…")
    try:
        receipts = read_receipts(
            args.file,
            encoding=args.encoding,
            sheet=args.sheet,
            person=args.person,
            hidden_rows=args.hidden_rows,
        )
    except (ValueError, OSError) as err:  # ReceiptError, InputError are ValueErrors
        return _fail(str(err))

    if args.command == "check":
        from .notes import UNNAMED_STAYS, check_dates, unnamed_room_stays
        from .summary import validation_summary

        try:  # a 진료일 after today is refused here as by silson report
            check_dates(receipts, None)
            unnamed = unnamed_room_stays(receipts)  # refused by silson report under any product
            if len(unnamed):
                raise receipts.error(unnamed, "institution", UNNAMED_STAYS)
        except ValueError as err:
            return _fail(str(err))
        table = validation_summary(receipts)
        lines = (f"{item}: {value}" for item, value in table.itertuples(index=False))
        print(terminal_text("\n".join(lines)))
        sys.stdout.flush()  # a closed pipe shows here, inside main's handler
        return EXIT_OK

    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    from ..catalog import load_policy, products
    from .render import report_parts, write_report
    from .summary import build_report

    try:
        policy = load_policy(args.policy)
        compare = (
            [name.strip() for name in args.compare.split(",") if name.strip()]
            if args.compare
            else list(products())
        )
        compared = [load_policy(name) for name in compare]
        _say(f"{len(receipts):,}줄을 {len(compared)}개 상품으로 계산하는 중 (assessing)…")
        report = build_report(
            receipts,
            policy,
            policy_start=args.start,
            person=args.person,
            compare=[p if p.name != policy.name else policy for p in compared],
            decile=args.decile,
            estimate_nhis=args.estimate_nhis,
        )
        files = report_parts(report, args.format)
    except (ValueError, OSError) as err:
        return _fail(str(err))
    _say(f"{args.out}에 쓰는 중 (writing)…")
    try:
        paths = write_report(files, args.out, force=args.force, inputs=inputs)
    except InputError as err:
        return _fail(str(err))
    except OSError as err:
        return _fail(f"--out {args.out}: 쓰지 못했습니다 (could not write): {err}")
    print(terminal_text("\n".join(str(path) for path in paths)))
    sys.stdout.flush()
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
