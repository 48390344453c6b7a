"""How a bivariate map's thirds and cells read: "more deprived", "slower growth", "more deprived, slower growth".

The words come from each measure's declaration: its source (the Indices of Deprivation read as deprivation), its
unit (a percent change reads as growth) and its ``higher_is`` flag (said after the arrow: better or worse). Cells
are named low to high by *value*, as they are classed: the first third holds the lowest values, whatever is better.
"""

from __future__ import annotations

import dataclasses
import re

from mapkit.specs.bivariate import TERTILES
from mapkit.specs.registry import IndicatorSpec

DEPRIVATION_PREFIX = "iod"
"""Sources whose keys start so are the Indices of Deprivation (``iod2019``, ``iod2025``)."""
ARROW_X, ARROW_Y = "\u2192", "\u2191"


@dataclasses.dataclass(frozen=True)
class AxisWords:
    """How the lowest, middle and highest third of one measure read inside a sentence, and its direction."""

    low: str
    middle: str
    high: str
    direction: str
    """What higher values mean, for the legend's arrow: "more deprived", "faster growth", "higher ... (better)"."""

    def third(self, n: int) -> str:
        """The words for third ``n`` (1-3)."""
        return (self.low, self.middle, self.high)[n - 1]


def short_label(spec: IndicatorSpec) -> str:
    """The label without its trailing period or bracketed unit, in a sentence: "IMD: change in national position"."""
    label = re.sub(r"\s*\([^()]*\)", "", spec.label)
    label = re.sub(r",\s*\d{4}\s+to\s+\d{4}$", "", label).strip()
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def axis_words(spec: IndicatorSpec) -> AxisWords:
    """The words of one measure's thirds, from its declaration (or, for a year or change, the spec as shown)."""
    deprivation = spec.source.startswith(DEPRIVATION_PREFIX)
    if deprivation and spec.higher_is == "worse" and spec.unit_kind != "change":
        return AxisWords("less deprived", "middling deprivation", "more deprived", "more deprived")
    if spec.unit == "% change":
        return AxisWords("slower growth", "middling growth", "faster growth", "faster growth")
    noun = short_label(spec)
    verdict = {"better": " (better)", "worse": " (worse)"}.get(spec.higher_is, "")
    return AxisWords(f"lower {noun}", f"middling {noun}", f"higher {noun}", f"higher {noun}{verdict}")


def cell_name(x_words: AxisWords, y_words: AxisWords, x: int, y: int) -> str:
    """A cell in words: "more deprived, slower growth" (x third first)."""
    return f"{x_words.third(x)}, {y_words.third(y)}"


def cell_names(x_words: AxisWords, y_words: AxisWords) -> tuple[str, ...]:
    """The nine cells' names in class order (:func:`mapkit.specs.bivariate.cell_index`)."""
    return tuple(cell_name(x_words, y_words, x, y) for y in range(1, TERTILES + 1) for x in range(1, TERTILES + 1))


def cell_code(x: int, y: int) -> str:
    """A cell as the command line and tables write it: ``"3-1"`` (x third, then y third; 1 = lowest values)."""
    return f"{x}-{y}"
