"""The real app in headless Chromium: the map draws, is coloured as the legend says, hovers, clicks, follows links.

The areas are drawn on a canvas, so there are no ``path`` elements to count: the tests read the areas from
Leaflet itself (:data:`map_js.AREAS_JS`), inside the streamlit-folium frame, and check the canvas's pixels.
Tiles cannot load here (they are aborted), which is also how the map must stay readable.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import matplotlib.colors
import numpy as np
import pytest

import mapkit
import mapkit.web.elements
import mapkit.export
import mapkit.specs.registry
import mapkit.data.overlays
import mapkit.analysis.similar
import mapkit.web.webmap
from mapkit.analysis import classify
from mapkit.specs import palettes
from map_js import AREAS_JS

pytestmark = pytest.mark.browser

WMCA = "E47000007"
COVENTRY = "E08000026"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT = 90_000




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
    """Page coordinates of a point on the map (scrolled into view first: a click below the fold would miss)."""
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    settle(page, frame)
    inner = frame.evaluate("""([lat, lng]) => {
        const p = window.map.latLngToContainerPoint([lat, lng]);
        const r = window.map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", [lat, lng])
    box = page.locator(MAP_FRAME).bounding_box()
    return box["x"] + inner[0], box["y"] + inner[1]


def hover(page: Any, x: float, y: float) -> None:
    """Move the mouse onto a point (two moves, so the map sees a move onto it), and let the hover settle."""
    page.mouse.move(x - 1, y)
    page.wait_for_timeout(100)
    page.mouse.move(x, y)
    page.wait_for_timeout(100)


PIXEL_JS = """([lat, lng]) => {
    // The colour on the areas' canvas under a point of the map (the canvas alone: no tiles, no outlines).
    const canvas = document.querySelector('.leaflet-mapkitAreas-pane canvas');
    const p = window.map.latLngToContainerPoint([lat, lng]), box = window.map.getContainer().getBoundingClientRect();
    const r = canvas.getBoundingClientRect(), sx = canvas.width / r.width, sy = canvas.height / r.height;
    const x = Math.round((box.left + p.x - r.left) * sx), y = Math.round((box.top + p.y - r.top) * sy);
    return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
}"""


def assert_pixels_show_colours(page: Any, frame: Any, areas: Any, expected: dict[str, str], n: int = 25) -> None:
    """The largest ``n`` areas show their class colour on the canvas at their pole of inaccessibility."""
    from shapely.ops import polylabel

    settle(page, frame)
    opacity = mapkit.web.elements.AREA_LINE["fillOpacity"]
    largest = areas.assign(size=areas.to_crs(27700).area).nlargest(n, "size")
    for code, geometry in zip(largest["code"], largest.geometry):
        polygon = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
        point = polylabel(polygon, tolerance=1e-4)
        r, g, b, a = frame.evaluate(PIXEL_JS, [point.y, point.x])
        want = np.array(matplotlib.colors.to_rgb(expected[code])) * 255
        assert a == round(opacity * 255) or abs(a - opacity * 255) <= 2, (code, a)
        assert np.abs(np.array([r, g, b]) - want).max() <= 3, (code, (r, g, b), expected[code])


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
                                          k=5, breaks_from="england", region_label="West Midlands")
    colours = palettes.class_colours(palettes.resolve("default", spec.palette), classes.k, spec.higher_is)
    expected = {code: colours[c] for code, c in zip(frame_rows["code"], classes.classes)}
    assert areas == expected
    assert set(areas.values()) <= set(legend_colours(frame))
    assert_pixels_show_colours(page, frame, wards, expected)

    legend = frame.locator(".mapkit-legend").inner_text()
    for text in ("IMD score", "(score)", "1 = most deprived 10%", "6,784 wards in England", "No data", "MHCLG"):
        assert text in legend
    assert re.search(r"1: \d+\.\d\d to \d+\.\d\d", legend)  # IMD score to 2 dp, as MHCLG publishes it
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
    from playwright.sync_api import expect

    expect(page.get_by_text("Rank in England:").first).to_be_visible(timeout=LOAD_TIMEOUT)


