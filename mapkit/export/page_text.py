"""Text on static pages: wrapping to a width, line heights, a stack of rows placed downwards (legends, notes),
and table rows whose text is fitted to a cell's width in the export font (the briefing pack, scorecard pages).

Sizes are in points for text and inches for positions, so they stay in proportion on every page size.
"""

from __future__ import annotations

import dataclasses
import textwrap

from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from mapkit.export import cartography as carto

FONT_FAMILY = "DejaVu Sans"
"""The export font, bundled with matplotlib: the same layout on every machine."""
GREY_TEXT = "#444444"
CHAR_WIDTH = 0.56
"""Average character width of the sans-serif font as a share of its size, for wrapping text to a width."""
BOLD_CHAR_WIDTH = 0.6
"""The same for bold text (DejaVu Sans Bold: 0.59 measured on a long title), so bold titles wrap before the edge."""


@dataclasses.dataclass(frozen=True)
class Sizes:
    """Font sizes (points) and swatch geometry (inches)."""

    heading: float = 10.0
    row: float = 8.0
    note: float = 7.0
    swatch_w: float = 0.34
    swatch_h: float = 0.16
    row_h: float = 0.215
    gap: float = 0.1


SIZES = Sizes()
COMPACT = Sizes(heading=9.0, row=7.2, note=6.3, swatch_w=0.3, swatch_h=0.13, row_h=0.172, gap=0.06)
"""Used when the legend does not fit at :data:`SIZES` (many classes and overlays on a short page)."""


def wrap(text: str, width_in: float, fontsize: float, *, bold: bool = False) -> list[str]:
    """``text`` wrapped to lines about ``width_in`` inches long at ``fontsize`` (``bold``: in bold type)."""
    chars = max(12, int(width_in * 72 / (fontsize * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH))))
    return textwrap.wrap(text, chars) or [""]


def line_height(fontsize: float, spacing: float = 1.3) -> float:
    return fontsize * spacing / 72


class Stack:
    """Rows placed from the top of a panel downwards; ``y`` is the next free position in inches."""

    def __init__(self, ax: Axes, width: float, height: float) -> None:
        self.ax, self.width, self.height, self.y = ax, width, height, 0.0
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_axis_off()

    def text(self, text: str, *, fontsize: float, x: float = 0.0, colour: str = carto.INK,
             weight: str = "normal", style: str = "normal") -> None:
        for line in wrap(text, self.width - x, fontsize):
            self.ax.text(x, self.y, line, fontsize=fontsize, color=colour, fontweight=weight, fontstyle=style,
                         va="top", ha="left")
            self.y += line_height(fontsize)

    def skip(self, inches: float) -> None:
        self.y += inches


ROW_HEIGHT = 0.215
"""Height of a table row, in inches."""
STRIPE = "#f2f2f2"
"""Fill of every other row."""


def text_width(text: str, fontsize: float) -> float:
    """Width of ``text`` in inches in the export font at ``fontsize``."""
    prop = FontProperties(family=FONT_FAMILY, size=fontsize)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0] / 72


def fit_text(text: str, width: float, fontsize: float, *, smallest: float | None = None) -> tuple[str, float]:
    """``text`` and a font size that fit ``width`` inches: a smaller size down to ``smallest`` first, then an
    ellipsis (long ward names keep their words where they can)."""
    sizes = [fontsize]
    while smallest is not None and sizes[-1] - 0.5 >= smallest:
        sizes.append(sizes[-1] - 0.5)
    for size in sizes:
        if text_width(text, size) <= width:
            return text, size
    size = sizes[-1]
    # The longest prefix that fits with an ellipsis, by bisection (a character at a time took seconds per page).
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle] + "…", size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…", size
