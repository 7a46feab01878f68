"""Notebook 04's views (silson_tools.teaching.ceiling_app): readout, tables, figures, callback.

Worked numbers: the 2023 사후환급 examples of the NHIS 본인부담상한제 page (예시 1: 4~5분위,
요양병원 120일 초과, 770만원 → 543만원 환급).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from silson_tools import ceiling
from silson_tools.ceiling import CeilingSpec
from silson_tools.teaching import ceiling_app
from silson_tools.teaching.live_plot import live_html

MAN = 10_000
KNOWN_YEARS = list(range(2008, 2027))
"""Calendar years of the table (limit() answers them)."""


def test_readout_for_the_nhis_example() -> None:
    values = ceiling_app.readout(2023, 4, True, 770 * MAN)
    assert values["limit"] == 227 * MAN and values["refund"] == 543 * MAN
    assert values["burden"] == 227 * MAN
    assert values["refund_month"] == "2024-08"
    assert values["prepaid_applies"] is False and values["prepaid_threshold"] == 780 * MAN
    assert "227만원" in ceiling_app.readout_html(values)
    merged = ceiling_app.readout(2021, 9, True, 500 * MAN)
    assert merged["merged"] and merged["limit"] == 433 * MAN


def test_limits_table_and_status_cover_every_row() -> None:
    table = ceiling_app.limits_table()
    assert len(table) == 2 * (len(KNOWN_YEARS) + 7)  # + 2004 H2, 2005–2007 H1 and H2
    assert table["year"].tolist()[:2] == [2026, 2026] and table["year"].iloc[-1] == 2004
    first_half = table[(table["year"] == 2007) & (table["period"] == "상반기 (1.1–6.30)")]
    assert first_half["10분위"].tolist() == [300 * MAN, 300 * MAN]
    second_half = table[(table["year"] == 2007) & (table["period"] == "하반기 (7.1–12.31)")]
    assert second_half["1분위"].tolist() == [400 * MAN, 400 * MAN]
    row = table[(table["year"] == 2023) & (table["kind"] == "long_stay")].iloc[0]
    assert row["4~5분위"] == 227 * MAN
    assert table[(table["year"] == 2019)]["4~5분위"].tolist() == [152 * MAN, 211 * MAN]
    assert not table[list(ceiling.load_table().labels.values())].isna().any().any()
    status = ceiling_app.table_status()
    assert len(status) == len(table)
    year = status[status["period"] == "연간 (1.1–12.31)"].set_index(["year", "kind"])
    assert year.loc[(2022, "long_stay"), "merged"] == "6~7분위, 8분위, 9분위, 10분위"
    assert year.loc[(2019, "normal"), "known"] == 7
    assert year.loc[(2017, "long_stay"), "known"] == 0
    assert year.loc[(2017, "long_stay"), "merged"].count("분위") == 7
    assert (status["unknown"] == "").all()


def test_plot_burden_kinks_at_the_ceiling() -> None:
    fig = ceiling_app.plot_burden(2023, 1, False, 550 * MAN)
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("최종 본인부담")]
    x, y = line.get_xdata(), line.get_ydata()
    np.testing.assert_array_equal(y, np.minimum(x, 87 * MAN))
    assert y.max() == 87 * MAN and x.max() > 87 * MAN


def test_show_returns_none_and_reports_unknown_cells(monkeypatch, tmp_path) -> None:
    shown: list = []
    monkeypatch.setattr(ceiling_app, "display", shown.append)
    assert ceiling_app.show(2023, 4, True, 770 * MAN) is None
    assert "543만원" in shown[0].data and len(shown) == 2  # readout and figure
    shown.clear()
    # the shipped table has no unknown cell; one edited to say "unknown" is reported as such
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    row = "d1 = 810_000, d2_3 = 1_010_000, d4_5 = 1_520_000, d6_7 = 2_800_000"
    path = tmp_path / "c.toml"
    path.write_text(text.replace(row, row.replace("d4_5 = 1_520_000", 'd4_5 = "unknown"')))
    monkeypatch.setattr(ceiling_app, "_default_table", lambda: ceiling.load_table(path))
    assert ceiling_app.show(2019, 4, False, 770 * MAN) is None
    assert len(shown) == 1 and "unknown for year 2019" in shown[0].data


def test_plot_year_for_the_sample_parent() -> None:
    receipts = pd.DataFrame(
        {
            "person": ["부모"] * 3,
            "date": ["2024-01-10", "2024-04-01", "2024-09-01"],
            "covered_copay": [20 * MAN, 300 * MAN, 100 * MAN],
            "setting": "inpatient",
            "tier": "general",
            "noncovered": 0,
            "days": 3,
        }
    )
    fig = ceiling_app.plot_year(receipts, CeilingSpec(decile=3), "부모")
    running = fig.axes[0].lines[0].get_ydata()
    assert running.tolist() == [20 * MAN, 320 * MAN, 420 * MAN]
    with pytest.raises(ValueError, match="person '아무개' has no receipts"):
        ceiling_app.plot_year(receipts, CeilingSpec(decile=3), "아무개")


def test_slider_app_updates_readout_and_picture_in_place() -> None:
    app = ceiling_app.CeilingApp(2023, 4, True, 770 * MAN)
    figure, first = app.figure.live.fig, app.image.value
    assert "543만원" in app.readout.value and first[:3] == b"\xff\xd8\xff"
    app.controls["decile"].value = 1  # 1분위, long stay: 상한액 138만 in 2023
    values = ceiling_app.readout(2023, 1, True, 770 * MAN)
    shown = ceiling_app.readout_html(values)  # the stylesheet is sent once, with the app
    assert (
        "<style>" in shown and live_html(shown) == app.readout.value == shown.split("</style>")[1]
    )
    assert app.image.value != first and app.figure.live.fig is figure
    line = app.figure.line
    np.testing.assert_array_equal(line.get_ydata(), np.minimum(line.get_xdata(), values["limit"]))
    draws = app.figure.live.full_draws
    app.controls["copay_total"].value = 780 * MAN  # same axes: no full redraw
    assert app.figure.live.full_draws == draws


def test_slider_app_says_unknown_instead_of_guessing(monkeypatch, tmp_path) -> None:
    text = ceiling.DATA_FILE.read_text(encoding="utf-8")
    row = "d1 = 810_000, d2_3 = 1_010_000, d4_5 = 1_520_000, d6_7 = 2_800_000"
    path = tmp_path / "c.toml"
    path.write_text(text.replace(row, row.replace("d4_5 = 1_520_000", 'd4_5 = "unknown"')))
    app = ceiling_app.CeilingApp(2019, 1, False, 770 * MAN, table=ceiling.load_table(path))
    picture = app.image.value
    app.controls["decile"].value = 4
    assert "모름" in app.readout.value and app.image.value == picture
