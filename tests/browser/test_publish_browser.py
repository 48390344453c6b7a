"""The static site in Chromium, served by ``python -m http.server`` (no Python of ours behind it).

Drawn, legend and sources shown, every request answered by the site itself except basemap tiles; the pickers and
the address change the map (an indicator change fetches no geometry); a tap or hover shows an area's figures; the
embed snippet works in a page of its own; a phone-sized page has no sideways scroll.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from conftest import _free_port, _stop_process_group
from test_accessibility_browser import axe
from mapkit.cli import main
from mapkit.publish.site import read_manifest

pytestmark = pytest.mark.browser
WMCA, ENGLAND = "E47000007", "E92000001"
LOAD = 30_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["publish", "--out", str(out), "--region", WMCA, ENGLAND, "--levels", "ward", "lad",
                 "--no-api"]) == 0  # the API is tested from a plain server in tests/unit/publish/test_api.py
    return out


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                _stop_process_group(process)
                pytest.fail("python -m http.server did not start")
            time.sleep(0.2)
    yield url
    _stop_process_group(process)


def drawn(page: Any, n: int) -> list[list[str]]:
    """[code, fill] of every area once the map has drawn ``n`` of them."""
    page.wait_for_function(f"() => {{ const l = document.getElementById('map').mapkitLayer;"
                           f" return l && l.mapkitList().length === {n}; }}", timeout=LOAD)
    return page.evaluate("document.getElementById('map').mapkitLayer.mapkitList()")


def expected_fills(site: Path, view: dict[str, Any], indicator: str) -> list[list[str]]:
    geometry = json.loads((site / view["areas"]["url"]).read_text(encoding="utf-8"))
    data = json.loads((site / view["data"][indicator]).read_text(encoding="utf-8"))["data"]
    no_data = data["noData"]["fill"]
    return [[code, no_data if c is None else data["colours"][c]] for code, c in zip(geometry["codes"], data["cls"])]


def test_the_site_draws_with_legend_and_sources_and_nothing_from_elsewhere(page: Any, site: Path, site_url: str,
                                                                           route_log: Any, artifacts_dir: Path) -> None:
    views = read_manifest(site)["views"]
    tiles_host = urlparse(read_manifest(site)["tiles"]["url"]).hostname
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url)
    ward_view = views[f"{WMCA}/ward"]
    assert drawn(page, ward_view["areas"]["n"]) == expected_fills(site, ward_view, "imd_score")
    legend = page.locator(".mapkit-legend")
    assert legend.is_visible()
    assert "IMD score" in legend.inner_text() and "IoD2025" in legend.inner_text()
    sources = page.locator("#map-sources").inner_text()
    assert "English Indices of Deprivation 2025" in sources and "Office for National Statistics" in sources
    assert "Open Government Licence" in sources
    assert page.locator("h1").inner_text() == "IMD score in West Midlands (combined authority), by ward"
    elsewhere = [u for u in requests if urlparse(u).hostname not in {"127.0.0.1"} and not u.startswith("data:")]
    assert elsewhere and {urlparse(u).hostname for u in elsewhere} == {tiles_host}, "only basemap tiles leave"
    assert not route_log.served and not route_log.blocked, "no CDN file needed"
    page.screenshot(path=str(artifacts_dir / "site-desktop.png"))
    assert axe(page) == [], "axe-core finds nothing on the site's page (WCAG 2.x A and AA, best practices)"


def test_an_indicator_change_fetches_its_arrays_only(page: Any, site: Path, site_url: str) -> None:
    views = read_manifest(site)["views"]
    page.goto(site_url)
    view = views[f"{WMCA}/ward"]
    drawn(page, view["areas"]["n"])
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlparse(r.url).path))
    page.select_option("#pick-indicator", "income_score")
    page.wait_for_function("() => location.hash.includes('indicator=income_score')")
    expected = expected_fills(site, view, "income_score")
    page.wait_for_function(f"() => JSON.stringify(document.getElementById('map').mapkitLayer.mapkitList()) === "
                           f"{json.dumps(json.dumps(expected, separators=(',', ':')))}", timeout=LOAD)
    assert fetched == ["/" + view["data"]["income_score"]], "only the indicator's file, no geometry"
    assert "Income score" in page.locator(".mapkit-legend").inner_text()
    assert page.locator(".mapkit-legend").count() == 1


def test_the_address_opens_a_view_and_a_bad_one_falls_back_with_a_notice(page: Any, site: Path,
                                                                          site_url: str) -> None:
    views = read_manifest(site)["views"]
    page.goto(f"{site_url}#region={ENGLAND}&level=lad&indicator=imd_average_rank")
    view = views[f"{ENGLAND}/lad"]
    fills = drawn(page, view["areas"]["n"])
    assert fills == expected_fills(site, view, "imd_average_rank")
    assert page.locator("#pick-region").input_value() == ENGLAND
    page.goto(f"{site_url}#region=<script>&level=ward")
    page.reload()
    drawn(page, views[f"{WMCA}/ward"]["areas"]["n"])
    assert "This site has no map of region <script>" in page.locator("#map-notices").inner_text()
    assert page.locator("#map-notices script").count() == 0


def test_hover_and_keyboard_show_an_areas_figures(page: Any, site: Path, site_url: str) -> None:
    page.goto(f"{site_url}#region={WMCA}&level=lad&indicator=imd_average_rank")
    drawn(page, 7)
    page.locator(".mapkit-keys-button").focus()
    page.keyboard.press("ArrowDown")  # rank 1 in the region first: Sandwell (MHCLG File 10)
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for(timeout=LOAD)
    text = tip.inner_text()
    assert "Sandwell" in text and "25,389.96" in text and "Rank in England: 5 of 296" in text
    page.keyboard.press("Escape")
    page.locator("#area-table summary").click()
    rows = page.locator("#area-table tbody tr")
    rows.first.wait_for(timeout=LOAD)
    assert rows.count() == 7
    assert rows.first.inner_text().split("\t")[:3] == ["1", "Sandwell", "West Midlands"]
    assert "25,389.96" in rows.first.inner_text()
    page.select_option("#pick-indicator", "imd_score")  # the open table follows the map
    page.wait_for_function("() => document.querySelector('#area-table caption').textContent.startsWith('IMD score')",
                           timeout=LOAD)
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    # Birmingham city centre (Victoria Square), wherever the map was fitted
    point = page.evaluate("() => { const l = document.getElementById('map').mapkitLayer;"
                          " const p = l._map.latLngToContainerPoint([52.4797, -1.9026]); return [p.x, p.y]; }")
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    hovered = page.locator(".leaflet-tooltip", has_text="Birmingham")
    hovered.wait_for(timeout=LOAD)
    assert "IMD score: 38.12" in hovered.inner_text()


def test_the_hex_map_of_england_draws_296_hexagons_in_the_maps_colours_and_hovers_a_district(
        page: Any, site: Path, site_url: str, artifacts_dir: Path) -> None:
    views = read_manifest(site)["views"]
    view = views[f"{ENGLAND}/lad"]
    page.goto(f"{site_url}#region={ENGLAND}&level=lad&indicator=imd_score")
    on_map = drawn(page, 296)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.select_option("#pick-layout", "hex")
    page.wait_for_function("() => location.hash.endsWith('&layout=hex')")
    page.wait_for_function("() => { const l = document.getElementById('map').mapkitLayer;"
                           " return l.options.attribution.startsWith('Hex') && l.mapkitList().length === 296; }",
                           timeout=LOAD)
    assert page.evaluate("document.getElementById('map').mapkitLayer.mapkitList()") == on_map == \
        expected_fills(site, view, "imd_score"), "each district in the map's colour"
    assert {urlparse(u).path for u in requests} == {"/" + view["hex"]["areas"]["url"],
                                                   "/" + view["hex"]["outlines"]["url"]}, "no tiles, no data file"
    assert page.locator("h1").inner_text() == "IMD score in England, by district, hex map"
    assert "Hex layout: Open Innovations (MIT licence)" in page.locator(".leaflet-control-attribution").inner_text()
    assert "Open Innovations" in page.locator("#map-sources").inner_text()
    assert page.locator(".leaflet-control-scale").count() == 0
    note = page.locator(".mapkit-hex-note")
    assert note.inner_text().strip() == "Hex map: one hexagon per district, Open Innovations' layout"  # folded
    note.locator("summary").click()
    assert "447 of England's 749 pairs" in note.inner_text()
    assert page.locator(".mapkit-place-label", has_text="Birmingham").is_visible()
    shown = page.evaluate("Array.from(document.querySelectorAll('.mapkit-place-label span'))"
                          ".filter(s => s.style.visibility !== 'hidden').map(s => s.textContent)")
    assert shown[:2] == ["Birmingham", "Leeds"] and len(shown) >= 8
    point = page.evaluate("""() => { const l = document.getElementById('map').mapkitLayer;
        const i = l._geom.codes.indexOf('E08000025'); const c = l._box(i).getCenter();
        const p = l._map.latLngToContainerPoint(c); return [p.x, p.y]; }""")
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + point[0] + 3, box["y"] + point[1] + 3)  # beside the label, inside the hexagon
    hovered = page.locator(".leaflet-tooltip", has_text="Birmingham")
    hovered.wait_for(timeout=LOAD)
    assert "IMD score: 38.12" in hovered.inner_text() and "(West Midlands)" in hovered.inner_text()
    page.screenshot(path=str(artifacts_dir / "site-hex-england.png"))
    assert axe(page) == [], "axe-core finds nothing on the hex map"
    pair = view["versus"][0]  # the same bivariate pair as the map: its one data file draws on the hexagons
    page.select_option("#pick-versus", pair["key"])
    page.wait_for_function("() => location.hash.includes('versus=') && location.hash.endsWith('&layout=hex')")
    data = json.loads((site / pair["data"]).read_text(encoding="utf-8"))["data"]
    codes = json.loads((site / view["areas"]["url"]).read_text(encoding="utf-8"))["codes"]
    cells = [[code, data["colours"][c] if c is not None else data["noData"]["fill"]] for code, c in
             zip(codes, data["cls"])]
    page.wait_for_function(f"() => JSON.stringify(document.getElementById('map').mapkitLayer.mapkitList()) === "
                           f"{json.dumps(json.dumps(cells, separators=(',', ':')))}", timeout=LOAD)
    assert page.locator(".mapkit-legend svg.mapkit-bivariate-key rect").count() == 9
    assert page.locator("h1").inner_text().endswith("by district, hex map")
    page.select_option("#pick-layout", "map")
    page.wait_for_function("() => !location.hash.includes('layout') && location.hash.includes('versus=')")
    page.wait_for_function(f"() => JSON.stringify(document.getElementById('map').mapkitLayer.mapkitList()) === "
                           f"{json.dumps(json.dumps(cells, separators=(',', ':')))}", timeout=LOAD)
    page.select_option("#pick-versus", "")
    page.wait_for_function(f"() => JSON.stringify(document.getElementById('map').mapkitLayer.mapkitList()) === "
                           f"{json.dumps(json.dumps(on_map, separators=(',', ':')))}", timeout=LOAD)


def test_the_versus_picker_draws_the_bivariate_map_and_its_tooltip(page: Any, site: Path, site_url: str,
                                                                   artifacts_dir: Path) -> None:
    views = read_manifest(site)["views"]
    view = views[f"{WMCA}/lad"]
    page.goto(f"{site_url}#region={WMCA}&level=lad&indicator=imd_score")
    drawn(page, 7)
    page.select_option("#pick-versus", "gva_per_hour:2013-2023")
    page.wait_for_function("() => location.hash.includes('versus=gva_per_hour%3A2013-2023')")
    entry = view["versus"][0]
    geometry = json.loads((site / view["areas"]["url"]).read_text(encoding="utf-8"))
    data = json.loads((site / entry["data"]).read_text(encoding="utf-8"))["data"]
    expected = [[code, data["colours"][c]] for code, c in zip(geometry["codes"], data["cls"])]
    page.wait_for_function(f"() => JSON.stringify(document.getElementById('map').mapkitLayer.mapkitList()) === "
                           f"{json.dumps(json.dumps(expected, separators=(',', ':')))}", timeout=LOAD)
    legend = page.locator(".mapkit-legend").inner_text()
    assert "more deprived →" in legend and "Joshua Stevens" in legend
    assert page.locator(".mapkit-legend svg.mapkit-bivariate-key rect").count() == 9
    assert page.locator("#map-title").inner_text().startswith("IMD score against Change in GVA per hour worked")
    box = page.locator("#map").bounding_box()
    point = page.evaluate("() => { const l = document.getElementById('map').mapkitLayer;"
                          " const i = l._geom.codes.indexOf('E08000028'); const c = l._box(i).getCenter();"
                          " const p = l._map.latLngToContainerPoint(c); return [p.x, p.y]; }")
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    tip = page.locator(".leaflet-tooltip", has_text="Sandwell")
    tip.wait_for(timeout=LOAD)
    text = tip.inner_text()
    assert "IMD score: 33.77" in text and "Change in GVA per hour worked: +35.3%" in text
    assert "Cell: more deprived, middling growth (3-2)" in text
    page.screenshot(path=str(artifacts_dir / "site-bivariate.png"))
    serious = [v for v in axe(page) if v["impact"] in ("critical", "serious")]
    assert serious == [], serious


def test_the_embed_snippet_shows_the_map_in_another_page(page: Any, site_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{site_url}#region={WMCA}&level=lad&indicator=imd_average_rank")
    drawn(page, 7)
    snippet = page.locator("#embed-snippet").input_value()
    assert snippet.startswith(f'<iframe src="{site_url}?embed=1#region={WMCA}&amp;level=lad&amp;'
                              'indicator=imd_average_rank" title="IMD: average rank in West Midlands')
    page.set_content(f"<!DOCTYPE html><html lang='en'><body><h1>Council page</h1>{snippet}</body></html>")
    frame = page.frame_locator("iframe")
    frame.locator(".mapkit-legend").wait_for(timeout=LOAD)
    inner = page.frames[1]
    drawn(inner, 7)
    assert not inner.locator(".site-head").is_visible(), "the embed shows the map, not the pickers"
    assert inner.locator("#map-sources").is_visible(), "sources stay with the map"
    assert inner.locator("#open-full").get_attribute("href").endswith("#region=E47000007&level=lad&"
                                                                       "indicator=imd_average_rank")
    page.screenshot(path=str(artifacts_dir / "site-embed.png"))


# The sources under an embedded map: the height the snippet gives must show them whole, in a wide and a narrow column.
FITS = """() => {
  const last = document.querySelector('.site-built').getBoundingClientRect();
  const items = [...document.querySelectorAll('#map-sources li')].map(li => li.getBoundingClientRect().bottom);
  const map = document.getElementById('map').getBoundingClientRect();
  return {inner: innerHeight, bottom: Math.max(last.bottom, ...items), map: map.height,
          overflow: document.documentElement.scrollHeight - innerHeight};
}"""


@pytest.mark.parametrize("width", [720, 400])
def test_the_embed_height_fits_the_map_and_every_source(page: Any, site_url: str, artifacts_dir: Path,
                                                        width: int) -> None:
    """The snippet was 560 px high for 668 px of content, cutting the sources (the licence attribution)."""
    page.goto(f"{site_url}#region={WMCA}&level=ward&indicator=households_deprived_2plus_change")
    drawn(page, 192)
    snippet = page.locator("#embed-snippet").input_value()
    height = int(re.search(r'height="(\d+)"', snippet).group(1))
    assert height > 560
    page.set_content(f"<!DOCTYPE html><html lang='en'><body style='margin:0'><div style='width:{width}px'>"
                     f"{snippet}</div></body></html>")
    page.frame_locator("iframe").locator(".mapkit-legend").wait_for(timeout=LOAD)
    inner = page.frames[1]
    drawn(inner, 192)
    fit = inner.evaluate(FITS)
    assert fit["inner"] == height
    assert fit["bottom"] <= fit["inner"] and fit["overflow"] <= 0, fit
    assert fit["map"] >= 200, fit
    page.screenshot(path=str(artifacts_dir / f"site-embed-{width}.png"), full_page=True)


def test_the_copy_button_copies_the_snippet(browser: Any, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{site_url}#region={WMCA}&level=lad&indicator=imd_score")
        drawn(page, 7)
        page.get_by_role("button", name="Copy").click()
        page.wait_for_function("document.getElementById('copy-status').textContent.startsWith('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == page.locator("#embed-snippet").input_value()
    finally:
        context.close()


def test_a_phone_sized_page_reads_without_sideways_scroll(browser: Any, site: Path, site_url: str,
                                                          artifacts_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(site_url)
        drawn(page, read_manifest(site)["views"][f"{WMCA}/ward"]["areas"]["n"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("#pick-indicator").is_visible()
        box = page.locator("#map").bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45)
        page.locator(".leaflet-tooltip").wait_for(timeout=LOAD)
        page.screenshot(path=str(artifacts_dir / "site-phone.png"), full_page=True)
    finally:
        context.close()


def test_a_site_opened_as_a_file_says_how_to_serve_it(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    status = page.locator("#map-status")
    page.wait_for_function("() => document.getElementById('map-status').textContent.includes('web server')",
                           timeout=LOAD)
    assert "python -m http.server" in status.inner_text()
    assert "Sources" in page.locator(".site-about").inner_text()
