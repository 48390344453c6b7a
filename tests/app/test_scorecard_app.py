"""The scorecard part under "Who lives near" (``streamlit.testing.v1.AppTest``): it follows the place chosen, shows
the library's figures as the briefing pack prints them, and offers the scheme's CSV and JSON."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from mapkit.analysis.scorecard import scorecards
from mapkit.export.scorecard_pages import page_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WMCA = "E47000007"


def opened(query: dict[str, str]) -> AppTest:
    """The app from a link, its whole page drawn, with the "Who lives near" tab open."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.run()  # the first run sends the map alone; the next draws the page
    at.session_state["w_tab"] = "Who lives near the overlays"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at: AppTest, first_heading: str) -> list:
    return [d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_heading]]


def test_the_scorecard_follows_the_place_chosen_and_shows_the_librarys_figures() -> None:
    at = opened({"overlays": "transport_schemes"})
    assert any(h.value == "Scorecard of a scheme" for h in at.subheader)
    # The first place offered is the first feature by name; the scorecard shows the scheme it belongs to.
    at.selectbox(key="w_near_place").set_value("transport_schemes:wmm-l1-1-31").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="w_scorecard").value == "transport_schemes:WMM_L1"
    (card,) = scorecards(WMCA, overlays=("transport_schemes",), scheme="WMM_L1")
    text = page_text(card)
    assert any(m.value == "**West Midlands Metro Line 1**" for m in at.markdown)
    (effect,) = [i.value for i in at.info if "not an evaluation" in i.value]
    assert effect.startswith("Open ('open'; status date 1999-2022 (various)), within the years the figures cover.")
    assert any(m.value == text.residents for m in at.markdown)
    (who,) = frames(at, "Share of residents")
    assert [tuple(row) for row in who.itertuples(index=False)] == list(text.who.rows)
    (moved,) = frames(at, "Share of residents whose LSOA")
    assert [tuple(row) for row in moved.itertuples(index=False)] == list(text.moved.rows)
    (growth,) = frames(at, "Area")
    assert list(growth["Area"]) == ["Birmingham", "Sandwell", "Wolverhampton", "Walsall", "West Midlands (CA)",
                                    "England"]
    assert [tuple(row) for row in growth.itertuples(index=False)] == list(text.growth.rows)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download this scorecard (CSV, one row per figure)" in labels
    assert "Download this scorecard (JSON, with its LSOAs)" in labels
    assert any(c.value.startswith("Method: Residents: Census 2021 usual residents") for c in at.caption)
    # A wider distance counts more residents near the line's stops.
    at.slider(key="w_near_km").set_value(2.0).run()
    wider = next(m.value for m in at.markdown if m.value.startswith("About ") and "within 2 km of its 31" in m.value)
    assert int(wider.split()[1].replace(",", "")) > card.residents


def test_another_scheme_can_be_picked_and_a_zone_counts_its_wards() -> None:
    at = opened({"overlays": "growth_locations"})
    key = "growth_locations:growth-zone-east-birmingham-north-solihull-zone"
    at.selectbox(key="w_scorecard").set_value(key).run()
    assert not at.exception, [e.value for e in at.exception]
    (card,) = scorecards(WMCA, overlays=("growth_locations",), scheme=key.split(":", 1)[1])
    assert any(m.value == page_text(card).residents for m in at.markdown)
    assert "in its 23 wards" in page_text(card).residents
    (effect,) = [i.value for i in at.info if "not an evaluation" in i.value]
    assert effect.startswith("Not open (planned: 'designated (25-yr business rates retention)'): no figure can "
                             "show its effect yet.")
    # Choosing the scorecard does not move the place chosen under "Who lives near", and stays chosen on a rerun.
    at.run()
    assert at.selectbox(key="w_scorecard").value == key


def test_no_overlay_no_scorecard() -> None:
    at = opened({})
    assert not any(h.value == "Scorecard of a scheme" for h in at.subheader)
    assert not [s for s in at.selectbox if s.key == "w_scorecard"]
