"""Your own area in the real app, in headless Chromium: draw it, see its profile, reopen its link in a fresh browser,
download its map page; the East Birmingham-North Solihull growth zone by drawing its outline and by picking its 23
wards gives the residents the app states for the zone, within 2%."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image
from shapely.geometry import Polygon

from mapkit.analysis.zones import residents_in_zone
from mapkit.data import own_areas
from mapkit.data.overlays import load_overlay
from test_app_browser import MAP_FRAME, map_frame, page_point

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BIRMINGHAM, WMCA = "E08000025", "E47000007"
EBNS_ZONE = "growth-zone-east-birmingham-north-solihull-zone"
LOAD = 180_000
CORNERS = [(52.505, -1.84), (52.50, -1.76), (52.465, -1.75), (52.47, -1.83)]  # (lat, lng) over East Birmingham
SENTENCE = re.compile(r"About ([\d,]+) residents live in (.+?); (\d+)% of them live in the most deprived 20%")


@pytest.fixture(scope="module")
def app_url(streamlit_server: Any) -> str:
    return streamlit_server("app.py")


@pytest.fixture(scope="module")
def lsoa_files() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    table = pd.read_parquet(ROOT / "data" / "indicators" / "lsoa.parquet")
    return gpd.read_parquet(ROOT / "data" / "boundaries" / "lsoa.parquet").to_crs(27700), table


@pytest.fixture(scope="module")
def zone():
    frame = load_overlay("growth_locations")
    return frame[frame["id"] == EBNS_ZONE].iloc[0]


def independent(outline: Polygon, lsoa_files) -> tuple[float, float]:
    """Residents of an outline and the share in the most deprived 20%, summed here from the LSOA files."""
    boundaries, table = lsoa_files
    shape = gpd.GeoSeries([outline], crs=4326).to_crs(27700).iloc[0]
    hit = boundaries[boundaries.intersects(shape)]
    share = hit.intersection(shape).area.to_numpy() / hit.area.to_numpy()
    residents = table[table["indicator"] == "population"].set_index("code")["numerator"].reindex(hit["code"])
    decile = table[table["indicator"] == "imd_score"].set_index("code")["decile"].reindex(hit["code"])
    people = residents.to_numpy() * share
    return float(people.sum()), float(people[decile.to_numpy() <= 2].sum() / people.sum())


def own_token(page: Any) -> str:
    return parse_qs(urlsplit(page.url).query)["own"][0]


def settled_frame(page: Any, selector: str = ".leaflet-container") -> Any:
    """The map frame once Streamlit has swapped frames and ``selector`` is in it (retried while frames change)."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(60):
        try:
            frame = map_frame(page)
            frame.locator(selector).first.wait_for(timeout=5_000)
            page.wait_for_timeout(500)
            if page.locator(MAP_FRAME).count() == 1:
                return frame
        except PlaywrightError:
            pass
        page.wait_for_timeout(500)
    raise AssertionError(f"the map frame never settled with {selector}")


def open_tab(page: Any, url: str, mode: str) -> Any:
    page.goto(url)
    map_frame(page)
    page.get_by_role("tab", name="Your own area").click()
    page.get_by_text(mode, exact=True).click()
    return settled_frame(page, ".leaflet-draw-draw-polygon" if mode.startswith("Draw") else ".leaflet-container")


def wait_for_profile(page: Any) -> re.Match:
    heading = page.get_by_text(SENTENCE).first
    heading.wait_for(timeout=LOAD)
    return SENTENCE.search(heading.inner_text())


def draw_polygon(page: Any, frame: Any, corners: list[tuple[float, float]]) -> None:
    frame.locator(".leaflet-draw-draw-polygon").wait_for(timeout=LOAD)
    frame.locator(".leaflet-draw-draw-polygon").click()
    for lat, lng in [*corners, corners[0]]:  # back on the first corner closes the polygon
        page.mouse.click(*page_point(page, frame, lat, lng))  # measured at each click: the page may scroll
        page.wait_for_timeout(120)


