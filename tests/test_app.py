"""The Streamlit app's widget logic, without a browser (``streamlit.testing.v1.AppTest``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import mapkit
from mapkit.errors import ProductError

APP = str(Path(__file__).resolve().parent.parent / "app.py")
WMCA = "E47000007"
COVENTRY = "E08000026"
BINLEY = "E05001219"


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ranking_frame(at: AppTest):
    """The ranking table (the last dataframe on the page)."""
    return at.dataframe[-1].value


def test_default_view_is_west_midlands_wards_imd_deciles() -> None:
    at = start()
    assert at.selectbox(key="w_region").value == WMCA
    assert at.radio(key="w_level").value == "ward"
    assert at.selectbox(key="w_indicator").value == "imd_score"
    assert at.selectbox(key="w_scheme").value == "national_deciles"
    assert at.slider(key="w_k").disabled  # deciles always have ten classes
    assert {k: query_value(at, k) for k in at.query_params} == {
        "region": WMCA, "level": "ward", "indicator": "imd_score", "scheme": "national_deciles", "k": "5",
        "compare": "england", "palette": "default", "basemap": "light"}
    assert any("192 wards of West Midlands" in c.value for c in at.caption)
    assert len(ranking_frame(at)) == 192
    assert not at.error and not at.info[1:]  # only the "click an area" hint


def query_value(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def test_changing_region_updates_levels_map_and_url() -> None:
    at = start()
    at.selectbox(key="w_region").set_value(mapkit.ENGLAND).run()
    assert not at.exception
    assert at.radio(key="w_level").options == ["Combined authorities", "Districts", "Wards"]
    assert query_value(at, "region") == mapkit.ENGLAND
    assert any("6,817 wards of England" in c.value for c in at.caption)
    assert len(ranking_frame(at)) == 6817


def test_lsoas_are_offered_for_a_district() -> None:
    at = start()
    at.selectbox(key="w_region").set_value(COVENTRY).run()
    assert at.radio(key="w_level").options == ["Districts", "Wards", "LSOAs"]
    at.radio(key="w_level").set_value("lsoa").run()
    assert not at.exception
    assert query_value(at, "level") == "lsoa"
    assert len(ranking_frame(at)) == len(mapkit.load_boundaries("lsoa", COVENTRY))


def test_only_indicators_published_at_the_level_are_offered() -> None:
    at = start()
    offered_for_wards = set(at.selectbox(key="w_indicator").options)
    assert "GDHI per head" not in offered_for_wards
    at.radio(key="w_level").set_value("lad").run()
    at.selectbox(key="w_theme").set_value("Growth and productivity").run()
    assert not at.exception
    assert "GDHI per head" in at.selectbox(key="w_indicator").options
    # The new theme selected its first indicator, which has no national deciles: quantiles instead.
    assert mapkit.registry().indicator(at.selectbox(key="w_indicator").value).theme == "Growth and productivity"
    assert at.selectbox(key="w_scheme").value == "quantiles"
    assert not at.slider(key="w_k").disabled
    at.radio(key="w_level").set_value("ward").run()
    assert at.selectbox(key="w_indicator").value == "imd_score"  # GDHI is not published for wards


def test_unavailable_indicators_are_listed_with_the_reason() -> None:
    at = start({"level": "ward", "indicator": "imd_score"})
    expanders = [e for e in at.sidebar.expander if e.label.startswith("Not available for wards")]
    assert len(expanders) == 1
    text = " ".join(c.value for c in expanders[0].caption)
    assert "**GDHI per head** (Growth and productivity): Published for districts only." in text
    unavailable = [s for s in mapkit.registry().indicators.values() if "ward" not in s.levels]
    assert expanders[0].label.endswith(f"({len(unavailable)})")


@pytest.mark.parametrize(("query", "notice"), [
    ({"region": "<script>alert(1)</script>"}, "is not a known area code"),
    ({"level": "lsoa", "region": mapkit.ENGLAND}, "LSOAs are offered for a combined authority"),
    ({"indicator": "nope", "k": "99", "palette": "neon"}, "is not known"),
    ({"area": "E05999999"}, "no area profile is open"),
    ({"unknown": "1"}, "does not use"),
])
def test_bad_link_parameters_give_a_notice_not_a_traceback(query: dict[str, str], notice: str) -> None:
    at = start(query)
    notices = [i.value for i in at.info]
    assert any(notice in n for n in notices), notices
    assert not at.error
    assert "<script>" not in " ".join(notices)
    assert at.selectbox(key="w_indicator").value  # the map still opens on a valid view


def test_a_link_with_an_area_opens_its_profile() -> None:
    at = start({"region": WMCA, "level": "ward", "indicator": "imd_score", "area": BINLEY})
    assert [s.value for s in at.subheader][0] == "Binley and Willenhall"
    assert query_value(at, "area") == BINLEY
    assert any("Rank in England" in m.value for m in at.markdown)
    profile_tables = [d.value for d in at.dataframe if "Indicator" in d.value.columns]
    assert profile_tables and len(profile_tables[0]) == sum(
        "ward" in s.levels for s in mapkit.registry().indicators.values())
    at.button(key="close_profile").click().run()
    assert "area" not in at.query_params


def test_search_filters_the_ranking_table() -> None:
    at = start()
    at.text_input(key="w_search").input("Aston").run()
    names = list(ranking_frame(at)["name"])
    assert names and all("aston" in n.lower() for n in names)


def test_classification_and_palette_choices_reach_the_url() -> None:
    at = start()
    at.selectbox(key="w_scheme").set_value("natural_breaks").run()
    at.slider(key="w_k").set_value(7).run()
    at.radio(key="w_compare").set_value("region").run()
    at.selectbox(key="w_palette").set_value("print").run()
    at.radio(key="w_basemap").set_value("none").run()
    assert not at.exception
    assert {k: query_value(at, k) for k in ("scheme", "k", "compare", "palette", "basemap")} == {
        "scheme": "natural_breaks", "k": "7", "compare": "region", "palette": "print", "basemap": "none"}
    assert any("Natural breaks (Fisher-Jenks)" in c.value and "in West Midlands" in c.value for c in at.caption)


def test_a_data_error_is_shown_as_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise ProductError("Data file data/indicators/ward.parquet is missing. Rebuild it with "
                           "`python -m mapkit build-data`.")

    monkeypatch.setattr(mapkit, "load_indicator", broken)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert any("python -m mapkit build-data" in e.value for e in at.error)
