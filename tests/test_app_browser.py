"""The real app in headless Chromium: the map draws, is coloured as the legend says, hovers, clicks, follows links.

The map is drawn on a canvas (``prefer_canvas``), so there are no ``path`` elements to count: the tests read the
areas from Leaflet itself (every interactive layer with a ``feature.properties.code``), inside the
streamlit-folium frame. Tiles cannot load here (they are aborted), which is also how the map must stay readable.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import matplotlib.colors
import pytest

import mapkit
from mapkit import classify, palettes

pytestmark = pytest.mark.browser

WMCA = "E47000007"
COVENTRY = "E08000026"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT = 90_000

AREAS_JS = """() => {
    const out = [];
    window.map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.code && l.options.interactive !== false) {
            out.push([l.feature.properties.code, l.options.fillColor]);
        }
    });
    return out;
}"""


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def map_frame(page: Any) -> Any:
    """The streamlit-folium frame once its legend is drawn.

    After a region change Streamlit mounts a new frame and briefly keeps the old one, so wait for a single frame.
    """
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_FRAME}').length === 1", timeout=LOAD_TIMEOUT)
    page.frame_locator(MAP_FRAME).locator(".mapkit-legend").wait_for(timeout=LOAD_TIMEOUT)
    return page.locator(MAP_FRAME).element_handle().content_frame()


def open_app(page: Any, url: str) -> Any:
    page.goto(url)
    return map_frame(page)


def wait_for_areas(frame: Any, count: int) -> list[list[str]]:
    frame.wait_for_function(f"() => ({AREAS_JS})().length === {count}", timeout=LOAD_TIMEOUT)
    return frame.evaluate(AREAS_JS)


def wait_for_map_of(page: Any, count: int) -> tuple[Any, list[list[str]]]:
    """The map frame once it shows ``count`` areas (retrying while Streamlit swaps the frame)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + LOAD_TIMEOUT / 1000
    while True:
        try:
            frame = map_frame(page)
            return frame, wait_for_areas(frame, count)
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(250)


def legend_colours(frame: Any) -> list[str]:
    rgb = frame.evaluate("""() => Array.from(document.querySelectorAll('.mapkit-legend i'))
                               .map(i => getComputedStyle(i).backgroundColor)""")
    return [matplotlib.colors.to_hex([int(v) / 255 for v in re.findall(r"\d+", c)[:3]]) for c in rgb]


def settle(page: Any, frame: Any) -> None:
    """Wait until the frame's position and the map's view stop changing (the map refits as the frame is sized)."""
    def snapshot() -> tuple:
        view = frame.evaluate("() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getSize().x]")
        box = page.locator(MAP_FRAME).bounding_box()
        return (*view, box["x"], box["y"], box["width"])

    previous = None
    for _ in range(40):
        current = snapshot()
        if current == previous:
            return
        previous = current
        page.wait_for_timeout(300)


def page_point(page: Any, frame: Any, lat: float, lng: float) -> tuple[float, float]:
    """Page coordinates of a point on the map."""
    settle(page, frame)
    inner = frame.evaluate("""([lat, lng]) => {
        const p = window.map.latLngToContainerPoint([lat, lng]);
        const r = window.map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", [lat, lng])
    box = page.locator(MAP_FRAME).bounding_box()
    return box["x"] + inner[0], box["y"] + inner[1]


def hover(page: Any, x: float, y: float) -> None:
    """Move the mouse onto a point; Leaflet's canvas throttles hover tests to one per 32 ms, so settle there."""
    page.mouse.move(x - 1, y)
    page.wait_for_timeout(100)
    page.mouse.move(x, y)
    page.wait_for_timeout(100)


def query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def test_default_view_draws_every_ward_in_its_legend_colour(page: Any, app_url: str, route_log: Any,
                                                           artifacts_dir: Path) -> None:
    frame = open_app(page, app_url)
    wards = mapkit.load_boundaries("ward", WMCA)
    areas = dict(wait_for_areas(frame, len(wards)))
    assert len(wards) == 192 and set(areas) == set(wards["code"])
    assert frame.locator("canvas").count() >= 1  # canvas renderer: no SVG paths to count
    assert frame.locator("path.leaflet-interactive").count() == 0

    spec = mapkit.registry().indicator("imd_score")
    frame_rows = mapkit.load_indicator("imd_score", "ward", WMCA)
    classes = classify.classify_indicator(frame_rows, "imd_score", "ward", WMCA, scheme_name="national_deciles",
                                          k=5, compare="england", region_label="West Midlands")
    colours = palettes.class_colours(palettes.resolve("default", spec.palette), classes.k, spec.higher_is)
    expected = {code: colours[c] for code, c in zip(frame_rows["code"], classes.classes)}
    assert areas == expected
    assert set(areas.values()) <= set(legend_colours(frame))

    legend = frame.locator(".mapkit-legend").inner_text()
    for text in ("IMD score", "(score)", "1 = worst 10%", "6,784 wards in England", "No data", "MHCLG"):
        assert text in legend
    assert re.search(r"1: \d+\.\d to \d+\.\d", legend)
    assert "Contains OS data" in frame.locator(".leaflet-control-attribution").inner_text()
    assert route_log.blocked_assets == [], route_log.blocked_assets

    query = query_of(page.url)
    assert (query["region"], query["level"], query["indicator"]) == (WMCA, "ward", "imd_score")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "app-default.png"), full_page=True)


