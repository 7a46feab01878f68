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

from silson_tools.ceiling import CeilingSpec
from silson_tools.teaching import ceiling_app

MAN = 10_000
KNOWN_YEARS = list(range(2014, 2027))


def test_readout_for_the_nhis_example() -> None:
    values = ceiling_app.readout(2023, 4, True, 770 * MAN)
    assert values["limit"] == 227 * MAN and values["refund"] == 543 * MAN
    assert values["burden"] == 227 * MAN
    assert values["refund_month"] == "2024-08"
    assert values["prepaid_applies"] is False and values["prepaid_threshold"] == 780 * MAN
    assert "2,270,000원" in ceiling_app.readout_html(values)
    merged = ceiling_app.readout(2021, 9, True, 500 * MAN)
    assert merged["merged"] and merged["limit"] == 433 * MAN


def test_limits_table_and_status_cover_every_row() -> None:
    table = ceiling_app.limits_table()
    assert len(table) == 2 * len(KNOWN_YEARS)
    row = table[(table["year"] == 2023) & (table["kind"] == "long_stay")].iloc[0]
    assert row["4~5분위"] == 227 * MAN
    assert table[(table["year"] == 2019)]["1분위"].isna().all()
    status = ceiling_app.table_status().set_index(["year", "kind"])
    assert status.loc[(2022, "long_stay"), "merged"] == "6~7분위, 8분위, 9분위, 10분위"
    assert status.loc[(2019, "normal"), "known"] == 0


def test_plot_burden_kinks_at_the_ceiling() -> None:
    fig = ceiling_app.plot_burden(2023, 1, False, 550 * MAN)
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("최종 본인부담")]
    x, y = line.get_xdata(), line.get_ydata()
    np.testing.assert_array_equal(y, np.minimum(x, 87 * MAN))
    assert y.max() == 87 * MAN and x.max() > 87 * MAN


def test_show_returns_none_and_reports_unknown_cells(monkeypatch) -> None:
    shown: list = []
    monkeypatch.setattr(ceiling_app, "display", shown.append)
    assert ceiling_app.show(2023, 4, True, 770 * MAN) is None
    assert "5,430,000원" in shown[0].data and len(shown) == 2  # readout and figure
    shown.clear()
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