def pick_option(page: Any, box: Any, name: str) -> None:
    """Open a select box and pick an option: a rerun landing between the click on the box and the click on the
    option (a tab just opened) closes the list on a loaded machine, so both clicks are tried again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=name)
    for _ in range(3):
        box.click()
        try:
            option.click(timeout=LOAD_TIMEOUT / 6)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"the option {name!r} never showed long enough to be picked")


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
    indicator = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Indicator")
    pick_option(page, indicator, "IMD: extent")
    page.frame_locator(MAP_FRAME).locator(".mapkit-legend summary").filter(has_text="IMD: extent").wait_for(
        timeout=LOAD_TIMEOUT)
    after = dict(frame.evaluate(AREAS_JS))
    assert set(after) == set(before) and after != before
    assert frame.evaluate("() => window.mapkitTestMarker") == "still here"  # layers swapped, map kept


def test_a_link_reopens_the_same_view(page: Any, app_url: str, route_log: Any) -> None:
    query = {"region": COVENTRY, "level": "lsoa", "indicator": "income_score", "scheme": "quantiles", "k": "4",
             "breaks": "region", "palette": "viridis", "basemap": "none"}
    link = app_url + "/?" + "&".join(f"{k}={v}" for k, v in query.items())
    frame = open_app(page, link)
    lsoas = mapkit.load_boundaries("lsoa", COVENTRY)
    areas = dict(wait_for_areas(frame, len(lsoas)))
    assert set(areas.values()) == set(palettes.PALETTES["viridis"].colours(4))
    legend = frame.locator(".mapkit-legend").inner_text()
    assert "Income score" in legend and "Quantiles" in legend and "LSOAs in Coventry" in legend
    assert len(legend_colours(frame)) == 5  # four classes and no data

    from playwright.sync_api import expect

    sidebar = page.locator('[data-testid="stSidebar"]')
    boxes = sidebar.locator('[data-testid="stSelectbox"]')  # by label: the sidebar is drawn again after the map
    expect(boxes.filter(has_text="Region").locator("input")).to_have_value(re.compile("Coventry"),
                                                                             timeout=LOAD_TIMEOUT)
    assert sidebar.get_by_role("radio", name="LSOAs").is_checked()
    expect(boxes.filter(has_text="Indicator").locator("input")).to_have_value("Income score", timeout=LOAD_TIMEOUT)
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


# ------------------------------------------------------------------------------------------------ overlays

OVERLAYS_JS = """() => {
    const out = {squares: 0, circles: 0, lines: 0, upload: 0, zones: 0};
    window.map.eachLayer(l => {
        if (l instanceof L.Polygon && l.feature && l.options.fill === false) {
            out.zones++;
        } else if (l instanceof L.Marker && l.options.icon
                   && l.options.icon.options.className === 'mapkit-overlay-square') {
            out.squares++;
        } else if (l.mapkitUploadList) {  // a user's upload, one canvas: count its points
            l.mapkitUploadList().forEach(([, kind, parts]) => { if (kind === 'point') { out.upload += parts; } });
        } else if (l instanceof L.CircleMarker) {
            out.circles++;
        } else if (l instanceof L.Polyline && !(l instanceof L.Polygon) && !l.feature) {
            out.lines++;
        }
    });
    return out;
}"""

CLEAR_SQUARE_JS = """() => {
    // A growth-location square that is on top at its own centre (not under another marker or a legend).
    let found = null;
    window.map.eachLayer(l => {
        if (found || !(l instanceof L.Marker) || !l._icon || !l.getPopup()) { return; }
        const r = l._icon.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
        const size = window.map.getSize();
        if (x < 60 || y < 60 || x > size.x - 60 || y > size.y - 60) { return; }
        const hit = document.elementFromPoint(x, y);
        if (hit && l._icon.contains(hit)) {
            const name = l.getPopup().getContent().querySelector('.mapkit-overlay-popup > div').textContent;
            found = {x: x, y: y, name: name};
        }
    });
    return found;
}"""


def overlay_counts(frame: Any, expected: dict[str, int]) -> dict[str, int]:
    frame.wait_for_function(f"() => JSON.stringify(({OVERLAYS_JS})()) === JSON.stringify({json.dumps(expected)})",
                            timeout=LOAD_TIMEOUT)
    return frame.evaluate(OVERLAYS_JS)


def toggle_overlay(page: Any, label: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(has_text=label).click()



def click_for_popup(page: Any, target: dict[str, float]) -> Any:
    """Click the map frame at ``target`` (frame pixels) and wait for an overlay popup; returns its locator."""
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content .mapkit-overlay-popup")
    popup.wait_for(timeout=10_000)
    return popup

def test_overlays_toggle_on_and_a_marker_opens_its_popup(page: Any, app_url: str, artifacts_dir: Path) -> None:
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    assert frame.evaluate(OVERLAYS_JS) == {"squares": 0, "circles": 0, "lines": 0, "upload": 0, "zones": 0}

    schemes = mapkit.data.overlays.overlay_in_region("transport_schemes", WMCA)
    lines = int((schemes.geom_type == "LineString").sum())
    stops = int((schemes.geom_type == "Point").sum())
    corridors = int((schemes.geom_type == "MultiPolygon").sum())
    toggle_overlay(page, "Transport schemes")
    page.wait_for_function("() => window.location.search.includes('overlays=transport_schemes')",
                           timeout=LOAD_TIMEOUT)
    overlay_counts(frame, {"squares": 0, "circles": stops, "lines": lines, "upload": 0, "zones": corridors})

    locations = mapkit.data.overlays.overlay_in_region("growth_locations", WMCA)
    places = int((locations.geom_type == "Point").sum())
    zones = corridors + int((locations.geom_type == "MultiPolygon").sum())
    toggle_overlay(page, "Growth locations")
    page.wait_for_function("() => window.location.search.includes('overlays=growth_locations%2Ctransport_schemes')",
                           timeout=LOAD_TIMEOUT)
    overlay_counts(frame, {"squares": places, "circles": stops, "lines": lines, "upload": 0, "zones": zones})
    assert frame.locator(".mapkit-legend-extra summary").inner_text().strip() == "Overlays: status"
    assert len(wait_for_areas(frame, 192)) == 192  # the choropleth is still there, under the overlays

    settle(page, frame)
    target = frame.evaluate(CLEAR_SQUARE_JS)
    assert target, "no growth location is clear of other markers"
    popup = click_for_popup(page, target)
    text = popup.inner_text()
    assert target["name"] in text
    feature = locations.set_index("name").loc[target["name"]]
    status = mapkit.specs.registry.overlay_declarations().status.label(feature["status_category"])
    for field in ("Type", "Status", f"{status}: {feature['status']}", "District", "Location", "confidence"):
        assert field in text
    link = popup.locator("a").first
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    assert link.get_attribute("href").startswith("http")
    page.screenshot(path=str(artifacts_dir / "app-overlays.png"))


ZONE_EDGE_JS = """(name) => {
    // A point on the named zone's outline where its own path is on top, in the frame's pixels. The popup is bound
    // to the zone's L.GeoJSON group; its polygon is the group's one layer.
    let found = null;
    window.map.eachLayer(g => {
        if (found || !(g instanceof L.GeoJSON) || !g.getPopup()) { return; }
        const content = g.getPopup().getContent();
        const text = typeof content === 'string' ? content : content.textContent;
        if (!text.includes(name)) { return; }
        g.eachLayer(l => {
            if (found || !l._path) { return; }
            const size = window.map.getSize();
            for (const ll of l.getLatLngs().flat(2)) {
                const p = window.map.latLngToContainerPoint(ll);
                if (p.x < 40 || p.y < 40 || p.x > size.x - 40 || p.y > size.y - 40) { continue; }
                if (document.elementFromPoint(p.x, p.y) === l._path) { found = {x: p.x, y: p.y}; return; }
            }
        });
    });
    return found;
}"""


def test_a_zone_is_outlined_over_its_wards_and_its_popup_lists_them(page: Any, app_url: str,
                                                                    artifacts_dir: Path) -> None:
    frame = open_app(page, app_url + "?overlays=growth_locations&statuses=planned")
    wait_for_areas(frame, 192)
    locations = mapkit.data.overlays.overlay_in_region("growth_locations", WMCA, statuses=("planned",))
    zones = int((locations.geom_type == "MultiPolygon").sum())
    counts = overlay_counts(frame, {"squares": int((locations.geom_type == "Point").sum()), "circles": 0,
                                    "lines": 0, "upload": 0, "zones": zones})
    assert counts["zones"] > 0
    assert "East Birmingham & North Solihull" in frame.locator(".mapkit-zone-label").all_inner_texts()
    settle(page, frame)
    target = frame.evaluate(ZONE_EDGE_JS, "Growth Zone: East Birmingham & North Solihull")
    assert target, "no vertex of the zone's outline is clear of other features"
    popup = click_for_popup(page, target)
    text = popup.inner_text()
    for field in ("Growth Zone: East Birmingham & North Solihull", "23 May 2024 wards", "Chelmsley Wood",
                  "wards listed by the source", "status date: 2023-12-21"):
        assert field in text, field
    page.screenshot(path=str(artifacts_dir / "app-zone-popup.png"))


def test_an_uploaded_name_with_markup_shows_as_text(page: Any, app_url: str, artifacts_dir: Path) -> None:
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    name = "<script>window.mapkitXss = 1</script> Depot <b>one</b>"
    csv = f"name,lat,lon,note\n\"{name}\",52.45,-1.75,<img src=x onerror=\"window.mapkitXss=2\">\n"
    page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "depots.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_text("Drawn as Your layer: depots.csv").wait_for(timeout=LOAD_TIMEOUT)
    overlay_counts(frame, {"squares": 0, "circles": 0, "lines": 0, "upload": 1, "zones": 0})

    x, y = page_point(page, frame, 52.45, -1.75)
    page.mouse.click(x, y)
    popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content .mapkit-upload-popup")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert name in text and '<img src=x onerror="window.mapkitXss=2">' in text
    assert "From your upload; not checked by this site." in text
    assert popup.locator("script, img, b").count() == 0
    assert frame.evaluate("() => window.mapkitXss") is None
    page.screenshot(path=str(artifacts_dir / "app-upload.png"))


def test_a_multipoint_upload_is_drawn_and_behaves_like_points(page: Any, app_url: str) -> None:
    """Issue 18: a MultiPoint drew default blue pins and threw `t.getElement is not a function` on draw, hover and
    click. Each point is now an upload marker (yellow circle) with the feature's tooltip and popup."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    points = [[-1.75, 52.45], [-1.60, 52.40], [-2.00, 52.55]]
    geojson = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "name": "Depots"}, "geometry": {"type": "MultiPoint", "coordinates": points}}]})
    page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "depots.geojson", "mimeType": "application/geo+json", "buffer": geojson.encode()}])
    page.get_by_text("Drawn as Your layer: depots.geojson").wait_for(timeout=LOAD_TIMEOUT)
    frame = map_frame(page)
    overlay_counts(frame, {"squares": 0, "circles": 0, "lines": 0, "upload": len(points), "zones": 0})
    assert frame.evaluate("""() => { let pins = 0; window.map.eachLayer(l => {
        if (l instanceof L.Marker) { pins++; } }); return pins; }""") == 0
    for lng, lat in points:
        x, y = page_point(page, frame, lat, lng)
        page.mouse.move(x, y)
        page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip", has_text="Depots").last.wait_for(timeout=10_000)
        page.mouse.click(x, y)
        popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content .mapkit-upload-popup").last
        popup.wait_for(timeout=10_000)
        assert "Depots" in popup.inner_text()
    assert not [e for e in errors if "getElement" in e or "TypeError" in e], errors


