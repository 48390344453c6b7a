"""The bivariate palette: nine colours in cell order that stay apart in every simulated colour vision, and the
default pairs of measures, each published at its level."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mapkit.specs.bivariate import BIVARIATE_PALETTE, DEFAULT_PAIRS, cell_index, cell_of
from mapkit.specs.palettes import NO_DATA
from mapkit.specs.registry import registry

colorspacious = pytest.importorskip("colorspacious")

VISIONS = {"normal": None, "protanopia": "protanomaly", "deuteranopia": "deuteranomaly",
           "tritanopia": "tritanomaly"}
SMALLEST = {"normal": 12.6, "protanopia": 7.8, "deuteranopia": 11.7, "tritanopia": 13.5}
"""The smallest CAM02-UCS difference between two of the nine colours, as measured (one decimal, rounded down).
A difference of about 1 is just noticeable side by side; map colours need several times that."""
DISTINCT = 7.0


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def _ucs(colours: list[str], cvd: str | None) -> np.ndarray:
    rgb = np.array([_rgb(c) for c in colours])
    if cvd is not None:  # severity 100: the full dichromacy (Machado, Oliveira and Fernandes 2009)
        rgb = np.clip(colorspacious.cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100},
                                                   "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def smallest_difference(colours: list[str], cvd: str | None) -> tuple[float, str, str]:
    ucs = _ucs(colours, cvd)
    return min((float(np.linalg.norm(ucs[i] - ucs[j])), colours[i], colours[j])
               for i, j in itertools.combinations(range(len(colours)), 2))


@pytest.mark.parametrize("vision", list(VISIONS))
def test_the_nine_colours_stay_distinguishable(vision: str) -> None:
    difference, first, second = smallest_difference(list(BIVARIATE_PALETTE.colours), VISIONS[vision])
    assert difference >= DISTINCT, (vision, first, second)
    assert difference == pytest.approx(SMALLEST[vision], abs=0.1)


def test_the_closest_pair_under_protanopia_is_the_two_strong_reds() -> None:
    difference, first, second = smallest_difference(list(BIVARIATE_PALETTE.colours), "protanomaly")
    assert {first, second} == {BIVARIATE_PALETTE.colour(3, 1), BIVARIATE_PALETTE.colour(3, 2)}


@pytest.mark.parametrize("vision", list(VISIONS))
def test_no_data_differs_from_every_cell(vision: str) -> None:
    ucs = _ucs([*BIVARIATE_PALETTE.colours, NO_DATA.fill], VISIONS[vision])
    assert min(np.linalg.norm(ucs[-1] - ucs[i]) for i in range(9)) >= 4.5  # and it is outlined dashed, hatched


def test_cells_run_light_to_dark_along_both_axes() -> None:
    lightness = {(x, y): _ucs([BIVARIATE_PALETTE.colour(x, y)], None)[0][0] for x in (1, 2, 3) for y in (1, 2, 3)}
    for x, y in itertools.product((1, 2, 3), (1, 2)):
        assert lightness[(x, y + 1)] < lightness[(x, y)]
        assert lightness[(y + 1, x)] < lightness[(y, x)]
    assert BIVARIATE_PALETTE.colour(1, 1) == "#e8e8e8" and BIVARIATE_PALETTE.colour(3, 3) == "#574249"


def test_cell_index_round_trips() -> None:
    assert [cell_of(i) for i in range(9)] == [(x, y) for y in (1, 2, 3) for x in (1, 2, 3)]
    assert all(cell_index(*cell_of(i)) == i for i in range(9))
    with pytest.raises(ValueError, match="from 1 to 3"):
        cell_index(0, 2)


@pytest.mark.parametrize("level", sorted(DEFAULT_PAIRS))
def test_default_pairs_are_published_at_their_level(level: str) -> None:
    pair = DEFAULT_PAIRS[level]
    for indicator in (pair.indicator, pair.versus):
        assert level in registry().indicator(indicator).levels
    if pair.versus_change:
        assert registry().series_for(pair.versus) is not None
    assert len(pair.reason) > 40
