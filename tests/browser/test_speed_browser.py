"""Geometry once per view in the real app (Chromium): fetched once as a file, kept across indicator changes; all of
England's LSOAs drawn, hovered and clicked."""

from __future__ import annotations

from typing import Any

import pytest

import mapkit
from map_js import AREAS_JS
from test_app_browser import MAP_FRAME, LOAD_TIMEOUT, hover, map_frame, page_point, wait_for_areas

pytestmark = pytest.mark.browser

LSOA = "E01009522"  # Coventry 014A


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def choose_indicator(page: Any, label: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Indicator")
    box.click()
    page.keyboard.type(label)
    page.get_by_role("option", name=label, exact=True).first.click()


def test_an_indicator_change_sends_colours_not_geometry(page: Any, app_url: str) -> None:
    fetched: list[str] = []
    frames: list[str] = []
    page.on("response", lambda r: fetched.append(r.url) if "/app/static/geometry/" in r.url else None)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(
        p if isinstance(p, str) else p.decode("utf-8", "replace"))))
    page.goto(f"{app_url}/?indicator=income_score")
    frame = map_frame(page)
    before = dict(wait_for_areas(frame, 192))
    assert len(fetched) == 2 and all(url.endswith(".json") for url in fetched)  # wards and their districts
    assert not any('\\"shapes\\"' in f or '"shapes"' in f for f in frames)
    frames.clear()
    choose_indicator(page, "Health score")
    page.frame_locator(MAP_FRAME).locator(".mapkit-legend summary").filter(has_text="Health score").wait_for(
        timeout=LOAD_TIMEOUT)
    frame.wait_for_function(f"() => {{ const a = ({AREAS_JS})(); return a.length === 192; }}", timeout=LOAD_TIMEOUT)
    after = dict(frame.evaluate(AREAS_JS))
    assert set(after) == set(before) and after != before
    assert len(fetched) == 2  # nothing fetched again: the page kept the geometry
    sent = sum(len(f) for f in frames)
    assert frames and not any('"shapes"' in f or '\\"shapes\\"' in f for f in frames)
    assert sent < 200_000, sent  # the 192 wards' colours and tooltips, the profile and the table; no shapes


def test_englands_lsoas_draw_hover_and_click_open_the_profile(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/?region=E92000001&level=lsoa&indicator=imd_score")
    frame = map_frame(page)
    areas = dict(wait_for_areas(frame, 33755))
    lsoas = mapkit.load_boundaries("lsoa", "E92000001").set_index("code")
    assert set(areas) == set(lsoas.index)
    assert sum(fill != "#d9d9d9" for fill in areas.values()) > 33000  # coloured, not no data
    point = lsoas.loc[LSOA, "geometry"].representative_point()
    frame.evaluate("([lat, lng]) => window.map.setView([lat, lng], 15, {animate: false})", [point.y, point.x])
    x, y = page_point(page, frame, point.y, point.x)
    hover(page, x, y)
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert "Coventry 014A" in tooltip.inner_text()
    page.mouse.click(x, y)
    page.get_by_role("heading", name="Coventry 014A").wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function(f"() => window.location.search.includes('area={LSOA}')", timeout=LOAD_TIMEOUT)
