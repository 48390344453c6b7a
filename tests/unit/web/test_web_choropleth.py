"""The choropleth without a browser: geometry encoding, colours per area, legend, tooltip data, escaping, layers.

Maps are rendered to HTML with ``m.get_root().render()`` and the per-area data is read back from the page.
"""

from __future__ import annotations

import itertools
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

import mapkit
from mapkit import web
from mapkit.analysis import classify
from mapkit.specs import palettes
from mapkit.analysis.map_data import MapData, prepare
from mapkit.view import View
from mapkit.web import choropleth, elements, webmap
from mapkit.web.choropleth import MapText, choropleth_group, legend_html
from mapkit.web.webmap import build_map
from mapkit.web.encode import GeometryPayload, area_geometry, encode_geometry
from mapkit.errors import UnknownNameError
from mapkit.analysis.tables import ranking_table
from js_decode import decode_payload
from map_js import page_data, page_geometry

WMCA = "E47000007"
COVENTRY = "E08000026"
ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
EVIL_NAME = "<script>alert(1)</script>"
EVIL_PARENT = "<img src=x onerror=alert(2)>"
EVIL_NOTE = "No data: <b>bold</b> & \"quoted\""


def render(view: webmap.WebMap) -> str:
    return view.to_map().get_root().render()


def indicator_view(indicator: str = "imd_score", level: str = "ward", region: str = WMCA, *,
                   scheme: str = "quantiles", k: int = 5, palette: str = "default", basemap: str = "none",
                   selected: str | None = None, extra_layers=()) -> tuple[webmap.WebMap, pd.DataFrame,
                                                                           classify.Classification, list[str]]:
    view = View(region=region, level=level, indicator=indicator, scheme=scheme, k=k, breaks_from="region",
                palette=palette, basemap=basemap, area=selected)
    data = prepare(view)
    return build_map(view, extra_layers=extra_layers), data.frame, data.classification, list(data.colours)


def decoded_areas(payload_json: str) -> list[list[list[tuple[float, float]]]]:
    """Each area's rings as the browser decodes them (its own decoder, run by Node)."""
    _, areas = decode_payload(payload_json)
    return [[ring for polygon in area for ring in polygon] for area in areas]


@pytest.mark.parametrize(("level", "region"), [("ca", mapkit.ENGLAND), ("lad", WMCA), ("ward", COVENTRY),
                                               ("lsoa", COVENTRY)])
def test_encoded_geometry_decodes_to_the_rounded_boundaries(level: str, region: str) -> None:
    frame = mapkit.load_boundaries(level, region)
    payload = encode_geometry(frame)
    assert payload.codes == tuple(frame["code"])
    for geom, rings in zip(frame.geometry.values, decoded_areas(payload.json)):
        expected = [np.round(shapely.get_coordinates(r)[:-1] * 1e5) / 1e5
                    for p in shapely.get_parts(geom) for r in shapely.get_rings(p)]
        assert len(rings) == len(expected)
        for got, want in zip(rings, expected):
            np.testing.assert_allclose(np.array(got), want, atol=1e-9)


def test_encoded_text_uses_a_safe_alphabet_without_underscores() -> None:
    payload = json.loads(area_geometry("lad", mapkit.ENGLAND).json)
    text = "".join(ring for polygons in payload["shapes"] for polygon in polygons for ring in polygon)
    assert set(text) <= ALPHABET  # streamlit-folium renames "_name" patterns in scripts; none can occur here


def test_neighbouring_areas_share_identical_decoded_vertices() -> None:
    frame = mapkit.load_boundaries("ward", COVENTRY).reset_index(drop=True)
    decoded = [set(pt for ring in rings for pt in ring) for rings in decoded_areas(encode_geometry(frame).json)]
    original = [set(map(tuple, np.round(shapely.get_coordinates(g) * 1e5) / 1e5)) for g in frame.geometry.values]
    pairs = [(i, j) for i, j in itertools.combinations(range(len(frame)), 2)
             if frame.geometry.iloc[i].touches(frame.geometry.iloc[j])]
    assert pairs, "Coventry's wards must have neighbours"
    for i, j in pairs:
        assert decoded[i] & decoded[j] == original[i] & original[j]
        assert decoded[i] & decoded[j], "touching wards share at least one vertex"


