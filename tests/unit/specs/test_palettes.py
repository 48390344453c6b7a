"""Palettes: sequential, darker = worse, distinct no-data style, every indicator's palette exists."""

from __future__ import annotations

import matplotlib.colors
import pytest

import mapkit
from mapkit.specs import palettes
from mapkit.errors import UnknownNameError


def luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a hex colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in matplotlib.colors.to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("name", list(palettes.PALETTES))
@pytest.mark.parametrize("k", [3, 5, 7, 9, 10])
def test_ramps_go_from_light_to_dark_with_distinct_colours(name: str, k: int) -> None:
    colours = palettes.PALETTES[name].colours(k)
    assert len(colours) == k
    assert len(set(colours)) == k
    assert all(c.startswith("#") and len(c) == 7 for c in colours)
    lum = [luminance(c) for c in colours]
    assert lum == sorted(lum, reverse=True), "a sequential ramp must darken steadily (readable in greyscale)"


@pytest.mark.parametrize("name", list(palettes.PALETTES))
def test_no_data_style_cannot_be_mistaken_for_a_class(name: str) -> None:
    ramp = palettes.PALETTES[name]
    for k in (3, 5, 9, 10):
        assert ramp.no_data.fill not in ramp.colours(k)
    assert ramp.no_data.dash, "no-data areas get a dashed outline as well as their fill"


@pytest.mark.parametrize("name", [n for n, r in palettes.PALETTES.items() if r.greyscale])
def test_greyscale_ramps_are_grey_and_use_a_white_no_data_fill(name: str) -> None:
    ramp = palettes.PALETTES[name]
    for colour in ramp.colours(7):
        r, g, b = matplotlib.colors.to_rgb(colour)
        assert max(r, g, b) - min(r, g, b) < 0.02
    assert ramp.no_data.fill == "#ffffff"


@pytest.mark.parametrize(("higher_is", "darkest"), [("worse", -1), ("neutral", -1), ("better", 0)])
def test_class_colours_put_the_darkest_colour_at_the_worse_end(higher_is: str, darkest: int) -> None:
    colours = palettes.class_colours(palettes.PALETTES["Reds"], 5, higher_is)
    assert min(colours, key=luminance) == colours[darkest]


@pytest.mark.parametrize("indicator_id", list(mapkit.registry().indicators))
def test_every_indicator_palette_is_offered(indicator_id: str) -> None:
    spec = mapkit.registry().indicator(indicator_id)
    assert palettes.resolve(palettes.DEFAULT, spec.palette).name == spec.palette


def test_a_named_palette_overrides_the_indicators_own() -> None:
    assert palettes.resolve("viridis", "Reds").name == "viridis"


def test_unknown_palette_names_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="Unknown palette 'rainbow': use one of Reds"):
        palettes.resolve("rainbow", "Reds")


def test_ramp_positions_are_checked() -> None:
    with pytest.raises(ValueError, match="distinct positions between 0 and 1"):
        palettes.Ramp("bad", "Bad", "Reds", 0.5, 0.5)


@pytest.mark.parametrize("name", [n for n, r in palettes.PALETTES.items() if r.diverging])
def test_diverging_ramps_darken_away_from_no_change_on_both_sides(name: str) -> None:
    ramp = palettes.PALETTES[name]
    upper = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    colours = palettes.class_colours(ramp, len(upper), "worse", upper, 0.0)
    lum = [luminance(c) for c in colours]
    assert lum[:4] == sorted(lum[:4]) and lum[3:] == sorted(lum[3:], reverse=True)
    assert len(set(colours)) == len(upper) and ramp.no_data.fill not in colours
