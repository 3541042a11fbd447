"""The book's single plotting style: one call at the top of a chapter,
``use_book_style()``."""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

#: Okabe & Ito's colour-blind-safe palette (black moved last), in the order the chapters
#: use it.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Colours in cycle order, for code that wants the n-th colour: ``COLORS[i]``.
COLORS: list[str] = list(PALETTE.values())

_RC = {
    "axes.prop_cycle": cycler(color=COLORS),
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 150,  # sharp on high-density screens (tests/test_rules.py)
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    # Deterministic SVG ids, so an SVG saved twice is byte-identical.
    "svg.hashsalt": "dsinterview",
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (palette, sizes, layout) to every figure that
    follows."""
    mpl.rcParams.update(_RC)