def test_geometry_is_serialised_once_per_level_and_region() -> None:
    assert area_geometry("ward", WMCA) is area_geometry("ward", WMCA)


def test_each_area_is_filled_with_its_class_colour() -> None:
    view, frame, classes, colours = indicator_view("income_score", scheme="quantiles", k=5)
    html = render(view)
    data = page_data(html)
    geometry = page_geometry(html)
    assert geometry["codes"] == list(area_geometry("ward", WMCA).codes)
    expected = dict(zip(frame["code"], (colours[c] for c in classes.classes)))
    assert len(data["fill"]) == 192
    for code, fill in zip(geometry["codes"], data["fill"]):
        assert fill == expected[code]
    assert set(data["fill"]) == set(colours)
    legend = legend_html(mapkit.registry().indicator("income_score"), classes, colours,
                         palettes.PALETTES["Oranges"].no_data, choropleth.map_text(
                             mapkit.registry().indicator("income_score"), "ward", "West Midlands"))
    for colour in colours:
        assert f"background:{colour}" in legend


def test_darker_is_worse_whatever_the_direction() -> None:
    view, frame, classes, colours = indicator_view("employment_rate_16plus", scheme="quantiles", k=5)
    data = page_data(render(view))
    geometry_codes = list(area_geometry("ward", WMCA).codes)
    values = frame.set_index("code").loc[geometry_codes, "value"].to_numpy()
    lowest, highest = int(np.nanargmin(values)), int(np.nanargmax(values))
    # Higher employment is better, so the lowest rate gets the darkest colour.
    assert data["fill"][lowest] == colours[0] == palettes.PALETTES["Blues"].colours(5)[-1]
    assert data["fill"][highest] == palettes.PALETTES["Blues"].colours(5)[0]


def test_legend_names_the_indicator_unit_classes_no_data_and_source() -> None:
    spec = mapkit.registry().indicator("imd_score")
    frame = mapkit.load_indicator("imd_score", "ward", WMCA)
    classes = classify.classify_indicator(frame, "imd_score", "ward", WMCA, scheme_name="national_deciles", k=5,
                                          breaks_from="england", region_label="West Midlands")
    colours = palettes.class_colours(palettes.PALETTES["Reds"], classes.k, spec.higher_is)
    text = choropleth.map_text(spec, "ward", "West Midlands")
    legend = legend_html(spec, classes, colours, palettes.NO_DATA, text)
    assert "IMD score" in legend and "(score)" in legend
    assert "National decile (1 = most deprived 10%) among all 6,784 wards in England" in legend
    assert legend.index(">1: ") < legend.index(">10: "), "worst decile first"
    assert "No data" in legend and "dashed" in legend
    assert "Source: MHCLG, English Indices of Deprivation 2025" in legend
    assert "Open Government Licence v3.0" in legend
    assert spec.period in legend
    assert sum(int(n) for n in re.findall(r"\((\d+)\)</span>", legend)) == 192


def test_neutral_indicators_are_never_called_worse_or_better() -> None:
    view, frame, classes, colours = indicator_view("population", scheme="quantiles", k=5)
    data = page_data(render(view))
    assert data["rankHint"] == "1 = highest"
    assert data["decileHint"] == "1 = highest 10% of wards in England"
    spec = mapkit.registry().indicator("population")
    legend = legend_html(spec, classes, colours, palettes.NO_DATA, choropleth.map_text(spec, "ward", "West Midlands"))
    assert "Darker = higher." in legend and "(people)" in legend
    for text in (legend, data["rankHint"], data["decileHint"]):
        assert not re.search(r"worse|worst|better|best", text, re.I)
    highest = frame.set_index("code")["value"].idxmax()
    assert ranking_table("population", "ward", WMCA).iloc[0]["code"] == highest  # sorted, 1 = highest


