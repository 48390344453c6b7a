"""Bivariate maps: the 3 x 3 palette and the pair of measures each level opens with.

A bivariate map crosses two measures of the same areas, each cut into thirds (tertiles), into nine cells; the
cell ``(x, y)`` (each 1-3, 1 = the lowest third of that measure's values) takes one of nine colours. The palette is
Joshua Stevens' blue-red scheme, published with his guide "Bivariate Choropleth Maps: A How-to Guide" (2015,
https://www.joshuastevens.net/cartography/make-a-bivariate-choropleth-map/): the first measure runs from light
grey to red along the x axis, the second from light grey to blue up the y axis, and both high is dark
plum-brown. Its nine colours stay apart under simulated protanopia, deuteranopia and tritanopia (smallest
CAM02-UCS difference 7.8 under protanopia, between the two strongest reds; tests/unit/specs/test_bivariate_palette.py
measures it with ``colorspacious``). Areas without both figures take every map's "no data" style: grey with a dashed
outline (hatched on static maps), which no cell uses.
"""

from __future__ import annotations

import dataclasses

from mapkit.errors import SpecError
from mapkit.specs.palettes import NO_DATA, NoDataStyle

TERTILES = 3
"""Classes per measure: thirds."""


@dataclasses.dataclass(frozen=True)
class BivariatePalette:
    """Nine colours of a 3 x 3 bivariate map, and where they were published.

    Parameters
    ----------
    name, label
        Key and what a picker shows.
    colours
        Row by row from the bottom: ``colours[(y - 1) * 3 + (x - 1)]`` is the cell of x-third ``x`` and y-third
        ``y`` (each 1-3), so ``colours[0]`` is low-low and ``colours[8]`` high-high.
    source
        The publication the colours are copied from, as cited on screen and in exports.
    """

    name: str
    label: str
    colours: tuple[str, ...]
    source: str
    no_data: NoDataStyle = NO_DATA

    def __post_init__(self) -> None:
        if len(self.colours) != TERTILES * TERTILES or len(set(c.lower() for c in self.colours)) != len(self.colours):
            raise SpecError(f"Bivariate palette {self.name!r}: give nine different colours.")

    def colour(self, x: int, y: int) -> str:
        """The colour of cell ``(x, y)``, each 1-3."""
        return self.colours[cell_index(x, y)]


def cell_index(x: int, y: int) -> int:
    """Position of cell ``(x, y)`` (each 1-3) in a palette's colours and in a map's classes: 0-8."""
    if not (1 <= x <= TERTILES and 1 <= y <= TERTILES):
        raise ValueError(f"Cell ({x}, {y}): both thirds run from 1 to {TERTILES}.")
    return (y - 1) * TERTILES + (x - 1)


def ink_on(colour: str) -> str:
    """Black or white text, whichever contrasts more with ``colour`` (``#rrggbb``; WCAG relative luminance)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1a1a1a" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def cell_of(index: int) -> tuple[int, int]:
    """The ``(x, y)`` thirds of a class index 0-8 (the inverse of :func:`cell_index`)."""
    return index % TERTILES + 1, index // TERTILES + 1


STEVENS_BLUE_RED = BivariatePalette(
    name="stevens_blue_red",
    label="Blue-red (Joshua Stevens)",
    colours=("#e8e8e8", "#e4acac", "#c85a5a",
             "#b0d5df", "#ad9ea5", "#985356",
             "#64acbe", "#627f8c", "#574249"),
    source="Colours: Joshua Stevens' blue-red bivariate scheme (Bivariate Choropleth Maps: A How-to Guide, 2015)",
)
BIVARIATE_PALETTE = STEVENS_BLUE_RED
"""The palette every bivariate map uses: one scheme, so a cell reads the same on every map and export."""


@dataclasses.dataclass(frozen=True)
class Pair:
    """The pair of measures a level's bivariate map opens with, and why.

    ``versus_change`` is the period of the second measure's ONS series when it is a change (``None``: its own
    figures)."""

    level: str
    indicator: str
    versus: str
    reason: str
    versus_change: tuple[int, int] | None = None


DEFAULT_PAIRS: dict[str, Pair] = {pair.level: pair for pair in (
    Pair("lad", "imd_score", "gva_per_hour", versus_change=(2013, 2023),
         reason="Is growth reaching the places that need it? The IMD average score is MHCLG's headline measure of "
                "a district's deprivation, and the change in GVA per hour worked over the ten years ONS publishes "
                "to 2023 is its measure of productivity growth."),
    Pair("ca", "imd_score", "gva_per_hour", versus_change=(2013, 2023),
         reason="As for districts: deprivation (IMD average score) against productivity growth (GVA per hour "
                "worked, 2013 to 2023)."),
    Pair("ward", "imd_score", "employment_rate_16plus",
         reason="No growth series is published for wards; the Census 2021 share of residents aged 16+ in "
                "employment says how far people in the ward are in work (its base includes retired residents, so "
                "older wards read lower)."),
    Pair("lsoa", "imd_score", "imd_change_percentile",
         reason="Where each neighbourhood stands (IMD score, whose thirds are thirds of MHCLG's national ranking) "
                "against how its national position moved between IoD2019 and IoD2025."),
)}
"""Per level, the pair a bivariate map opens with (tests check each is published at its level)."""