def test_a_bad_upload_shows_the_reason(page: Any, app_url: str) -> None:
    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "places.csv", "mimeType": "text/csv", "buffer": b"title,lat,lon\nA,52.5,-1.9\n"}])
    alert = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    alert.wait_for(timeout=LOAD_TIMEOUT)
    assert "has no name column" in alert.inner_text() and "add a column headed 'name'" in alert.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_export_tab_prepares_and_downloads_a_file_of_the_view(page: Any, app_url: str) -> None:
    frame = open_app(page, app_url + f"/?region={COVENTRY}&level=ward&indicator=income_score")
    wait_for_areas(frame, len(mapkit.load_boundaries("ward", COVENTRY)))
    page.get_by_role("tab", name="Export").click()
    pick_option(page, page.locator('[data-testid="stSelectbox"]').filter(has_text="Format"),
                mapkit.export.FORMATS["csv"].label)
    assert page.get_by_role("button", name=re.compile("^Download E08000026")).count() == 0
    page.get_by_role("button", name="Prepare file").click()
    button = page.get_by_role("button", name=re.compile(r"^Download E08000026_coventry_income_score_ward\.csv"))
    button.wait_for(timeout=LOAD_TIMEOUT)
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "E08000026_coventry_income_score_ward.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("area_code,area_name,area_level,")  # the tidy table: no comment lines
    assert text.count("\nE05") == len(mapkit.load_boundaries("ward", COVENTRY))


