"""The browser-test harness itself: CDN URL table, offline routes, Chromium, and the Streamlit server."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import branca.colormap
import folium
import folium.plugins
import pytest

from cdn_routes import (
    CDN_MAP,
    NODE_MODULES,
    RouteLog,
    cdn_file_for,
    content_type_for,
    is_loopback,
    is_tile_request,
    missing_assets,
)

RED, BLUE = "#ff0000", "#0000ff"

# streamlit-folium adds these two itself when a map holds a branca colormap (streamlit_folium/__init__.py).
STREAMLIT_FOLIUM_URLS = (
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
    "https://d3js.org/d3.v4.min.js",
)


def _asset_urls() -> list[str]:
    """Every script/stylesheet URL in a map using the plugins we install assets for, plus streamlit-folium's."""
    m = folium.Map()
    branca.colormap.LinearColormap([RED, BLUE]).add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MarkerCluster().add_to(m)
    html = m.get_root().render()
    return sorted({*re.findall(r'(?:src|href)="(https?://[^"]+\.(?:js|css))"', html), *STREAMLIT_FOLIUM_URLS})


@pytest.fixture(scope="module")
def installed_assets() -> Path:
    missing = missing_assets()
    if missing:
        pytest.skip(f"browser assets missing ({', '.join(missing[:3])}): run bash tools/install_browser_assets.sh")
    return NODE_MODULES


@pytest.mark.parametrize("url", _asset_urls())
def test_every_folium_cdn_url_maps_to_an_installed_file(url: str, installed_assets: Path) -> None:
    path = cdn_file_for(url, root=installed_assets)
    assert path is not None, f"no entry in mapkit/cdn_map.json for {url}"
    assert path.is_file(), f"{url} maps to {path}, which is not installed"


@pytest.mark.parametrize("target", sorted(set(CDN_MAP.values())))
def test_every_cdn_map_target_is_installed(target: str, installed_assets: Path) -> None:
    assert (installed_assets / target).exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # fonts and images that stylesheets load by relative URL, with the query strings they use
        (
            "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2",
            "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
        ),
        (
            "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/glyphicons-halflings-regular.eot?#iefix",
            "glyphicons-only-bootstrap/fonts/glyphicons-halflings-regular.eot",
        ),
        (
            "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/images/markers-soft.png",
            "leaflet.awesome-markers/dist/images/markers-soft.png",
        ),
        # version-agnostic: a folium upgrade that bumps leaflet still resolves
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js", "leaflet/dist/leaflet.js"),
        ("//cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css", "leaflet/dist/leaflet.css"),
        # jsdelivr minifies on the fly; only the unminified file is in the npm package
        (
            "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",
            "leaflet.fullscreen/Control.FullScreen.js",
        ),
    ],
)
def test_cdn_file_for_resolves_relative_assets(url: str, expected: str, installed_assets: Path) -> None:
    assert cdn_file_for(url, root=installed_assets) == installed_assets / expected


@pytest.mark.parametrize(
    "url",
    [
        "https://tile.openstreetmap.org/6/31/20.png",
        "https://example.com/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/../../etc/passwd",
        "data:text/css,body{}",
        "http://127.0.0.1:8501/static/leaflet.js",
    ],
)
def test_cdn_file_for_returns_none_for_unknown_urls(url: str) -> None:
    assert cdn_file_for(url) is None


@pytest.mark.parametrize(
    ("url", "loopback", "tile"),
    [
        ("http://127.0.0.1:8501/", True, False),
        ("http://localhost:3000/x", True, False),
        ("http://[::1]:80/", True, False),
        ("http://10.0.0.1/", False, False),
        ("https://a.tile.openstreetmap.org/1/0/0.png", False, True),
        ("https://cartodb-basemaps-a.global.ssl.fastly.net/x.png", False, False),
        ("https://a.basemaps.cartocdn.com/light_all/1/0/0.png", False, True),
    ],
)
def test_request_classification(url: str, loopback: bool, tile: bool) -> None:
    assert is_loopback(url) is loopback
    assert is_tile_request(url) is tile


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.js", "application/javascript"), ("a.css", "text/css"), ("a.woff2", "font/woff2"), ("a.png", "image/png")],
)
def test_content_type_for(name: str, expected: str) -> None:
    assert content_type_for(Path(name)).startswith(expected)


