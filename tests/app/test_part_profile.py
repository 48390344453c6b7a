"""mapkit.app.profile: the open area beside the map (its figures, ranks, "Add to compare", similar areas), the table
of every indicator under the map, and "In brief" when no area is open."""

from __future__ import annotations

from app_parts import RESULT, part

import mapkit
from mapkit.analysis.similar import similar_areas
from mapkit.analysis.tables import ranking_table
from mapkit.view import View

WMCA, BINLEY, SANDWELL = "E47000007", "E05001219", "E08000028"


def test_an_open_ward_shows_its_published_figure_and_ranks() -> None:
    at = part("profile", "show_profile", View(region=WMCA, level="ward", indicator="imd_score", area=BINLEY))
    row = ranking_table("imd_score", "ward", WMCA).set_index("code").loc[BINLEY]
    spec = mapkit.registry().indicator("imd_score")
    assert [h.value for h in at.header] == ["Binley and Willenhall"]
    assert [m.value for m in at.metric] == [spec.format_value(row["value"])]
    lines = next(m.value for m in at.markdown if m.value.startswith("Rank in England"))
    assert f"Rank in England: **{row['rank_in_england']:,} of {row['n_england']:,}**" in lines
    assert f"(national decile {row['decile_in_england']})" in lines
    assert f"Rank in West Midlands: **{row['rank_in_region']} of 192**" in lines
    assert at.session_state[RESULT].code == BINLEY  # the profile goes on to the table under the map


def test_add_to_compare_and_close_write_the_view() -> None:
    at = part("profile", "show_profile", View(region=mapkit.ENGLAND, level="lad", indicator="imd_score", area=SANDWELL))
    at.button(key="add_compare").click().run()
    assert at.session_state["view"].compare_areas == (SANDWELL,)
    assert any("is in the compare list (1 of 10)" in c.value for c in at.caption)
    at.button(key="close_profile").click().run()
    assert at.session_state["view"].area is None


def test_similar_areas_are_listed_and_outlined_through_the_view() -> None:
    at = part("profile", "show_profile", View(region=mapkit.ENGLAND, level="lad", indicator="imd_score", area=SANDWELL))
    table = similar_areas(SANDWELL, "lad")
    listed = next(m.value for m in at.markdown if m.value.startswith("1. **")).splitlines()
    assert [line.split("**")[1] for line in listed] == list(table["name"])
    assert at.checkbox(key="w_show_similar").value is False
    at.checkbox(key="w_show_similar").check().run()
    assert at.session_state["view"].similar is True
    at.button(key="compare_similar").click().run()
    assert at.session_state["view"].compare_areas == (SANDWELL, *table["code"][:9])


def test_the_table_under_the_map_has_every_indicator_published_for_the_level() -> None:
    view = View(region=WMCA, level="ward", indicator="imd_score", area=BINLEY)
    at = part("profile", "show_profile", view)
    at = part("profile", "show_profile_table", view, at.session_state[RESULT])
    (table,) = [d.value for d in at.dataframe]
    published = [s for s in mapkit.registry().indicators.values() if "ward" in s.levels]
    assert len(table) == len(published) and set(table["Indicator"]) == {s.label for s in published}
    imd = table.set_index("Indicator").loc[mapkit.registry().indicator("imd_score").label]
    assert imd["Value"] == "37.06" and imd["Rank in England"] == "628 of 6,784"


def test_without_an_area_in_brief_describes_the_map() -> None:
    at = part("profile", "show_profile", View(region=WMCA, level="ward", indicator="imd_score"))
    assert at.info[0].value.startswith("Click an area on the map")
    assert any("73 of 192 wards" in c.value for c in at.caption)
    assert at.session_state[RESULT] is None
