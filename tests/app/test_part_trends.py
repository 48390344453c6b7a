"""mapkit.app.trends: ONS time series on the page: the year and change controls, the ranked table of a year or of a
change, and an area's series in its profile."""

from __future__ import annotations

from app_parts import RESULT, part

from mapkit.analysis import series_tables
from mapkit.view import View

WMCA, COVENTRY = "E47000007", "E08000026"
GVA = View(region=WMCA, level="lad", indicator="gva_per_hour")


def series_grid(at):
    return next(d.value for d in at.dataframe if "code" in d.value.columns)


def test_a_years_table_holds_onss_cells_highest_first() -> None:
    at = part("trends", "show_series_ranking", View(region=WMCA, level="lad", indicator="gva_per_hour", year=2015))
    expected = series_tables.year_table("gva_per_hour", "lad", WMCA, 2015).sort_values("value", ascending=False)
    shown = series_grid(at)
    assert list(shown["code"]) == list(expected["code"]) and list(shown["value"]) == list(expected["value"])
    assert [h.value for h in at.header] == ["Gross value added per hour worked, 2015: districts of West Midlands"]
    assert any("ONS release 2025-06-19" in c.value for c in at.caption)


def test_a_changes_table_is_fastest_first() -> None:
    at = part("trends", "show_series_ranking", View(region=WMCA, level="lad", indicator="gva_per_hour",
                                                      change=(2013, 2023)))
    expected = series_tables.change_table("gva_per_hour", "lad", WMCA, 2013, 2023)
    shown = series_grid(at)
    assert list(shown["code"]) == list(expected["code"]) and list(shown["change"]) == list(expected["change"])
    assert at.header[0].value.startswith("Change in Gross value added per hour worked, 2013 to 2023")


def test_the_controls_offer_published_years_and_give_view_fields() -> None:
    at = part("trends", "time_controls", GVA, "gva_per_hour", "lad", view_first=False)
    assert at.session_state[RESULT] == {"year": None}  # the latest year: the indicator's own figures
    years = at.select_slider(key="w_year").options
    assert years[0] == "2004" and years[-1] == "2023"
    at.select_slider(key="w_year").set_value(2015).run()
    assert at.session_state[RESULT] == {"year": 2015}
    at.radio(key="w_time_mode").set_value("change").run()
    assert at.session_state[RESULT] == {"change": (2013, 2023), "centre": "zero"}
    ward = part("trends", "time_controls", GVA, "imd_score", "ward", view_first=False)
    assert ward.session_state[RESULT] == {} and not ward.select_slider  # no series for wards


def test_an_areas_profile_draws_its_series_against_its_ca_and_england() -> None:
    view = View(region=WMCA, level="lad", indicator="gva_per_hour", area=COVENTRY)
    at = part("profile", "show_profile", view)
    sentences = [c.value for c in at.caption if c.value.startswith("Gross value added per hour worked in Coventry")]
    assert len(sentences) == 1 and "from 2013 to 2023" in sentences[0]