def _two_zone_map() -> folium.Map:
    """Two filled polygons in separate layers, a layer control, a marker, a legend and a fullscreen button."""
    m = folium.Map(location=[52.6, -1.6], zoom_start=7)
    zones = {
        "Red zone": (RED, [[-3.0, 52.0], [-2.0, 52.0], [-2.0, 53.0], [-3.0, 53.0], [-3.0, 52.0]]),
        "Blue zone": (BLUE, [[-1.0, 52.0], [0.0, 52.0], [0.0, 53.0], [-1.0, 53.0], [-1.0, 52.0]]),
    }
    for name, (colour, ring) in zones.items():
        feature = {
            "type": "Feature",
            "properties": {"name": name, "colour": colour},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        folium.GeoJson(
            feature,
            name=name,
            style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#333333", "fillOpacity": 0.7},
            tooltip=folium.GeoJsonTooltip(fields=["name"]),
        ).add_to(m)
    folium.Marker([52.5, -1.5], popup="Centre", icon=folium.Icon(icon="info-sign")).add_to(m)
    branca.colormap.LinearColormap([RED, BLUE], vmin=0, vmax=1, caption="Test legend").add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _assert_offline_and_clean(route_log: RouteLog, page_errors: list[str]) -> None:
    assert route_log.served, "no CDN asset was served from node_modules: are the routes installed?"
    assert not route_log.blocked_assets, f"assets not served locally: {route_log.blocked_assets}"
    assert not page_errors, f"JavaScript errors: {page_errors}"


@pytest.mark.browser
def test_folium_map_renders_offline(
    page: Any, route_log: RouteLog, static_server: Any, tmp_path: Path, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    _two_zone_map().save(tmp_path / "map.html")
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    page.goto(f"{static_server(tmp_path)}/map.html")
    polygons = page.locator("path.leaflet-interactive")
    expect(polygons).to_have_count(2)
    page.wait_for_load_state("networkidle")

    script_globals = page.evaluate(
        "() => [typeof L, typeof jQuery, typeof L.AwesomeMarkers, typeof L.Control.FullScreen, typeof d3]"
    )
    assert script_globals == ["object", "function", "object", "function", "object"]
    fills = polygons.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")
    assert sorted(fills) == sorted([RED, BLUE])
    assert page.locator(".leaflet-control-layers-overlays label").count() == 2
    assert page.evaluate("() => document.fonts.check('12px \"Glyphicons Halflings\"')")
    assert route_log.tiles, "the OpenStreetMap basemap should have been requested (and aborted)"
    _assert_offline_and_clean(route_log, page_errors)
    page.screenshot(path=str(artifacts_dir / "harness.png"))


STREAMLIT_SCRIPT = textwrap.dedent(
    """
    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    st.title("Harness check")
    m = folium.Map(location=[52.6, -1.6], zoom_start=7)
    for colour, west in (("#ff0000", -3.0), ("#0000ff", -1.0)):
        ring = [[west, 52.0], [west + 1, 52.0], [west + 1, 53.0], [west, 53.0], [west, 52.0]]
        folium.GeoJson(
            {"type": "Polygon", "coordinates": [ring]},
            style_function=lambda f, c=colour: {"fillColor": c, "color": "#333333", "fillOpacity": 0.7},
        ).add_to(m)
    st_folium(m, key="map", height=400, returned_objects=[])
    """
)


@pytest.mark.browser
def test_streamlit_folium_component_renders_offline(
    page: Any,
    route_log: RouteLog,
    streamlit_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: Path,
) -> None:
    from playwright.sync_api import expect

    script = tmp_path_factory.mktemp("harness_app") / "harness_app.py"
    script.write_text(STREAMLIT_SCRIPT, encoding="utf-8")
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    page.goto(streamlit_server(script))
    expect(page.get_by_text("Harness check")).to_be_visible()
    polygons = page.frame_locator("iframe").first.locator("path.leaflet-interactive")
    expect(polygons).to_have_count(2)
    fills = polygons.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")
    assert sorted(fills) == sorted([RED, BLUE])
    _assert_offline_and_clean(route_log, page_errors)
    page.screenshot(path=str(artifacts_dir / "streamlit_harness.png"))