def test_search_opens_a_postcode_and_places_and_refuses_a_bad_postcode(page: Any, app_url: str) -> None:
    """Issue 13: "B9 5RP" opens its ward and LSOA with the point marked, the link reopens it in a fresh page,
    "Moseley" offers the ward and the station, and a bad postcode gets the message."""
    from playwright.sync_api import expect

    frame = open_app(page, app_url)
    wait_for_areas(frame, 192)
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.locator('[data-testid="stTextInput"] input').first

    box.fill("b95rp")
    box.press("Enter")
    page.get_by_role("heading", name="Bordesley Green").wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function("() => window.location.search.includes('area=E05011127')", timeout=LOAD_TIMEOUT)
    expect(sidebar.get_by_text("LSOA: Birmingham 139D (E01009331)")).to_be_visible()
    expect(sidebar.get_by_text("Ward: Bordesley Green (E05011127)")).to_be_visible()
    page.frame_locator(MAP_FRAME).locator("path.mapkit-postcode").wait_for(state="attached", timeout=LOAD_TIMEOUT)
    sidebar.get_by_role("button", name="Open its LSOA").click()
    page.get_by_role("heading", name="Birmingham 139D").wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function("() => window.location.search.includes('area=E01009331')", timeout=LOAD_TIMEOUT)
    query = query_of(page.url)
    assert (query["pc"], query["level"], query["region"]) == ("B9 5RP", "lsoa", WMCA)

    fresh = page.context.new_page()
    try:
        fresh.goto(page.url)
        fresh.get_by_role("heading", name="Birmingham 139D").wait_for(timeout=LOAD_TIMEOUT)
        expect(fresh.get_by_text("Ward: Bordesley Green (E05011127)")).to_be_visible()
        fresh.frame_locator(MAP_FRAME).locator("path.mapkit-postcode").wait_for(state="attached",
                                                                                timeout=LOAD_TIMEOUT)
    finally:
        fresh.close()

    box.fill("Moseley")
    box.press("Enter")
    found = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text=re.compile(r"places? found")).first
    found.click()
    options = page.get_by_role("option").all_inner_texts()
    assert options[0] == "Moseley (ward, Birmingham)"
    assert "New rail station: Moseley Village (scheme, Birmingham)" in options
    page.get_by_role("option", name="New rail station: Moseley Village (scheme, Birmingham)").click()
    page.get_by_role("heading", name="Moseley").wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function("() => window.location.search.includes('overlays=transport_schemes')",
                           timeout=LOAD_TIMEOUT)
    assert query_of(page.url)["area"] == "E05011154"

    box.fill("ZZ1 1ZZ")
    box.press("Enter")
    expect(sidebar.get_by_text("ZZ1 1ZZ is not a live English postcode")).to_be_visible(timeout=LOAD_TIMEOUT)


