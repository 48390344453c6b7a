"""Accessibility of the real app in headless Chromium (issue 17).

* axe-core (``node_modules/axe-core``, pinned in package.json) runs in the Streamlit page and inside the map's
  frame on every view the issue names; no critical or serious violation may remain. What remains (moderate,
  minor) is written to ``test-output/axe-<view>.json`` and listed in ``docs/accessibility.md``.
* The main path done with the keyboard only: region, level, indicator, stepping through the map's areas and
  opening a profile from there, an overlay, the search box, the export.
* Phone (390x844), tablet (768x1024) and a 1280x800 laptop at 200% zoom (640x400 CSS pixels): the map is full
  width, the sidebar folded, the title clear of the header, nothing overflows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import mapkit
from mapkit.analysis.map_data import prepare
from mapkit.analysis.tables import ranking_table
from mapkit.view import View
from cdn_routes import NODE_MODULES
from map_js import AREAS_JS

pytestmark = pytest.mark.browser

WMCA = "E47000007"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT = 90_000
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "accessibility.md"

VIEWS = {
    "default": "",
    "england-wards": "?region=E92000001&level=ward&indicator=imd_score",
    "ca-lsoas": f"?region={WMCA}&level=lsoa&indicator=imd_score",
    "profile": f"?region={WMCA}&level=ward&indicator=imd_score&area=E05001219",
    "compare": "?region=E92000001&level=lad&indicator=imd_score&compare_areas=E08000025,E08000003",
    "export": "",
    "error-notice": "?region=NOT-A-REGION&indicator=nothing",
    "bivariate": f"?region={WMCA}&level=lad&indicator=imd_score&versus=gva_per_hour&versus_change=2013:2023",
    "hex-england": "?region=E92000001&level=lad&indicator=imd_score&layout=hex",
    "hex-bivariate": "?region=E92000001&level=lad&indicator=imd_score&versus=gva_per_hour&versus_change=2013:2023"
                     "&layout=hex",
}


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


def map_frame(page: Any) -> Any:
    """The map's frame once its legend is drawn (a single frame: Streamlit briefly keeps the old one)."""
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_FRAME}').length === 1", timeout=LOAD_TIMEOUT)
    page.frame_locator(MAP_FRAME).locator(".mapkit-legend").wait_for(timeout=LOAD_TIMEOUT)
    return page.locator(MAP_FRAME).element_handle().content_frame()


def settled(page: Any) -> None:
    """Streamlit has finished running the script (no "Running..." status widget)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=LOAD_TIMEOUT)
    page.wait_for_timeout(500)


def axe(target: Any) -> list[dict[str, Any]]:
    """axe-core's violations in a page or frame (WCAG 2.x A and AA rules and best practices)."""
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        target.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return target.evaluate("""async () => {
        const result = await window.axe.run(document, {iframes: false, resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300),
                                      summary: n.failureSummary}))}));
    }""")


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:5]}"
            for v in violations if v["impact"] in BLOCKING]


