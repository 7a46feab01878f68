"""Hangul renders with the font the package ships, on a matplotlib that sees no Korean font.

The shipped file is a renamed subset of NanumGothic under the SIL OFL (licence beside it);
the subset must still draw every character the package puts into a chart, with DejaVu Sans
(matplotlib's own font) as the fallback for what it lacks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure

from silson_tools.fonts import find_korean_font, use_korean_font

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "silson_tools"

# A fresh interpreter whose matplotlib knows only its bundled fonts (DejaVu etc.): every
# system font, Korean or not, is removed from the font manager before anything is drawn.
NO_SYSTEM_FONTS = """
import json, warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure
bundled = mpl.get_data_path()
fm = font_manager.fontManager
fm.ttflist = [f for f in fm.ttflist if f.fname.startswith(bundled)]
fm.afmlist = [f for f in fm.afmlist if f.fname.startswith(bundled)]
fm._findfont_cached.cache_clear()
before = font_manager.findfont("NanumGothic", fallback_to_default=True)
from silson_tools import use_korean_font
name = use_korean_font()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig = Figure()
    ax = fig.subplots()
    ax.plot([-30_000, 0, 20_000])
    ax.set_title("보장 축소 구간: 최소공제·자기부담률·회당 한도 ₩1,000 → 「통원」 ①")
    fig.savefig(__import__("io").BytesIO(), format="png")
print(json.dumps({
    "name": name,
    "before": before,
    "hangul_font": font_manager.findfont(name),
    "warnings": [str(w.message) for w in caught],
    "fonts": sorted({f.fname for f in fm.ttflist if not f.fname.startswith(bundled)}),
}))
"""


def test_font_file_ships_inside_the_package_with_its_licence():
    path = find_korean_font()
    assert path.is_file() and path.suffix == ".ttf"
    assert path.parent == PACKAGE / "data" / "fonts"
    licence = (path.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence and "NAVER Corporation" in licence
    assert path.stat().st_size < 2_000_000


def test_shipped_font_does_not_use_the_reserved_font_name():
    """OFL §3: a subset is a Modified Version and may not be called NanumGothic / 나눔고딕."""
    names = TTFont(find_korean_font())["name"]
    for record in names.names:
        if record.nameID in (1, 4, 6, 16):  # family, full name, PostScript, typographic family
            text = record.toUnicode()
            assert "nanum" not in text.lower() and "나눔" not in text, text


def test_hangul_renders_when_matplotlib_sees_no_system_font():
    done = subprocess.run(
        [sys.executable, "-c", NO_SYSTEM_FONTS],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert "DejaVuSans" in Path(seen["before"]).name  # no Korean font before registering
    assert Path(seen["hangul_font"]) == find_korean_font()
    assert seen["fonts"] == [str(find_korean_font())]
    assert seen["warnings"] == []


def _chart_characters() -> set[str]:
    """Every non-ASCII character in the package's Python and TOML text (labels, titles...)."""
    chars: set[str] = set()
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.toml")]:
        chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7E}
    return chars


def test_subset_and_dejavu_cover_every_character_the_package_writes():
    shipped = TTFont(find_korean_font()).getBestCmap()
    dejavu = TTFont(font_manager.findfont("DejaVu Sans")).getBestCmap()
    hangul = {chr(c) for c in range(0xAC00, 0xD7A4)}
    assert hangul <= {chr(c) for c in shipped}
    missing = sorted(c for c in _chart_characters() if ord(c) not in shipped | dejavu.keys())
    # Hanja (e.g. 舊 in a docstring) is not drawn in charts; anything else must be covered
    assert [c for c in missing if not 0x4E00 <= ord(c) <= 0x9FFF] == []


def test_hangul_title_and_negative_tick_render_without_missing_glyphs(tmp_path):
    name = use_korean_font()
    assert name == "Silson Gothic"
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