def test_percentages_show_their_unit_once() -> None:
    view, frame, *_ = indicator_view("bad_health", scheme="quantiles", k=5)
    data = page_data(render(view))
    assert data["unit"] == "of people"  # "9.1%" then "of people"
    value = frame["value"].dropna().iloc[0]
    assert 1 < frame["value"].max() < 100
    assert f"{value:.1f}%" in data["value"]


def test_legend_is_on_the_page_with_the_choropleth() -> None:
    view, *_ = indicator_view()
    html = render(view)
    assert "window.mapkit.legend(" in html
    assert "\\u003cdetails open" in html  # the legend markup travels as an escaped JSON string


def test_tooltip_data_carries_value_ranks_and_decile_for_every_area() -> None:
    view, frame, classes, _ = indicator_view("imd_score", scheme="national_deciles")
    html = render(view)
    data = page_data(html)
    codes = page_geometry(html)["codes"]
    table = ranking_table("imd_score", "ward", WMCA).set_index("code")
    spec = mapkit.registry().indicator("imd_score")
    for i, code in enumerate(codes):
        row = table.loc[code]
        assert data["value"][i] == spec.format_value(row["value"])
        assert data["rr"][i] == row["rank_in_region"]
        assert data["re"][i] == row["rank_in_england"]
        assert data["dec"][i] == row["decile_in_england"]
    assert data["nRegion"] == 192 and data["nEngland"] == 6784
    assert data["regionLabel"] == "West Midlands"
    assert data["source"].startswith("Source: MHCLG") and spec.period in data["source"]
    for field in ("Rank in England", "Rank in ", "National decile", "data.notes[data.note[i]]"):
        assert field in web.static_text("areas.js") and field in html
    assert "L.tooltip(" in html and "events.mousemove" in html  # hover tooltip and highlight (browser tests check them)


def synthetic_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "code": ["X1", "X2", "X3"],
        "name": [EVIL_NAME, "Plain", "Missing"],
        "lad_name": [EVIL_PARENT, "Somewhere", "Somewhere"],
        "value": [10.0, 20.0, np.nan],
        "rank": pd.array([2, 1, pd.NA], dtype="Int64"),
        "n_ranked": [2, 2, 2],
        "decile": pd.array([10, 1, pd.NA], dtype="Int64"),
        "note": ["", "", EVIL_NOTE],
    }, geometry=[box(-2, 52, -1.9, 52.1), box(-1.9, 52, -1.8, 52.1), box(-1.8, 52, -1.7, 52.1)], crs=4326)


def synthetic_map(selected: str | None = None) -> str:
    frame = synthetic_frame()
    spec = mapkit.registry().indicator("imd_score")
    classes = classify.classify(frame["value"], scheme_name="equal_interval", k=3, formatter=spec.format_value)
    text = MapText(region_label="Test <region>", level_plural="wards", source_short="Publisher <x>",
                   source_licence="OGL")
    ramp = palettes.PALETTES["Reds"]
    data = MapData(view=View(), spec=spec, frame=frame, classification=classes, ramp=ramp,
                   colours=tuple(palettes.class_colours(ramp, classes.k, spec.higher_is)), region_name="Test <region>",
                   region_kind="ca", overlays={})
    group = choropleth_group(data, encode_geometry(frame, parent_column="lad_name"), text, selected=selected,
                             attribution="Boundaries <ONS> & OS")
    m = webmap.base_map([[52, -2], [52.1, -1.7]], "none")
    group.add_to(m)
    return m.get_root().render()


