"""The app's Map / Hex switch (mapkit.app.layout) without a browser: the link, the switch, the map's layers, what a
hex map leaves off and says, and where there is no hex map."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

import mapkit
from mapkit.web.encode import area_geometry
from mapkit.web.hexmap import hex_geometry, hex_outlines

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WMCA = "E47000007"
CREDIT = "Hex layout: Open Innovations (MIT licence)"


def start(query: dict[str, str] | None = None) -> AppTest:
    """The app opened from a link: its first run (the map alone), then the run its timer asks for (the page)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def query_value(at: AppTest, key: str) -> str | None:
    if key not in at.query_params:
        return None
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def drawn_versions(at: AppTest) -> set[str]:
    """Content hashes of the geometry the map's layers fetch or carry."""
    layers = map_args(at)["feature_group"]
    return {v for v in (hex_geometry("lad", mapkit.ENGLAND).version, area_geometry("lad", mapkit.ENGLAND).version,
                        hex_geometry("ward", WMCA).version, area_geometry("ward", WMCA).version,
                        hex_outlines("lad", mapkit.ENGLAND).version) if v in layers}


def test_a_link_to_the_hex_map_of_england_draws_its_hexagons_without_tiles() -> None:
    at = start({"region": mapkit.ENGLAND, "level": "lad", "indicator": "imd_score", "layout": "hex"})
    assert at.radio(key="w_layout").value == "hex" and not at.radio(key="w_layout").disabled
    assert drawn_versions(at) == {hex_geometry("lad", mapkit.ENGLAND).version,
                                  hex_outlines("lad", mapkit.ENGLAND).version}
    args = map_args(at)
    assert CREDIT in args["feature_group"] and "window.mapkit.placeLabels(" in args["feature_group"]
    assert "L.tileLayer" not in args["script"] and "L.control.scale" not in args["script"]
    assert at.radio(key="w_basemap").disabled
    assert any("Open Innovations" in m.value for m in at.markdown), "the footer names the layout's source"
    assert query_value(at, "layout") == "hex"


def test_the_switch_turns_the_map_into_the_hex_map_and_back() -> None:
    at = start()
    assert at.radio(key="w_layout").value == "map" and query_value(at, "layout") is None
    assert drawn_versions(at) == {area_geometry("ward", WMCA).version}
    assert "L.tileLayer" in map_args(at)["script"]
    at.radio(key="w_layout").set_value("hex").run()
    assert not at.exception
    assert query_value(at, "layout") == "hex"
    assert drawn_versions(at) == {hex_geometry("ward", WMCA).version}
    assert "computed for West Midlands" in map_args(at)["feature_group"]
    description = next(e for e in at.expander if e.label == "Text description of the map")
    assert "354 of 502 pairs of neighbouring wards" in description.markdown[0].value
    assert len(next(d.value for d in at.dataframe if "rank_in_england" in d.value.columns)) == 192
    at.radio(key="w_layout").set_value("map").run()
    assert drawn_versions(at) == {area_geometry("ward", WMCA).version} and query_value(at, "layout") is None


def test_where_there_is_no_hex_map_the_switch_is_greyed_out_and_says_why() -> None:
    at = start({"region": mapkit.ENGLAND, "level": "ward", "layout": "hex"})
    assert any("not for England as a whole" in i.value for i in at.info), "the link's notice"
    switch = at.radio(key="w_layout")
    assert switch.value == "map" and switch.disabled and "not for England as a whole" in switch.help
    assert query_value(at, "layout") is None
    at.radio(key="w_level").set_value("lad").run()
    assert not at.radio(key="w_layout").disabled


def test_a_hex_map_says_what_it_leaves_off() -> None:
    at = start({"region": WMCA, "level": "lad", "overlays": "transport_schemes", "pc": "B9 5RP", "layout": "hex"})
    assert any(c.value.startswith("On the hex map the overlays and the postcode are not drawn") for c in at.caption)
    layers = map_args(at)["feature_group"]
    assert "L.circleMarker(" not in layers and "L.polyline(" not in layers and "B9 5RP" not in layers
    assert query_value(at, "overlays") == "transport_schemes", "kept for the map"
    at.radio(key="w_layout").set_value("map").run()
    assert "L.circleMarker(" in map_args(at)["feature_group"]
    assert not any(c.value.startswith("On the hex map") for c in at.caption)


def test_the_hex_map_draws_the_bivariate_pair_and_keeps_it_when_switched_back() -> None:
    at = start({"region": mapkit.ENGLAND, "level": "lad", "indicator": "imd_score", "versus": "gva_per_hour",
                "versus_change": "2013:2023", "layout": "hex"})
    assert at.radio(key="w_layout").value == "hex" and at.selectbox(key="w_versus").value == "gva_per_hour"
    assert drawn_versions(at) == {hex_geometry("lad", mapkit.ENGLAND).version,
                                  hex_outlines("lad", mapkit.ENGLAND).version}
    layers = map_args(at)["feature_group"]
    assert "mapkit-bivariate-key" in layers and CREDIT in layers, "the nine cells' key on the hexagons"
    assert (query_value(at, "layout"), query_value(at, "versus")) == ("hex", "gva_per_hour")
    at.radio(key="w_layout").set_value("map").run()
    assert not at.exception
    assert drawn_versions(at) == {area_geometry("lad", mapkit.ENGLAND).version}
    assert "mapkit-bivariate-key" in map_args(at)["feature_group"]
    assert (query_value(at, "layout"), query_value(at, "versus")) == (None, "gva_per_hour")


def test_an_own_area_is_kept_but_not_drawn_on_the_hex_map() -> None:
    from mapkit.data import own_areas

    area = own_areas.from_codes("E05011120,E05011127", name="Two wards")
    at = start({"region": WMCA, "level": "ward", "own": area.link[0], "own_name": "Two wards", "layout": "hex"})
    assert any(c.value.startswith("On the hex map your own area is not drawn") for c in at.caption)
    args = map_args(at)
    assert "Your area: Two wards" not in args["layer_control"] and "geo_json" not in args["feature_group"]
    assert (query_value(at, "layout"), query_value(at, "own")) == ("hex", area.link[0])
    at.radio(key="w_layout").set_value("map").run()
    args = map_args(at)
    assert "Your area: Two wards" in args["layer_control"] and "geo_json" in args["feature_group"]  # outlined
    assert not any(c.value.startswith("On the hex map") for c in at.caption)
