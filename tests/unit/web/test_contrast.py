"""WCAG 2.2 contrast of the map's text and outlines, for every palette (issue 17).

Text (legend, tooltip, keyboard control) needs 4.5:1 against its white box (1.4.3); the outlines that carry
meaning (the selected or hovered area, the "no data" dash) need 3:1 against what they are drawn on (1.4.11).
Class colours themselves are named by the legend's text, so colour is never the only carrier of meaning.
"""

from __future__ import annotations

import re

import pytest

import mapkit
from mapkit import web
from mapkit.analysis import classify
from mapkit.specs.classes import K_MAX, K_MIN
from mapkit.specs import palettes
from mapkit.web.choropleth import legend_html, map_text
from mapkit.web.elements import MAP_BACKGROUND

TEXT = 4.5
NON_TEXT = 3.0
COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b)")


def luminance(colour: str) -> float:
    """WCAG relative luminance of a hex colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def text_colours(markup: str) -> set[str]:
    """Text colours set in inline styles (``color:``, not ``background:`` or ``border``)."""
    return {m.group(1) for m in COLOUR.finditer(markup)
            if not markup[max(0, m.start() - 11):m.start()].endswith(("background-", "border-"))}


@pytest.mark.parametrize("palette", list(palettes.PALETTES))
def test_legend_text_meets_4_5_to_1_on_every_palette(palette: str) -> None:
    spec = mapkit.registry().indicator("imd_score")
    frame = mapkit.load_indicator("imd_score", "lad", mapkit.ENGLAND)
    for k in (K_MIN, K_MAX):
        classes = classify.classify_indicator(frame, "imd_score", "lad", mapkit.ENGLAND, scheme_name="quantiles",
                                              k=k, breaks_from="england", region_label="England")
        ramp = palettes.PALETTES[palette]
        colours = palettes.class_colours(ramp, classes.k, spec.higher_is)
        markup = legend_html(spec, classes, colours, ramp.no_data, map_text(spec, "lad", "England"))
        found = text_colours(markup)
        assert found, "no text colour found in the legend"
        css = web.static_text("map.css")
        legend_text = re.search(r"\.mapkit-legend \{[^}]*color: (#[0-9a-f]{6})", css).group(1)
        for colour in found | {legend_text}:
            assert contrast(colour, MAP_BACKGROUND) >= TEXT, (palette, colour)


def test_tooltip_and_keyboard_control_text_meet_4_5_to_1() -> None:
    tooltip = web.static_text("areas.js")
    found = text_colours(tooltip)
    assert "#555" in found  # the tooltip's secondary text, on Leaflet's white tooltip
    css = web.static_text("map.css")
    found |= set(re.findall(r"[^-]color: (#[0-9a-f]{6})", css))
    for colour in found:
        assert contrast(colour, "#ffffff") >= TEXT, colour


@pytest.mark.parametrize("palette", list(palettes.PALETTES))
def test_selected_outline_shows_on_every_class_colour(palette: str) -> None:
    """The black line on its white halo: one of the two stands out 3:1 from every class of the palette."""
    runtime = web.static_text("areas.js")
    assert 'HALO = {color: "#ffffff"' in runtime and 'color: "#000"' in runtime
    for k in range(K_MIN, K_MAX + 1):
        for colour in palettes.PALETTES[palette].colours(k):
            assert max(contrast("#000000", colour), contrast("#ffffff", colour)) >= NON_TEXT, (palette, colour)


@pytest.mark.parametrize("style", [palettes.NO_DATA, palettes.NO_DATA_ON_GREY])
def test_no_data_dash_stands_out_from_the_background(style: palettes.NoDataStyle) -> None:
    assert contrast(style.outline, MAP_BACKGROUND) >= NON_TEXT
    assert style.dash  # a dashed outline as well as a fill: not colour alone


def test_keyboard_focus_ring_meets_3_to_1() -> None:
    css = web.static_text("map.css")
    ring = re.search(r"outline: 3px solid (#[0-9a-f]{6})", css).group(1)
    assert contrast(ring, "#ffffff") >= NON_TEXT