def test_every_string_reaching_html_is_escaped() -> None:
    html = synthetic_map()
    for raw in (EVIL_NAME, EVIL_PARENT, "<b>bold</b>", "<region>", "<ONS>", "Publisher <x>"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in html
    assert "Test &lt;region&gt;" in html
    assert "Boundaries &lt;ONS&gt; &amp; OS" in html
    assert "</script>" not in html.split("<script>", 1)[1].split("</script>")[0]


def test_missing_values_are_no_data_with_their_note() -> None:
    data = page_data(synthetic_map())
    assert data["fill"][2] is None
    assert data["value"][2] == "no data"
    assert data["notes"][data["note"][2]].startswith("No data: &lt;b&gt;")
    assert data["noData"] == {"fill": "#d9d9d9", "outline": "#737373", "dash": "3 3"}
    assert data["rr"][2] is None and data["re"][2] is None and data["dec"][2] is None


def test_selected_area_is_marked() -> None:
    assert page_data(synthetic_map(selected="X2"))["selected"] == 1
    assert page_data(synthetic_map())["selected"] is None


@pytest.mark.parametrize(("level", "region", "outline"), [
    ("ward", WMCA, "District boundaries"),
    ("lsoa", COVENTRY, "District boundaries"),
    ("lad", WMCA, "Combined authority boundaries"),
])
def test_parent_boundaries_are_drawn_over_the_choropleth(level: str, region: str, outline: str) -> None:
    view, *_ = indicator_view(level=level, region=region)
    names = [layer.layer_name for layer in view.layers]
    assert names[1] == outline
    html = render(view)
    assert html.count("window.mapkit.areas(") == 2
    assert html.count("if (mapkit.areas)") == 1  # the areas' runtime is sent once, with the choropleth
    assert html.index("if (mapkit.areas)") < html.index("window.mapkit.areas(")
    assert html.count("if (mapkit.fitRegion)") == 1  # the map's runtime, with the base map, before its use
    assert html.index("if (mapkit.fitRegion)") < html.index("window.mapkit.fitRegion(")
    assert '"interactive":false' in html  # outlines let hover through to the areas below


def test_combined_authorities_have_no_parent_outline() -> None:
    view, *_ = indicator_view(level="ca", region=mapkit.ENGLAND)
    assert len(view.layers) == 1


@pytest.mark.parametrize(("basemap", "tile_host"), [("light", "server.arcgisonline.com"),
                                                    ("osm", "tile.openstreetmap.org"), ("none", None)])
def test_basemap_choice(basemap: str, tile_host: str | None) -> None:
    view, *_ = indicator_view(basemap=basemap)
    html = render(view)
    if tile_host is None:
        assert "L.tileLayer" not in html
    else:
        assert tile_host in html
    assert "preferCanvas" in html and 'window.mapkit.styleMap(' in html and '{"background":"#ffffff"}' in html


def test_unknown_basemap_names_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="use one of light, osm, none"):
        webmap.base_map(None, "satellite")


def test_attribution_names_sources_and_licences() -> None:
    view, *_ = indicator_view()
    html = render(view)
    assert "Contains OS data © Crown copyright and database right 2025" in html
    assert "English Indices of Deprivation 2025" in html  # the legend names the indicator's source
    assert "L.control.layers" in html


def test_extra_layers_are_drawn_above_the_choropleth() -> None:
    extra = folium.FeatureGroup(name="Test overlay")
    folium.CircleMarker([52.48, -1.89], radius=5).add_to(extra)
    view, *_ = indicator_view(extra_layers=[extra])
    assert view.layers[-1] is extra
    assert "Test overlay" in render(view)


def test_layers_survive_streamlit_folium_renaming() -> None:
    """streamlit-folium rewrites variable names in feature-group scripts: geometry and references must survive."""
    from streamlit_folium import _get_feature_group_string, _get_map_string

    view, *_ = indicator_view()
    base_script = _get_map_string(view.base)
    assert "fitBounds" in base_script
    script = "".join(_get_feature_group_string(layer, view.base, idx) for idx, layer in enumerate(view.layers))
    assert area_geometry("ward", WMCA).script in script
    assert "window.mapkit.legend(feature_group_feature_group_0" in script
    assert script.count("window.mapkit.areas(") == 2


