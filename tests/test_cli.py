"""The ``silson`` command end to end on the sample, and failing runs that write nothing."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from silson_tools.catalog import default_product, products
from silson_tools.report.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SAMPLE = SAMPLES / "receipts.csv"
SCRIPT = Path(sys.executable).with_name("silson")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``silson`` script (falls back to ``python -m silson_tools.report.cli``)."""
    command = (
        [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "silson_tools.report.cli"]
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def test_report_end_to_end_with_the_installed_script(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = sha256(SAMPLE)
    done = run(
        "report", str(SAMPLE), "--policy", "gen4", "--start", "2024-03-01", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert sha256(SAMPLE) == before
    names = {p.name for p in out.iterdir()}
    order = (
        "report.md",
        "monthly.png",
        "zones.png",
        "generations.png",
        "assessed_lines.csv",
        "people.csv",
    )
    assert names == set(order)
    assert done.stdout.split() == [str(out / n) for n in order]
    people = pd.read_csv(out / "people.csv", encoding="utf-8-sig")
    assert people["person"].tolist() == ["지훈", "서연", "영숙", "합계 (total)"]
    text = (out / "report.md").read_text("utf-8")
    assert "4세대 실손" in text and "2024-03-01" in text and "왜 이만큼 받았지?" in text
    raw = (out / "assessed_lines.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert len(lines) == 155
    assert (lines["payout"] + lines["self_pay"] == lines["claim"]).all()
    # Care before the policy start is not covered (보장 제외).
    early = lines[lines["date"] < "2024-03-01"]
    assert len(early) > 0 and (early["payout"] == 0).all()
    assert set(early["zone"]) == {"excluded"}
    for png in ("monthly.png", "zones.png", "generations.png"):
        assert (out / png).read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("sample", ["receipts_cp949.csv", "receipts.xlsx"])
def test_report_in_process_html_for_one_person(sample: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "html"
    status = main(
        [
            "report",
            str(SAMPLES / sample),
            "--policy",
            "gen3",
            "--start",
            "2020-03-01",  # a 3세대 contract: sold 2017-04 – 2021-06
            "--person",
            "영숙",
            "--out",
            str(out),
            "--format",
            "html",
            "--decile",
            "5",
            "--compare",
            "gen3,gen4",
        ]
    )
    assert status == 0, capsys.readouterr().err
    page = (out / "report.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "3세대 실손 표준형" in page and "5분위" in page
    lines = pd.read_csv(out / "assessed_lines.csv", encoding="utf-8-sig")
    assert set(lines["person"]) == {"영숙"}
    assert lines["ceiling_offset"].sum() > 0  # 영숙's ① is above 2024's decile-5 ceiling


def test_same_report_from_the_three_sample_formats(tmp_path: Path) -> None:
    tables = []
    for name in ("receipts.csv", "receipts_cp949.csv", "receipts.xlsx"):
        out = tmp_path / name
        assert (
            main(
                [
                    "report",
                    str(SAMPLES / name),
                    "--start",
                    "2024-03-01",
                    "--out",
                    str(out),
                    "--compare",
                    "gen4",
                ]
            )
            == 0
        )
        tables.append((out / "assessed_lines.csv").read_bytes())
        assert (out / "report.md").exists()
    assert tables[0] == tables[1] == tables[2]


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(
        "진료일,진료구분,요양기관종류,본인부담금,비급여\n"
        "2024-03-05,외래,의원,abc,0\n"
        "2024-03-06,외래,우주병원,5000,-1\n",
        "utf-8",
    )
    return path


def test_bad_file_prints_every_problem_and_writes_nothing(tmp_path: Path, capsys) -> None:
    bad = _bad_file(tmp_path)
    out = tmp_path / "never"
    before = sha256(bad)
    status = main(["report", str(bad), "--start", "2024-03-01", "--out", str(out)])
    assert status == 1
    err = capsys.readouterr().err
    assert "bad.csv, 2행 (row 2), D열 '본인부담금': 값 (value) 'abc'" in err
    assert "bad.csv, 3행 (row 3), C열 '요양기관종류': 값 (value) '우주병원'" in err
    assert "bad.csv, 3행 (row 3), E열 '비급여': 값 (value) '-1'" in err
    assert "문제 3건" in err
    assert not out.exists()
    assert sha256(bad) == before


def test_failure_after_reading_writes_nothing_into_an_existing_folder(
    tmp_path: Path, capsys
) -> None:
    out = tmp_path / "existing"
    out.mkdir()
    status = main(["report", str(SAMPLE), "--policy", "gen9", "--out", str(out)])
    assert status == 1
    assert "unknown policy 'gen9'" in capsys.readouterr().err
    assert list(out.iterdir()) == []
    status = main(["report", str(SAMPLE), "--person", "철수", "--out", str(out)])
    assert status == 1
    assert "a person in this file" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_out_that_is_a_file_is_refused(tmp_path: Path, capsys) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep me", "utf-8")
    status = main(["report", str(SAMPLE), "--compare", "gen4", "--out", str(target)])
    assert status == 1
    assert "is not a folder" in capsys.readouterr().err
    assert target.read_text("utf-8") == "keep me"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2024/03/01"], "2024-03-01 형식의 실제 날짜로"),
        (["--decile", "11"], "a whole number 1–10"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
    ],
)
def test_bad_options_are_usage_errors_that_write_nothing(args, message, tmp_path, capsys) -> None:
    out = tmp_path / "none"
    with pytest.raises(SystemExit) as info:
        main(["report", str(SAMPLE), "--out", str(out), *args])
    assert info.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_file(tmp_path: Path, capsys) -> None:
    status = main(["report", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")])
    assert status == 1
    assert "no such receipt file" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_check_prints_the_validation_summary(capsys) -> None:
    assert main(["check", str(SAMPLES / "receipts.xlsx"), "--sheet", "진료비내역"]) == 0
    out = capsys.readouterr().out
    assert "파일 (file): receipts.xlsx (xlsx, 시트 '진료비내역')" in out
    assert "영수증 줄 (lines): 155" in out


def test_check_refuses_a_date_after_today_as_report_does(tmp_path, capsys) -> None:
    import datetime as dt

    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    src = tmp_path / "fut.csv"
    src.write_text(
        "진료일자,진료구분,요양기관종류,본인부담금,비급여\n"
        f"2024-03-05,외래,의원,15000,0\n{later},외래,의원,15000,0\n",
        encoding="utf-8",
    )
    assert main(["check", str(src)]) != 0
    err = capsys.readouterr().err
    assert "3행" in err and later in err and "이전의 진료일" in err


@pytest.mark.parametrize(
    ("choice", "lines", "said"),
    [
        ("refuse", None, "3행 (row 3)"),
        ("read", 2, "숨긴 행 1개도 읽었습니다"),
        ("skip", 1, "읽지 않았습니다"),
    ],
)
def test_hidden_rows_are_refused_unless_the_person_chooses(
    choice: str, lines: int | None, said: str, tmp_path: Path, capsys
) -> None:
    """A receipt on a row hidden in Excel (often a cancelled one) is refused by default;
    ``--hidden-rows read|skip`` reads it or leaves it out, and the summary says which."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["이름", "진료일자", "진료구분", "요양기관종류", "본인부담금", "비급여"])
    sheet.append(["가나", "2024-03-05", "외래", "의원", 15000, 20000])
    sheet.append(["가나", "2024-03-06", "외래", "의원", 99000, 0])
    sheet.row_dimensions[3].hidden = True
    book.save(tmp_path / "hidden.xlsx")
    status = main(["check", str(tmp_path / "hidden.xlsx"), "--hidden-rows", choice])
    captured = capsys.readouterr()
    if lines is None:
        assert status != 0 and said in captured.err
    else:
        assert status == 0 and said in captured.out
        assert f"영수증 줄 (lines): {lines}" in captured.out


def test_help_explains_every_option_in_korean_and_english() -> None:
    top = run("--help")
    assert top.returncode == 0
    flat = " ".join(top.stdout.split())  # argparse wraps lines
    assert "실손보험 계산기" in flat and "Korean indemnity health insurance" in flat
    assert "report" in flat and "check" in flat
    report = run("report", "--help")
    assert report.returncode == 0
    squeezed = "".join(report.stdout.split())
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    options = [
        option
        for action in sub.choices["report"]._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    ]
    assert set(options) >= {
        "--policy",
        "--start",
        "--person",
        "--out",
        "--format",
        "--encoding",
        "--sheet",
        "--decile",
        "--compare",
    }
    for option in options:
        assert option in squeezed
    for action in sub.choices["report"]._actions:
        if action.help and action.dest != "help":
            assert any("\uac00" <= ch <= "\ud7a3" for ch in action.help), action.dest  # Korean
            assert any("a" <= ch <= "z" for ch in action.help), action.dest  # and English
    for name in products():
        assert name in squeezed


def test_policy_defaults_to_the_product_marked_default_in_the_data(tmp_path: Path) -> None:
    args = build_parser().parse_args(["report", str(SAMPLE), "--out", str(tmp_path)])
    assert args.policy == default_product() == "gen4"
    report_help = " ".join(run("report", "--help").stdout.split())
    assert f"(default): {default_product()}, the product whose file says default = true" in (
        report_help
    )


def test_the_command_has_one_home() -> None:
    """``silson`` is silson_tools.report.cli:main; the transitional silson_tools.cli alias
    (and the silson_tools.policy re-export) are gone."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"silson": "silson_tools.report.cli:main"}
    for shim in ("silson_tools.cli", "silson_tools.policy"):
        assert importlib.util.find_spec(shim) is None, shim
    if SCRIPT.exists():  # installed from this pyproject (pip install -e .)
        assert "from silson_tools.report.cli import main" in SCRIPT.read_text("utf-8")


def test_sample_folder_untouched_by_the_cli(tmp_path: Path) -> None:
    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.name: sha256(p) for p in copy.iterdir()}
    for name in ("receipts.csv", "receipts_cp949.csv", "receipts.xlsx"):
        main(["check", str(copy / name)])
    assert {p.name: sha256(p) for p in copy.iterdir()} == before


def test_assess_is_handed_to_the_scale_module(monkeypatch, capsys) -> None:
    """``silson assess ...`` passes everything after ``assess`` to silson_tools.scale.cli.main."""
    import types

    seen: list[list[str]] = []
    fake = types.ModuleType("silson_tools.scale.cli")
    fake.main = lambda argv: seen.append(list(argv)) or 7  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "silson_tools.scale.cli", fake)
    assert main(["assess", "in.csv", "--out", "o.csv", "--help"]) == 7
    assert seen == [["in.csv", "--out", "o.csv", "--help"]]


def test_assess_without_the_scale_extra_says_how_to_install(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "silson_tools.scale.cli", None)  # import fails
    assert main(["assess", "in.csv", "--out", "o.csv"]) == 2
    err = capsys.readouterr().err
    assert "pip install silson_tools[scale]" in err and "Traceback" not in err
    top = " ".join(run("--help").stdout.split())
    assert "assess" in top and "silson_tools[scale]" in top
