"""silson_tools.report: the year explained (summaries, charts, rendered files) on top of assess."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from silson_tools import report as rp
from silson_tools.catalog import default_product, products
from silson_tools.engine import assess
from silson_tools.money import format_won
from silson_tools.receipts import read_receipts
from silson_tools.schema import ZONES

ROOT = Path(__file__).resolve().parents[1]


def won(amount: int) -> str:
    return format_won(int(amount), unit="won")


SAMPLE = ROOT / "data" / "samples" / "receipts.csv"


@pytest.fixture(scope="module")
def receipts() -> pd.DataFrame:
    return read_receipts(SAMPLE)


@pytest.fixture(scope="module")
def report(receipts: pd.DataFrame) -> rp.Report:
    return rp.build_report(receipts, "gen4", "2023-03-01", decile=5, charts=False)


def _claim(frame: pd.DataFrame) -> np.ndarray:
    return (frame["covered_copay"] + frame["full_copay"] + frame["noncovered"]).to_numpy()


@pytest.mark.parametrize("policy", products())
def test_zone_amounts_add_up_to_self_pay_on_every_line(receipts: pd.DataFrame, policy: str) -> None:
    assessed = assess(receipts, policy, policy_start="2024-03-01")
    zones = rp.zone_amounts(assessed)
    assert list(zones.columns) == list(ZONES)
    assert (zones.sum(axis=1) == assessed["self_pay"]).all()
    assert (zones.sum(axis=1) + assessed["payout"] == _claim(assessed)).all()
    assert (zones >= 0).all().all()


def test_zone_amounts_refuses_a_frame_that_was_not_assessed(receipts: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"missing column\(s\).*silson_tools.assess"):
        rp.zone_amounts(receipts)


def test_year_summary_rows_add_up(report: rp.Report, receipts: pd.DataFrame) -> None:
    summary = report.summary
    zones = list(rp.ZONE_AMOUNTS)
    assert (summary["claim"] == summary["payout"] + summary[zones].sum(axis=1)).all()
    assert (summary["self_pay"] == summary[zones].sum(axis=1)).all()
    people = summary.drop(index="합계 (total)")
    total = summary.loc["합계 (total)"]
    assert (people.drop(columns="payout_pct").sum() == total.drop("payout_pct")).all()
    assert total["claim"] == _claim(receipts).sum()
    assert total["lines"] == len(receipts) == 155
    assert set(people.index) == {"지훈", "영숙", "서연"}


def test_ceiling_offset_is_the_2024_refund_above_decile_5(report: rp.Report, receipts) -> None:
    # 2024 본인부담상한액, 4~5분위 = 167만원 (국민건강보험공단 본인부담상한제, https://www.nhis.or.kr/nhis/minwon/wbhapa01000m01.do?mode=view&articleNo=10946900).
    # 영숙's ① for the year minus 167만원 is what NHIS refunds, so silson leaves exactly that
    # out (4세대 표준약관 제4조③1 and 제5조③, https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943).
    counted = int(receipts.loc[receipts["person"] == "영숙", "covered_copay"].sum())
    assert counted > 1_670_000
    assert report.summary.loc["영숙", "ceiling_offset"] == counted - 1_670_000
    assert report.summary.loc["지훈", "ceiling_offset"] == 0  # far below 167만원


def test_no_decile_means_no_ceiling_offset(receipts: pd.DataFrame) -> None:
    plain = rp.build_report(receipts, "gen4", "2023-03-01", charts=False)
    assert plain.summary["ceiling_offset"].sum() == 0


def test_why_sentences_quote_the_summary(report: rp.Report) -> None:
    assert len(report.why) >= len(report.summary)  # then the 상한제 sentences (decile given)
    assert "상한액" in report.why[len(report.summary)]
    quoted = report.why[: len(report.summary)]
    for sentence, (person, row) in zip(quoted, report.summary.iterrows(), strict=True):
        assert sentence.startswith(f"{person}: 청구 {won(row['claim'])}")
        assert f"보험금 {won(row['payout'])}" in sentence
        for zone in rp.ZONE_AMOUNTS:
            if row[zone] > 0:
                assert f"{ZONES[zone]} {won(row[zone])}" in sentence


def test_monthly_totals_cover_every_month_and_add_up(report: rp.Report) -> None:
    monthly = report.monthly
    assert monthly.index.tolist() == [f"2024-{m:02d}" for m in range(1, 13)]
    assert monthly["payout"].sum() == report.summary.loc["합계 (total)", "payout"]
    assert (monthly["claim"] == monthly["payout"] + monthly["self_pay"]).all()


def test_monthly_totals_fill_months_without_care() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-10", "2024-04-02"]),
            "covered_copay": [1000, 2000],
            "full_copay": [0, 0],
            "noncovered": [0, 500],
            "payout": [0, 1500],
            "self_pay": [1000, 1000],
        }
    )
    monthly = rp.monthly_totals(frame)
    assert monthly.index.tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert monthly["claim"].tolist() == [1000, 0, 0, 2500]


def test_top_shrinks_are_the_largest_self_pays(report: rp.Report) -> None:
    top = report.top
    assert len(top) == 10
    pays = top["self_pay"].tolist()
    assert pays == sorted(pays, reverse=True)
    assert pays[0] == report.assessed["self_pay"].max()
    # The index is the spreadsheet row the person can find in their file.
    first = report.receipts.loc[top.index[0]]
    assert first["person"] == top.iloc[0]["person"]
    assert set(top["zone"]) <= set(ZONES.values())
    with pytest.raises(ValueError, match="n must be >= 0"):
        rp.top_shrinks(report.assessed, -1)


def test_compare_policies_same_claim_every_generation(report: rp.Report) -> None:
    table = report.comparison
    assert table.index.tolist() == list(products())
    assert table["claim"].nunique() == 1
    zones = list(rp.ZONE_AMOUNTS)
    assert (table["claim"] == table["payout"] + table[zones].sum(axis=1)).all()
    assert table.loc["gen4", "payout"] == report.summary.loc["합계 (total)", "payout"]
    # 5세대 특약2 excludes 근골격계 이학요법 such as 도수치료 (5세대 표준약관, 2026.5.6 시행,
    # https://www.fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=218364):
    # more is excluded than under 4세대.
    assert table.loc["gen5", "excluded"] > table.loc["gen4", "excluded"]


def test_person_filter_and_bad_arguments(receipts: pd.DataFrame) -> None:
    one = rp.build_report(
        receipts, "gen4", "2024-03-01", person="서연", compare=["gen4"], charts=False
    )
    assert one.summary.index.tolist() == ["서연", "합계 (total)"]
    assert one.comparison.index.tolist() == ["gen4"]
    everyone = rp.build_report(
        receipts, "gen4", None, person=rp.ALL_PERSONS, compare=[], charts=False
    )
    assert everyone.person is None and len(everyone.assessed) == len(receipts)
    with pytest.raises(ValueError, match="person '철수' is not in the receipts"):
        rp.build_report(receipts, person="철수", charts=False)
    with pytest.raises(ValueError, match="decile must be a whole number 1–10"):
        rp.build_report(receipts, decile=11, charts=False)
    with pytest.raises(ValueError, match="policy_start: '3월 1일': expected a date"):
        rp.build_report(receipts, policy_start="3월 1일", charts=False)


def test_validation_summary_says_what_was_read(receipts: pd.DataFrame) -> None:
    table = rp.validation_summary(receipts)
    facts = dict(table.itertuples(index=False))
    assert facts["파일 (file)"] == "receipts.csv (csv, utf-8)"
    assert facts["영수증 줄 (lines)"] == "155"
    assert facts["기간 (dates)"] == "2024-01-04 – 2024-12-31"
    assert "본인부담금 → ① 본인부담금 (covered_copay)" in facts["읽은 열 (columns read)"]
    assert facts["읽지 않은 열 (ignored)"] == "없음 (none)"
    total = won(receipts["noncovered"].sum())
    assert facts["합계 ④ 비급여 (noncovered)"] == total
    # a missing column's default as a person reads it, not Python's '' and False
    defaulted = facts["없어서 기본값을 쓴 열 (defaulted)"]
    assert "''" not in defaulted and "False" not in defaulted, defaulted
    assert "방문묶음 (visit) = 빈칸 (blank)" in defaulted, defaulted


def test_rendered_files(report: rp.Report) -> None:
    files = rp.report_files(report, "md")
    assert set(files) == {
        "report.md",
        "monthly.png",
        "zones.png",
        "generations.png",
        "assessed_lines.csv",
        "people.csv",
    }
    text = files["report.md"].decode("utf-8")
    for heading in ("왜 이만큼 받았지?", "월별", "가장 많이 줄어든", "다른 세대", "가정과 한계"):
        assert heading in text
    for image in ("zones.png", "monthly.png", "generations.png"):
        assert f"]({image})" in text
    for name in ("monthly.png", "zones.png", "generations.png"):
        assert files[name].startswith(b"\x89PNG\r\n\x1a\n")
    csv = files["assessed_lines.csv"]
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the Korean
    lines = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert len(lines) == len(report.assessed)
    assert lines["payout"].sum() == report.assessed["payout"].sum()
    assert lines["row"].tolist() == report.assessed.index.tolist()
    assert set(lines["zone_ko"]) <= set(ZONES.values())
    with pytest.raises(ValueError, match="format must be 'md' or 'html'"):
        rp.report_files(report, "pdf")


def test_html_escapes_what_came_from_the_file(receipts: pd.DataFrame) -> None:
    sneaky = receipts.copy()
    sneaky["person"] = "<script>alert(1)</script>" + sneaky["person"]  # still three people
    report = rp.build_report(sneaky, "gen4", "2024-03-01", compare=["gen4"], charts=False)
    page = rp.render_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>")


def test_charts_draw_hangul_without_missing_glyphs(report: rp.Report) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        for fig in rp.build_report_figures(report).values():
            assert rp.figure_png(fig).startswith(b"\x89PNG")
    fig = rp.plot_zones(report.summary)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["지훈", "서연", "영숙"]  # the 합계 row is not a bar


def test_the_default_policy_is_the_default_product(receipts: pd.DataFrame) -> None:
    report = rp.build_report(receipts, policy_start="2024-03-01", compare=[], charts=False)
    assert report.policy.name == default_product()
    app = rp.receipts_app(receipts, policy_start="2023-03-01")
    assert app.children[0].children[1].value == default_product()


def test_show_report_callback_returns_none(receipts: pd.DataFrame, capsys) -> None:
    assert rp.show_report(receipts, "서연", "gen3", "2019-03-01", compare=["gen3"]) is None
    out = capsys.readouterr().out
    assert "서연" in out


def test_receipts_app_offers_every_person_and_policy(receipts: pd.DataFrame) -> None:
    app = rp.receipts_app(receipts, "gen4", "2023-03-01")
    person_box, policy_box = app.children[0].children
    assert list(person_box.options) == [rp.ALL_PERSONS, "서연", "영숙", "지훈"]
    assert [value for _, value in policy_box.options] == list(products())
    assert policy_box.value == "gen4"


def test_show_figure_displays_a_png_and_returns_none(report: rp.Report, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert rp.show_figure(rp.plot_monthly(report.monthly)) is None
    assert len(shown) == 1 and shown[0].data.startswith(b"\x89PNG")


def test_format_table_shows_won_and_korean_headings(report: rp.Report) -> None:
    table = rp.format_table(report.summary[["claim", "payout", "payout_pct"]], "이름")
    assert list(table.columns) == ["이름", "청구액 (claim)", "보험금 (payout)", "보험금 비율 %"]
    total = report.summary.loc["합계 (total)"]
    assert table.iloc[-1, 1] == won(total["claim"])


def test_receipts_app_dropdowns_call_the_callback(receipts: pd.DataFrame, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(  # the callback the dropdowns call lives beside them
        "silson_tools.report.notebook.show_report",
        lambda r, person, policy, *a: calls.append((len(r), person, policy)),
    )
    app = rp.receipts_app(receipts, "gen4", "2023-03-01")
    person_box, policy_box = app.children[0].children
    person_box.value = "서연"
    policy_box.value = "gen2"
    assert calls == [(155, rp.ALL_PERSONS, "gen4"), (155, "서연", "gen4"), (155, "서연", "gen2")]


NOTEBOOK = ROOT / "notebooks" / "03_my_receipts.ipynb"


def test_notebook_parameters_cell_comes_first_and_is_tagged() -> None:
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    for name in ("receipts_path", "policy", "policy_start", "person", "decile"):
        assert f"\n{name} = " in f"\n{first.source}", name


def test_notebook_runs_on_another_file_set_by_its_parameters(tmp_path: Path) -> None:
    """What papermill does: replace the parameters, run top to bottom on a fresh kernel.

    60 s per cell and a client that does not sleep through a reply
    (silson_tools.teaching.kernel_client)."""
    import nbformat

    from silson_tools.teaching.kernel_client import run_notebook

    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    xlsx = ROOT / "data" / "samples" / "receipts.xlsx"
    first.source += (
        f"\nreceipts_path = {str(xlsx)!r}\npolicy = 'gen3'\npolicy_start = '2019-01-01'"
        "\nperson = '서연'\ndecile = 3\n"
    )
    run_notebook(nb, NOTEBOOK.parent)
    texts = [
        out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    ]
    assert any("3세대 실손 표준형" in t and "서연" in t for t in texts)
    why = next(t for t in texts if "서연: 청구" in t)
    assert re.findall(r"([^\s:]+(?: \(total\))?): 청구", why) == ["서연", "합계 (total)"]