@pytest.mark.parametrize("name", list(VIEWS))
def test_axe_finds_no_critical_or_serious_violation(page: Any, app_url: str, artifacts_dir: Path, name: str) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run bash tools/install_browser_assets.sh", pytrace=False)
    page.goto(app_url + "/" + VIEWS[name])
    frame = map_frame(page)
    settled(page)
    if name == "export":
        page.get_by_role("tab", name="Export").click()
        page.get_by_role("button", name="Prepare file").wait_for(timeout=LOAD_TIMEOUT)
    if name == "compare":
        page.get_by_role("tab", name="Compare areas").wait_for(timeout=LOAD_TIMEOUT)
        page.locator('[data-testid="stTable"]').first.wait_for(timeout=LOAD_TIMEOUT)
    if name == "error-notice":
        page.locator('[data-testid="stAlert"]').first.wait_for(timeout=LOAD_TIMEOUT)
    if name == "profile":
        page.get_by_role("button", name="Close profile").wait_for(timeout=LOAD_TIMEOUT)
    settled(page)
    found = {"page": axe(page), "map": axe(frame)}
    (artifacts_dir / f"axe-{name}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    problems = [f"{where}: {p}" for where, violations in found.items() for p in blocking(violations)]
    assert not problems, "\n".join(problems)
    documented = DOCS.read_text(encoding="utf-8")
    undocumented = {v["id"] for violations in found.values() for v in violations} - set(
        re.findall(r"^\| `([a-z0-9-]+)` \|", documented.split("## What remains")[1], flags=re.M))
    assert not undocumented, f"list these in the 'What remains' table of {DOCS}: {sorted(undocumented)}"


def test_map_has_a_text_alternative_and_the_ranked_table_a_plain_table(page: Any, app_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(app_url + "/")
    frame = map_frame(page)
    settled(page)
    page.get_by_text("Text description of the map", exact=True).click()
    box = page.locator('[data-testid="stExpander"]').filter(has=page.get_by_text("Text description of the map",
                                                                                  exact=True))
    expect(box).to_contain_text("In brief", timeout=LOAD_TIMEOUT)
    text = box.inner_text()
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score"))
    assert "IMD score" in text and "192 areas of West Midlands" in text and "Ranked table" in text
    for label, count in zip(data.classification.labels, data.classification.counts):
        assert f"{label}: {count:,} areas" in text
    assert "In brief" in text
    status = page.locator('.mapkit-sr-only[role="status"][aria-live="polite"]')
    expect(status).to_have_text("Map: IMD score for the 192 areas of West Midlands.")
    legend = frame.locator(".mapkit-legend").inner_text()  # the legend is text, not only colour
    assert "No data" in legend and re.search(r"1: \d+\.\d\d to \d+\.\d\d", legend)

    page.get_by_text("Show as a plain table", exact=True).click()
    table = page.locator('[data-testid="stTable"] table').first
    expect(table).to_be_visible(timeout=LOAD_TIMEOUT)
    headers = table.locator("thead th").all_inner_texts()
    assert "Name" in headers and "IMD score (score)" in headers and "Rank in England" in headers
    assert table.locator("tbody tr").count() == 192


def focus_by_tab(page: Any, locator: Any, limit: int = 120) -> None:
    """Press Tab until ``locator`` has the focus (the keyboard-only way to reach a control)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement || el.contains(document.activeElement)"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def choose_by_keyboard(page: Any, label: str, typed: str, in_link: str) -> None:
    """Choose in the select box labelled ``label`` by Tab, typing and Enter; wait for ``in_link`` in the URL."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input")
    focus_by_tab(page, box)
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.location.search.includes('{in_link}')", timeout=LOAD_TIMEOUT)
    settled(page)


def test_main_path_with_the_keyboard_only(page: Any, app_url: str, artifacts_dir: Path) -> None:
    """Region, level and indicator; step through the map's areas and open a profile; an overlay; search; export."""
    from playwright.sync_api import expect

    page.goto(app_url + "/")
    map_frame(page)
    settled(page)
    page.locator("body").focus()

    # Region: a select box takes typing and Enter.
    choose_by_keyboard(page, "Region", "Coventry", "region=E08000026")

    # Level: the radio group moves with the arrow keys.
    lsoa = page.get_by_role("radio", name="LSOAs")
    levels = page.locator('[role="radiogroup"][aria-label="Areas"]')
    for _ in range(4):
        if lsoa.is_checked():
            break
        focus_by_tab(page, levels)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(500)
        settled(page)
    page.wait_for_function("() => window.location.search.includes('level=lsoa')", timeout=LOAD_TIMEOUT)

    # Theme, then indicator: select boxes take typing and Enter.
    choose_by_keyboard(page, "Theme", "Deprivation domains", "indicator=income_score")
    choose_by_keyboard(page, "Indicator", "Health score", "indicator=health_score")
    frame = map_frame(page)
    n = len(mapkit.load_boundaries("lsoa", "E08000026"))
    frame.wait_for_function(f"() => ({AREAS_JS})().length === {n}", timeout=LOAD_TIMEOUT)

    # Inside the map: the "Areas by keyboard" control steps through the areas in rank order and announces them.
    button = frame.locator(".mapkit-keys-button")
    focus_by_tab(page, page.locator(MAP_FRAME))
    for _ in range(10):
        if button.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    assert button.evaluate("el => el === document.activeElement"), "Tab did not reach the map's area control"
    outline = button.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "no visible focus on the map's area control"
    ranking = ranking_table("health_score", "lsoa", "E08000026").sort_values("rank_in_region", kind="stable")
    page.keyboard.press("ArrowDown")
    live = frame.locator(".mapkit-keys-live")
    expect(live).to_contain_text("Area 1 of", timeout=10_000)
    expect(live).to_contain_text("rank 1 of")
    first = live.inner_text()
    page.keyboard.press("ArrowDown")
    expect(live).to_contain_text("Area 2 of")
    assert live.get_attribute("aria-live") == "polite"
    assert str(ranking.iloc[1]["name"]) in live.inner_text()
    page.keyboard.press("ArrowUp")
    expect(live).to_have_text(first)
    name = first.split(":")[0].split(" (")[0]
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('area=')", timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator('.mapkit-sr-only[role="status"]')).to_contain_text(f"Profile of {name} open")
    settled(page)

    # An overlay: a checkbox toggles with the space bar.
    overlay = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').first
    focus_by_tab(page, overlay.locator("input"))
    page.keyboard.press("Space")
    page.wait_for_function("() => window.location.search.includes('overlays=')", timeout=LOAD_TIMEOUT)
    settled(page)

    # Search: a postcode typed into the box opens its ward.
    find = page.get_by_label("Find a postcode or place", exact=True)
    focus_by_tab(page, find)
    page.keyboard.type("B9 5RP")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('pc=')", timeout=LOAD_TIMEOUT)
    settled(page)

    # Export: the tab, the format and the button, all by keyboard.
    # The tab list takes one Tab stop (the open tab); the arrow keys move along it.
    focus_by_tab(page, page.get_by_role("tab", name="Ranked table"), limit=1500)
    tab = page.get_by_role("tab", name="Export")
    for _ in range(5):
        if tab.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(tab).to_have_attribute("aria-selected", "true", timeout=LOAD_TIMEOUT)
    settled(page)
    prepare = page.get_by_role("button", name="Prepare file")
    focus_by_tab(page, prepare)
    page.keyboard.press("Enter")
    download = page.get_by_role("button", name=re.compile(r"^Download \S+\.\w+ \("))
    expect(download).to_be_visible(timeout=LOAD_TIMEOUT)
    focus_by_tab(page, download)
    with page.expect_download() as got:
        page.keyboard.press("Enter")
    assert Path(got.value.path()).stat().st_size > 0
    page.screenshot(path=str(artifacts_dir / "a11y-keyboard.png"), full_page=False)


def tap_opens_a_profile(page: Any, frame: Any) -> None:
    """A tap on another ward (the largest, so a finger finds it at any size) opens its profile on a touch screen."""
    from playwright.sync_api import expect

    wards = mapkit.load_boundaries("ward", WMCA).set_index("code")
    code = wards.to_crs(27700).area.idxmax()
    point = wards.loc[code, "geometry"].representative_point()
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    inner = frame.evaluate("""([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);
        const r = window.map.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
                           [point.y, point.x])
    box = page.locator(MAP_FRAME).bounding_box()
    page.touchscreen.tap(box["x"] + inner[0], box["y"] + inner[1])
    page.wait_for_function(f"() => window.location.search.includes('area={code}')", timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("heading", name=str(wards.loc[code, "name"]), exact=True)).to_be_visible(
        timeout=LOAD_TIMEOUT)


OVERFLOWING_JS = """() => {
    // Elements of the page reaching past the screen's right edge, except inside scrolling tables and the tab list.
    const scrolling = '[data-testid="stDataFrame"], [data-testid="stTable"], .stTabs [role=tablist]';
    return Array.from(document.querySelectorAll('[data-testid="stMainBlockContainer"] *'))
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 0 && r.right > innerWidth + 1 && !e.closest(scrolling); })
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


@pytest.mark.parametrize("width,height", [(390, 844), (768, 1024), (640, 400)],
                         ids=["phone", "tablet", "laptop-at-200pc-zoom"])
def test_narrow_screens_full_width_map_folded_sidebar_no_overflow(browser: Any, app_url: str, artifacts_dir: Path,
                                                                   width: int, height: int) -> None:
    from cdn_routes import RouteLog, install_routes

    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block",
                                  is_mobile=width < 500, has_touch=True)
    context.set_default_timeout(30_000)
    install_routes(context, log=RouteLog())
    page = context.new_page()
    try:
        page.goto(app_url + f"/?region={WMCA}&level=ward&indicator=imd_score&area=E05001219")
        frame = map_frame(page)
        settled(page)
        sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
        assert sidebar["x"] + sidebar["width"] <= 0, f"the sidebar should start folded: {sidebar}"
        title = page.locator("h1").first.bounding_box()
        header = page.locator('[data-testid="stHeader"]').bounding_box()
        assert title["y"] >= header["y"] + header["height"] - 1, "the title is hidden under the header"
        box = page.locator(MAP_FRAME).bounding_box()
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        assert box["width"] >= main["width"] - 40, (box, main)  # the map takes the main column's width
        assert box["width"] >= width - 60
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert overflow[0] <= overflow[1], f"the page scrolls sideways: {overflow}"
        inner = frame.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert inner[0] <= inner[1], f"the map scrolls sideways: {inner}"
        legend = frame.locator(".mapkit-legend").bounding_box()
        assert legend["width"] <= box["width"]
        heading = page.get_by_role("heading", name="Binley and Willenhall", exact=True)
        heading.wait_for(timeout=LOAD_TIMEOUT)  # the profile is open, under the map
        profile = heading.bounding_box()
        assert profile["x"] >= 0 and profile["x"] + profile["width"] <= width + 0.5
        page.screenshot(path=str(artifacts_dir / f"a11y-{width}x{height}.png"), full_page=False)
        heading.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / f"a11y-{width}x{height}-profile.png"), full_page=False)
        wide = page.evaluate(OVERFLOWING_JS)
        assert not wide, f"elements overflow the screen: {wide}"
        if height > width:  # phone and tablet: touch screens (the zoomed laptop's map is taller than its window)
            tap_opens_a_profile(page, frame)
    finally:
        context.close()
