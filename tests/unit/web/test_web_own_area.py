"""Your own area on the web map (mapkit.web.own_area): the drawing tools, their glue and the outlines."""

from __future__ import annotations

import json
import re

import folium
from shapely.geometry import Polygon

from mapkit.data import own_areas
from mapkit.web import assets
from mapkit.web.own_area import draw_options, draw_tools, own_area_layer, picked_layer

EAST_BIRMINGHAM = Polygon([(-1.84, 52.47), (-1.76, 52.46), (-1.74, 52.50), (-1.83, 52.51)])


def _html(*elements) -> str:
    m = folium.Map()
    for element in elements:
        element.add_to(m)
    return m.get_root().render()


def test_the_toolbar_offers_polygon_rectangle_and_circle_with_edit_and_delete():
    options = draw_options()
    assert options["polyline"] is options["marker"] is options["circlemarker"] is False
    assert {"polygon", "rectangle", "circle"} <= set(options)
    html = _html(*draw_tools())
    assert '"polyline": false' in html and '"marker": false' in html
    assert 'edit: {},' in html  # Leaflet.draw's defaults: edit and delete, with its editing styles
    assert "alert(coords)" not in html  # no pop-up of the geometry on click


def test_the_glue_restores_a_drawn_area_into_the_editable_layer():
    area = own_areas.from_shape(EAST_BIRMINGHAM, name="East")
    html = _html(*draw_tools(area))
    call = re.search(r"window\.mapkit\.ownArea\.attach\((\w+), (drawnItems_\w+),\s*(\{.*?\})\);", html, re.S)
    assert call is not None
    assert f"var {call.group(2)} =" in html  # the Draw control's editable layer, defined before the call
    config = json.loads(call.group(3))
    assert config["shape"]["type"] == "Polygon" and len(config["shape"]["coordinates"][0]) == 5
    assert html.count("function polygonsOf") == 1  # the runtime is sent once


def test_a_group_of_codes_has_nothing_to_restore_and_tools_render_the_same_twice():
    area = own_areas.from_codes("E05011120,E05011127")
    first = _html(*draw_tools(area))
    assert '"shape":null' in first
    tools = draw_tools(area)
    assert [t.get_name() for t in tools] == [t.get_name() for t in draw_tools(area)]


def test_the_outline_names_the_area_escaped():
    area = own_areas.from_shape(EAST_BIRMINGHAM, name="<script>alert(1)</script>")
    layer = own_area_layer(area)
    html = _html(layer)
    assert "<script>alert(1)</script>" not in html and "Your area: &lt;script&gt;" in layer.layer_name
    assert '"fill": false' in html and '"color": "#000000"' in html


def test_picked_areas_are_outlined():
    layer = picked_layer("ward", ["E05011120", "E05011127"])
    html = _html(layer)
    assert layer.layer_name == "Picked areas"
    assert "E05011120" in html and "E05011127" in html and "E05011131" not in html


def test_leaflet_draw_is_served_like_leaflet():
    draw = draw_tools()[0]
    for _, url in [*draw.default_js, *draw.default_css]:
        assert assets.cdn_path(url) in ("leaflet-draw/dist/leaflet.draw.js", "leaflet-draw/dist/leaflet.draw.css")
    assert set(assets.map_asset_urls(draw)) <= set(assets.known_asset_urls())


def test_the_decile_chart_orders_deciles_and_puts_the_area_first():
    import pandas as pd

    from mapkit.web.charts import decile_chart

    table = pd.DataFrame({"decile": range(1, 11), "share": [0.5] + [0.5 / 9] * 9, "ca_share": [float("nan")] * 10,
                          "england_share": [0.1] * 10})
    spec = decile_chart(table, {"share": "Mine", "ca_share": "CA", "england_share": "England"}).to_dict()
    assert spec["encoding"]["x"]["sort"] == list(range(1, 11))
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Mine", "England"]  # no CA figure: no CA bars
    values = next(iter(spec["datasets"].values()))
    assert {"decile": 1, "series": "Mine", "share": 50.0} in values
