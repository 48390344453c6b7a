"""Issue 24's walk through two measures, in Chromium: West Midlands districts, IMD average score against the change
in GVA per hour 2013-2023 picked in the sidebar, the 2-D legend read, Sandwell hovered (both figures and its cell),
its point clicked on the scatter plot (its profile opens), the map exported as PNG and as a briefing pack."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mapkit.analysis.map_data import prepare
from mapkit.view import View
from map_js import AREAS_JS
from test_app_browser import MAP_FRAME, LOAD_TIMEOUT, hover, open_app, page_point, wait_for_areas

pytestmark = pytest.mark.browser
WMCA, SANDWELL = "E47000007", "E08000028"


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def expected_colours() -> dict[str, str]:
    data = prepare(View(region=WMCA, level="lad", indicator="imd_score", versus="gva_per_hour",
                        versus_change=(2013, 2023)))
    return {code: data.colours[c] for code, c in zip(data.frame["code"], data.classification.classes)}


def download(page: Any, label: str, name: re.Pattern[str]) -> bytes:
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Format").click()
    page.get_by_role("option", name=label).click()
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
    legend.locator("svg.mapkit-bivariate-key").wait_for(timeout=LOAD_TIMEOUT)
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
