"""Make matplotlib draw Hangul on a machine with no Korean system font.

The font file comes from the PyPI package ``helper-plot-hangul`` (it ships
NanumGothic.ttf). We register the file by path with ``fontManager.addfont`` —
which works even when matplotlib's font cache predates the font — without
importing that package (its import prints a dependency report). Debian's
``fonts-nanum`` is used when present. DejaVu Sans stays second in the family list
because NanumGothic lacks U+2212 (the minus sign matplotlib uses on ticks).

matplotlib is imported only when a font is registered, so importing this module (or
``silson_tools``) does not load it.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

__all__ = ["find_korean_font", "use_korean_font"]

_SYSTEM_DIRS = ("/usr/share/fonts/truetype/nanum", "/usr/share/fonts/opentype/nanum")
_FILES = ("NanumGothic.ttf", "NanumBarunGothic.ttf")


def find_korean_font() -> Path:
    """Path of a NanumGothic font file: the one helper-plot-hangul ships, else the system's."""
    candidates: list[Path] = []
    spec = importlib.util.find_spec("helper_plot_hangul")  # locates without importing
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates += [Path(location) / "fonts" / name for name in _FILES]
    for directory in _SYSTEM_DIRS:
        candidates += [Path(directory) / name for name in _FILES]
    for path in candidates:
        if path.is_file():
            return path
    raise RuntimeError(
        "한글 글꼴을 찾지 못했습니다 (no Korean font found). "
        "Install the project (`make lab`), or `pip install helper-plot-hangul`, "
        "or `apt-get install fonts-nanum`."
    )


@cache
def _register() -> str:
    """Add the font file to matplotlib's font manager once; return the family name."""
    from matplotlib import font_manager

    path = find_korean_font()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_korean_font() -> str:
    """Register NanumGothic with matplotlib and make it the default family; return its name.

    Sets ``font.family = [NanumGothic, DejaVu Sans]`` and ``axes.unicode_minus = True``
    (DejaVu Sans supplies the proper minus sign). Safe to call many times, and again
    after ``plt.style.use`` or ``rcdefaults`` reset the rc parameters.
    """
    import matplotlib as mpl

    name = _register()
    mpl.rcParams["font.family"] = [name, "DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = True
    return name
