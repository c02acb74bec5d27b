"""Inline SVG figures drawn at build time, legible in light and dark mode.

Figures use matplotlib's object API (no pyplot, so no global figure state
leaks between blocks). `to_svg` renders a figure with a transparent
background and turns pure black into ``currentColor``, so axes, ticks and
labels take the page's text colour in both themes.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Callable

import matplotlib
from matplotlib.figure import Figure

#: Colours readable on both the light and the dark theme (Okabe-Ito palette).
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442")

_STYLE = {
    "svg.fonttype": "none",  # keep text as text: smaller files, searchable labels
    "svg.hashsalt": "layerref",  # stable ids, so two builds give identical HTML
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.color": "#000000",
    "font.size": 9,
    "font.family": "sans-serif",
    "lines.linewidth": 1.8,
    "legend.frameon": False,  # a white legend box would hide light text in dark mode
}


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width: float = 6.0, height: float = 3.0, **subplot_kw: object
) -> tuple[Figure, object]:
    """Create a figure and its axes in the site's style.

    Args:
        nrows: Rows of subplots.
        ncols: Columns of subplots.
        width: Width in inches.
        height: Height in inches.
        **subplot_kw: Passed to ``Figure.subplots`` (e.g. ``sharey=True``).

    Returns:
        ``(figure, axes)``, as ``Figure.subplots`` returns them.

    Examples:
        >>> fig, ax = new_figure()
        >>> _ = ax.plot([0, 1], [0, 1])
        >>> to_svg(fig, "a line").startswith('<figure class="layerref-figure">')
        True
    """
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def to_svg(fig: Figure, alt: str, caption: str | None = None) -> str:
    """Render ``fig`` as an inline, accessible SVG inside a ``<figure>``.

    Args:
        fig: The figure to render.
        alt: A text description of the figure for screen readers.
        caption: Visible caption; defaults to ``alt``.

    Returns:
        HTML to print from a block with ``html="1"``.
    """
    for axes in fig.axes:  # a legend made outside new_figure's style: no white box either
        if axes.get_legend() is not None:
            axes.get_legend().set_frame_on(False)
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype
    svg = re.sub(r"#000000\b|\bblack\b", "currentColor", svg)
    # matplotlib repeats its whole fallback font list on every label; the page's font will do.
    svg = re.sub(r"font-family: [^;\"]+", "font-family: sans-serif", svg)
    # Text that matplotlib leaves without a fill (tick labels) would be black in dark mode.
    svg = svg.replace(
        "<svg ",
        f'<svg class="layerref-figure" role="img" aria-label="{html.escape(alt)}" '
        'fill="currentColor" ',
        1,
    )
    # Drop newlines between tags: Markdown would otherwise see blank lines as paragraph breaks.
    svg = re.sub(r">\s+<", "><", svg)
    text = html.escape(caption if caption is not None else alt)
    return f'<figure class="layerref-figure">{svg}<figcaption>{text}</figcaption></figure>'


#: The page's text colour in the light and the dark theme (Material's default and slate
#: schemes), which ``currentColor`` took when a figure was inline.
THEME_TEXT_COLORS = {"light": "rgba(0, 0, 0, 0.87)", "dark": "rgba(226, 228, 233, 0.82)"}
_INLINE_FIGURE = re.compile(r'<svg class="layerref-figure"[^>]*>.*?</svg>', re.S)
_POINTS = re.compile(r'\b(width|height)="([\d.]+)pt"')


def externalize(page_html: str, save: Callable[[str, str], str]) -> str:
    """Replace each inline figure of a page by lazily loaded images, one per theme.

    A figure inline in the HTML costs the browser hundreds of elements to style and lay
    out before the page settles, even far below the fold; as an ``<img loading="lazy">``
    it costs one element and loads when the reader gets near it. An image cannot take
    the page's text colour, so each figure becomes two files, its ``currentColor`` set
    to the light or the dark theme's text colour, shown by Material's ``#only-light`` /
    ``#only-dark`` rule for the scheme the reader chose.

    Args:
        page_html: A built page.
        save: ``save(file_name, svg)`` stores a figure file and returns its URL relative
            to the page. File names are content hashes, so equal builds give equal files.

    Returns:
        The page with ``<img>`` elements in place of its inline figures.

    Examples:
        >>> saved = {}
        >>> page = ('<svg class="layerref-figure" role="img" aria-label="A line" '
        ...         'width="432pt" height="216pt"><path stroke="currentColor"/></svg>')
        >>> out = externalize(page, lambda name, svg: saved.setdefault(name, svg) and name)
        >>> re.findall(r'<img class="layerref-figure" src="\\w{16}-(\\w+).svg#only-(\\w+)" '
        ...            r'alt="A line" width="576" height="288" loading="lazy"', out)
        [('light', 'light'), ('dark', 'dark')]
        >>> [svg.count("rgba(0, 0, 0, 0.87)") for svg in saved.values()]
        [1, 0]
    """

    def replace(match: re.Match[str]) -> str:
        svg = match[0]
        alt = re.search(r'aria-label="([^"]*)"', svg)
        size = {key: round(float(value) * 4 / 3) for key, value in _POINTS.findall(svg[:500])}
        images = []
        for theme, color in THEME_TEXT_COLORS.items():
            # A standalone SVG file needs its namespace (the inline one had it too).
            themed = svg.replace("currentColor", color)
            name = f"{hashlib.sha256(themed.encode()).hexdigest()[:16]}-{theme}.svg"
            url = save(name, themed)
            images.append(
                f'<img class="layerref-figure" src="{url}#only-{theme}" '
                f'alt="{alt[1] if alt else ""}" width="{size.get("width", "")}" '
                f'height="{size.get("height", "")}" loading="lazy" decoding="async">'
            )
        return "".join(images)

    return _INLINE_FIGURE.sub(replace, page_html)
