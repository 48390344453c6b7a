"""mapkit.app.nearby: who lives near the overlays: one line per group, residents near one place by national IMD
decile against its combined authority and England, and what the research could not map."""

from __future__ import annotations

from app_parts import part

from mapkit.analysis import nearby
from mapkit.data import overlays
from mapkit.view import View

WMCA = "E47000007"


def test_each_group_gets_its_residents_line_and_a_place_its_deciles() -> None:
    view = View(region=WMCA, overlays=("growth_locations",))
    at = part("nearby", "show_nearby", view, None)
    frame = overlays.overlay_in_region("growth_locations", WMCA)
    summary = nearby.group_summary(frame, distance_km=1.0, noun="location", noun_plural="locations").sentence()
    assert [m.value for m in at.markdown if m.value.startswith("**Growth locations**")] == [
        f"**Growth locations** in West Midlands: {summary}"]
    deciles = next(d.value for d in at.dataframe if "National decile" in d.value.columns)
    assert list(deciles["National decile"]) == list(range(1, 11))
    not_mapped = [e.label for e in at.expander if "without a coordinate" in e.label]
    assert not_mapped == [f"Growth locations not on the map in West Midlands: "
                          f"{len(overlays.not_mapped('growth_locations', region=WMCA))} without a coordinate"]


def test_the_views_place_is_the_one_shown() -> None:
    zone = "growth_locations:wm-investment-zone-birmingham-knowledge-quarter-zone"
    at = part("nearby", "show_nearby", View(region=WMCA, overlays=("growth_locations",)), None,
              session={"w_near_place": zone})
    assert at.selectbox(key="w_near_place").value == zone
    assert any(m.value.startswith("**WM Investment Zone: Birmingham Knowledge Quarter") and "live in its" in m.value
               for m in at.markdown)
    assert any(c.value.startswith("Method (zone):") for c in at.caption)


def test_without_overlays_it_says_how_to_start() -> None:
    at = part("nearby", "show_nearby", View(region=WMCA), None)
    assert at.caption[0].value.startswith("Turn on an overlay in the sidebar")