def test_england_wards_send_under_a_fifth_of_plain_geojson() -> None:
    """Issue 6: bytes sent for England's wards against the usual full-precision GeoJSON of the same areas."""
    view, frame, *_ = indicator_view(level="ward", region=mapkit.ENGLAND)
    ours = len(render(view).encode())
    plain = len(frame.to_json().encode())
    assert ours < plain / 5, f"{ours:,} bytes against {plain:,} for plain GeoJSON"


def test_geometry_payload_reports_bounds() -> None:
    payload = area_geometry("lad", WMCA)
    assert isinstance(payload, GeometryPayload) and len(payload) == 7
    (south, west), (north, east) = payload.bounds
    assert -2.3 < west < east < -1.3 and 52.3 < south < north < 52.7


def test_the_same_view_renders_the_same_layer_scripts() -> None:
    """Ids are numbered, not random: on a rerun streamlit-folium finds the layers unchanged and keeps them, with
    any popup the user opened (a click on a marker reruns the app)."""
    from streamlit_folium import _get_feature_group_string

    def script() -> str:
        extra = folium.FeatureGroup(name="Overlay")
        folium.Marker([52.48, -1.89], popup=folium.Popup("<b>Popup</b>"), tooltip="Tip").add_to(extra)
        view, *_ = indicator_view(extra_layers=[extra])
        return "".join(_get_feature_group_string(layer, view.base, i) for i, layer in enumerate(view.layers))

    first = script()
    assert first == script()
    assert "<b>Popup</b>" in first and re.search(r"var (html_mk[0-9a-f]+) = \$\(`<div id=\"\1\"", first)


@pytest.mark.parametrize(("scheme", "k", "columns"), [("national_deciles", 5, 2), ("quantiles", 5, 1),
                                                        ("quantiles", 7, 2)])
def test_a_legend_with_many_classes_lists_them_in_two_columns(scheme: str, k: int, columns: int) -> None:
    spec = mapkit.registry().indicator("imd_score")
    frame = mapkit.load_indicator("imd_score", "ward", WMCA)
    classes = classify.classify_indicator(frame, "imd_score", "ward", WMCA, scheme_name=scheme, k=k,
                                          breaks_from="england", region_label="West Midlands")
    colours = palettes.class_colours(palettes.PALETTES["Reds"], classes.k, spec.higher_is)
    legend = legend_html(spec, classes, colours, palettes.NO_DATA, choropleth.map_text(spec, "ward", "WM"))
    assert ("grid-auto-flow:column" in legend) == (columns == 2)
    assert legend.count("<i style=") == classes.k + 1  # every class and "no data", whatever the layout


def test_attribution_sits_bottom_left_and_legends_are_kept_clear_of_the_region() -> None:
    extra = folium.FeatureGroup(name="Key", control=False)
    elements.Legend("<details open><summary>Key</summary>x</details>", extra=True).add_to(extra)
    view, *_ = indicator_view(extra_layers=[extra])
    html = render(view)
    assert 'attributionControl.setPosition("bottomleft")' in html
    assert '"mapkit-legend-extra"' in html and '"mapkit-legend leaflet-bar"' in html
    assert 'inCorner + ".mapkit-legend-extra"' in html  # the region is fitted clear of both legends
    assert f'"narrowMap":{elements.NARROW_MAP}' in html  # legends fold on a narrow map


def test_the_map_draws_the_colours_prepare_gave_the_classes() -> None:
    """Colours are computed once, by prepare: the map and its legend use MapData's, whatever they are."""
    import dataclasses

    data = prepare(View(region="E08000026", level="ward", indicator="income_score", scheme="quantiles", k=4))
    own = ("#010101", "#020202", "#030303", "#040404")
    html = build_map(data.view, data=dataclasses.replace(data, colours=own)).to_map().get_root().render()
    arrays = page_data(html)
    assert arrays["colours"] == list(own)
    assert set(arrays["fill"]) - {None} <= set(own)
    assert all(f"background:{c}" in html for c in own)
