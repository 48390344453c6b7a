"""The bivariate web map without a browser: the page's per-area arrays and legend, from the HTML export."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from mapkit.analysis.map_data import prepare
from mapkit.export.html import map_html
from mapkit.specs.bivariate import BIVARIATE_PALETTE
from mapkit.view import View
from mapkit.web.bivariate import legend_svg
from mapkit.web.choropleth import map_text, versus_parts
from mapkit.web.encode import area_geometry, encode_geometry
from map_js import page_data, page_geometry

WMCA = "E47000007"
GVA_CHANGE = {"versus": "gva_per_hour", "versus_change": (2013, 2023)}


@pytest.fixture(scope="module")
def bivariate():
    return prepare(View(region=WMCA, level="lad", indicator="imd_score", **GVA_CHANGE))


@pytest.fixture(scope="module")
def page(bivariate) -> str:
    return map_html(bivariate).decode("utf-8")


def test_areas_take_their_cell_colour(bivariate, page: str) -> None:
    data, geometry = page_data(page), page_geometry(page)
    assert data["colours"] == list(BIVARIATE_PALETTE.colours)
    cells = dict(zip(bivariate.frame["code"], bivariate.versus.cells.codes))
    for code, fill in zip(geometry["codes"], data["fill"]):
        x, y = (int(n) for n in cells[code].split("-"))
        assert fill == BIVARIATE_PALETTE.colour(x, y)
    sandwell = geometry["codes"].index("E08000028")
    assert data["versus"]["cells"][data["cls"][sandwell]] == "more deprived, middling growth"


def test_tooltip_arrays_carry_both_figures_and_ranks(bivariate, page: str) -> None:
    data, geometry = page_data(page), page_geometry(page)
    single_x = page_data(map_html(prepare(View(region=WMCA, level="lad", indicator="imd_score"))).decode())
    single_y = page_data(map_html(prepare(View(region=WMCA, level="lad", indicator="gva_per_hour",
                                               change=(2013, 2023)))).decode())
    assert data["value"] == single_x["value"] and data["rr"] == single_x["rr"]
    assert data["versus"]["value"] == single_y["value"] and data["versus"]["rr"] == single_y["rr"]
    assert data["versus"]["label"] == "Change in GVA per hour worked"
    assert data["versus"]["codes"] == ["1-1", "2-1", "3-1", "1-2", "2-2", "3-2", "1-3", "2-3", "3-3"]
    assert "Office for National Statistics" in data["versus"]["source"] or "ONS" in data["versus"]["source"]
    assert len(geometry["codes"]) == 7


def test_legend_names_both_axes_directions_and_counts(bivariate, page: str) -> None:
    legend = html.unescape(re.sub(r"<[^>]+>", " ", legend_svg(bivariate)))
    assert "faster growth \u2191" in legend
    counts = bivariate.versus.cells.counts
    assert "more deprived, middling growth (3-2): " + f"{counts[1, 2]}" in legend
    text = html.unescape(page)
    assert "more deprived \u2192" in text
    assert "Joshua Stevens" in text and "Pearson r = " in text and "(n = 7)" in text


def test_any_geometry_takes_the_layer(bivariate) -> None:
    """The bivariate layer draws on any encoded areas (the hex map passes its own): arrays follow their order."""
    payload = encode_geometry(bivariate.frame[["code", "name", "geometry"]].iloc[::-1])
    assert payload.codes != area_geometry("lad", WMCA).codes
    arrays, _ = versus_parts(bivariate, payload, map_text(bivariate.spec, "lad", bivariate.region_name))
    cells = dict(zip(bivariate.frame["code"], bivariate.classification.classes))
    assert arrays["cls"] == [int(cells[c]) for c in payload.codes]
    values = dict(zip(bivariate.frame["code"], bivariate.versus.y_values))
    assert arrays["versus"]["value"] == [bivariate.versus.y.spec.format_value(values[c]) for c in payload.codes]


def test_text_is_escaped(bivariate) -> None:
    hostile = dataclasses.replace(bivariate.versus.y.spec, label="<img src=x onerror=alert(1)>")
    versus = dataclasses.replace(bivariate.versus, y=dataclasses.replace(bivariate.versus.y, spec=hostile))
    data = dataclasses.replace(bivariate, versus=versus)
    arrays, legend = versus_parts(data, area_geometry("lad", WMCA), map_text(data.spec, "lad", data.region_name))
    assert "<img" not in legend and "&lt;img src=x" in legend
    assert arrays["versus"]["label"] == "&lt;img src=x onerror=alert(1)&gt;"
