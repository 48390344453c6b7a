"""mapkit.app.find: the search box opens a postcode, a place, or a zone as itself (issue 23: a growth-zone or scheme
result opened one of its wards instead of the zone)."""

from __future__ import annotations

import json
import re

import pytest
from app_parts import query_value, whole_app
from streamlit.testing.v1 import AppTest

import mapkit
from mapkit.analysis.tables import ranking_table
from mapkit.data.overlays import load_overlay

NEARBY_TAB = "Who lives near the overlays"


def search(at: AppTest, text: str, choice: int = 0) -> AppTest:
    at.text_input(key="w_find").input(text).run()
    at.selectbox(key=f"w_found_{text.lower()}").set_value(choice).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fitted_bounds(at: AppTest) -> list[list[float]]:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    match = re.search(r"fitRegion\([^,]+, (\{.*?\})\);", json.loads(component.proto.json_args)["script"])
    return json.loads(match[1])["bounds"]


@pytest.mark.parametrize(("text", "overlay", "feature"), [
    ("Black Country Growth Corridor", "growth_locations",
     "major-investments-prospectus-cluster-black-country-growth-corridor-zone"),
    ("East Birmingham-Solihull Metro", "transport_schemes", "wmm-ebns-wards"),
])
def test_a_zone_found_by_a_search_opens_as_the_zone(text: str, overlay: str, feature: str) -> None:
    at = search(whole_app(), text)
    zone = load_overlay(overlay).set_index("id").loc[feature]
    # The zone, not one of its wards: no ward's profile, the zone in the link.
    assert "area" not in at.query_params
    assert query_value(at, "place") == f"{overlay}:{feature}"
    assert overlay in query_value(at, "overlays").split(",")
    # The map fitted to it.
    west, south, east, north = zone.geometry.bounds
    assert fitted_bounds(at) == [[south, west], [north, east]]
    # Selected in "Who lives near", whose tab is open, with its residents.
    assert at.selectbox(key="w_near_place").value == f"{overlay}:{feature}"
    assert any(m.value.startswith(f"**{zone['name']}") and "live in its" in m.value for m in at.markdown)
    # Its wards in rank order with their figures.
    assert [h.value for h in at.main.header][0] == zone["name"]
    wards = next(d.value for d in at.dataframe if "Rank here" in d.value.columns)
    england = ranking_table("imd_score", "ward", mapkit.ENGLAND).set_index("code")
    expected = england.loc[list(zone["ward_codes"])].sort_values("rank_in_england")
    assert list(wards["Code"]) == list(expected.index)
    assert list(wards["value"]) == pytest.approx(list(expected["value"]))
    assert list(wards["Rank in England"]) == list(expected["rank_in_england"])
    assert list(wards["Rank here"]) == list(range(1, len(expected) + 1))
    # The link reopens it; closing it goes back to the region.
    reopened = whole_app({k: query_value(at, k) for k in at.query_params})
    assert [h.value for h in reopened.main.header][0] == zone["name"]
    at.button(key="close_place").click().run()
    assert "place" not in at.query_params
    region = mapkit.load_boundaries("ward", mapkit.view.WMCA).total_bounds
    assert fitted_bounds(at) == [[region[1], region[0]], [region[3], region[2]]]


def test_a_postcode_marks_its_point_and_its_card_names_where_it_lies() -> None:
    from app_parts import RESULT, part

    from mapkit.view import DEFAULT

    at = part("find", "search_box", DEFAULT)
    at.text_input(key="w_find").input("b9 5rp").run()
    view = at.session_state[RESULT]
    assert (view.postcode, view.area, view.region) == ("B9 5RP", "E05011127", "E47000007")
    card = next(m.value for m in at.sidebar.markdown if m.value.startswith("**B9 5RP**"))
    assert "Ward: Bordesley Green (E05011127)" in card and "LSOA: Birmingham 139D (E01009331)" in card
    at.text_input(key="w_find").input("ZZ1 1ZZ").run()
    assert at.sidebar.warning[0].value.startswith("ZZ1 1ZZ is not a live English postcode")
