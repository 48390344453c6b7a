"""Two people uploading at once against a server with one upload worker: the second sees how many earlier uploads
it waits for, then its layer; the first, whose file is too much to repair, is told so. The layer comes from the server's
memory, fetched once however often the page reruns."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from cdn_routes import RouteLog, install_routes

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
UPLOAD_INPUT = '[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]'
LOAD_TIMEOUT = 120_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def one_worker_app(streamlit_server: Any) -> str:
    return streamlit_server("app.py", env={"MAPKIT_WORKERS": "1"})


def _slow_file() -> bytes:
    """A 2,000-vertex random ring: repairing it takes its worker past its limits (issue 18's hostile case)."""
    rng = np.random.default_rng(0)
    ring = np.column_stack([rng.uniform(-1.95, -1.85, 2000), rng.uniform(52.45, 52.52, 2000)]).round(5).tolist()
    return json.dumps({"type": "Feature", "properties": {"name": "Knot"},
                       "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}}).encode()


def _open(browser: Any, url: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    install_routes(context, log=RouteLog())
    page = context.new_page()
    page.goto(url)
    page.locator(UPLOAD_INPUT).wait_for(state="attached", timeout=LOAD_TIMEOUT)
    return page


def _sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def test_the_second_upload_waits_its_turn_and_says_so(browser: Any, one_worker_app: str, artifacts_dir: Any) -> None:
    first, second = _open(browser, one_worker_app), _open(browser, one_worker_app)
    media: list[str] = []
    second.on("request", lambda request: media.append(request.url) if "/media/" in request.url else None)
    first.locator(UPLOAD_INPUT).set_input_files(
        files=[{"name": "knot.geojson", "mimeType": "application/geo+json", "buffer": _slow_file()}])
    _sidebar(first).get_by_text("Reading your layer...").wait_for(timeout=LOAD_TIMEOUT)
    second.locator(UPLOAD_INPUT).set_input_files(
        files=[{"name": "depots.csv", "mimeType": "text/csv", "buffer": b"name,lat,lon\nDepot,52.45,-1.75\n"}])

    waiting = _sidebar(second).get_by_text("Waiting for 1 earlier upload to finish")
    waiting.wait_for(timeout=LOAD_TIMEOUT)
    waiting.scroll_into_view_if_needed()
    second.screenshot(path=str(artifacts_dir / "upload-queue.png"))
    _sidebar(second).get_by_text("Drawn as Your layer: depots.csv").wait_for(timeout=LOAD_TIMEOUT)
    assert waiting.count() == 0  # gone once its turn came
    refused = _sidebar(first).locator('[data-testid="stAlert"]')
    refused.wait_for(timeout=LOAD_TIMEOUT)
    # Past its time or its memory, whichever the repair reaches first: stopped, the server unharmed.
    assert "and was stopped, so the map stays responsive for everyone" in refused.inner_text()

    frame = second.frame_locator(MAP_FRAME)
    frame.locator(".mapkit-legend").wait_for(timeout=LOAD_TIMEOUT)
    listed = """() => { const out = []; window.map.eachLayer(l => { if (l.mapkitUploadList) {
        out.push(...l.mapkitUploadList()); } }); return out; }"""
    handle = second.locator(MAP_FRAME).element_handle().content_frame()
    handle.wait_for_function(f"() => ({listed})().length === 1", timeout=LOAD_TIMEOUT)
    assert handle.evaluate(listed) == [["Depot", "point", 1]]
    fetched = [url for url in media if url.endswith(".json")]
    assert len(fetched) == 1, media

    # A rerun (another indicator) adds the layer again from its reference: nothing is fetched again.
    box = _sidebar(second).locator('[data-testid="stSelectbox"]').filter(has=second.get_by_text("Indicator",
                                                                                               exact=True))
    box.click()
    second.keyboard.type("IMD: extent")
    second.get_by_role("option", name="IMD: extent").first.click()
    frame.locator(".mapkit-legend summary", has_text="IMD: extent").wait_for(timeout=LOAD_TIMEOUT)
    handle = second.locator(MAP_FRAME).element_handle().content_frame()
    handle.wait_for_function(f"() => ({listed})().length === 1", timeout=LOAD_TIMEOUT)
    assert len([url for url in media if url.endswith(".json")]) == 1, media
