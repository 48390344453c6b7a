"""mapkit.app.place: a zone the page is opened on, beside the map: its name, status, its wards in rank order with
their figures, and Close."""

from __future__ import annotations

from app_parts import RESULT, part

import mapkit
from mapkit.analysis.tables import ranking_table
from mapkit.data.overlays import load_overlay
from mapkit.view import View

WMCA = "E47000007"
ZONE = "growth-zone-east-birmingham-north-solihull-zone"


def test_a_zone_lists_its_wards_in_rank_order_and_closes() -> None:
    view = View(region=WMCA, overlays=("growth_locations",), place=f"growth_locations:{ZONE}",
                indicator="income_score")
    at = part("place", "show_place", view)
    assert at.session_state[RESULT] is True
    zone = load_overlay("growth_locations").set_index("id").loc[ZONE]
    assert [h.value for h in at.header] == [zone["name"]]
    wards = at.dataframe[0].value
    england = ranking_table("income_score", "ward", mapkit.ENGLAND).set_index("code").loc[list(zone["ward_codes"])]
    expected = england.sort_values(["rank_in_england", "name"])
    assert list(wards["Code"]) == list(expected.index) and list(wards["value"]) == list(expected["value"])
    assert list(wards["National decile"]) == list(expected["decile_in_england"])
    assert any(m.value.startswith("**Its wards by Income score**") for m in at.markdown)
    at.button(key="close_place").click().run()
    assert at.session_state["view"].place is None


def test_an_open_area_or_a_point_is_not_a_zone_card() -> None:
    point = "transport_schemes:" + str(load_overlay("transport_schemes").query("zone != True")["id"].iloc[0])
    for view in (View(region=WMCA, overlays=("transport_schemes",), place=point),
                 View(region=WMCA, overlays=("growth_locations",), place=f"growth_locations:{ZONE}",
                      area="E05011127")):
        at = part("place", "show_place", view)
        assert at.session_state[RESULT] is False and not at.header
