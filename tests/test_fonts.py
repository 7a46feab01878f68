"""Hangul renders on a machine with no Korean system font; the minus sign stays correct."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
from matplotlib.figure import Figure

from silson_tools.fonts import find_korean_font, use_korean_font


def test_font_file_ships_with_a_dependency():
    path = find_korean_font()
    assert path.is_file() and path.suffix == ".ttf"


def test_hangul_title_and_negative_tick_render_without_missing_glyphs(tmp_path):
    name = use_korean_font()
    assert mpl.rcParams["font.family"][0] == name
    assert mpl.rcParams["axes.unicode_minus"] is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        fig = Figure()
        ax = fig.subplots()
        ax.plot([-30_000, 0, 20_000])
        ax.set_title("보장 축소 구간: 최소공제·자기부담률·회당 한도")
        ax.set_xlabel("방문 횟수 n")
        fig.savefig(tmp_path / "hangul.png")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(label.startswith("\N{MINUS SIGN}") for label in labels)


def test_reapplies_after_rc_reset():
    use_korean_font()
    mpl.rcdefaults()
    assert mpl.rcParams["font.family"] == ["sans-serif"]
    name = use_korean_font()
    assert mpl.rcParams["font.family"][0] == name
