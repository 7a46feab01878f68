"""Make matplotlib draw Hangul on a machine with no Korean system font.

The package ships its own font: ``silson_tools/data/fonts/SilsonGothic-Regular.ttf``, a
subset of NanumGothic (Hangul syllables, Jamo, ASCII, Latin-1, punctuation; about 1.4 MB),
renamed "Silson Gothic" as its SIL Open Font License requires of a modified version
(``OFL.txt`` beside it; ``scripts/font_subset.py`` makes it). We register the file by path
with ``fontManager.addfont`` — which works even when matplotlib's font cache predates the
font — so no system font or font package is needed. DejaVu Sans stays second in the family
list for what the subset lacks, such as U+2212 (the minus sign matplotlib uses on ticks).

matplotlib is imported only when a font is registered, so importing this module (or
``silson_tools``) does not load it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["find_korean_font", "use_korean_font"]

FONT_FILE = "SilsonGothic-Regular.ttf"


def find_korean_font() -> Path:
    """Path of the Hangul font file shipped inside the package (data/fonts)."""
    path = Path(str(resources.files("silson_tools") / "data" / "fonts" / FONT_FILE))
    if not path.is_file():
        raise RuntimeError(
            f"한글 글꼴 파일이 없습니다 (missing {path}): the installation is incomplete; "
            "reinstall silson_tools (`make lab`, or `pip install --force-reinstall silson_tools`)."
        )
    return path


@cache
def _register() -> str:
    """Add the font file to matplotlib's font manager once; return the family name."""
    from matplotlib import font_manager

    path = find_korean_font()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_korean_font() -> str:
    """Register the shipped Hangul font with matplotlib as the default family; return its name.

    Sets ``font.family = [Silson Gothic, DejaVu Sans]`` and ``axes.unicode_minus = True``
    (DejaVu Sans supplies the proper minus sign). Safe to call many times, and again
    after ``plt.style.use`` or ``rcdefaults`` reset the rc parameters.
    """
    import matplotlib as mpl

    name = _register()
    mpl.rcParams["font.family"] = [name, "DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = True
    return name
