"""A figure kept between slider moves and sent to the page as image bytes (the slider apps).

Why: drawing a new matplotlib figure per slider move (and the inline backend's tight
bounding box, which draws it twice) took 100–300 ms. :class:`LiveFigure` keeps one figure;
what does not move (axes, ticks, grid, legend, reference lines) is rendered once per
*background key* and kept as a bitmap; an update restores that bitmap, draws only the
moving artists (blitting) and encodes the bitmap. A figure of panels side by side can keep
one background per panel (:meth:`LiveFigure.split_columns`): when one panel's axis range
changes, only that panel is drawn again (about a quarter to a half of a whole draw, which is
mostly text). The bitmap is rendered at ``scale`` ×
the CSS size so the picture stays sharp on a projector at 150% zoom; the image widget is
given the CSS size (no stretching). Encoding is JPEG at quality 90 without chroma
subsampling: at 1800×585 pixels it takes about 8 ms where PNG took 40 ms (measured in
``benchmarks/bench_slider.py``); at 1.5× the JPEG edges are not visible.

:func:`app_style` is the small stylesheet the apps carry: larger widget text and
readouts in Voilà (app mode, ``body[data-voila]``), slider values never clipped.
"""

from __future__ import annotations

import io
import itertools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

import ipywidgets as w
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..fonts import use_korean_font
from ..people import CSS as PEOPLE_CSS

__all__ = ["LiveFigure", "app_style", "figure_png", "image_widget", "live_html", "steady_top"]

BASE_DPI = 100
"""CSS pixels per figure inch."""


class LiveFigure:
    """One persistent Agg figure: cached static backgrounds (by key) + moving artists.

    Use: create artists on ``fig``; pass the moving ones to :meth:`moving` (they are then
    left out of the background); before each :meth:`render`, set everything (axis limits,
    static artists) that the background key stands for, then the moving artists' data.
    """

    def __init__(
        self, width: float, height: float, scale: float = 1.5, cache_size: int = 24
    ) -> None:
        use_korean_font()
        self.css_width = round(width * BASE_DPI)
        self.css_height = round(height * BASE_DPI)
        self.fig = Figure(figsize=(width, height), dpi=BASE_DPI * scale)
        self.canvas = FigureCanvasAgg(self.fig)
        self._moving: list[Artist] = []
        self._cache: OrderedDict[Hashable, object] = OrderedDict()
        self._cache_size = cache_size
        self._columns: list[tuple[Axes, tuple[int, int, int, int]]] = []
        self._base: list[object] = []
        self.full_draws = 0
        """How many times a background was drawn (the whole figure, or with
        :meth:`split_columns` one panel): a key that was not cached."""

    def moving(self, *artists: Artist) -> None:
        """Mark ``artists`` as moving: drawn on top of the background at every update."""
        for artist in artists:
            artist.set_animated(True)
            self._moving.append(artist)

    def replace_moving(
        self, old: Iterable[Artist], new: Iterable[Artist], under: bool = False
    ) -> list[Artist]:
        """Swap ``old`` moving artists for ``new`` ones, drawn at the same place in the order
        (with no ``old``: on top, or first of all when ``under``)."""
        old = list(old)
        at = min((self._moving.index(a) for a in old if a in self._moving), default=None)
        if at is None and under:
            at = 0
        for artist in old:
            if artist in self._moving:
                self._moving.remove(artist)
            artist.remove()
        added = list(new)
        for artist in added:
            artist.set_animated(True)
        if at is None:
            self._moving.extend(added)
        else:
            self._moving[at:at] = added
        return added

    def clear_backgrounds(self) -> None:
        """Forget every cached background (after a static artist changed without a new key)."""
        self._cache.clear()
        self._base = []

    def split_columns(self, *axes: Axes) -> None:
        """Keep one background per panel: ``axes`` side by side, left to right; then
        :meth:`render` takes one key per panel (a tuple, same order).

        The figure is cut into full-height columns, one per panel, at the middle of the
        space between one panel's drawn extent (tick labels, titles) and the next one's.
        What lies outside every panel (a figure legend) must not change or overlap a panel,
        and a panel's tick labels should not grow past the cut later (leave some space).
        """
        self.canvas.draw()
        renderer = self.canvas.get_renderer()
        boxes = [ax.get_tightbbox(renderer) for ax in axes]
        cuts = [0]
        for left, right in itertools.pairwise(boxes):
            if left.x1 > right.x0:
                raise ValueError("split_columns: panels overlap horizontally")
            cuts.append(round((left.x1 + right.x0) / 2))
        width, height = self.canvas.get_width_height(physical=True)
        cuts.append(width)
        self._columns = [
            (ax, (x0, 0, x1, height)) for ax, x0, x1 in zip(axes, cuts, cuts[1:], strict=False)
        ]
        self.clear_backgrounds()

    image_format = "jpeg"
    """What :meth:`render` returns (the Image widget's ``format``)."""

    def _background(self, key: Hashable, draw: Callable[[], object]) -> None:
        """Restore the cached bitmap for ``key``, or ``draw()`` it and keep it."""
        background = self._cache.get(key)
        if background is None:
            background = draw()
            self.full_draws += 1
            self._cache[key] = background
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
            self.canvas.restore_region(background)

    def _draw_whole(self) -> object:
        self.canvas.draw()
        return self.canvas.copy_from_bbox(self.fig.bbox)

    def _draw_base(self) -> list[object]:
        """The figure without its panels (figure legend, background), one bitmap per column."""
        for ax, _ in self._columns:
            ax.set_visible(False)
        try:
            self.canvas.draw()
        finally:
            for ax, _ in self._columns:
                ax.set_visible(True)
        return [self.canvas.copy_from_bbox(box) for _, box in self._columns]

    def _draw_column(self, i: int) -> object:
        ax, box = self._columns[i]
        self.canvas.restore_region(self._base[i])
        self.fig.draw_artist(ax)  # the panel without its moving (animated) artists
        return self.canvas.copy_from_bbox(box)

    def render(self, key: Hashable) -> bytes:
        """Image bytes of the figure (:attr:`image_format`): the background for ``key`` plus
        the moving artists (after :meth:`split_columns`: ``key`` is one key per panel)."""
        if not self._columns:
            self._background(key, self._draw_whole)
        else:
            if not self._base:
                self._base = self._draw_base()
            if not isinstance(key, tuple) or len(key) != len(self._columns):
                raise ValueError(f"render: {len(self._columns)} panel keys expected, got {key!r}")
            for i, part in enumerate(key):
                self._background((i, part), lambda i=i: self._draw_column(i))
        for artist in self._moving:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        width, height = self.canvas.get_width_height(physical=True)
        # RGBX: the alpha byte is ignored, so the JPEG encoder takes the buffer as it is
        image = PIL.Image.frombuffer(
            "RGBX", (width, height), self.canvas.buffer_rgba(), "raw", "RGBX", 0, 1
        )
        buf = io.BytesIO()
        image.save(buf, format="jpeg", quality=90, subsampling=0)
        return buf.getvalue()


