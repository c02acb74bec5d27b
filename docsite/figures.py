"""Inline SVG figures drawn at build time, legible in light and dark mode.

Figures use matplotlib's object API (no pyplot, so no global figure state
leaks between blocks). `to_svg` renders a figure with a transparent
background and turns pure black into ``currentColor``, so axes, ticks and
labels take the page's text colour in both themes.
"""

from __future__ import annotations

import html
import io
import re

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
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype
    svg = re.sub(r"#000000\b|\bblack\b", "currentColor", svg)
    # matplotlib repeats its whole fallback font list on every label; the page's font will do.
    svg = re.sub(r"font-family: [^;\"]+", "font-family: sans-serif", svg)
    svg = svg.replace(
        "<svg ", f'<svg class="layerref-figure" role="img" aria-label="{html.escape(alt)}" ', 1
    )
    # Drop newlines between tags: Markdown would otherwise see blank lines as paragraph breaks.
    svg = re.sub(r">\s+<", "><", svg)
    text = html.escape(caption if caption is not None else alt)
    return f'<figure class="layerref-figure">{svg}<figcaption>{text}</figcaption></figure>'