def test_gva_over_time_year_change_and_the_profiles_line_chart(page: Any, app_url: str) -> None:
    """Issue 12's path: West Midlands districts, GVA per hour worked at 2023 by default, back to 2013, then the
    change 2013 to 2023; the profile's line chart holds ONS's figures for the area, its CA and England."""
    from playwright.sync_api import expect

    birmingham = "E08000025"
    frame = open_app(page, app_url + f"/?region={WMCA}&level=lad&area={birmingham}")
    wait_for_areas(frame, 7)
    for label, name in (("Theme", "Growth and productivity"), ("Indicator", "GVA per hour worked")):
        box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
        pick_option(page, box, name)  # by label: the sidebar is drawn again after the map
        page.wait_for_timeout(500)
    legend = page.frame_locator(MAP_FRAME).locator(".mapkit-legend")
    legend.locator("summary").filter(has_text="GVA per hour worked").wait_for(timeout=LOAD_TIMEOUT)
    assert "2023" in legend.inner_text()
    sidebar = page.locator('[data-testid="stSidebar"]')
    slider = sidebar.get_by_role("slider").first
    expect(slider).to_have_attribute("aria-valuetext", "2023", timeout=LOAD_TIMEOUT)

    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => window.location.search.includes('year=2013')", timeout=LOAD_TIMEOUT)
    legend.filter(has_text="2013, ONS time series").wait_for(timeout=LOAD_TIMEOUT)
    colours = dict(frame.evaluate(AREAS_JS))
    expected = prepare_colours({"indicator": "gva_per_hour", "year": 2013})
    assert colours == expected

    sidebar.get_by_text("Change between two years").click()
    page.wait_for_function("() => window.location.search.includes('change=2013%3A2023')"
                           " || window.location.search.includes('change=2013:2023')", timeout=LOAD_TIMEOUT)
    legend.filter(has_text="2013 to 2023").wait_for(timeout=LOAD_TIMEOUT)
    assert "Middle colour = no change" in legend.inner_text()
    assert dict(frame.evaluate(AREAS_JS)) == prepare_colours({"indicator": "gva_per_hour", "change": (2013, 2023)})
    expect(page.get_by_role("heading", name=re.compile("2013 to 2023: districts of West Midlands, fastest first"))
           ).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("Gross value added per hour worked in Birmingham grew 31.1% from 2013 to 2023, "
                            "against 33.3% for England").first).to_be_visible(timeout=LOAD_TIMEOUT)

    chart = page.locator('[data-testid="stVegaLiteChart"]')
    chart.locator("svg [aria-label*='Year: 2013']").first.wait_for(timeout=LOAD_TIMEOUT)
    labels = chart.locator("svg [aria-label*='Year: ']").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))")
    points = {}
    for label in labels:
        fields = dict(part.split(": ", 1) for part in label.split("; ") if ": " in part)
        points[(fields["Area"], int(fields["Year"]))] = fields["Gross value added per hour worked"]
    assert len(points) == 3 * 20  # Birmingham, West Midlands CA and England, 2004-2023
    assert points[("Birmingham", 2013)] == "£26.8" and points[("Birmingham", 2023)] == "£35.1"  # ONS cells
    assert points[("West Midlands CA", 2013)] == "£27.4" and points[("England", 2023)] == "£42.4"


