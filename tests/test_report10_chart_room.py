"""The report's bar charts (notebook 03's "어디서 줄었나" and "같은 영수증, 다른 세대") keep the
longest bar and the 보험금 % label at its end inside the axes, in the rendered picture: before,
a zero-width segment at the longest bar's end pinned the x range to it (no margin)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from silson_tools import read_receipts
from silson_tools.report import build_report
from silson_tools.report.charts import figure_png, plot_policies, plot_zones, report_figures
from silson_tools.report.summary import TOTAL_ROW, ZONE_AMOUNTS

SAMPLE_RECEIPTS = Path(__file__).resolve().parents[1] / "data" / "samples" / "receipts.csv"


def _inside(fig: Figure, dpi: float = 110) -> list[Annotation]:
    """Render as ``figure_png`` does and check every bar end and bar label against the axes'
    box; returns the labels."""
    fig.set_dpi(dpi)
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    box = ax.get_window_extent()
    labels = [t for t in ax.texts if isinstance(t, Annotation)]
    ends = [p.get_x() + p.get_width() for p in ax.patches]
    assert max(ends) < ax.get_xlim()[1]  # the longest bar does not touch the edge
    for label in labels:
        ext = label.get_window_extent()
        assert box.x0 <= ext.x0 and ext.x1 <= box.x1 - 2, (label.get_text(), ext, box)
        assert box.y0 <= ext.y0 and ext.y1 <= box.y1
    return labels


def _summary(claims: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    """A year_summary-like table: payout, then every zone's take per person, and the total."""
    rows = {}
    for name, (payout, *zones) in claims.items():
        taken = dict(zip(ZONE_AMOUNTS, [*zones, *[0] * len(ZONE_AMOUNTS)], strict=False))
        claim = payout + sum(taken.values())
        rows[name] = {"lines": 1, "claim": claim, "payout": payout, "self_pay": claim - payout,
                      "payout_pct": round(100 * payout / claim, 1) if claim else 0.0, **taken,
                      "selfpay_cap_refund": 0}  # fmt: skip
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.loc[TOTAL_ROW] = frame.sum()
    return frame


def test_notebook_03_sample_charts() -> None:
    rep = build_report(read_receipts(SAMPLE_RECEIPTS), "gen4", "2023-03-01")
    for key in ("zones", "generations"):
        labels = _inside(rep.figures[key])
        assert labels and all(t.get_text().startswith("보험금 ") for t in labels)
    pct = rep.summary.drop(index=TOTAL_ROW)["payout_pct"]
    shown = {t.get_text() for t in rep.figures["zones"].axes[0].texts}
    assert shown == {f"보험금 {p:.1f}%" for p in pct}


@pytest.mark.parametrize(
    "claims",
    [
        # the longest bar ends in a zone other people have and it has not (a zero-width bar)
        {"가": (5_520_000, 0, 380_000, 2_000_000), "나": (4_000_000, 0, 0, 0, 0, 0, 0, 30_000)},
        {"한 사람": (0, 1_234_567_890)},  # 0% paid, 12억: a long tick range
        {f"사람{i}": (i * 1_000, 99_000 * (i % 3)) for i in range(25)},  # others row
        {"혼자": (100, 0)},  # 100.0%, tiny
    ],
)
def test_zones_labels_fit(claims: dict[str, tuple[int, ...]]) -> None:
    _inside(plot_zones(_summary(claims)), dpi=110)
    _inside(plot_zones(_summary(claims)), dpi=220)  # notebook's sharp figures


def test_generations_with_long_labels_fit() -> None:
    names = ["gen1", "gen2", "custom"]
    long = "아주 긴 이름의 사용자 규칙 파일 상품 (custom rule file, 2009.10–2017.3)"
    zones = {z: [0, 0, 0] for z in ZONE_AMOUNTS}
    zones["rate"][1], zones["excluded"][2] = 3_000_000, 6_666_667
    comparison = pd.DataFrame(
        {
            "label": ["1세대", "2세대", long],
            "claim": [10_000_000] * 3,
            "payout": [10_000_000, 7_000_000, 3_333_333],
            "self_pay": [0, 3_000_000, 6_666_667],
            "payout_pct": [100.0, 70.0, 33.3],
            **zones,
        },
        index=pd.Index(names, name="policy"),
    )
    labels = _inside(plot_policies(comparison, "gen2"))
    assert [t.get_text() for t in labels] == ["보험금 100.0%", "보험금 70.0%", "보험금 33.3%"]


def test_the_png_has_the_label_pixels_inside() -> None:
    """The saved PNG (what report.md shows): the right border column of the axes frame is
    drawn, i.e. the longest bar does not cover it (it did when the bar reached the edge)."""
    from PIL import Image

    rep = build_report(read_receipts(SAMPLE_RECEIPTS), "gen4", "2023-03-01", charts=False)
    fig = report_figures(rep)["zones"]
    image = np.asarray(Image.open(io.BytesIO(figure_png(fig))).convert("RGB")).astype(int)
    fig.set_dpi(110)  # figure_png's
    FigureCanvasAgg(fig).draw()
    box = fig.axes[0].get_window_extent()
    height = image.shape[0]
    right = round(box.x1) - 1
    column = image[int(height - box.y1) + 2 : int(height - box.y0) - 2, right - 3 : right - 1]
    orange = np.array([255, 127, 14])  # the 자기부담률 colour ends the longest bar (영숙)
    assert not (np.abs(column - orange).sum(axis=-1) < 40).any()
