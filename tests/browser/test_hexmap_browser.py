"""The app's hex map in headless Chromium: switch England's districts to the hex map, each district keeps its colour,
hover and keyboard show its figures, a click opens its profile; the link carries the layout.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from map_js import AREAS_JS
from test_app_browser import LOAD_TIMEOUT, MAP_FRAME, hover, map_frame, open_app, settle, wait_for_areas

pytestmark = pytest.mark.browser

ENGLAND, BIRMINGHAM = "E92000001", "E08000025"
CREDIT = "Hex layout: Open Innovations (MIT licence)"


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def wait_for_hex_map(page: Any, count: int) -> tuple[Any, list[list[str]]]:
    """The map frame once it draws ``count`` hexagons (the base map changes, so Streamlit swaps the frame)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + LOAD_TIMEOUT / 1000
    while True:
        try:
            frame = map_frame(page)
            frame.locator(".mapkit-place-label").first.wait_for(timeout=5_000)
            return frame, wait_for_areas(frame, count)
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(250)


def hexagon_point(page: Any, frame: Any, code: str) -> tuple[float, float]:
    """Page coordinates of a point inside an area's hexagon, a little off its centre (where its name may sit)."""
    settle(page, frame)
    inner = frame.evaluate("""(code) => {
        let areas = null;
        window.map.eachLayer(l => { if (l.mapkitList && l.options.interactive) { areas = l; } });
        const box = areas._box(areas._geom.codes.indexOf(code));
        const c = window.map.latLngToContainerPoint(box.getCenter());
        const top = window.map.latLngToContainerPoint(box.getNorthWest());
        const r = window.map.getContainer().getBoundingClientRect();
        return [r.left + c.x, r.top + c.y + (c.y - top.y) * 0.5];
    }""", code)
    frame_box = page.locator(MAP_FRAME).bounding_box()
    return frame_box["x"] + inner[0], frame_box["y"] + inner[1]


def test_switch_to_the_hex_map_of_england_and_hover_and_open_a_district(page: Any, app_url: str,
                                                                          artifacts_dir: Path) -> None:
    frame = open_app(page, f"{app_url}/?region={ENGLAND}&level=lad&indicator=imd_score")
    on_map = wait_for_areas(frame, 296)
    assert frame.locator(".mapkit-place-label").count() == 0
    page.locator('[data-testid="stSidebar"]').get_by_text("Hex map", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('layout=hex')", timeout=LOAD_TIMEOUT)
    frame, on_hexes = wait_for_hex_map(page, 296)
    assert on_hexes == on_map, "every district keeps its code, order and colour"
    assert frame.evaluate(f"() => ({AREAS_JS})().length") == 296
    assert CREDIT in frame.locator(".leaflet-control-attribution").inner_text()
    assert frame.locator(".leaflet-tile").count() == 0, "no basemap under a hex map"
    note = frame.locator(".mapkit-hex-note")
    assert note.inner_text().strip() == "Hex map: one hexagon per district, Open Innovations' layout"  # folded
    note.locator("summary").click()
    assert "447 of England's 749 pairs" in note.inner_text()
    assert frame.locator(".mapkit-place-label", has_text="Birmingham").is_visible()

    x, y = hexagon_point(page, frame, BIRMINGHAM)
    hover(page, x, y)
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip", has_text="Birmingham")
    tooltip.wait_for(timeout=10_000)
    text = tooltip.inner_text()
    assert "IMD score: 38.12" in text and "Rank in England: 5 of 296" in text and "(West Midlands)" in text
    page.screenshot(path=str(artifacts_dir / "app-hex-england.png"), full_page=True)

    page.mouse.click(x, y)
    page.get_by_role("heading", name="Birmingham").wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function(f"() => window.location.search.includes('area={BIRMINGHAM}')", timeout=LOAD_TIMEOUT)
    assert "layout=hex" in page.url


def test_the_keyboard_steps_through_the_hexagons(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/?region={ENGLAND}&level=lad&indicator=imd_average_rank&layout=hex")
    frame, _ = wait_for_hex_map(page, 296)
    frame.locator(".mapkit-keys-button").focus()
    page.keyboard.press("ArrowDown")  # rank 1 in England: Blackpool (MHCLG File 10)
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert re.search(r"Blackpool.*Rank in England: 1 of 296", tooltip.inner_text(), flags=re.S)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Blackpool").wait_for(timeout=LOAD_TIMEOUT)