def prepare_colours(fields: dict) -> dict[str, str]:
    """Area code -> fill colour the app should draw for West Midlands districts with these view fields."""
    from mapkit.analysis.map_data import prepare
    from mapkit.view import View

    data = prepare(View(region=WMCA, level="lad", scheme="quantiles", **fields))
    no_data = data.ramp.no_data.fill
    return {code: (data.colours[c] if c >= 0 else no_data)
            for code, c in zip(data.frame["code"], data.classification.classes)}


def test_iod_movement_maps_wards_and_lsoas_and_states_what_could_not_be_compared(page: Any, app_url: str) -> None:
    indicator = "imd_change_net_10pct"
    spec = mapkit.registry().indicator(indicator)
    query = f"region={WMCA}&indicator={indicator}&scheme=quantiles&k=5&breaks=region"
    frame = open_app(page, f"{app_url}/?{query}&level=ward")
    wards = mapkit.load_boundaries("ward", WMCA)
    areas = dict(wait_for_areas(frame, len(wards)))
    rows = mapkit.load_indicator(indicator, "ward", WMCA)
    classes = classify.classify_indicator(rows, indicator, "ward", WMCA, scheme_name="quantiles", k=5,
                                          breaks_from="region", region_label="West Midlands")
    colours = palettes.class_colours(palettes.resolve("default", spec.palette), classes.k, spec.higher_is,
                                     classes.upper, classes.centre)
    assert {code: colours[c] for code, c in zip(rows["code"], classes.classes) if c >= 0} == {
        code: areas[code] for code, c in zip(rows["code"], classes.classes) if c >= 0}
    legend = frame.locator(".mapkit-legend").inner_text()
    assert "No change" in legend and "split at +0 (no change)" in legend
    page.get_by_text("could not be compared between IoD2019 and IoD2025").wait_for(timeout=LOAD_TIMEOUT)
    point = wards.set_index("code").loc["E05001219", "geometry"].representative_point()
    hover(page, *page_point(page, frame, point.y, point.x))
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert "compared LSOAs moved into the most deprived 10%" in tooltip.inner_text()

    page.goto(f"{app_url}/?{query}&level=lsoa")
    lsoas = mapkit.load_boundaries("lsoa", WMCA)
    frame, found = wait_for_map_of(page, len(lsoas))
    lsoa_rows = mapkit.load_indicator(indicator, "lsoa", WMCA)
    missing = int(lsoa_rows["value"].isna().sum())
    no_data = palettes.resolve("default", spec.palette).no_data.fill
    assert sum(colour == no_data for _, colour in found) == missing
    caption = f"{missing:,} of {len(lsoas):,} LSOAs could not be compared"
    page.get_by_text(caption).wait_for(timeout=LOAD_TIMEOUT)