def test_hover_shows_the_tooltip_and_a_click_opens_the_profile(page: Any, app_url: str) -> None:
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    wards = mapkit.load_boundaries("ward", WMCA).set_index("code")
    code = "E05001219"  # Binley and Willenhall, Coventry: a ward well inside the map
    point = wards.loc[code, "geometry"].representative_point()
    x, y = page_point(page, frame, point.y, point.x)
    hover(page, x, y)
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    text = tooltip.inner_text()
    assert "Binley and Willenhall" in text and "(Coventry)" in text
    for field in ("IMD score:", "Rank in West Midlands:", "of 192", "Rank in England:", "of 6,784",
                  "National decile:", "Source: MHCLG"):
        assert field in text
    highlighted = frame.evaluate("""() => { let n = 0; window.map.eachLayer(l => {
        if (l.options && l.options.weight === 3 && l.options.fill === false) n++; }); return n; }""")
    assert highlighted == 1

    page.mouse.click(x, y)
    page.get_by_role("heading", name="Binley and Willenhall").wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function(f"() => window.location.search.includes('area={code}')", timeout=LOAD_TIMEOUT)
    assert page.get_by_text("Rank in England:").first.is_visible()


def choose_region(page: Any, name: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}")).first.click()


def test_changing_region_redraws_the_map(page: Any, app_url: str) -> None:
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    choose_region(page, "Coventry")
    page.wait_for_function(f"() => window.location.search.includes('region={COVENTRY}')", timeout=LOAD_TIMEOUT)
    coventry = mapkit.load_boundaries("ward", COVENTRY)
    frame, found = wait_for_map_of(page, len(coventry))
    areas = dict(found)
    assert set(areas) == set(coventry["code"])
    assert set(areas.values()) <= set(legend_colours(frame))


def test_changing_indicator_recolours_without_reloading_the_map(page: Any, app_url: str) -> None:
    frame = open_app(page, app_url)
    before = dict(wait_for_areas(frame, 192))
    frame.evaluate("() => { window.mapkitTestMarker = 'still here'; }")
    indicator = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(2)
    indicator.click()
    page.keyboard.type("IMD: extent")
    page.get_by_role("option", name="IMD: extent").click()
    page.frame_locator(MAP_FRAME).locator(".mapkit-legend summary").filter(has_text="IMD: extent").wait_for(
        timeout=LOAD_TIMEOUT)
    after = dict(frame.evaluate(AREAS_JS))
    assert set(after) == set(before) and after != before
    assert frame.evaluate("() => window.mapkitTestMarker") == "still here"  # layers swapped, map kept


def test_a_link_reopens_the_same_view(page: Any, app_url: str, route_log: Any) -> None:
    query = {"region": COVENTRY, "level": "lsoa", "indicator": "income_score", "scheme": "quantiles", "k": "4",
             "compare": "region", "palette": "viridis", "basemap": "none"}
    link = app_url + "/?" + "&".join(f"{k}={v}" for k, v in query.items())
    frame = open_app(page, link)
    lsoas = mapkit.load_boundaries("lsoa", COVENTRY)
    areas = dict(wait_for_areas(frame, len(lsoas)))
    assert set(areas.values()) == set(palettes.PALETTES["viridis"].colours(4))
    legend = frame.locator(".mapkit-legend").inner_text()
    assert "Income score" in legend and "Quantiles" in legend and "LSOAs in Coventry" in legend
    assert len(legend_colours(frame)) == 5  # four classes and no data

    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Coventry" in sidebar.locator('[data-testid="stSelectbox"] input').first.input_value()
    assert sidebar.get_by_role("radio", name="LSOAs").is_checked()
    assert sidebar.locator('[data-testid="stSelectbox"] input').nth(2).input_value() == "Income score"
    assert sidebar.get_by_role("radio", name="Within this region").is_checked()
    assert route_log.tiles == []  # basemap "none" asks for no tiles
    assert query_of(page.url) == query


def test_a_bad_link_shows_a_notice(page: Any, app_url: str) -> None:
    frame = open_app(page, app_url + "/?region=%3Cscript%3Ealert(1)%3C/script%3E&k=banana")
    wait_for_areas(frame, 192)
    notices = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("is not a known area code" in n for n in notices)
    assert any("between 3 and 9" in n for n in notices)
    assert page.locator("script:has-text('alert(1)')").count() == 0
