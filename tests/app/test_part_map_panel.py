"""mapkit.app.map_panel: the map streamlit-folium draws for the view, its layers and what it is fitted to, and a
click opening an area's profile."""

from __future__ import annotations

import json
import re

from app_parts import query_value, whole_app
from streamlit.testing.v1 import AppTest

import mapkit
from mapkit.analysis.similar import similar_areas

SANDWELL = "E08000028"


def map_args(at: AppTest) -> dict:
    """What the page gave streamlit-folium: ``script`` builds the base map, ``feature_group`` draws the layers."""
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def fitted_bounds(at: AppTest) -> list[list[float]]:
    """The bounds the base map is fitted to (``window.mapkit.fitRegion``)."""
    match = re.search(r"fitRegion\([^,]+, (\{.*?\})\);", map_args(at)["script"])
    return json.loads(match[1])["bounds"]


def around(bounds: list[list[float]], codes: list[str], level: str) -> bool:
    west, south, east, north = mapkit.load_boundaries(level).set_index("code").loc[codes].total_bounds
    return bounds == [[south, west], [north, east]]


def test_similar_outlines_travel_in_the_link_fitted_with_a_key_naming_each() -> None:
    """Issue 23: the outlines were a widget only, so the link lost them; they lay off-screen; nothing named them."""
    at = whole_app({"region": mapkit.ENGLAND, "level": "lad", "indicator": "imd_score", "area": SANDWELL,
                    "similar": "1"})
    assert not [i.value for i in at.info if "similar" in i.value.lower()]  # the link's parameter is known
    table = similar_areas(SANDWELL, "lad")
    layers = map_args(at)["feature_group"]
    assert "Similar to Sandwell" in layers
    key = layers.replace("\\u003c", "<").replace("\\u003e", ">")  # the key's HTML, as script_json sends it
    for row in table.itertuples():  # each named in the key, after its number
        assert f">{row.rank}</span><span>{row.name} ({row.parent}) · {row.similarity:.1f}</span>" in key
    assert layers.count("mapkit-similar-number") == len(table) == 10
    assert around(fitted_bounds(at), [SANDWELL, *table["code"]], "lad")
    assert query_value(at, "similar") == "1"
    assert at.checkbox(key="w_show_similar").value is True
    at.checkbox(key="w_show_similar").uncheck().run()
    assert "similar" not in at.query_params and "Similar to Sandwell" not in map_args(at)["feature_group"]
    assert around(fitted_bounds(at), list(mapkit.load_boundaries("lad")["code"]), "lad")  # back to the region
    at.checkbox(key="w_show_similar").check().run()
    assert query_value(at, "similar") == "1" and "Similar to Sandwell" in map_args(at)["feature_group"]
    at.button(key="close_profile").click().run()
    assert "similar" not in at.query_params and "area" not in at.query_params
    assert "Similar to" not in map_args(at)["feature_group"]
