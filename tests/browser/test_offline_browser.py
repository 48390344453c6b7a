"""The real app with ``MAPKIT_LOCAL_ASSETS=1`` draws its map in a browser that can reach nothing but this machine.

Unlike the other browser tests there is no CDN routing here: every request that leaves loopback is aborted, so
the map can only draw if Leaflet and the rest come from the app's own server (``static/vendor/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mapkit
from cdn_routes import is_loopback
from map_js import AREAS_JS as AREAS_JS_LIST
from mapkit.web import assets

pytestmark = pytest.mark.browser

WMCA = "E47000007"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT = 90_000
AREAS_JS = f"() => ({AREAS_JS_LIST})().length"


@pytest.fixture(scope="module")
def local_app_url(browser: Any, streamlit_server: Any) -> str:
    """The app with local assets on (installed first if ``static/vendor/`` is incomplete), like docs/offline.md."""
    vendor = assets.VENDOR_DIR
    if any(not (vendor / path).is_file() for path in map(assets.cdn_path, assets.known_asset_urls())):
        assets.install_assets()
    return streamlit_server("app.py", env={assets.ENV_VAR: "1"}, options=["--server.enableStaticServing", "true"])


def test_the_map_draws_with_every_outside_request_aborted(browser: Any, local_app_url: str,
                                                          artifacts_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    aborted: list[tuple[str, str]] = []
    served_locally: list[str] = []

    def handle(route: Any, request: Any) -> None:
        url = request.url
        if is_loopback(url) or not url.startswith(("http:", "https:")):
            if "/app/static/vendor/" in url:
                served_locally.append(url)
            route.continue_()
            return
        aborted.append((request.resource_type, url))
        route.abort("blockedbyclient")

    context.route("**/*", handle)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(local_app_url)
        frame_locator = page.frame_locator(MAP_FRAME)
        frame_locator.locator(".mapkit-legend").wait_for(timeout=LOAD_TIMEOUT)
        frame = page.locator(MAP_FRAME).element_handle().content_frame()
        wards = len(mapkit.load_boundaries("ward", WMCA))
        frame.wait_for_function(f"() => ({AREAS_JS})() === {wards}", timeout=LOAD_TIMEOUT)
        assert frame.evaluate("() => typeof L.version") == "string"
        assert frame.locator("canvas").count() >= 1
        # Leaflet's script and stylesheet came from the app; folium's other defaults (jQuery, Bootstrap, Font
        # Awesome) are not used by these maps and not requested at all.
        assert any(url.endswith("/leaflet/dist/leaflet.js") for url in served_locally), served_locally
        assert any(url.endswith("/leaflet/dist/leaflet.css") for url in served_locally), served_locally
        assert not any(name in url for url in served_locally for name in ("jquery", "bootstrap", "fontawesome"))
        assert not page.get_by_text(assets.ENV_VAR).count()  # no "cannot serve locally" warning
        page.screenshot(path=str(artifacts_dir / "app-local-assets.png"), full_page=True)
    finally:
        context.close()
    outside_assets = [(kind, url) for kind, url in aborted if kind in ("script", "stylesheet", "font")]
    assert outside_assets == [], outside_assets
    assert errors == [], errors
