"""The hex map's web pieces (mapkit.web.hexmap): hexagons as a drop-in for the areas, outlines, labels, note, credit.

The hexagons are decoded with the browser's own decoder (Node) and checked against their HexJSON cells; the
per-area arrays drawn on them are those of the geographic map, code for code.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import re

import numpy as np
import pytest
import shapely
from pyproj import Transformer

import mapkit
from mapkit.analysis.map_data import prepare
from mapkit.data.hexes import LABEL_COUNT, hex_attribution, hex_layout
from mapkit.errors import ParameterError
from mapkit.text.wording import hex_headline, hex_note
from mapkit.view import View
from mapkit.web import hexmap
from mapkit.web.choropleth import choropleth_data, map_text
from mapkit.web.encode import area_geometry
from mapkit.web.hexmap import PlaceLabels, hex_credit, hex_geometry, hex_label_points, hex_outlines, note_html
from js_decode import decode_payload

ENGLAND, WMCA, COVENTRY = "E92000001", "E47000007", "E08000026"
TO_MERCATOR = Transformer.from_crs(4326, 3857, always_xy=True)


@pytest.mark.parametrize(("level", "region"), [("lad", ENGLAND), ("lad", WMCA), ("lad", COVENTRY), ("ward", WMCA),
                                               ("ward", COVENTRY)])
def test_hexagons_are_a_drop_in_for_the_areas(level: str, region: str) -> None:
    """Same codes, names and parent names in the same order: any per-area array draws on either."""
    hexes, areas = json.loads(hex_geometry(level, region).json), json.loads(area_geometry(level, region).json)
    assert hexes["codes"] == areas["codes"] and len(hexes["codes"]) == len(mapkit.load_boundaries(level, region))
    assert hexes["names"] == areas["names"]
    assert hexes["parents"] == areas["parents"]
    assert hex_geometry(level, region).version != area_geometry(level, region).version  # the shapes differ


def test_england_has_296_hexagons_each_in_its_hexjson_cell() -> None:
    """Decoded as the browser decodes them, the 296 hexagons are regular in Web Mercator and sit on the odd-r
    lattice of their cells: centre x = x0 + w (q + (r mod 2) / 2), centre y = y0 + 3/4 h r."""
    payload = hex_geometry("lad", ENGLAND)
    _, areas = decode_payload(payload.json)
    cells = hex_layout("lad").set_index("code").loc[list(payload.codes)]
    assert len(areas) == 296 and len(set(payload.codes)) == 296
    centres, widths, heights = [], [], []
    for area in areas:
        assert len(area) == 1 and len(area[0]) == 1 and len(area[0][0]) == 6  # one ring of six corners
        x, y = TO_MERCATOR.transform(*np.array(area[0][0]).T)
        centres.append((x.mean(), y.mean()))
        widths.append(x.max() - x.min())
        heights.append(y.max() - y.min())
    w, h = float(np.median(widths)), float(np.median(heights))
    assert h / w == pytest.approx(2 / math.sqrt(3), rel=1e-3)  # pointy-topped regular hexagons
    centres = np.array(centres)
    q, r = cells["q"].to_numpy(), cells["r"].to_numpy()
    x0 = np.median(centres[:, 0] - w * (q + (r % 2) / 2))
    y0 = np.median(centres[:, 1] - 0.75 * h * r)
    np.testing.assert_allclose(centres[:, 0], x0 + w * (q + (r % 2) / 2), atol=w * 0.01)
    np.testing.assert_allclose(centres[:, 1], y0 + 0.75 * h * r, atol=h * 0.01)


@pytest.mark.parametrize(("level", "region"), [("lad", ENGLAND), ("ward", WMCA)])
def test_figures_on_the_hexagons_are_the_maps_code_for_code(level: str, region: str) -> None:
    data = prepare(View(region=region, level=level, indicator="imd_score", scheme=None))
    text = map_text(data.spec, level, data.region_name)
    args = (data.frame, data.spec, data.classification, data.colours, data.ramp.no_data, text)
    on_map = choropleth_data(*args, order=area_geometry(level, region).codes)
    on_hexes = choropleth_data(*args, order=hex_geometry(level, region).codes)
    assert on_hexes == on_map
    fills = {c: None if k is None else on_hexes["colours"][k] for c, k in zip(hex_geometry(level, region).codes,
                                                                               on_hexes["cls"])}
    expected = dict(zip(data.frame["code"], (None if c < 0 else data.colours[c] for c in data.classification.classes)))
    assert fills == expected


def test_outlines_are_the_combined_authorities_over_districts_and_the_districts_over_wards() -> None:
    cas = json.loads(hex_outlines("lad", ENGLAND).json)["codes"]
    assert sorted(cas) == sorted(mapkit.load_boundaries("ca")["code"])
    districts = json.loads(hex_outlines("ward", WMCA).json)["codes"]
    assert sorted(districts) == sorted(mapkit.load_boundaries("lad", WMCA)["code"])
    assert hex_outlines("lad", COVENTRY).codes == (WMCA,)  # as on the geographic map: its combined authority


def test_the_largest_districts_are_labelled_largest_first() -> None:
    points = hex_label_points("lad", ENGLAND)
    assert len(points) == LABEL_COUNT
    assert [p["name"] for p in points[:3]] == ["Birmingham", "Leeds", "North Yorkshire"]
    birmingham = hex_layout("lad").set_index("code").loc["E08000025", "geometry"]
    assert shapely.Point(points[0]["lng"], points[0]["lat"]).within(birmingham)
    assert [p["name"] for p in hex_label_points("lad", WMCA)][:2] == ["Birmingham", "Coventry"]
    assert len(hex_label_points("ward", WMCA)) == 7  # each of the combined authority's districts
    assert hex_label_points("ward", COVENTRY) == []  # its one name would read as a ward's
    assert [p["name"] for p in hex_label_points("lad", COVENTRY)] == ["Coventry"]


def test_label_names_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = mapkit.load_boundaries("lad", COVENTRY)[["name", "geometry"]].copy()
    frame["geometry"] = frame.geometry.representative_point()
    frame["name"] = "<img src=x onerror=alert(1)>"
    monkeypatch.setattr(hexmap, "place_labels", lambda level, region: frame)
    assert hex_label_points("lad", COVENTRY)[0]["name"] == html.escape("<img src=x onerror=alert(1)>")


def test_place_labels_send_their_points_and_runtime() -> None:
    import folium

    group = folium.FeatureGroup(name="labels")
    PlaceLabels(hex_label_points("lad", WMCA)).add_to(group)
    page = folium.Map(tiles=None)
    group.add_to(page)
    text = page.get_root().render()
    assert "window.mapkit.placeLabels(" in text and "function keepApart" in text
    assert '"name":"Birmingham"' in text


def test_the_credit_and_the_note() -> None:
    assert hex_credit().startswith("Hex layout: Open Innovations (MIT licence). ")
    assert "Office for National Statistics" in hex_credit()
    assert hex_attribution() in hex_credit()
    note = note_html("ward", WMCA)
    assert "<summary>Hex map: layout computed; 71% of neighbouring wards stay side by side</summary>" in note
    assert "computed for West Midlands" in note and "354 of 502 pairs of neighbouring wards (71%)" in note
    assert "447 of England&#x27;s 749 pairs" in note_html("lad", ENGLAND)


@pytest.mark.parametrize(("level", "region", "message"), [
    ("ward", ENGLAND, "per combined authority and per district"),
    ("lsoa", WMCA, "not of LSOAs"),
    ("ca", ENGLAND, "not of combined authorities"),
])
def test_no_hex_map_where_there_is_no_layout(level: str, region: str, message: str) -> None:
    for build in (hex_geometry, hex_outlines, hex_label_points):
        with pytest.raises(ParameterError, match=message):
            build(level, region)


# --- the whole web map of a hex view (mapkit.web.webmap.build_map) ---------------------------------------------

def render(view: View, **kwargs) -> str:
    from mapkit.web.webmap import build_map

    return build_map(view, **kwargs).to_map().get_root().render()


@pytest.mark.parametrize(("level", "region"), [("lad", ENGLAND), ("ward", WMCA)])
def test_the_hex_view_draws_the_maps_figures_on_hexagons_without_tiles(level: str, region: str) -> None:
    from map_js import page_data, page_geometry

    view = View(region=region, level=level, indicator="imd_score", scheme=None, basemap="light", layout="hex")
    hexed, geographic = render(view), render(View(region=region, level=level, indicator="imd_score", scheme=None,
                                                  basemap="light"))
    assert page_geometry(hexed) == json.loads(hex_geometry(level, region).json)
    assert page_data(hexed) == page_data(geographic), "same classes, colours, values and ranks per code"
    assert "L.tileLayer" in geographic and "L.tileLayer" not in hexed
    assert "L.control.scale" in geographic and "L.control.scale" not in hexed
    assert '"attribution":"Hex layout: Open Innovations (MIT licence).' in hexed
    assert "window.mapkit.placeLabels(" in hexed and '"name":"Birmingham"' in hexed
    assert html.escape(hex_headline(level, region)) in hexed and html.escape(hex_note(level, region)) in hexed
    outlines = re.findall(r"window\.mapkit\.areas\(\s*JSON\.parse\((\".*?\")\),\s*/\*mapkit-data\*/null", hexed)
    assert [json.loads(json.loads(o))["codes"] for o in outlines] == [list(hex_outlines(level, region).codes)]


def test_a_hex_view_marks_no_postcode_and_outlines_compared_areas_as_hexagons() -> None:
    from mapkit.web.webmap import build_map

    view = View(region=WMCA, level="lad", indicator="imd_score", layout="hex", postcode="B9 5RP",
                compare_areas=("E08000025", "E08000026"))
    html_text = build_map(view).to_map().get_root().render()
    assert "B9 5RP" not in html_text
    assert "B9 5RP" in build_map(dataclasses.replace(view, layout="map")).to_map().get_root().render()
    compared = [json.loads(json.loads(g)) for g in re.findall(
        r"window\.mapkit\.areas\(\s*JSON\.parse\((\".*?\")\),\s*/\*mapkit-data\*/null", html_text)]
    outline = next(g for g in compared if g["codes"] == ["E08000025", "E08000026"])
    hexagons = json.loads(hex_geometry("lad", WMCA).json)
    assert outline["shapes"] == [hexagons["shapes"][hexagons["codes"].index(c)] for c in outline["codes"]]
