"""mapkit.app.sidebar: the controls and the view they describe; the classes follow the indicator's default or the
user's own choice whatever the level and indicator (issue 23: going from combined authorities back to wards silently
switched national deciles to quantiles, and an export then used them)."""

from __future__ import annotations

from app_parts import query_value, whole_app
from streamlit.testing.v1 import AppTest


def classes(at: AppTest) -> tuple[str, str]:
    """The classification in the sidebar and in the link (what an export of the view uses)."""
    return at.selectbox(key="w_scheme").value, query_value(at, "scheme")


def to_growth_theme(at: AppTest) -> None:
    at.selectbox(key="w_theme").set_value("Growth and productivity").run()
    assert at.selectbox(key="w_indicator").value == "gva_per_hour"  # no national deciles: quantiles
    assert classes(at) == ("quantiles", "quantiles")


def test_back_to_wards_the_indicators_own_deciles_return() -> None:
    at = whole_app()
    assert classes(at) == ("national_deciles", "national_deciles")
    at.radio(key="w_level").set_value("ca").run()
    to_growth_theme(at)
    at.radio(key="w_level").set_value("ward").run()  # GVA is not published for wards: back to the IMD
    assert not at.exception
    assert at.selectbox(key="w_indicator").value == "imd_score"
    assert classes(at) == ("national_deciles", "national_deciles")
    assert any("Official national deciles" in c.value for c in at.caption)


def test_the_users_choice_of_classes_stays_where_the_indicator_has_it() -> None:
    at = whole_app()
    at.selectbox(key="w_scheme").set_value("natural_breaks").run()
    at.radio(key="w_level").set_value("ca").run()
    at.selectbox(key="w_theme").set_value("Growth and productivity").run()
    assert classes(at) == ("natural_breaks", "natural_breaks")
    at.radio(key="w_level").set_value("ward").run()
    assert classes(at) == ("natural_breaks", "natural_breaks")


def test_a_chosen_classification_the_indicator_lacks_comes_back_with_an_indicator_that_has_it() -> None:
    at = whole_app({"level": "lad", "scheme": "equal_interval"})
    at.selectbox(key="w_scheme").set_value("national_deciles").run()
    at.selectbox(key="w_theme").set_value("Growth and productivity").run()
    assert classes(at) == ("quantiles", "quantiles")  # this indicator has no national deciles
    at.selectbox(key="w_theme").set_value("Deprivation (IoD2025)").run()
    assert classes(at) == ("national_deciles", "national_deciles")


def test_a_link_written_with_the_indicators_default_follows_the_default() -> None:
    """Links spell the classes out; one that names the indicator's own default is not a choice of quantiles."""
    at = whole_app({"region": "E92000001", "level": "ca", "indicator": "gva_per_hour", "scheme": "quantiles"})
    at.radio(key="w_level").set_value("ward").run()
    assert at.selectbox(key="w_indicator").value == "imd_score"
    assert classes(at) == ("national_deciles", "national_deciles")


def test_the_sidebar_returns_the_view_its_controls_show() -> None:
    from app_parts import RESULT, part

    from mapkit.view import View

    at = part("sidebar", "sidebar", View(region="E08000026", level="lsoa", indicator="health_score"))
    assert at.session_state[RESULT] == View(region="E08000026", level="lsoa", indicator="health_score",
                                            scheme="national_deciles")
    assert at.radio(key="w_level").options == ["Districts", "Wards", "LSOAs"]
    assert at.radio(key="w_breaks").disabled  # national deciles: breaks are England's whatever the region
    at.selectbox(key="w_palette").set_value("print").run()
    assert (at.session_state[RESULT].breaks_from, at.session_state[RESULT].palette) == ("england", "print")
    at.selectbox(key="w_scheme").set_value("quantiles").run()
    at.radio(key="w_breaks").set_value("region").run()
    assert (at.session_state[RESULT].scheme, at.session_state[RESULT].breaks_from) == ("quantiles", "region")
    at.checkbox(key="w_overlay_transport_schemes").check().run()
    assert at.session_state[RESULT].overlays == ("transport_schemes",)
    assert any(e.label == "Key to the overlay symbols" for e in at.sidebar.expander)