def test_compare_cities_export_them_similar_to_sandwell_and_reopen_from_a_link(page: Any, app_url: str,
                                                                                 browser: Any) -> None:
    """Issue 13's "Done when" for compare and similar areas: Sandwell's 10 similar districts, Birmingham,
    Manchester and Leeds side by side with England (IoD and growth), their CSV, and the link in a fresh page."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    sandwell, cities = "E08000028", ("E08000025", "E08000003", "E08000035")
    frame = open_app(page, app_url + f"/?region=E92000001&level=lad&indicator=imd_score&area={sandwell}")
    wait_for_areas(frame, 296)
    page.get_by_text("Similar to Sandwell").click()
    listed = page.locator('[data-testid="stExpander"]').filter(has_text="Similar to Sandwell").locator("li")
    expect(listed).to_have_count(10, timeout=LOAD_TIMEOUT)
    expected = list(mapkit.analysis.similar.similar_areas(sandwell, "lad")["name"])
    assert [item.split(" (")[0].split(" · ")[0] for item in listed.all_inner_texts()] == expected

    page.get_by_role("tab", name="Compare areas").click()
    expect(page.get_by_text("No area chosen yet")).to_be_visible(timeout=LOAD_TIMEOUT)
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="to compare")
    table = page.locator('[data-testid="stTable"]').first
    for i, name in enumerate(("Birmingham", "Manchester", "Leeds")):
        option = page.get_by_role("option", name=re.compile(rf"^{name} \("))
        for _ in range(8):  # a rerun still drawing the page can swallow the text: enter it again
            picker.locator("input").click()
            picker.locator("input").fill(name)
            try:
                option.first.wait_for(timeout=8_000)
                break
            except PlaywrightError:
                page.keyboard.press("Escape")
        option.first.click()
        page.keyboard.press("Escape")
        page.wait_for_function(f"() => decodeURIComponent(window.location.search).includes("
                               f"'compare_areas={','.join(cities[:i + 1])}')", timeout=LOAD_TIMEOUT)
        expect(table.locator("thead")).to_contain_text(name, timeout=LOAD_TIMEOUT)  # the rerun has drawn it
    theme = page.locator('[data-testid="stSelectbox"]').filter(has_text="Theme").last
    for name, indicator in (("Deprivation (IoD2025)", "imd_score"), ("Growth and productivity", "gdhi_per_head")):
        theme.click()
        page.get_by_role("option", name=name).click()
        spec = mapkit.registry().indicator(indicator)
        expect(table).to_contain_text(spec.label, timeout=LOAD_TIMEOUT)
        header = table.locator("thead").inner_text()
        assert all(city in header for city in ("Birmingham", "Manchester", "Leeds", "England"))
        row = table.locator("tr").filter(has_text=f"{spec.label} ({spec.unit})").inner_text()
        birmingham = mapkit.load_indicator(indicator, "lad").set_index("code").at[cities[0], "value"]
        assert spec.format_value(float(birmingham)) in row
    outlined = """() => { const out = []; window.map.eachLayer(l => {
        if (l.mapkitList && l._opts.style.color === '%s') out.push(...l.mapkitList().map(a => a[0])); });
        return out.sort(); }""" % mapkit.web.webmap.COMPARE_STYLE["color"]
    frame = map_frame(page)
    frame.wait_for_function(f"() => ({outlined})().length === 3", timeout=LOAD_TIMEOUT)
    assert frame.evaluate(outlined) == sorted(cities)  # outlined on the map

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the comparison, every theme (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("area_code,area_name,area_level,") and "Office for National Statistics" in text
    for code in cities:
        assert f"\n{code}," in text and ",area," in text
    assert "\nE92000001,England,england," in text and "imd_score" in text and "gva_per_hour" in text
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the comparison, every theme (Excel, with sources)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"

    from conftest import RouteLog, install_routes

    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    install_routes(context, log=RouteLog())
    fresh = context.new_page()
    try:
        fresh.goto(page.url)
        expect(fresh.get_by_role("tab", name="Compare areas")).to_have_attribute("aria-selected", "true",
                                                                                 timeout=LOAD_TIMEOUT)
        expect(fresh.locator('[data-testid="stTable"]').first).to_contain_text("Leeds", timeout=LOAD_TIMEOUT)
    finally:
        context.close()


def test_the_ranked_table_shows_a_page_and_a_row_on_another_page_opens_its_profile(page: Any, app_url: str) -> None:
    """England's wards: a page of 250 rows at a time (not 6,817 at every rerun), the plain table showing the same
    rows, and a click on a row of page 2 opening that ward's profile."""
    from playwright.sync_api import expect

    from mapkit.analysis.tables import ranking_table

    wards = ranking_table("imd_score", "ward", mapkit.ENGLAND)
    open_app(page, app_url + f"/?region={mapkit.ENGLAND}&level=ward&indicator=imd_score")
    expect(page.get_by_text("Rows 1 to 250 of the 6,817 wards (page 1 of 28).")).to_be_visible(timeout=LOAD_TIMEOUT)
    with page.expect_download() as got:  # made on the click: every ward, not only the page shown
        page.get_by_role("button", name="Download all 6,817 wards (CSV)").click()
    rows = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 6817 and rows[1].startswith(f"{wards.iloc[0]['code']},")
    assert rows[0].startswith("area_code,area_name,area_level,indicator_id,indicator,period,value,unit")
    page.get_by_role("spinbutton", name="Page").fill("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Rows 251 to 500 of the 6,817 wards (page 2 of 28).")).to_be_visible(
        timeout=LOAD_TIMEOUT)
    page.get_by_text("Show as a plain table", exact=True).click()
    plain = page.locator('[data-testid="stTable"] table').first
    expect(plain.locator("tbody tr")).to_have_count(250, timeout=LOAD_TIMEOUT)
    first = wards.iloc[250]
    headers = plain.locator("thead th").all_inner_texts()
    assert headers.count("Rank in England") == 1 and "Name" in headers  # England: no second "rank in" column
    cells = [c.strip() for c in plain.locator("tbody tr").first.locator("td, th").all_inner_texts()]
    assert cells[cells.index(str(first["name"])) + 1] == str(first["code"])
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box, under the header
    page.wait_for_function(f"() => window.location.search.includes('area={first['code']}')", timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("heading", name=str(first["name"])).first).to_be_visible(timeout=LOAD_TIMEOUT)
