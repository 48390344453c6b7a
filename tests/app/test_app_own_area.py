"""The "Your own area" part of the page (mapkit.app.own_area, mapkit.app.own_profile), without a browser (AppTest).

What the map returns is stood in for by wrapping streamlit-folium's ``st_folium`` (AppTest runs the page in this
process), so drawing and picking are driven as the browser would drive them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import mapkit.app.map_panel
from mapkit.analysis.own_area import own_area_profile
from mapkit.analysis.zones import residents_in_zone
from mapkit.data import own_areas
from mapkit.data.overlays import load_overlay

APP = str(Path(__file__).resolve().parents[2] / "app.py")
BIRMINGHAM = "E08000025"
TAB = "Your own area"
EBNS_ZONE = "growth-zone-east-birmingham-north-solihull-zone"
EAST = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
    [[-1.84, 52.47], [-1.76, 52.46], [-1.74, 52.5], [-1.83, 52.51], [-1.84, 52.47]]]}}


def start(query: dict[str, str] | None = None, *, tab: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.run()
    if tab:
        at.session_state["w_tab"] = TAB
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def query(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


@pytest.fixture
def map_answer(monkeypatch: pytest.MonkeyPatch):
    """Set what the map returns on the next runs (as if the user drew or clicked in the browser)."""
    answer: dict[str, Any] = {}
    real = mapkit.app.map_panel.st_folium

    def fake(*args, **kwargs):
        real(*args, **kwargs)
        return dict(answer)

    monkeypatch.setattr(mapkit.app.map_panel, "st_folium", fake)
    return answer


@pytest.fixture(scope="module")
def zone():
    frame = load_overlay("growth_locations")
    return frame[frame["id"] == EBNS_ZONE].iloc[0]


def test_a_link_with_an_area_opens_its_profile() -> None:
    area = own_areas.from_codes("E05011120,E05011127,E05011126", name="Three wards")
    at = start({"own": area.link[0], "own_name": "Three wards"}, tab=False)  # the link opens the tab itself
    expected = own_area_profile(area)
    assert [s.value for s in at.subheader] == ["Three wards (3 wards)"]
    assert any(m.value == expected.sentence() for m in at.markdown)
    args = map_args(at)
    assert "Your area: Three wards" in args["layer_control"] and "geo_json" in args["feature_group"]  # outlined
    table = next(d.value for d in at.dataframe if "Rank among England's wards" in d.value.columns)
    imd = table.set_index("Indicator").loc["IMD score"]
    assert imd["Value"] == expected.measures.set_index("indicator").at["imd_score", "value_text"]


def test_pasted_ward_codes_give_the_zones_residents(zone) -> None:
    at = start({"region": BIRMINGHAM})
    at.radio(key="w_own_mode").set_value("codes").run()
    at.text_area(key="w_own_codes").set_value(", ".join(zone["ward_codes"])).run()
    at.button(key="own_use_codes").click().run()
    assert not at.exception and not at.error
    stated = residents_in_zone(zone.to_dict(), zone.geometry).total_population
    area = own_areas.from_token(query(at, "own"))
    assert area.kind == "ward" and len(area.codes) == 23
    assert own_area_profile(area).population == pytest.approx(stated, rel=0.02)
    assert any(m.value.startswith("About 357,760 residents live in") for m in at.markdown)


def test_bad_codes_are_refused_with_a_message() -> None:
    at = start()
    at.radio(key="w_own_mode").set_value("codes").run()
    at.text_area(key="w_own_codes").set_value("E05011120, <b>Brum</b>").run()
    at.button(key="own_use_codes").click().run()
    assert not at.exception and query(at, "own") is None
    assert any("Not ward or LSOA codes" in e.value for e in at.error)


def test_a_drawing_becomes_the_area_and_its_name_goes_in_the_link(map_answer) -> None:
    at = start({"region": BIRMINGHAM})
    at.radio(key="w_own_mode").set_value("draw").run()
    args = map_args(at)
    assert "all_drawings" in args["returned_objects"] and "L.Control.Draw" in args["script"]
    map_answer["all_drawings"] = [EAST]
    at.run()
    assert not at.exception and query(at, "own", ).startswith("s")
    expected = own_area_profile(own_areas.from_drawings([EAST]))
    assert any(m.value == expected.sentence() for m in at.markdown)
    assert "mapkit.ownArea.attach" in map_args(at)["script"]  # the drawing comes back, editable
    at.text_input(key="w_own_name").set_value("Stechford & co").run()
    assert query(at, "own_name") == "Stechford & co"
    map_answer["all_drawings"] = []  # everything deleted on the map
    at.run()
    assert query(at, "own") is None


def test_a_self_crossing_drawing_is_repaired_with_a_note(map_answer) -> None:
    at = start({"region": BIRMINGHAM})
    at.radio(key="w_own_mode").set_value("draw").run()
    map_answer["all_drawings"] = [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[-1.84, 52.47], [-1.76, 52.51], [-1.76, 52.47], [-1.84, 52.51], [-1.84, 52.47]]]}}]
    at.run()
    assert not at.exception and query(at, "own")
    assert any("crossed itself" in w.value for w in at.warning)


def test_picking_adds_and_removes_wards_and_opens_no_profile(map_answer) -> None:
    at = start({"region": BIRMINGHAM})
    at.radio(key="w_own_mode").set_value("pick").run()
    for n, code in enumerate(["E05011120", "E05011127", "E05011120"]):
        map_answer.update(last_active_drawing={"type": "Feature", "properties": {"code": code}},
                          last_object_clicked={"lat": 52.48, "lng": -1.8 + n / 1000})
        at.run()
    assert not at.exception and query(at, "area") is None
    assert own_areas.from_token(query(at, "own")).codes == ("E05011127",)
    assert "Picked areas" in map_args(at)["layer_control"]


def test_add_to_compare_puts_the_area_in_the_compare_tab() -> None:
    area = own_areas.from_codes("E05011120,E05011127", name="Pair")
    at = start({"region": BIRMINGHAM, "own": area.link[0], "own_name": "Pair"}, tab=False)
    at.button(key="own_compare").click().run()
    at.session_state["w_tab"] = "Compare areas"
    at.run()
    assert not at.exception
    assert any("Your own area, Pair, is compared too" in c.value for c in at.caption)
    grid = next(t.value for t in at.table if "Pair" in t.value.columns)
    assert grid.loc["IMD score (score)", "Pair"] == own_area_profile(area).measures.set_index(
        "indicator").at["imd_score", "value_text"]


def test_the_files_are_offered_and_the_page_made_when_asked() -> None:
    area = own_areas.from_codes("E05011120,E05011127", name="Pair")
    at = start({"region": BIRMINGHAM, "own": area.link[0], "own_name": "Pair"}, tab=False)
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Profile (JSON)", "Measures (CSV, tidy)", "LSOAs with their weights (CSV)", "Outline (GeoJSON)"} <= set(
        labels)
    at.selectbox(key="w_own_format").set_value("png").run()
    at.button(key="own_prepare").click().run()
    assert not at.exception
    request, content = at.session_state["own_export"]
    assert content.startswith(b"\x89PNG") and request[0] == area.code


def test_clearing_the_area_empties_the_link() -> None:
    area = own_areas.from_codes("E05011120", name="One")
    at = start({"own": area.link[0]}, tab=False)
    at.button(key="own_clear").click().run()
    assert not at.exception and query(at, "own") is None and any(c.value == "No area yet." for c in at.caption)