def test_draw_see_the_profile_reopen_the_link_and_download_the_map(page: Any, browser: Any, app_url: str,
                                                                    lsoa_files, artifacts_dir: Path) -> None:
    from cdn_routes import install_routes

    frame = open_tab(page, f"{app_url}/?region={BIRMINGHAM}&level=ward", "Draw on the map")
    draw_polygon(page, frame, CORNERS)
    found = wait_for_profile(page)
    page.screenshot(path=str(artifacts_dir / "own-area-app-map.png"))
    page.get_by_text(SENTENCE).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "own-area-app-profile.png"))
    area = own_areas.from_token(own_token(page))
    people, deprived = independent(area.shape, lsoa_files)
    assert int(found[1].replace(",", "")) == round(people, -1)
    assert int(found[3]) == round(100 * deprived)
    drawn = Polygon([(lng, lat) for lat, lng in CORNERS])
    assert area.shape.symmetric_difference(drawn).area / drawn.area < 0.02  # where we clicked, to a pixel or two

    # The link reopens it in a fresh browser.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    install_routes(context)
    try:
        fresh = context.new_page()
        fresh.goto(page.url)
        again = wait_for_profile(fresh)
        assert again.group(0) == found.group(0)
    finally:
        context.close()

    # The map page shows the outline: the downloaded PNG is dark along it.
    page.get_by_role("button", name="Prepare").click()
    with page.expect_download(timeout=LOAD) as info:
        page.get_by_role("button", name=re.compile(r"Download .*\.png")).click()
    image = np.asarray(Image.open(io.BytesIO(Path(info.value.path()).read_bytes())).convert("RGB")).astype(int)
    from mapkit.analysis.own_area import own_area_profile
    from mapkit.export.own_area import map_page

    figure = map_page(own_area_profile(area))
    ax = figure.axes[0]
    outline = gpd.GeoSeries([area.shape], crs=4326).to_crs(27700).iloc[0].exterior
    samples = [outline.interpolate(f, normalized=True) for f in np.linspace(0, 1, 60, endpoint=False)]
    pixels = ax.transData.transform([(p.x, p.y) for p in samples])
    dark = [image[image.shape[0] - int(round(y)) - 1, int(round(x))].max() < 90 for x, y in pixels]
    assert sum(dark) / len(dark) > 0.9


@pytest.fixture
def tall_page(browser: Any) -> Any:
    """A page tall enough to show the whole map under the page's header, CDN requests served locally."""
    from cdn_routes import install_routes

    context = browser.new_context(viewport={"width": 1400, "height": 1100}, service_workers="block")
    context.set_default_timeout(60_000)
    install_routes(context)
    yield context.new_page()
    context.close()


def fit(frame: Any, bounds: tuple[float, float, float, float]) -> None:
    """Fit the map to ``bounds`` (west, south, east, north) with the legends folded out of the way."""
    west, south, east, north = bounds
    frame.evaluate("() => document.querySelectorAll('.mapkit-legend details').forEach(d => { d.open = false; })")
    frame.evaluate(f"() => window.map.fitBounds([[{south}, {west}], [{north}, {east}]], {{padding: [150, 150]}})")


def test_the_growth_zone_by_drawing_and_by_picking_gives_its_residents(tall_page: Any, app_url: str, zone,
                                                                      artifacts_dir: Path) -> None:
    page = tall_page
    stated = residents_in_zone(zone.to_dict(), zone.geometry).total_population  # what the app says of the zone
    outline = gpd.GeoSeries([zone.geometry], crs=4326).to_crs(27700).simplify(150).to_crs(4326).iloc[0]
    polygon = max(shapely.get_parts(outline), key=lambda p: p.area)
    corners = [(y, x) for x, y in list(polygon.exterior.coords)[:-1]]

    frame = open_tab(page, f"{app_url}/?region={WMCA}&level=ward", "Draw on the map")
    fit(frame, polygon.bounds)
    draw_polygon(page, frame, corners)
    page.screenshot(path=str(artifacts_dir / "own-area-zone-drawn.png"))
    found = wait_for_profile(page)
    assert int(found[1].replace(",", "")) == pytest.approx(stated, rel=0.02)

    page.get_by_role("button", name="Clear your area").click()
    page.get_by_text("No area yet.").wait_for(timeout=LOAD)
    page.get_by_text("Pick areas on the map", exact=True).click()
    wards = gpd.read_parquet(ROOT / "data" / "boundaries" / "ward.parquet")
    points = wards[wards["code"].isin(zone["ward_codes"])].representative_point()
    for n, point in enumerate(points, start=1):
        frame = settled_frame(page)
        fit(frame, polygon.bounds)
        x, y = page_point(page, frame, point.y, point.x)
        page.mouse.click(x, y)
        page.wait_for_function(
            f"() => new URLSearchParams(location.search).get('own') !== null && "
            f"document.body.innerText.includes('({n} ward{'s' if n > 1 else ''})')", timeout=LOAD)
    area = own_areas.from_token(own_token(page))
    assert set(area.codes) == set(zone["ward_codes"])
    found = wait_for_profile(page)
    assert int(found[1].replace(",", "")) == pytest.approx(stated, rel=0.02)
