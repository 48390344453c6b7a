"""Drawing your own area with Leaflet.draw on a map page (mapkit.web.own_area), offline: the shapes the page returns
are the shapes drawn, a drawing comes back editable, a circle's radius follows an edit, and the profile of what was
drawn equals a sum computed here from the LSOA files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, shape

from mapkit.analysis.own_area import own_area_profile
from mapkit.data import own_areas
from mapkit.view import View
from mapkit.web.webmap import build_map
from mapkit.web.own_area import draw_tools

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BIRMINGHAM = "E08000025"
# Corners over East Birmingham (lat, lng), clockwise.
CORNERS = [(52.505, -1.84), (52.50, -1.76), (52.465, -1.75), (52.47, -1.83)]
MAP_JS = "Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].latLngToContainerPoint)"
DRAWN_JS = "Object.keys(window).find(k => k.startsWith('drawnItems_'))"


def _page(tmp_path: Path, static_server: Any, area: own_areas.OwnArea | None = None) -> str:
    web_map = build_map(View(region=BIRMINGHAM, level="ward"))
    m = web_map.to_map()
    for tool in draw_tools(area):
        tool.add_to(m)
    (tmp_path / "index.html").write_text(m.get_root().render(), encoding="utf-8")
    return static_server(tmp_path) + "/index.html"


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.locator(".leaflet-draw-draw-polygon").wait_for()
    page.wait_for_function(f"() => {MAP_JS} !== undefined && {DRAWN_JS} !== undefined")


def _point(page: Any, lat: float, lng: float) -> tuple[float, float]:
    box = page.locator(".folium-map").bounding_box()
    x, y = page.evaluate(f"([lat, lng]) => {{ const p = window[{MAP_JS}].latLngToContainerPoint([lat, lng]); "
                         "return [p.x, p.y]; }", [lat, lng])
    return box["x"] + x, box["y"] + y


def _drawings(page: Any) -> list[dict]:
    return page.evaluate(f"() => window[{DRAWN_JS}].toGeoJSON().features")


def _independent_residents(polygon: Polygon) -> float:
    lsoas = gpd.read_parquet(ROOT / "data" / "boundaries" / "lsoa.parquet").to_crs(27700)
    table = pd.read_parquet(ROOT / "data" / "indicators" / "lsoa.parquet")
    residents = table[table["indicator"] == "population"].set_index("code")["numerator"]
    drawn = gpd.GeoSeries([polygon], crs=4326).to_crs(27700).iloc[0]
    hit = lsoas[lsoas.intersects(drawn)]
    share = hit.intersection(drawn).area.to_numpy() / hit.area.to_numpy()
    return float((residents.reindex(hit["code"]).to_numpy() * share).sum())


def test_a_polygon_drawn_is_returned_and_profiled(page: Any, tmp_path: Path, static_server: Any,
                                                  route_log: Any, artifacts_dir: Path) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _open(page, _page(tmp_path, static_server))
    page.locator(".leaflet-draw-draw-polygon").click()
    for lat, lng in CORNERS:
        page.mouse.click(*_point(page, lat, lng))
        page.wait_for_timeout(150)
    page.mouse.click(*_point(page, *CORNERS[0]))  # back on the first corner closes the polygon
    page.wait_for_function(f"() => window[{DRAWN_JS}].getLayers().length === 1")
    page.screenshot(path=str(artifacts_dir / "own-area-drawn.png"))
    features = _drawings(page)
    drawn = shape(features[0]["geometry"])
    assert drawn.geom_type == "Polygon" and len(drawn.exterior.coords) == 5
    for (lng, lat), (lat0, lng0) in zip(drawn.exterior.coords, CORNERS):
        assert abs(lat - lat0) < 0.002 and abs(lng - lng0) < 0.002  # within a pixel or two of where we clicked
    profile = own_area_profile(own_areas.from_drawings(features, name="Drawn"))
    assert profile.population == pytest.approx(_independent_residents(drawn), rel=1e-9)
    assert profile.population > 50_000
    assert errors == [] and route_log.blocked == []


def test_a_circle_is_returned_with_its_radius_and_an_edit_keeps_it_current(page: Any, tmp_path: Path,
                                                                           static_server: Any) -> None:
    _open(page, _page(tmp_path, static_server))
    page.locator(".leaflet-draw-draw-circle").click()
    start = _point(page, 52.48, -1.80)
    edge = _point(page, 52.48, -1.77)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*edge, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => window[{DRAWN_JS}].getLayers().length === 1")
    radius = page.evaluate(f"() => window[{DRAWN_JS}].getLayers()[0].getRadius()")
    assert 1_800 < radius < 2_300  # 0.03 degrees of longitude at 52.5 N is about 2 km
    # Edit: the glue brings properties.radius up to date (streamlit-folium sets it only when drawn).
    page.evaluate(f"""() => {{
        const layer = window[{DRAWN_JS}].getLayers()[0];
        layer.feature = {{type: 'Feature', properties: {{radius: layer.getRadius()}}}};
        layer.setRadius(3000);
        window[{MAP_JS}].fire('draw:edited', {{layers: window[{DRAWN_JS}]}});
    }}""")
    feature = _drawings(page)[0]
    assert feature["geometry"]["type"] == "Point" and feature["properties"]["radius"] == 3000
    area = own_areas.from_drawings([feature])
    bng = gpd.GeoSeries([area.shape], crs=4326).to_crs(27700).iloc[0]
    assert bng.area == pytest.approx(3.14159 * 3000 ** 2, rel=0.01)


def test_a_drawing_comes_back_editable_and_can_be_deleted(page: Any, tmp_path: Path, static_server: Any,
                                                          artifacts_dir: Path) -> None:
    area = own_areas.from_shape(Polygon([(lng, lat) for lat, lng in CORNERS]), name="Kept")
    _open(page, _page(tmp_path, static_server, area))
    assert page.evaluate(f"() => window[{DRAWN_JS}].getLayers().length") == 1
    restored = shape(_drawings(page)[0]["geometry"])
    assert restored.symmetric_difference(area.shape).area / area.shape.area < 1e-6
    page.locator(".leaflet-draw-edit-edit").click()
    page.screenshot(path=str(artifacts_dir / "own-area-editing.png"))
    page.locator(".leaflet-editing-icon").first.wait_for()
    assert page.locator(".leaflet-editing-icon").count() >= 4  # a handle on every corner
    page.get_by_role("link", name="Cancel").first.click()
    page.locator(".leaflet-draw-edit-remove").click()
    page.get_by_role("link", name="Clear All").click()
    page.wait_for_function(f"() => window[{DRAWN_JS}].getLayers().length === 0")
