"""Outputs that never harm: whole-folder writes, no overwrite without --force, never an input
file or through a link; cells Excel would run are neutralised; Markdown, HTML and charts show
hostile names as text; the command never ends in a traceback."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silson_tools import report as rp
from silson_tools.receipts import read_receipts
from silson_tools.report import output
from silson_tools.report.cli import main, terminal_text
from silson_tools.report.output import FORMULA_START, csv_bytes, excel_text, md_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "receipts.csv"
REPORT_FILES = {
    "report.md",
    "monthly.png",
    "zones.png",
    "generations.png",
    "assessed_lines.csv",
    "people.csv",
}
HOSTILE_NAMES = [
    '=HYPERLINK("http://x.example","클릭")',
    "+1",
    "-2",
    "@SUM(A1)",
    "$x_1$ 100%",
    "<b>굵게</b><script>alert(1)</script>",
    "~물결_ <i>",
    "|파이프 *별* [링크](javascript:alert(1))",
    "# 제목",
    "＝전각",
]


def _report(*args: str | Path) -> list[str]:
    return [
        "report",
        str(args[0]),
        "--compare",
        "gen4",
        "--start",
        "2024-03-01",
        *map(str, args[1:]),
    ]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture()
def hostile_csv(tmp_path: Path) -> Path:
    """A receipt file whose names and clinics are formulas, HTML, Markdown and mathtext."""
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["이름", "진료일자", "진료구분", "요양기관종류", "병원명", "본인부담금", "비급여"]
        )
        for i, name in enumerate(HOSTILE_NAMES):
            clinic = '=cmd|" /C calc"!A0' if i == 0 else f"-병원{i}"
            out.writerow(
                [name, f"2024-04-{i + 1:02d}", "외래", "의원", clinic, 10_000 * (i + 1), 5000]
            )
    return path


# --- never overwrite, never an input, never through a link ----------------------------------


def test_a_second_report_into_the_same_folder_needs_force(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(_report(SAMPLE, "--out", out)) == 0
    before = _tree(out)
    assert set(before) == REPORT_FILES
    (out / "notes.txt").write_text("mine", "utf-8")
    capsys.readouterr()
    gen3 = ("--policy", "gen3", "--start", "2019-03-01")  # a date gen3 was sold on
    assert main(_report(SAMPLE, "--out", out, *gen3)) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err and "--force" in err and "report.md" in err
    assert _tree(out) == {**before, "notes.txt": b"mine"}
    assert main(_report(SAMPLE, "--out", out, *gen3, "--force")) == 0
    after = _tree(out)
    assert after["report.md"] != before["report.md"] and "3세대" in after["report.md"].decode()
    assert after["notes.txt"] == b"mine"  # files the report does not write are left alone
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_an_input_in_the_output_folder_is_never_replaced_even_with_force(
    tmp_path: Path, capsys
) -> None:
    """The earlier assessed_lines.csv read back with --out pointing at its folder."""
    out = tmp_path / "out"
    out.mkdir()
    receipts = out / "assessed_lines.csv"
    receipts.write_bytes(SAMPLE.read_bytes())
    before = _tree(out)
    assert main(_report(receipts, "--out", out, "--force")) == 1
    err = capsys.readouterr().err
    assert "assessed_lines.csv" in err and "input file" in err
    assert _tree(out) == before


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_a_link_to_the_input_is_never_replaced(link: str, tmp_path: Path, capsys) -> None:
    source = tmp_path / "receipts.csv"
    source.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    (os.link if link == "hard" else os.symlink)(source, out / "report.md")
    assert main(_report(source, "--out", out, "--force")) == 1
    assert "report.md" in capsys.readouterr().err
    assert source.read_bytes() == SAMPLE.read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["report.md"]


def test_a_symbolic_link_is_never_followed(tmp_path: Path, capsys) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "zones.png").symlink_to(elsewhere)
    assert main(_report(SAMPLE, "--out", out, "--force")) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert elsewhere.read_text("utf-8") == "keep"
    linked = tmp_path / "linked"
    linked.symlink_to(out, target_is_directory=True)
    assert main(_report(SAMPLE, "--out", linked)) == 1
    assert "give the real folder" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["zones.png"]


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    files = {"a.txt": b"a", "b.txt": b"b"}
    real_open = open

    def failing_open(path, *args, **kwargs):
        if str(path).endswith("b.txt"):
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OSError, match="No space"):
        output.write_files(files, tmp_path / "new")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a staging folder
    assert output.write_files(files, tmp_path / "new") == [tmp_path / "new" / n for n in files]
    assert _tree(tmp_path / "new") == files
    assert oct((tmp_path / "new").stat().st_mode & 0o777) != oct(0o700)  # not mkdtemp's mode


def test_a_failed_rename_puts_the_earlier_report_back(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    output.write_files({"a.txt": b"old a", "b.txt": b"old b"}, out)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(OSError, match="I/O error"):
        output.write_files({"a.txt": b"new a", "b.txt": b"new b", "c.txt": b"c"}, out, force=True)
    monkeypatch.undo()
    assert _tree(out) == {"a.txt": b"old a", "b.txt": b"old b"}


def test_out_that_is_a_file_or_odd_names_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep", "utf-8")
    with pytest.raises(ValueError, match="not a folder"):
        output.write_files({"a.txt": b"a"}, target)
    with pytest.raises(ValueError, match="not a plain file name"):
        output.write_files({"../escape.txt": b"a"}, tmp_path / "o")
    assert target.read_text("utf-8") == "keep" and not (tmp_path / "o").exists()


# --- cells Excel would evaluate ---------------------------------------------------------------


@pytest.mark.parametrize("start", FORMULA_START)
def test_excel_text_neutralises_every_formula_start(start: str) -> None:
    assert excel_text(f"{start}1+1") == f"'{start}1+1"
    assert excel_text(f"a{start}1") == f"a{start}1"


def test_csv_neutralises_text_but_keeps_negative_numbers() -> None:
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "-2", "+3", "@A1", "\tx", "plain, with comma", 'q"uote', None],
            "amount": np.array([-5, 0, 7, -12_000, 1, 2, 3, 4], dtype=np.int64),
            "flag": [True, False, True, False, True, False, True, False],
            "day": pd.to_datetime(["2024-01-02"] * 7 + [None]),
        }
    )
    raw = csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["name", "amount", "flag", "day"]
    assert [r[0] for r in rows[1:]] == [
        "'=1+1",
        "'-2",
        "'+3",
        "'@A1",
        "'\tx",
        "plain, with comma",
        'q"uote',
        "",
    ]
    assert [int(r[1]) for r in rows[1:]] == frame["amount"].tolist()
    assert rows[1][2:] == ["True", "2024-01-02"] and rows[-1][3] == ""


def test_csv_is_what_pandas_writes_for_ordinary_tables() -> None:
    receipts = read_receipts(SAMPLE)
    report = rp.build_report(receipts, "gen4", "2024-03-01", compare=["gen4"], charts=False)
    table = rp.lines_table(report.assessed)
    assert csv_bytes(table) == table.to_csv(index=False).encode("utf-8-sig")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12), min_size=1)
)
def test_csv_round_trips_any_text_neutralised(texts: list[str]) -> None:
    frame = pd.DataFrame({"t": texts, "n": np.arange(len(texts), dtype=np.int64) - 3})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame, bom=False).decode("utf-8"), newline="")))
    assert [r[0] for r in rows[1:]] == [excel_text(t) for t in texts]
    assert [int(r[1]) for r in rows[1:]] == frame["n"].tolist()
    for row in rows[1:]:
        assert not row[0].startswith(FORMULA_START)


def test_hostile_names_everywhere_in_a_report(hostile_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(_report(hostile_csv, "--out", out)) == 0
    lines = list(csv.DictReader(io.StringIO((out / "assessed_lines.csv").read_text("utf-8-sig"))))
    assert {r["person"] for r in lines} == {excel_text(n) for n in HOSTILE_NAMES}
    for row in lines:
        for value in row.values():
            assert not value.startswith(FORMULA_START) or value.lstrip("-").isdigit(), value
    assert lines[0]["institution"] == '\'=cmd|" /C calc"!A0'
    assert all(int(r["payout"]) + int(r["self_pay"]) == int(r["claim"]) for r in lines)


# --- Markdown and HTML show text --------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE_NAMES, "__init__", "a_b", "1. 목록", "> 인용", "`코드`"])
def test_markdown_renders_the_text_itself(text: str) -> None:
    mistune = pytest.importorskip("mistune")
    import html

    render = mistune.create_markdown(escape=False, plugins=["table", "strikethrough", "math"])
    cell = render(f"| h |\n| --- |\n| {md_text(text)} |\n")
    inner = cell.split("<td>")[1].split("</td>")[0]
    assert "<" not in inner  # no tag, no emphasis, no link, no code, no math markup
    assert html.unescape(inner) == text.replace("\n", " ")
    item = render(f"- {md_text(text)}\n")
    assert html.unescape(item.split("<li>")[1].split("</li>")[0]) == text


def test_markdown_and_html_reports_escape_the_file(hostile_csv: Path, tmp_path: Path) -> None:
    for fmt in ("md", "html"):
        out = tmp_path / fmt
        assert main([*_report(hostile_csv, "--out", out), "--format", fmt]) == 0
        text = (out / f"report.{fmt}").read_text("utf-8")
        assert "<script>" not in text and "<b>굵게" not in text and "<i>" not in text
        if fmt == "md":
            assert "[링크](javascript:" not in text  # the brackets are escaped: no link
            assert "&lt;script&gt;" in text and "\\$x_1\\$ 100%" in text
        else:
            assert "&lt;script&gt;" in text and "$x_1$ 100%" in text


# --- plots show names as text -----------------------------------------------------------------


def test_charts_draw_names_with_math_and_tex_characters(hostile_csv: Path) -> None:
    receipts = read_receipts(hostile_csv)
    report = rp.build_report(receipts, "gen4", "2024-03-01", compare=["gen4"])
    for fig in report.figures.values():
        assert rp.figure_png(fig).startswith(b"\x89PNG")
    labels = [t.get_text() for t in report.figures["zones"].axes[0].get_yticklabels()]
    assert "$x_1$ 100%" in labels and "~물결_ <i>" in labels


# --- the command never ends in a traceback ----------------------------------------------------


def test_check_into_a_closed_pipe_is_quiet() -> None:
    """`silson check F | head -0`: the reader is gone before anything is written."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "silson_tools.report.cli", "check", str(SAMPLE)]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like head, before silson writes
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_an_unexpected_error_is_one_located_line(monkeypatch, capsys) -> None:
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr("silson_tools.report.summary.validation_summary", broken)
    assert main(["check", str(SAMPLE)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("silson: 예상하지 못한 오류입니다 (unexpected error)")
    assert "KeyError" in err and "boom" in err and "test_report_outputs.py" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_interrupt_is_exit_130(monkeypatch, capsys) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("silson_tools.receipts.read_receipts", interrupted)
    assert main(["check", str(SAMPLE)]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_terminal_escape_sequences_from_the_file_are_shown_not_run(tmp_path: Path, capsys) -> None:
    """Names and file names with escape sequences, in the summary and in error messages."""
    path = tmp_path / "a\x1b]0;pwned\x07\x1b[2Jb.csv"
    path.write_text(
        "이름,진료일자,진료구분,요양기관종류,본인부담금,비급여\n"
        "\x1b[31m철수,2024-04-01,외래,의원,10000,0\n",
        "utf-8",
    )
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "a\\x1b]0;pwned\\x07\\x1b[2Jb.csv" in out
    path.write_text("이름,진료일자\n\x1b[2J철수,2024-04-01\n", "utf-8")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2Jb.csv" in err
    assert terminal_text("줄\n바꿈\t\r\x9b") == "줄\n바꿈\\x09\\x0d\\x9b"


def test_an_unusable_out_is_refused_before_the_file_is_read(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "zones.png").write_bytes(b"old")
    status = main(_report(tmp_path / "not-read-yet.csv", "--out", out))
    assert status == 1
    err = capsys.readouterr().err
    assert "zones.png" in err and "--force" in err and "no such receipt file" not in err


def test_the_names_known_in_advance_are_the_files_written(hostile_csv: Path) -> None:
    from silson_tools.report.render import report_names, report_parts

    report = rp.build_report(read_receipts(hostile_csv), "gen4", None, compare=["gen4"])
    for fmt in ("md", "html"):
        assert list(report_parts(report, fmt)) == report_names(fmt)
