"""A user's upload on the map in Chromium: drawn on its canvas from its content-hashed file (fetched once however
often the layer is added again, as on every rerun), its names on hover above the areas, its fields on click, every
text shown as text."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from mapkit.data.uploads import read_upload
from mapkit.view import DEFAULT
from mapkit.web.webmap import build_map
from mapkit.web.geometry_files import StaticFiles
from mapkit.web.upload_layer import encode_upload, upload_layer

COVENTRY = "E08000026"
STOPS = 4_990
POLYGON = [[-1.56, 52.39], [-1.52, 52.39], [-1.52, 52.42], [-1.56, 52.42], [-1.56, 52.39]]
LINE = [[-1.60, 52.37], [-1.45, 52.44]]
MARKED = [-1.47, 52.38]

FIND_MAP = "() => Object.values(window).find(v => v instanceof L.Map)"
UPLOAD = """(map) => { let found = null; map.eachLayer(l => { if (l.mapkitUploadList) { found = l; } });
                      return found; }"""


def _upload() -> bytes:
    stops = [[round(-1.62 + (i % 100) * 0.0016, 5), round(52.43 + (i // 100) * 0.0006, 5)] for i in range(STOPS)]
    features = [
        {"type": "Feature", "properties": {"name": "Depot <b>site</b>", "owner": "<img src=x onerror=alert(1)>"},
         "geometry": {"type": "Polygon", "coordinates": [POLYGON]}},
        {"type": "Feature", "properties": {"name": "Route"}, "geometry": {"type": "LineString", "coordinates": LINE}},
        {"type": "Feature", "properties": {"name": "Stops"}, "geometry": {"type": "MultiPoint", "coordinates": stops}},
        {"type": "Feature", "properties": {"name": "Hub \u202eevil", "note": "`${alert(2)}`"},
         "geometry": {"type": "Point", "coordinates": MARKED}},
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture
def upload_page(tmp_path: Path, static_server: Any) -> str:
    frame = read_upload(_upload(), "mine.geojson")
    payload = encode_upload(frame)
    files = StaticFiles(tmp_path, "/")  # geometry and runtime as files, served from tmp_path like the app's static/
    view = dataclasses.replace(DEFAULT, region=COVENTRY, level="ward")
    web_map = build_map(view, files=files,
                        extra_layers=[upload_layer(frame, "mine.geojson", payload=payload,
                                                   url=files.geometry_url(payload))])
    (tmp_path / "map.html").write_text(web_map.to_map().get_root().render(), encoding="utf-8")
    return f"{static_server(tmp_path)}/map.html"


def _point(page: Any, lng: float, lat: float) -> tuple[float, float]:
    """Page coordinates of a place on the map."""
    box = page.locator(".leaflet-container").bounding_box()
    x, y = page.evaluate(f"([lat, lng]) => {{ const p = ({FIND_MAP})().latLngToContainerPoint([lat, lng]); "
                         "return [p.x, p.y]; }", [lat, lng])
    return box["x"] + x, box["y"] + y


PIXEL = """([x, y]) => {  // the upload canvas's colour at a page point
    const canvas = document.querySelector('.leaflet-mapkitUploads-pane canvas'), box = canvas.getBoundingClientRect();
    const sx = canvas.width / box.width, sy = canvas.height / box.height;
    return [...canvas.getContext('2d').getImageData(Math.round((x - box.left) * sx), Math.round((y - box.top) * sy),
                                                    1, 1).data];
}"""


def _tooltip(page: Any) -> str:
    return page.evaluate("() => [...document.querySelectorAll('.leaflet-tooltip')].map(t => t.innerText).join('|')")


@pytest.mark.browser
def test_an_upload_is_drawn_named_and_opened_above_the_areas(page: Any, upload_page: str, route_log: Any,
                                                             artifacts_dir: Path) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(upload_page)
    page.wait_for_function(f"() => {{ const l = ({UPLOAD})(({FIND_MAP})()); return l && l.mapkitDrawnAt; }}")
    listed = page.evaluate(f"() => ({UPLOAD})(({FIND_MAP})()).mapkitUploadList()")
    assert listed == [["Depot &lt;b&gt;site&lt;/b&gt;", "polygon", 1], ["Route", "line", 1],
                      ["Stops", "point", STOPS], ["Hub evil", "point", 1]]

    # A point, drawn in the upload's yellow over the choropleth.
    x, y = _point(page, *MARKED)
    page.mouse.move(x, y)
    page.wait_for_function("() => document.querySelector('.leaflet-tooltip')")
    assert _tooltip(page) == "Hub evil"
    red, green, blue, alpha = page.evaluate(PIXEL, [x, y])
    assert (red, green, blue) == pytest.approx((0xF0, 0xE4, 0x42), abs=12) and alpha > 230
    page.screenshot(path=str(artifacts_dir / "upload_layer.png"))

    # Over the polygon the upload takes the mouse: its name, not the ward's.
    page.mouse.move(*_point(page, -1.54, 52.405))
    page.wait_for_function("() => document.querySelector('.leaflet-tooltip').innerText.startsWith('Depot')")
    assert _tooltip(page) == "Depot <b>site</b>"  # the markup shown as text
    # Away from the upload, the ward's tooltip as before.
    page.mouse.move(*_point(page, -1.45, 52.40))
    page.wait_for_function("() => document.querySelector('.leaflet-tooltip') && "
                           "!document.querySelector('.leaflet-tooltip').innerText.startsWith('Depot')")
    assert "Rank in" in _tooltip(page)

    # A click opens the feature's fields, as text; no script ran.
    page.mouse.click(*_point(page, -1.54, 52.405))
    popup = page.locator(".mapkit-upload-popup")
    popup.wait_for()
    assert popup.inner_text().splitlines() == ["Depot <b>site</b>", "owner\t<img src=x onerror=alert(1)>",
                                               "From your upload; not checked by this site."]
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.screenshot(path=str(artifacts_dir / "upload_layer_popup.png"))
    assert errors == []


@pytest.mark.browser
def test_the_uploads_file_is_fetched_once_however_often_the_layer_is_added(page: Any, upload_page: str) -> None:
    """Each rerun of the app adds the layer again from a reference; the page fetches and decodes the file once."""
    page.goto(upload_page)
    page.wait_for_function(f"() => {{ const l = ({UPLOAD})(({FIND_MAP})()); return l && l.mapkitDrawnAt; }}")
    upload_file = page.evaluate("""() => performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
        .filter(p => p.startsWith('/geometry/'))""")
    assert len(upload_file) == len(set(upload_file))  # no file fetched twice
    reference = page.evaluate("""() => { const s = [...document.scripts].map(s => s.text).join('\\n');
        const m = s.match(/window\\.mapkit\\.uploads\\.layer\\((\\{[^)]*?\\}), \\{/); return m && m[1]; }""")
    assert reference and '"url":"/geometry/' in reference
    fetched = page.evaluate(f"""async (ref) => {{
        const map = ({FIND_MAP})();
        for (let k = 0; k < 5; k++) {{  // five reruns: remove the layer, add a new one from the same reference
            map.eachLayer(l => {{ if (l.mapkitUploadList) {{ map.removeLayer(l); }} }});
            const layer = window.mapkit.uploads.layer(JSON.parse(ref), {{style: {{color: '#222', weight: 3,
                fillColor: '#F0E442', fillOpacity: 0.3, pointRadius: 6, pointWeight: 2, pointFillOpacity: 0.95}},
                pane: 'mapkitUploads', zIndex: 450}});
            layer.addTo(map);
            await layer.ready;
        }}
        const url = JSON.parse(ref).url;
        return [performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === url).length,
                ({UPLOAD})(map).mapkitUploadList().length];
    }}""", reference)
    assert fetched == [1, 4]