def steady_top(previous: float | None, wanted: float, keep: float = 0.4) -> float:
    """An axis top that does not jump at every step: keep ``previous`` while ``wanted`` fits
    under it and is more than ``keep`` × it; else ``wanted`` (a new background).

    Each change of an axis means one full redraw (about 100 ms); a slider stepping through
    values that all fit the current axis then costs only the blitted update.
    """
    if previous is not None and keep * previous < wanted <= previous:
        return previous
    return wanted


def image_widget(live: LiveFigure, css_class: str = "silson-plot") -> w.Image:
    """An Image widget shown at the figure's CSS size (never wider than the page)."""
    image = w.Image(
        format=live.image_format,
        layout=w.Layout(width=f"{live.css_width}px", max_width="100%", height="auto"),
    )
    image.add_class(css_class)
    return image


def figure_png(fig: Figure, scale: float = 1.5) -> object:
    """A static figure as a PNG for the page, rendered at ``scale`` × and shown at CSS size.

    (An IPython ``Image``; a bare :class:`~matplotlib.figure.Figure` shows as text when
    pyplot was never imported.)
    """
    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=BASE_DPI * scale)
    return Image(buf.getvalue(), width=round(fig.get_figwidth() * BASE_DPI))


_STYLE = """
<style>
.silson-app .widget-readout { min-width: 7.5em; overflow: visible; }
.silson-app .widget-slider .widget-readout { text-overflow: clip; }
.silson-app .silson-readout table { border-collapse: collapse; }
.silson-app .silson-readout td, .silson-app .silson-readout th { padding: 2px 6px; }
body[data-voila] .silson-app { --jp-widgets-font-size: 17px; font-size: 18px; }
body[data-voila] .silson-app .widget-label, body[data-voila] .silson-app .widget-readout,
body[data-voila] .silson-app .widget-toggle-button, body[data-voila] .silson-app select,
body[data-voila] .silson-app .widget-checkbox label,
body[data-voila] .silson-app .widget-html-content { font-size: 18px; }
body[data-voila] .silson-app .widget-inline-hbox { min-height: 34px; }
body[data-voila] .silson-app .silson-readout { font-size: 18px; }
</style>
"""


def app_style() -> w.HTML:
    """The apps' stylesheet as an (invisible) HTML widget: put it inside the app's box.
    It carries the people tables' stylesheet too (see :func:`live_html`)."""
    return w.HTML(PEOPLE_CSS + _STYLE, layout=w.Layout(display="none"))


def live_html(html: str) -> str:
    """HTML for a widget that changes at every slider move, without the people tables'
    stylesheet (:func:`app_style` carries it once): a new ``<style>`` element at every
    update makes the browser recompute the style of the whole page."""
    return html.replace(PEOPLE_CSS, "", 1)
