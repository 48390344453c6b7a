"""What people hit (issue 23), in Chromium: what only a browser shows. Similar areas fitted on the map with a key,
a zone opened from a search, a phone's sidebar and profile after a pick or a tap, and the "Copy link" button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mapkit
from mapkit.analysis.similar import similar_areas
from test_app_browser import LOAD_TIMEOUT, MAP_FRAME, open_app, settle, wait_for_areas

pytestmark = pytest.mark.browser

SANDWELL = "E08000028"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def map_bounds(frame: Any) -> tuple[float, float, float, float]:
    """West, south, east, north of what the map shows."""
    return tuple(frame.evaluate("""() => { const b = window.map.getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"""))


def test_similar_areas_from_a_link_are_outlined_fitted_and_named(page: Any, app_url: str,
                                                                 artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    frame = open_app(page, app_url + f"/?region=E92000001&level=lad&indicator=imd_score&area={SANDWELL}&similar=1")
    wait_for_areas(frame, 296)
    key = page.frame_locator(MAP_FRAME).locator(".mapkit-legend-extra").filter(has_text="Similar to Sandwell")
    expect(key).to_be_visible(timeout=LOAD_TIMEOUT)
    table = similar_areas(SANDWELL, "lad")
    items = key.locator("li").all_inner_texts()
    assert [item.split(" (")[0].split(maxsplit=1)[1] for item in items] == list(table["name"])
    expect(page.frame_locator(MAP_FRAME).locator(".mapkit-similar-number")).to_have_count(10)
    settle(page, frame)
    page.screenshot(path=str(artifacts_dir / "similar_sandwell.png"))
    west, south, east, north = map_bounds(frame)
    shapes = mapkit.load_boundaries("lad").set_index("code").loc[[SANDWELL, *table["code"]]]
    for code, shape in shapes.geometry.items():  # each in view, and the view no wider than it needs (not England)
        x0, y0, x1, y1 = shape.bounds
        assert west <= x0 and x1 <= east and south <= y0 and y1 <= north, code
    e_west, e_south, e_east, e_north = mapkit.load_boundaries("lad").total_bounds
    assert (east - west) < 0.7 * (e_east - e_west) and (north - south) < 0.7 * (e_north - e_south)  # not England's
