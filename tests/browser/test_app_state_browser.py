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



def test_beside_a_two_measure_key_the_similar_key_stays_inside_the_map(page: Any, app_url: str) -> None:
    from playwright.sync_api import expect

    frame = open_app(page, app_url + f"/?region=E92000001&level=lad&indicator=imd_score&area={SANDWELL}&similar=1"
                               "&versus=median_weekly_pay")
    wait_for_areas(frame, 296)
    key = page.frame_locator(MAP_FRAME).locator(".mapkit-legend-extra").filter(has_text="Similar to Sandwell")
    expect(key).to_be_visible(timeout=LOAD_TIMEOUT)
    settle(page, frame)
    top, map_top = frame.evaluate("""() => [
        [...document.querySelectorAll('.mapkit-similar-key')].at(-1).getBoundingClientRect().top,
        window.map.getContainer().getBoundingClientRect().top]""")
    assert top >= map_top  # its title is on the map, not cut off above it
    last = key.locator("li").last
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()  # the list scrolls inside the key

def phone_page(browser: Any) -> tuple[Any, Any]:
    """A page in a phone-sized context (390 x 844, touch), CDN requests answered locally."""
    from conftest import RouteLog, install_routes

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                  service_workers="block")
    context.set_default_timeout(30_000)
    install_routes(context, log=RouteLog())
    return context, context.new_page()


def in_view(page: Any, selector: str) -> bool:
    """Whether the element's top lies within the window."""
    return page.evaluate("""(s) => { const e = document.querySelector(s); if (!e) return false;
        const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= -2 && r.top < window.innerHeight; }""",
                         selector)


SIDEBAR_OPEN = """() => { const r = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
    return r.width > 0 && r.right > 0; }"""


def sidebar_open(page: Any) -> bool:
    """Whether the sidebar is laid over the page (Streamlit moves a folded one off the left edge)."""
    return page.evaluate(SIDEBAR_OPEN)


def test_on_a_phone_a_search_pick_closes_the_sidebar_and_shows_the_profile(browser: Any, app_url: str,
                                                                          artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    context, page = phone_page(browser)
    try:
        frame = open_app(page, app_url)
        wait_for_areas(frame, 192)
        assert not sidebar_open(page)  # a phone opens with the sidebar folded
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_function(SIDEBAR_OPEN)
        box = page.locator('[data-testid="stSidebar"] [data-testid="stTextInput"] input').first
        box.fill("B9 5RP")
        box.press("Enter")
        page.get_by_role("heading", name="Bordesley Green").wait_for(timeout=LOAD_TIMEOUT)
        page.wait_for_function(f"() => !({SIDEBAR_OPEN})()", timeout=LOAD_TIMEOUT)
        page.wait_for_function("""() => { const e = document.querySelector('.st-key-profile');
            const r = e && e.getBoundingClientRect(); return r && r.top >= -2 && r.top < window.innerHeight / 2; }""",
                               timeout=LOAD_TIMEOUT)
        expect(page.get_by_role("heading", name="Bordesley Green")).to_be_in_viewport()
        page.screenshot(path=str(artifacts_dir / "phone_after_search.png"))
    finally:
        context.close()


def test_on_a_phone_a_tap_on_the_map_brings_the_profile_into_view(browser: Any, app_url: str,
                                                                  artifacts_dir: Path) -> None:
    from test_app_browser import page_point

    context, page = phone_page(browser)
    try:
        frame = open_app(page, app_url)
        wait_for_areas(frame, 192)
        wards = mapkit.load_boundaries("ward", "E47000007").set_index("code")
        point = wards.loc["E05001219", "geometry"].representative_point()  # Binley and Willenhall, Coventry
        page.locator(MAP_FRAME).scroll_into_view_if_needed()
        settle(page, frame)
        x, y = page_point(page, frame, point.y, point.x)
        assert not in_view(page, ".st-key-profile h2")  # the profile is a screen below the map
        page.touchscreen.tap(x, y)
        page.get_by_role("heading", name="Binley and Willenhall").wait_for(timeout=LOAD_TIMEOUT)
        page.wait_for_function("""() => { const e = document.querySelector('.st-key-profile h2');
            const r = e && e.getBoundingClientRect(); return r && r.top >= -2 && r.top < window.innerHeight; }""",
                               timeout=LOAD_TIMEOUT)
        page.screenshot(path=str(artifacts_dir / "phone_after_tap.png"))
    finally:
        context.close()


def test_copy_link_copies_the_views_link(page: Any, app_url: str, browser_context: Any) -> None:
    from playwright.sync_api import expect

    browser_context.grant_permissions(["clipboard-read", "clipboard-write"])
    frame = open_app(page, app_url + "/?region=E08000026&level=ward&indicator=income_score&overlays=transport_schemes")
    wait_for_areas(frame, 18)
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible(timeout=LOAD_TIMEOUT)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert all(part in copied for part in ("region=E08000026", "indicator=income_score", "overlays=transport_schemes"))


def test_where_the_clipboard_is_refused_the_link_is_selected_to_copy_by_hand(page: Any, app_url: str) -> None:
    from playwright.sync_api import expect

    page.add_init_script("""Object.defineProperty(navigator, 'clipboard', {value: {writeText: () =>
        Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'))}});""")
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("press Ctrl+C")).to_be_visible(timeout=LOAD_TIMEOUT)
    field = page.get_by_role("textbox", name="Link to this view")
    expect(field).to_be_visible()
    assert field.input_value() == page.url
    assert page.evaluate("() => { const f = document.activeElement; "
                         "return f.selectionStart === 0 && f.selectionEnd === f.value.length; }")
