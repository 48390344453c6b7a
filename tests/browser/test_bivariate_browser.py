"""Issue 24's walk through two measures, in Chromium: West Midlands districts, IMD average score against the change
in GVA per hour 2013-2023 picked in the sidebar, the 2-D legend read, Sandwell hovered (both figures and its cell),
its point clicked on the scatter plot (its profile opens), the map exported as PNG and as a briefing pack; then the
Map/Hex switch flipped: the region's hexagons keep the pair's cells, and the hex map of England draws the same pair
in its nine colours with the 2-D legend."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mapkit.analysis.map_data import prepare
from mapkit.view import View
from map_js import AREAS_JS
from test_app_browser import MAP_FRAME, LOAD_TIMEOUT, hover, open_app, page_point, pick_option, wait_for_areas
from test_hexmap_browser import CREDIT, wait_for_hex_map

pytestmark = pytest.mark.browser
WMCA, SANDWELL, ENGLAND = "E47000007", "E08000028", "E92000001"


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def expected_colours(region: str = WMCA) -> dict[str, str]:
    data = prepare(View(region=region, level="lad", indicator="imd_score", versus="gva_per_hour",
                        versus_change=(2013, 2023)))
    return {code: data.colours[c] for code, c in zip(data.frame["code"], data.classification.classes)}


def expected_counts(region: str) -> list[int]:
    """Areas per cell of the 2-D legend, in its order (the classes' order: bottom row first)."""
    data = prepare(View(region=region, level="lad", indicator="imd_score", versus="gva_per_hour",
                        versus_change=(2013, 2023)))
    counts = Counter(int(c) for c in data.classification.classes)
    return [counts.get(cell, 0) for cell in range(9)]


BOX_WIDTHS_JS = """() => { let out = null; window.map.eachLayer(l => { if (l.mapkitList && l.options.interactive) {
    out = l._geom.codes.map((_, i) => { const b = l._box(i); return b.getEast() - b.getWest(); }); } });
    return out; }"""
"""The width in longitude of each drawn area's box: equal for hexagons of one size (Web Mercator's x is linear in
longitude), anything but equal for districts as they lie."""


def read_legend(page: Any) -> tuple[str, list[int]]:
    legend = page.frame_locator(MAP_FRAME).locator(".mapkit-legend:has(svg.mapkit-bivariate-key)")
    legend.locator("svg.mapkit-bivariate-key").wait_for(timeout=LOAD_TIMEOUT)
    counts = legend.locator("svg.mapkit-bivariate-key text.mapkit-cell-count").evaluate_all(
        "els => els.map(e => Number(e.textContent))")
    return legend.inner_text(), counts


def assert_hex_map_of_the_pair(page: Any, region: str, count: int) -> Any:
    """The hex map drawn with the pair: ``count`` equal hexagons in the pair's cell colours, no tiles, the layout's
    credit and the 2-D legend with the region's counts. Returns the map's frame."""
    frame, drawn = wait_for_hex_map(page, count)
    expected = expected_colours(region)
    frame.wait_for_function(f"() => ({AREAS_JS})().every(([code, fill]) => ({json.dumps(expected)})[code] === fill)",
                            timeout=LOAD_TIMEOUT)
    assert dict(frame.evaluate(AREAS_JS)) == expected
    widths = frame.evaluate(BOX_WIDTHS_JS)
    assert len(widths) == count and max(widths) / min(widths) < 1.001, "equal hexagons, not the districts' shapes"
    assert frame.locator(".leaflet-tile").count() == 0, "no basemap under a hex map"
    assert CREDIT in frame.locator(".leaflet-control-attribution").inner_text()
    text, counts = read_legend(page)
    assert "IMD score" in text and "Change in GVA per hour worked" in text and "Joshua Stevens" in text
    assert counts == expected_counts(region)
    return frame


def download(page: Any, label: str, name: re.Pattern[str]) -> bytes:
    pick_option(page, page.locator('[data-testid="stSelectbox"]').filter(has_text="Format"), label)
    page.get_by_role("button", name="Prepare file").click()
    button = page.get_by_role("button", name=name)
    button.wait_for(timeout=LOAD_TIMEOUT)
    with page.expect_download() as done:
        button.click()
    return Path(done.value.path()).read_bytes()


def test_two_measures_from_the_sidebar_to_the_briefing_pack(page: Any, app_url: str, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    frame = open_app(page, app_url + f"/?region={WMCA}&level=lad&indicator=imd_score")
    wait_for_areas(frame, 7)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Versus").click()
    page.keyboard.type("GVA per hour worked")
    page.get_by_role("option", name="GVA per hour worked").click()
    sidebar.get_by_text("Change between two years").click()
    page.wait_for_function("() => window.location.search.includes('versus_change=2013%3A2023')"
                           " || window.location.search.includes('versus_change=2013:2023')", timeout=LOAD_TIMEOUT)

    legend = page.frame_locator(MAP_FRAME).locator(".mapkit-legend")
    # the link changes before the map redraws: wait for the change's legend, not the year's
    legend.filter(has_text="Change in GVA per hour worked").locator("svg.mapkit-bivariate-key").wait_for(
        timeout=LOAD_TIMEOUT)
    text = legend.inner_text()
    assert "IMD score" in text and "Change in GVA per hour worked" in text
    assert "more deprived \u2192" in text and "faster growth \u2191" in text and "Joshua Stevens" in text
    counts = legend.locator("svg.mapkit-bivariate-key text.mapkit-cell-count").evaluate_all(
        "els => els.map(e => Number(e.textContent))")
    assert counts == [0, 2, 1, 0, 0, 3, 0, 0, 1]  # bottom row (slower growth) first, less deprived first
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    expected = expected_colours()
    frame.wait_for_function(f"() => ({AREAS_JS})().every(([code, fill]) => ({json.dumps(expected)})[code] === fill)",
                            timeout=LOAD_TIMEOUT)
    assert dict(frame.evaluate(AREAS_JS)) == expected

    point = frame.evaluate(f"""() => {{ let out = null; window.map.eachLayer(l => {{
        if (l.mapkitList && l.options.interactive) {{ const c = l._box(l._geom.codes.indexOf('{SANDWELL}')).getCenter();
          out = [c.lat, c.lng]; }} }}); return out; }}""")
    x, y = page_point(page, frame, *point)
    hover(page, x, y)
    tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip", has_text="Sandwell")
    tooltip.wait_for(timeout=10_000)
    tip = tooltip.inner_text()
    assert "IMD score: 33.77" in tip and "Change in GVA per hour worked: +35.3%" in tip
    assert "Cell: more deprived, middling growth (3-2)" in tip
    page.screenshot(path=str(artifacts_dir / "bivariate-app.png"), full_page=True)

    chart = page.locator('[data-testid="stVegaLiteChart"]')
    sandwell_point = chart.locator("svg [aria-label*='Sandwell']").first
    sandwell_point.wait_for(timeout=LOAD_TIMEOUT)
    sandwell_point.click()
    page.wait_for_function(f"() => window.location.search.includes('area={SANDWELL}')", timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("heading", name="Sandwell").first).to_be_visible(timeout=LOAD_TIMEOUT)

    page.get_by_role("tab", name="Export").click()
    png = download(page, "Map image, A4 landscape (PNG, 300 dpi)",
                   re.compile(r"^Download E47000007_west-midlands_imd_score_vs_gva_per_hour_lad\.png"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pack = download(page, "Briefing pack (PDF: map, summary, rankings)",
                    re.compile(r"^Download E47000007_west-midlands_imd_score_vs_gva_per_hour_lad_briefing\.pdf"))
    pypdf = pytest.importorskip("pypdf")
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pack)).pages]
    assert "IMD score against change in GVA per hour worked" in pages[1]
    assert "more deprived, middling growth (3-2): 3" in pages[1]

    # The same pair on the hex map: first the region's seven hexagons, then England's 296.
    sidebar.get_by_text("Hex map", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('layout=hex')", timeout=LOAD_TIMEOUT)
    assert_hex_map_of_the_pair(page, WMCA, 7)
    assert "versus=gva_per_hour" in page.url
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Region").click()
    page.keyboard.type("England")
    page.get_by_role("option", name="England", exact=True).click()
    page.wait_for_function(f"() => window.location.search.includes('region={ENGLAND}')", timeout=LOAD_TIMEOUT)
    frame = assert_hex_map_of_the_pair(page, ENGLAND, 296)
    assert len(set(dict(frame.evaluate(AREAS_JS)).values())) == 9, "England's districts fill all nine cells"
    assert "layout=hex" in page.url and "versus=gva_per_hour" in page.url
    assert re.search(r"versus_change=2013(%3A|:)2023", page.url)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "bivariate-hex-england.png"), full_page=True)
